"""The certification report of an area, composed from the apps (DESIGN.md section 4): the
certificate, the partners, the cycle checklist, the measures matrix, and the figures of a quarter
against the quarter before and the same quarter of the baseline year.
"""

import functools
import operator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Case, Count, IntegerField, Q, Sum, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from bans.models import COLLECTIVE_KINDS, Measure, MeasureKind
from certification import services as dossier
from certification.models import DossierItemKind, PartnerType
from claims.models import Claim, ClaimStatus
from incidents.models import Incident, IncidentType, PoliceReport
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


def baseline_year(area, today) -> int:
    """The year before the area's first certificate; without one, three years back."""
    first = area.certificates.order_by("issued_on").first()
    return (first.issued_on.year - 1) if first else today.year - 3


def area_report(area, *, quarter=None, today=None) -> dict:
    today = today or timezone.localdate()
    quarter = quarter or Quarter.last_complete(today)
    baseline = baseline_year(area, today)
    now, before, base = quarters_figures(
        area, [quarter, quarter.previous(), quarter.in_year(baseline)]
    )
    rows = [
        (_("Reports"), now["total"], before["total"], base["total"], "count"),
        *(
            (
                str(IncidentType(kind).label),
                now["per_kind"][kind],
                before["per_kind"][kind],
                base["per_kind"][kind],
                "count",
            )
            for kind in IncidentType.values
            if now["per_kind"][kind] or before["per_kind"][kind] or base["per_kind"][kind]
        ),
        (
            _("Share with a police report"),
            now["reporting_rate"],
            before["reporting_rate"],
            base["reporting_rate"],
            "rate",
        ),
        (
            _("Collective measures decided"),
            now["measures"],
            before["measures"],
            base["measures"],
            "count",
        ),
        (_("Civil claims sent"), now["claims"], before["claims"], base["claims"], "count"),
        (
            _("Recovery rate of those claims"),
            now["recovery_rate"],
            before["recovery_rate"],
            base["recovery_rate"],
            "rate",
        ),
    ]
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
        "baseline": quarter.in_year(baseline),
        "rows": [
            {
                "label": label,
                "now": value,
                "before": previous,
                "base": basis,
                "kind": kind,
                "change": _change(value, previous),
            }
            for label, value, previous, basis, kind in rows
        ],
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


def _change(value, previous):
    if value is None or previous in (None, 0):
        return None
    return (value - previous) / previous


def report_context(area, quarter, today=None) -> dict:
    """Everything the HTML page and the PDF show: the figures and the charts."""
    from plumbing.charts import Series, bar_chart

    report = area_report(area, quarter=quarter, today=today)
    counted = [row for row in report["rows"] if row["kind"] == "count"]
    chart = bar_chart(
        [row["label"] for row in counted],
        [
            Series(str(report["baseline"]), [row["base"] for row in counted]),
            Series(str(report["previous"]), [row["before"] for row in counted]),
            Series(str(report["quarter"]), [row["now"] for row in counted]),
        ],
        title=_("%(quarter)s against the quarter before and the baseline")
        % {"quarter": report["quarter"]},
        horizontal=True,
        decimals=0,
        x_title=_("Figure"),
    )
    # The 24 months up to the end of the report's quarter: a report over Q3 says nothing about
    # the months after it, and the month in progress would show as a drop.
    months, months_chart = _months_chart(area, min(report["quarter"].end, report["today"]))
    overview = dossier.overview(area.partnership, report["today"])
    return {
        **report,
        "chart": chart,
        "months_chart": months_chart,
        "months_grid": months_grid(months, [row[1] for row in months_chart.table[1:]]),
        "overview": overview,
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


def _months_chart(area, last_day):
    """The 24 months up to the month of ``last_day`` (first days) and the chart of reports per
    month in the area over them (the dashboard's chart).

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
    return months, line_chart(
        [date_format(m, "N Y") for m in months],
        [Series(_("Reports"), counts)],
        title=_("Reports per month in %(area)s") % {"area": area.name},
        x_title=_("Month"),
        decimals=0,
    )
