"""The certification report's figures, from data built here, against the quarter before and the
baseline year; the PDF made in the background and read back."""

import io
from datetime import date, datetime
from pathlib import Path

from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from certification import services as dossier
from incidents.models import Incident
from kvo import reports
from tests.incidents.factories import report

AMS = timezone.get_default_timezone()


def on(world, day, count, **fields):
    for _ in range(count):
        incident = report(world.users["participant"], world.shop, **fields)
        moment = datetime(day.year, day.month, day.day, 12, tzinfo=AMS)
        Incident.objects.filter(pk=incident.pk).update(occurred_at=moment)


def test_quarters():
    q = reports.Quarter.containing(date(2026, 11, 26))
    assert (str(q), q.start, q.end) == ("Q4 2026", date(2026, 10, 1), date(2026, 12, 31))
    assert str(reports.Quarter.last_complete(date(2026, 1, 5))) == "Q4 2025"
    assert str(reports.Quarter(2026, 1).previous()) == "Q4 2025"


def test_figures_against_the_quarter_before_and_the_baseline(world):
    dossier.add_certificate(
        world.binnenstad,
        actor=world.users["coordinator"],
        stars=2,
        issued_on=date(2024, 5, 1),
        certifying_body="Kiwa NCP",
    )
    on(world, date(2026, 8, 10), 4)  # Q3 2026: shoplifting with aangifte
    on(world, date(2026, 9, 1), 1, kind="vandalism", police_report="no")
    on(world, date(2026, 5, 2), 2)  # Q2 2026
    on(world, date(2023, 8, 1), 10)  # Q3 2023: the baseline (the year before the certificate)
    result = reports.area_report(
        world.binnenstad, quarter=reports.Quarter(2026, 3), today=date(2026, 11, 26)
    )
    rows = {row["label"]: row for row in result["rows"]}
    assert (rows["Meldingen"]["now"], rows["Meldingen"]["before"], rows["Meldingen"]["base"]) == (
        5,
        2,
        10,
    )
    assert rows["Meldingen"]["change"] == 1.5  # 5 against 2
    assert rows["Winkeldiefstal"]["now"] == 4
    assert rows["Aandeel met aangifte"]["now"] == 0.8
    assert str(result["baseline"]) == "Q3 2023"
    assert result["certificate"].stars == 2


def test_the_pdf_is_made_in_the_background_and_reads_back(
    client_as, world, django_capture_on_commit_callbacks
):
    on(world, date(2026, 8, 10), 3)
    client = client_as("coordinator")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("reports:area_pdf", args=[world.binnenstad.pk]), {"quarter": "2026-3"}
        )
    page = client.get(response["Location"]).content.decode()
    assert "PDF downloaden" in page
    assert "Binnenstad · Q3 2026" in page and "2026-3" not in page  # the page speaks as the PDF
    from kvo.models import ReportJob

    job = ReportJob.objects.get()
    assert job.state == "done" and job.progress == 100
    with default_storage.open(job.pdf.name, "rb") as handle:
        pdf = handle.read()
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    artifacts = Path(__file__).resolve().parents[2] / "test-artifacts" / "reports"
    artifacts.mkdir(parents=True, exist_ok=True)
    (artifacts / "area-report.pdf").write_bytes(pdf)  # rendered to PNG and looked at by hand
    assert "Binnenstad" in text and "Q3 2026" in text and "Q2 2026" in text


def test_a_nonsense_quarter_falls_back_and_another_partnership_is_404(client_as, world):
    client = client_as("coordinator")
    assert (
        client.get(
            reverse("reports:area", args=[world.binnenstad.pk]) + "?quarter=9999-7"
        ).status_code
        == 200
    )
    assert (
        client_as("other_coordinator")
        .get(reverse("reports:area", args=[world.binnenstad.pk]))
        .status_code
        == 404
    )


def test_the_months_chart_ends_with_the_reports_quarter(world):
    """A report over Q3 2026 made on 26 November shows October 2024 to September 2026: the
    months after its quarter are not its business, and November (in progress) would look like a
    drop."""
    on(world, date(2026, 9, 30), 3)
    on(world, date(2026, 10, 5), 7)  # after the quarter: on no row
    on(world, date(2024, 10, 1), 2)
    on(world, date(2024, 9, 30), 5)  # before the 24 months: on no row
    context = reports.report_context(
        world.binnenstad, reports.Quarter(2026, 3), today=date(2026, 11, 26)
    )
    months = context["months_chart"].table[1:]
    assert len(months) == 24
    assert (months[0][0], months[0][1]) == ("okt 2024", "2")
    assert (months[-1][0], months[-1][1]) == ("sep 2026", "3")
    assert sum(int(row[1]) for row in months) == 5


def test_the_pdf_prints_each_figure_once_and_no_tooltips(world):
    """The quarter chart's figures are the figures table's: the PDF says so instead of printing
    them twice; the months chart's figures are printed as a year-by-month grid. Hover tooltips
    stay out of the printed SVG."""
    import base64
    import re

    from django.template.loader import render_to_string

    on(world, date(2026, 8, 10), 3)
    context = reports.report_context(
        world.binnenstad, reports.Quarter(2026, 3), today=date(2026, 11, 26)
    )
    html = render_to_string("reports/area_pdf.html", context)
    assert html.count("chart-table") == 1 and html.count('class="chart-table months-grid"') == 1
    assert "De cijfers van deze grafiek staan in de tabel hierboven." in html
    grid = context["months_grid"]
    assert grid["months"][:3] == ["Jan", "Feb", "Mrt"]
    assert [year for year, _cells in grid["rows"]] == [2024, 2025, 2026]
    assert grid["rows"][0][1][:9] == [""] * 9  # October 2024 is the first month
    assert grid["rows"][2][1][7:] == ["3", "0", "", "", ""]  # Aug, Sep 2026; the window ends
    svgs = [base64.b64decode(data).decode() for data in re.findall(r"base64,([^\"]+)", html)]
    assert len(svgs) == 2
    for svg in svgs:
        assert svg.count("<title") == 1 and '<title id="' in svg
    assert "<title>" in context["chart"].svg  # the web page keeps them
