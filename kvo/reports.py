"""The certification report of an area, composed from the apps (DESIGN.md section 4): the
certificate, the partners, the cycle checklist, the measures matrix, and the figures of a quarter
against the quarter before and the same quarter of the baseline year.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from bans.models import COLLECTIVE_KINDS, Claim, ClaimStatus, Measure, MeasureKind
from incidents.models import Incident, IncidentType, PoliceReport
from kvo.lib.dates import add_months
from merchants import dossier
from merchants.models import DossierItemKind, PartnerType


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
    the incidents of one area in one quarter: three queries."""
    since, until = _bounds(quarter)
    counts = Incident.objects.filter(
        area=area, occurred_at__gte=since, occurred_at__lt=until
    ).aggregate(
        total=Count("pk"),
        filed=Count("pk", filter=Q(police_report=PoliceReport.YES)),
        **{f"kind_{kind}": Count("pk", filter=Q(kind=kind)) for kind in IncidentType.values},
    )
    measures = Measure.objects.filter(
        incident__area=area, decided_at__gte=since, decided_at__lt=until
    ).aggregate(
        collective=Count("pk", filter=Q(kind__in=COLLECTIVE_KINDS)),
        red=Count("pk", filter=Q(kind__in=(MeasureKind.RED, MeasureKind.EXTENSION))),
    )
    claims = (
        Claim.objects.filter(
            incident__area=area, sent_on__gte=quarter.start, sent_on__lte=quarter.end
        )
        .exclude(status=ClaimStatus.CANCELLED)
        .aggregate(count=Count("pk"), claimed=Sum("total"), paid=Sum("paid"))
    )
    claimed = claims["claimed"] or 0
    return {
        "quarter": quarter,
        "total": counts["total"],
        "per_kind": {kind: counts[f"kind_{kind}"] for kind in IncidentType.values},
        "reporting_rate": counts["filed"] / counts["total"] if counts["total"] else None,
        "measures": measures["collective"],
        "red_cards": measures["red"],
        "claims": claims["count"],
        "claimed": claimed,
        "recovery_rate": (claims["paid"] or 0) / claimed if claimed else None,
    }


def baseline_year(area, today) -> int:
    """The year before the area's first certificate; without one, three years back."""
    first = area.certificates.order_by("issued_on").first()
    return (first.issued_on.year - 1) if first else today.year - 3


def area_report(area, *, quarter=None, today=None) -> dict:
    today = today or timezone.localdate()
    quarter = quarter or Quarter.last_complete(today)
    baseline = baseline_year(area, today)
    now, before, base = (
        quarter_figures(area, quarter),
        quarter_figures(area, quarter.previous()),
        quarter_figures(area, quarter.in_year(baseline)),
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
    meetings = area.dossier_items.filter(kind=DossierItemKind.MEETING, held_on__year=quarter.year)
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
        "meetings": meetings.count(),
        "meetings_year": quarter.year,
        "matrix": list(area.matrix_items.select_related("meeting")),
    }


def _change(value, previous):
    if value is None or previous in (None, 0):
        return None
    return (value - previous) / previous


def report_context(area, quarter, today=None) -> dict:
    """Everything the HTML page and the PDF show: the figures and the charts."""
    from kvo.lib.charts import Series, bar_chart

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
    months_chart = _months_chart(area, report["today"])
    overview = dossier.overview(area.partnership, report["today"])
    return {**report, "chart": chart, "months_chart": months_chart, "overview": overview}


def _months_chart(area, today):
    """Reports per month in the area over the last 24 months (the dashboard's chart)."""
    from django.db.models.functions import TruncMonth
    from django.utils.formats import date_format

    from kvo.lib.charts import Series, line_chart

    first = add_months(today.replace(day=1), -23)
    since = datetime.combine(first, time.min, tzinfo=timezone.get_current_timezone())
    rows = (
        Incident.objects.filter(area=area, occurred_at__gte=since)
        .annotate(month=TruncMonth("occurred_at"))
        .values("month")
        .annotate(total=Count("pk"))
    )
    counts = {
        (r["month"].date() if hasattr(r["month"], "date") else r["month"]): r["total"] for r in rows
    }
    months = [add_months(first, i) for i in range(24)]
    return line_chart(
        [date_format(m, "M Y") for m in months],
        [Series(_("Reports"), [counts.get(m, 0) for m in months])],
        title=_("Reports per month in %(area)s") % {"area": area.name},
        x_title=_("Month"),
        decimals=0,
    )
