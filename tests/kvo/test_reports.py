"""The certification report's figures, from data built here, against the quarter before and the
baseline year; the PDF made in the background and read back."""

import io
from datetime import date, datetime
from pathlib import Path

from django.core.files.storage import default_storage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
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
    # 5 against 2: a difference, not "+150%" (see the tests of MIN_BASE_FOR_PERCENT below)
    assert rows["Meldingen"]["change"] == {"difference": 3, "percent": None}
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
    download = client.get(reverse("reports:job_pdf", args=[job.pk]))
    assert "certificering-Binnenstad-Q3-2026.pdf" in download["Content-Disposition"]
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


# --- the review of the printed report: baseline, small bases, no data, the first page ---------


def certified(world, day):
    return dossier.add_certificate(
        world.binnenstad,
        actor=world.users["coordinator"],
        stars=5,
        issued_on=day,
        certifying_body="Kiwa NCP",
    )


def test_the_baseline_is_never_a_year_before_the_figures_begin(world):
    """A first certificate of 2013 would put the baseline in 2012, years before the platform
    held any report: the baseline is the first year with figures then."""
    certified(world, date(2013, 6, 1))
    on(world, date(2025, 1, 15), 2)
    assert reports.data_starts(world.binnenstad)["incidents"] == date(2025, 1, 1)
    assert reports.baseline_year(world.binnenstad, date(2025, 1, 1)) == 2025
    assert reports.baseline_year(world.colmschate, date(2025, 1, 1)) == 2025  # no certificate
    assert reports.baseline_year(world.binnenstad, None) is None
    result = reports.area_report(
        world.binnenstad, quarter=reports.Quarter(2026, 3), today=date(2026, 11, 26)
    )
    assert str(result["baseline"]) == "Q3 2025"
    # A certificate after the figures began keeps the scheme's year before it.
    certified(world, date(2027, 2, 1))
    assert reports.baseline_year(world.binnenstad, date(2025, 1, 1)) == 2025
    world.binnenstad.certificates.filter(issued_on__year=2013).delete()
    assert reports.baseline_year(world.binnenstad, date(2024, 1, 1)) == 2026


def test_a_quarter_without_figures_is_no_data_not_zero(world):
    """The figures begin in October 2025: the baseline Q3 2025 is not known, and the table says
    so instead of a column of zeros; from October on, a quiet month is a 0."""
    on(world, date(2025, 10, 20), 1)
    on(world, date(2026, 8, 10), 4)
    result = reports.area_report(
        world.binnenstad, quarter=reports.Quarter(2026, 3), today=date(2026, 11, 26)
    )
    reports_row = next(row for row in result["rows"] if row["label"] == "Meldingen")
    assert (reports_row["now"], reports_row["before"], reports_row["base"]) == (4, 0, None)
    assert [cell["missing"] for cell in reports_row["cells"]] == [False, False, False, True]
    assert result["no_data"] and str(result["baseline"]) == "Q3 2025"
    context = reports.report_context(
        world.binnenstad, reports.Quarter(2026, 3), today=date(2026, 11, 26)
    )
    html = " ".join(render_to_string("reports/area_pdf.html", context).split())
    assert (
        '<th scope="row">Meldingen</th> <td class="number">4</td><td class="number">0</td>'
        '<td class="number">+4</td><td class="number">Geen gegevens</td>'
    ) in html
    # In the chart a value that is not known is named "no data" rather than drawn as a zero:
    # the baseline of the reports, and the measures and claims (never used here) throughout.
    counted = [row for row in result["rows"] if row["kind"] == "count"]
    unknown = sum(cell["missing"] for row in counted for cell in row["cells"])
    assert unknown == 2 + 3 + 3
    assert context["chart"].svg.count("Geen gegevens") == unknown


def test_a_quarter_the_figures_begin_in_is_partial(world):
    on(world, date(2025, 8, 5), 3)
    result = reports.area_report(
        world.binnenstad, quarter=reports.Quarter(2026, 3), today=date(2026, 11, 26)
    )
    assert [str(quarter) for quarter in result["partial"]] == ["Q3 2025"]
    assert result["rows"][0]["base"] == 3


def test_the_register_and_the_claims_count_from_their_first_use(world):
    """Measures decided in a quarter before the partnership decided any on the platform are not
    known; without any claim ever sent, the claims' figures are not known at all."""
    from tests.bans.factories import MeasureFactory, PersonFactory

    on(world, date(2025, 2, 1), 1)
    on(world, date(2026, 8, 1), 1)
    incident = Incident.objects.filter(area=world.binnenstad).latest("occurred_at")
    MeasureFactory(
        person=PersonFactory(partnership=world.deventer),
        incident=incident,
        decided_at=datetime(2026, 5, 12, 10, tzinfo=AMS),
    )
    starts = reports.data_starts(world.binnenstad)
    assert starts == {"incidents": date(2025, 2, 1), "measures": date(2026, 5, 1), "claims": None}
    rows = {
        row["label"]: row
        for row in reports.area_report(
            world.binnenstad, quarter=reports.Quarter(2026, 3), today=date(2026, 11, 26)
        )["rows"]
    }
    measures = rows["Collectieve maatregelen genomen"]
    assert [cell["missing"] for cell in measures["cells"]] == [False, False, False, True]
    assert [cell["missing"] for cell in rows["Verstuurde schadeclaims"]["cells"]] == [
        True,
        True,
        False,  # the change column: no change between unknowns, and no "no data" either
        True,
    ]
    assert rows["Verstuurde schadeclaims"]["change"] is None


