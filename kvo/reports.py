"""The certification report of an area, composed from the apps (DESIGN.md section 4): the
certificate, the partners, the cycle checklist, the measures matrix, and the figures of a quarter
against the quarter before and the same quarter of the baseline year.
"""

import functools
import operator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Case, Count, IntegerField, OuterRef, Q, Subquery, Sum, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from bans.models import COLLECTIVE_KINDS, Measure, MeasureKind
from certification import services as dossier
from certification.models import DossierItemKind, PartnerType
from claims.models import Claim, ClaimStatus
from incidents.models import Incident, IncidentType, PoliceReport
from merchants.models import Partnership
from plumbing.dates import add_months


@dataclass(frozen=True)
class Quarter:
    year: int
    number: int  # 1..4

    @classmethod
    def containing(cls, day) -> "Quarter":
        return cls(day.year, (day.month - 1) // 3 + 1)

    @classmethod
    def last_complete(cls, today) -> "Quarter":
        return cls.containing(today).previous()

    @property
    def start(self) -> date:
        return date(self.year, 3 * (self.number - 1) + 1, 1)

    @property
    def end(self) -> date:
        return add_months(self.start, 3) - timedelta(days=1)

    def previous(self) -> "Quarter":
        return (
            Quarter(self.year - 1, 4) if self.number == 1 else Quarter(self.year, self.number - 1)
        )

    def in_year(self, year) -> "Quarter":
        return Quarter(year, self.number)

    def __str__(self):
        return f"Q{self.number} {self.year}"


def _bounds(quarter):
    zone = timezone.get_current_timezone()
    return (
        datetime.combine(quarter.start, time.min, tzinfo=zone),
        datetime.combine(quarter.end + timedelta(days=1), time.min, tzinfo=zone),
    )


def quarter_figures(area, quarter) -> dict:
    """Incidents per type, the reporting rate, measures decided, claims sent and recovered, for
    the incidents of one area in one quarter: three queries (see `quarters_figures`)."""
    return quarters_figures(area, [quarter])[0]


def quarters_figures(area, quarters) -> list[dict]:
    """`quarter_figures` of several quarters, in the same three queries: each table's rows of
    any of the quarters, counted per quarter (a CASE numbering the quarter each row falls in)
    and per kind."""
    distinct = list(dict.fromkeys(quarters))  # quarters never overlap, but may repeat
    bounds = [_bounds(quarter) for quarter in distinct]

    def per_quarter(field, *, dates=False):
        """(a filter for rows in any of the quarters, the quarter number of a row)."""
        ranges = [
            (quarter.start, quarter.end + timedelta(days=1)) if dates else bound
            for quarter, bound in zip(distinct, bounds, strict=True)
        ]
        conditions = [Q(**{f"{field}__gte": start, f"{field}__lt": end}) for start, end in ranges]
        number = Case(
            *(When(condition, then=Value(i)) for i, condition in enumerate(conditions)),
            output_field=IntegerField(),
        )
        return functools.reduce(operator.or_, conditions), number

    in_any, number = per_quarter("occurred_at")
    incidents = (
        Incident.objects.filter(in_any, area=area)
        .annotate(in_quarter=number)
        .values_list("in_quarter", "kind", "police_report")
        .annotate(count=Count("pk"))
        .order_by()
    )
    in_any, number = per_quarter("decided_at")
    measures = (
        Measure.objects.filter(in_any, incident__area=area)
        .annotate(in_quarter=number)
        .values_list("in_quarter", "kind")
        .annotate(count=Count("pk"))
        .order_by()
    )
    in_any, number = per_quarter("sent_on", dates=True)
    claims = (
        Claim.objects.filter(in_any, incident__area=area)
        .exclude(status=ClaimStatus.CANCELLED)
        .annotate(in_quarter=number)
        .values_list("in_quarter")
        .annotate(count=Count("pk"), claimed=Sum("total"), paid=Sum("paid"))
        .order_by()
    )

    figures = [
        {
            "quarter": quarter,
            "total": 0,
            "filed": 0,
            "per_kind": dict.fromkeys(IncidentType.values, 0),
            "measures": 0,
            "red_cards": 0,
            "claims": 0,
            "claimed": 0,
            "paid": 0,
        }
        for quarter in distinct
    ]
    for index, kind, police_report, count in incidents:
        figure = figures[index]
        figure["total"] += count
        figure["filed"] += count if police_report == PoliceReport.YES else 0
        if kind in figure["per_kind"]:
            figure["per_kind"][kind] += count
    for index, kind, count in measures:
        figures[index]["measures"] += count if kind in COLLECTIVE_KINDS else 0
        red = kind in (MeasureKind.RED, MeasureKind.EXTENSION)
        figures[index]["red_cards"] += count if red else 0
    for index, count, claimed, paid in claims:
        figures[index].update(claims=count, claimed=claimed or 0, paid=paid or 0)
    for figure in figures:
        total, filed = figure["total"], figure.pop("filed")
        claimed, paid = figure["claimed"], figure.pop("paid")
        figure["reporting_rate"] = filed / total if total else None
        figure["recovery_rate"] = paid / claimed if claimed else None
    return [figures[distinct.index(quarter)] for quarter in quarters]


MIN_BASE_FOR_PERCENT = 10
"""The smallest figure a change is given in percent against. Below it one report more or less
moves the percentage by ten points or more, and from 1 to 10 reads "+900%": a change against
fewer than ten is given as a difference ("+9") instead, a count a reader can weigh."""


def data_starts(area) -> dict[str, date | None]:
    """Per kind of figure ("incidents", "measures", "claims"): the first day of the first month
    the platform holds the area's figures of that kind for; None where it holds none. One query.

    Reporting starts for a whole partnership with its first report on the platform, and for an
    area added later, when it was added; reports of the area itself from before that (entered
    afterwards) move the start back. The register and the claims may come into use later: their
    figures start with the partnership's first decided measure and first sent claim (and not
    before the area's reports, which they follow from). From its start on, a month or quarter
    without any is a real 0: the work was done on the platform and nothing came of it. Before
    it the figures are not known: the report says "no data", never 0.
    """

    def first(model, field, **filters):
        rows = model.objects.filter(partnership=OuterRef("pk"), **filters).exclude(
            **{f"{field}__isnull": True}
        )
        return Subquery(rows.order_by(field).values(field)[:1])

    row = (
        Partnership.objects.filter(pk=area.partnership_id)
        .values(
            incident=first(Incident, "occurred_at"),
            area_incident=first(Incident, "occurred_at", area=area),
            measure=first(Measure, "decided_at"),
            claim=first(Claim, "sent_on"),
        )
        .get()
    )
    if row["incident"] is None:
        return dict.fromkeys(("incidents", "measures", "claims"))
    start = max(row["incident"], area.created_at)
    if row["area_incident"] is not None:
        start = min(start, row["area_incident"])
    incidents = _month(start)
    return {
        "incidents": incidents,
        "measures": max(incidents, _month(row["measure"])) if row["measure"] else None,
        "claims": max(incidents, _month(row["claim"])) if row["claim"] else None,
    }


def _month(moment) -> date:
    """The first day of the (local) month of a time or a day."""
    day = timezone.localtime(moment).date() if isinstance(moment, datetime) else moment
    return day.replace(day=1)


def baseline_year(area, since) -> int | None:
    """The year of the area's baseline (nulmeting): the year before its first certificate, as
    the scheme measures before it certifies, but never a year before the platform's reports for
    the area begin (``since``, see `data_starts`): a baseline from before then would be a column
    of unknowns. Without a certificate, the first year with figures; None without any."""
    if since is None:
        return None
    first = area.certificates.order_by("issued_on").first()
    return max(first.issued_on.year - 1, since.year) if first else since.year


def _known(quarter, since) -> bool:
    """Whether the platform holds figures for (part of) ``quarter``."""
    return since is not None and since <= quarter.end


def area_report(area, *, quarter=None, today=None) -> dict:
    """The report's figures: the quarter, the quarter before and the baseline quarter. A quarter
    before the area's figures of a kind begin (`data_starts`) has none of that kind: its cells
    say so and have no change; a quarter they begin in after its first month is listed as
    partial (its figures cover a month or two)."""
    today = today or timezone.localdate()
    quarter = quarter or Quarter.last_complete(today)
    starts = data_starts(area)
    year = baseline_year(area, starts["incidents"])
    baseline = quarter.in_year(year) if year is not None else None
    shown = [quarter, quarter.previous(), baseline or quarter]
    figures = quarters_figures(area, shown)

    def row(label, key, source, kind="count", *, per_kind=False):
        missing = [
            not _known(one, starts[source]) or (i == 2 and baseline is None)
            for i, one in enumerate(shown)
        ]
        values = [
            None if gone else (figure["per_kind"][key] if per_kind else figure[key])
            for figure, gone in zip(figures, missing, strict=True)
        ]
        return _row(label, values, missing, kind)

    rows = [
        row(_("Reports"), "total", "incidents"),
        *(
            row(str(IncidentType(kind).label), kind, "incidents", per_kind=True)
            for kind in IncidentType.values
            if any(figure["per_kind"][kind] for figure in figures)
        ),
        row(_("Share with a police report"), "reporting_rate", "incidents", "rate"),
        row(_("Collective measures decided"), "measures", "measures"),
        row(_("Civil claims sent"), "claims", "claims"),
        row(_("Recovery rate of those claims"), "recovery_rate", "claims", "rate"),
    ]
    partial = {
        one
        for one in shown
        for start in starts.values()
        if start is not None and one.start < start <= one.end
    }
    # The partners of the report's year (in January the report is over last year's quarter).
    meetings = list(
        area.dossier_items.filter(kind=DossierItemKind.MEETING, held_on__year=quarter.year)
    )
    present = {p for m in meetings for p in m.attendance}
    return {
        "area": area,
        "partnership": area.partnership,
        "today": today,
        "quarter": quarter,
        "previous": quarter.previous(),
        "baseline": baseline,
        "data_since": starts["incidents"],
        "data_starts": starts,
        "no_data": any(cell["missing"] for one in rows for cell in one["cells"]),
        "partial": sorted(partial, key=lambda one: one.start),
        "rows": rows,
        "min_base_for_percent": MIN_BASE_FOR_PERCENT,
        "certificate": dossier.current_certificate(area, today),
        "certificates": list(area.certificates.all()),
        "checklist": dossier.checklist(area, today),
        "partners": [
            {"label": str(PartnerType(p).label), "present": p in present}
            for p in PartnerType.values
        ],
        "meetings": len(meetings),
        "meetings_year": quarter.year,
        "matrix": list(area.safety_measures.select_related("meeting")),
    }


def _row(label, values, missing, kind) -> dict:
    """A row of the figures table: the values of the quarter, the quarter before and the
    baseline (None where not known), and its cells as the table prints them, in the order of
    its columns (quarter, quarter before, change, baseline)."""
    now, before, base = values
    change = _change(now, before) if kind == "count" else None
    cells = [
        {"kind": kind, "value": value, "missing": gone}
        for value, gone in zip(values, missing, strict=True)
    ]
    if change is None:
        change_cell = {"kind": "change", "value": None, "missing": False}
    elif change["percent"] is None:
        change_cell = {"kind": "difference", "value": change["difference"], "missing": False}
    else:
        change_cell = {"kind": "percent", "value": change["percent"], "missing": False}
    return {
        "label": label,
        "kind": kind,
        "now": now,
        "before": before,
        "base": base,
        "change": change,
        "cells": [cells[0], cells[1], change_cell, cells[2]],
    }


def _change(value, previous) -> dict | None:
    """The change from ``previous`` to ``value``: the difference, and in percent only against
    at least `MIN_BASE_FOR_PERCENT`; None where either is not known."""
    if value is None or previous is None:
        return None
    difference = value - previous
    percent = difference / previous if previous >= MIN_BASE_FOR_PERCENT else None
    return {"difference": difference, "percent": percent}


def report_context(area, quarter, today=None, *, pdf=False) -> dict:
    """Everything the PDF shows, and the HTML page with the partnership's overview added: the
    figures and the charts. For the PDF (``pdf``), the quarter chart leaves its values off the
    bars: the table above it prints them, and a printed page cannot show them on hover."""
    from plumbing.charts import Series, bar_chart

    report = area_report(area, quarter=quarter, today=today)
    counted = [row for row in report["rows"] if row["kind"] == "count"]
    series = [
        Series(str(report["previous"]), [row["before"] for row in counted]),
        Series(str(report["quarter"]), [row["now"] for row in counted]),
    ]
    if report["baseline"] is not None:
        label = _("Baseline %(baseline)s") % {"baseline": report["baseline"]}
        series.insert(0, Series(label, [row["base"] for row in counted]))
    chart = bar_chart(
        [row["label"] for row in counted],
        series,
        title=_("%(quarter)s against the quarter before and the baseline")
        % {"quarter": report["quarter"]},
        horizontal=True,
        decimals=0,
        x_title=_("Figure"),
        missing_label=_("No data"),
        value_labels=not pdf,
    )
    # The 24 months up to the end of the report's quarter: a report over Q3 says nothing about
    # the months after it, and the month in progress would show as a drop.
    months, months_chart = _months_chart(
        area, min(report["quarter"].end, report["today"]), report["data_since"]
    )
    return {
        **report,
        "chart": chart,
        "months_chart": months_chart,
        "months_grid": months_grid(months, [row[1] for row in months_chart.table[1:]]),
        "months_missing": any(
            report["data_since"] is None or m < report["data_since"] for m in months
        ),
    }


def months_grid(months, cells) -> dict:
    """The months' figures (``cells``, as the chart's table prints them) as a table of a row per
    year and a column per month, blank outside the window: what a printed report shows instead
    of 24 rows of two cells, which took a page of its own."""
    from django.utils.formats import date_format

    by_month = {(month.year, month.month): cell for month, cell in zip(months, cells, strict=True)}
    return {
        "months": [date_format(date(2000, number, 1), "M") for number in range(1, 13)],
        "rows": [
            (year, [by_month.get((year, number), "") for number in range(1, 13)])
            for year in sorted({month.year for month in months})
        ],
    }


def _months_chart(area, last_day, data_start):
    """The 24 months up to the month of ``last_day`` (first days) and the chart of reports per
    month in the area over them (the dashboard's chart). A month before ``data_start`` (see
    `data_starts`) has no figure: a gap in the line over a hatched band named "no data", and
    a dash in the table; a month from then on without reports is a 0 on the line.

    Counted per month number (a CASE over the month boundaries, which are local midnights
    worked out here) rather than per truncated date: the database need not convert every
    incident's time to its month in the local time zone (on SQLite a Python function per row).
    """
    from django.utils.formats import date_format

    from plumbing.charts import Series, line_chart

    first = add_months(last_day.replace(day=1), -23)
    zone = timezone.get_current_timezone()
    months = [add_months(first, i) for i in range(24)]
    ends = [datetime.combine(add_months(first, i), time.min, tzinfo=zone) for i in range(1, 25)]
    since = datetime.combine(first, time.min, tzinfo=zone)
    month = Case(
        *(When(occurred_at__lt=end, then=Value(i)) for i, end in enumerate(ends)),
        output_field=IntegerField(),
    )
    counts = [0] * len(months)
    rows = (
        Incident.objects.filter(area=area, occurred_at__gte=since, occurred_at__lt=ends[-1])
        .annotate(month=month)
        .values_list("month")
        .annotate(count=Count("pk"))
        .order_by()
    )
    for index, count in rows:
        counts[index] = count
    known = [data_start is not None and month >= data_start for month in months]
    return months, line_chart(
        [date_format(m, "N Y") for m in months],
        [Series(_("Reports"), [c if ok else None for c, ok in zip(counts, known, strict=True)])],
        title=_("Reports per month in %(area)s") % {"area": area.name},
        x_title=_("Month"),
        decimals=0,
        missing_label=_("No data"),
    )