def test_a_change_against_a_small_figure_is_a_difference_not_a_percentage(world):
    """1 to 10 is "+9", not "+900%"; from MIN_BASE_FOR_PERCENT on a change is in percent."""
    assert reports._change(10, 1) == {"difference": 9, "percent": None}
    assert reports._change(0, 0) == {"difference": 0, "percent": None}
    assert reports._change(15, 10) == {"difference": 5, "percent": 0.5}
    assert reports._change(5, None) is None
    assert reports.MIN_BASE_FOR_PERCENT == 10
    on(world, date(2026, 5, 2), 1)  # Q2 2026
    on(world, date(2026, 8, 10), 10)  # Q3 2026
    context = reports.report_context(
        world.binnenstad, reports.Quarter(2026, 3), today=date(2026, 11, 26)
    )
    html = render_to_string("reports/area_pdf.html", context)
    assert "900%" not in html
    assert '<td class="number">+9</td>' in html


def test_months_before_the_figures_begin_are_gaps_not_zeros(world):
    """The months chart of a report over Q3 2026 runs from October 2024; the figures begin in
    January 2025. October to December 2024 are unknown: no point, a hatched band named "no
    data" and a dash in the table. A quiet month after that is a 0."""
    on(world, date(2025, 1, 10), 2)
    on(world, date(2026, 9, 3), 1)
    context = reports.report_context(
        world.binnenstad, reports.Quarter(2026, 3), today=date(2026, 11, 26)
    )
    months = context["months_chart"].table[1:]
    assert [cell for _label, cell in months[:4]] == ["–", "–", "–", "2"]
    assert months[4][1] == "0"  # February 2025: reporting was on, nothing was reported
    svg = context["months_chart"].svg
    assert svg.count('class="chart-gap"') == 1 and "Geen gegevens" in svg
    assert svg.count("<circle") == 21 + 1  # a point per known month, and the legend's
    assert context["months_grid"]["rows"][0][1][9:] == ["–", "–", "–"]


def pdf_pages(context) -> list[str]:
    """The report rendered by WeasyPrint (which raises on any error it logs), as text per
    page; the PDF is kept under test-artifacts/reports/ to be looked at."""
    from plumbing.pdf import render_pdf

    pdf = render_pdf("reports/area_pdf.html", context)
    artifacts = Path(__file__).resolve().parents[2] / "test-artifacts" / "reports"
    artifacts.mkdir(parents=True, exist_ok=True)
    (artifacts / "area-report-no-data.pdf").write_bytes(pdf)
    return [" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages]


def test_the_printed_report_is_this_areas_with_no_data_where_there_is_none(world):
    """The review's report: a first certificate of 2013, figures since October 2025, one report
    in Q2 2026 and ten in Q3 2026, and another area in the partnership."""
    certified(world, date(2013, 6, 1))
    on(world, date(2025, 10, 20), 1)
    on(world, date(2026, 5, 2), 1)
    on(world, date(2026, 8, 10), 10)
    with translation.override("nl"):
        context = reports.report_context(
            world.binnenstad, reports.Quarter(2026, 3), today=date(2026, 11, 26)
        )
    pages = pdf_pages(context)
    text = " ".join(pages)
    # Long names take two lines on the chart instead of being cut ("Collectieve maatregelen…").
    assert "…" not in context["chart"].svg and ">genomen</text>" in context["chart"].svg

    assert "2012" not in text
    assert "Nulmeting Q3 2025" in text and "Geen gegevens" in text
    assert "900%" not in text and "+9" in text
    first = pages[0]
    assert "Certificeringsrapport Binnenstad" in first and "Q3 2026" in first
    assert "Meldingen 10 1 +9 Geen gegevens" in first  # the key figures, on the first page
    assert world.colmschate.name not in text  # the partnership's other areas: not in this PDF


def test_the_page_keeps_the_partnerships_areas_for_the_coordinator(client_as, world):
    """The page still shows the other areas' certificates (the coordinator's overview), last
    and not printed; the PDF, which is this area's report, leaves them out."""
    page = client_as("coordinator").get(reverse("reports:area", args=[world.binnenstad.pk]))
    text = page.content.decode()
    assert world.colmschate.name in text
    assert (
        text.index('id="r-summary"') < text.index('id="r-figures"') < text.index('id="r-overview"')
    )
    assert '<section class="no-print" aria-labelledby="r-overview">' in text
