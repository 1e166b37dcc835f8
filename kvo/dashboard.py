"""The officer's dashboard, composed from the apps' query functions (DESIGN.md section 4): every
figure is an aggregate computed in the database, so the number of queries does not grow with the
number of incidents.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _

from bans import identity, objections
from bans.models import Measure, MeasureKind
from claims.models import Claim, ClaimStatus
from incidents import statistics
from incidents.models import Incident, IncidentType
from incidents.workflow import OPEN_STATUSES, Status
from plumbing.dates import add_months

TARGET_CONTACT_DAYS = 2
AGE_BUCKETS = ((0, 2), (3, 7), (8, 30), (31, None))  # days since the report


@dataclass(frozen=True)
class Period:
    start: date  # first day, included
    end: date  # last day, included
    area: object = None

    @property
    def since(self):
        return timezone.make_aware(datetime.combine(self.start, time.min))

    @property
    def until(self):
        return timezone.make_aware(datetime.combine(self.end + timedelta(days=1), time.min))

    def months(self) -> list[date]:
        first = self.start.replace(day=1)
        months = []
        while first <= self.end:
            months.append(first)
            first = add_months(first, 1)
        return months


def default_period(today) -> Period:
    """The last 24 whole months, as the certification report counts them: the month in progress
    would be drawn as a sudden drop, and the twelve-month trend needs 24 whole months."""
    this_month = today.replace(day=1)
    return Period(start=add_months(this_month, -24), end=this_month - timedelta(days=1))


def _incidents(partnership, period):
    incidents = Incident.objects.filter(
        partnership=partnership, occurred_at__gte=period.since, occurred_at__lt=period.until
    )
    if period.area is not None:
        incidents = incidents.filter(area=period.area)
    return incidents


def per_month(partnership, period) -> dict:
    """Incidents and police reports per month: one query."""
    rows = (
        _incidents(partnership, period)
        .annotate(month=TruncMonth("occurred_at"))
        .values("month")
        .annotate(
            total=Count("pk"),
            thefts=Count("pk", filter=Q(kind__in=statistics.THEFT_TYPES)),
            filed=Count("pk", filter=Q(police_report="yes")),
        )
        .order_by("month")
    )
    by_month = {
        (r["month"].date() if hasattr(r["month"], "date") else r["month"]).replace(day=1): r
        for r in rows
    }
    return {month: by_month.get(month) for month in period.months()}


def trend(counts: list[int]) -> float | None:
    """The last twelve months against the twelve before, as a fraction (+0.12 = 12% more)."""
    if len(counts) < 24:
        return None
    recent, before = sum(counts[-12:]), sum(counts[-24:-12])
    return (recent - before) / before if before else None


def thefts_per_area(partnership, period) -> list[dict]:
    return list(
        _incidents(partnership, period)
        .filter(kind__in=statistics.THEFT_TYPES)
        .values("area", "area__name")
        .annotate(count=Count("pk"))
        .order_by("-count", "area__name")
    )


def open_by_age(partnership, period, now) -> list[dict]:
    """Open cases counted per age bucket: one query."""
    open_cases = Incident.objects.filter(partnership=partnership, status__in=OPEN_STATUSES)
    if period.area is not None:
        open_cases = open_cases.filter(area=period.area)
    buckets = {}
    for low, high in AGE_BUCKETS:
        condition = Q(created_at__lte=now - timedelta(days=low))
        if high is not None:
            condition &= Q(created_at__gt=now - timedelta(days=high + 1))
        buckets[f"b{low}"] = Count("pk", filter=condition)
    counts = open_cases.aggregate(**buckets)
    return [{"low": low, "high": high, "count": counts[f"b{low}"]} for low, high in AGE_BUCKETS]


def register_figures(partnership, today, area=None) -> dict:
    """Cards in force and sightings waiting (of the area's cases when one is chosen): two
    queries."""
    measures = Measure.objects.filter(partnership=partnership)
    if area is not None:
        measures = measures.filter(incident__area=area)
    cards = measures.in_force_on(today).aggregate(
        yellow=Count("pk", filter=Q(kind=MeasureKind.YELLOW)),
        red=Count("pk", filter=Q(kind__in=(MeasureKind.RED, MeasureKind.EXTENSION))),
    )
    sightings = Incident.objects.filter(
        partnership=partnership,
        kind=IncidentType.BAN_VIOLATION,
        status=Status.REPORTED,
        first_contact_at__isnull=True,
    )
    if area is not None:
        sightings = sightings.filter(area=area)
    return {**cards, "sightings": sightings.count()}


def claim_figures(partnership, area=None) -> dict:
    """Outstanding claims and the recovery rate over every claim sent: one query."""
    open_ = Q(
        status__in=(
            ClaimStatus.SENT,
            ClaimStatus.PARTIALLY_PAID,
            ClaimStatus.REMINDED,
            ClaimStatus.COLLECTION,
        )
    )
    sent = ~Q(status__in=(ClaimStatus.DRAFT, ClaimStatus.CANCELLED))
    claims = Claim.objects.filter(partnership=partnership)
    if area is not None:
        claims = claims.filter(incident__area=area)
    sums = claims.aggregate(
        open_count=Count("pk", filter=open_),
        open_total=Sum("total", filter=open_),
        open_paid=Sum("paid", filter=open_),
        claimed=Sum("total", filter=sent),
        recovered=Sum("paid", filter=sent),
    )
    claimed = sums["claimed"] or 0
    return {
        "open": sums["open_count"],
        "outstanding": (sums["open_total"] or 0) - (sums["open_paid"] or 0),
        "recovery_rate": (sums["recovered"] or 0) / claimed if claimed else None,
    }


def figures(partnership, period, *, now=None) -> dict:
    now = now or timezone.now()
    months = per_month(partnership, period)
    totals = [row["total"] if row else 0 for row in months.values()]
    rates = [
        (row["filed"] / row["total"] * 100) if row and row["total"] else None
        for row in months.values()
    ]
    median = statistics.median_time_to_first_contact(
        partnership,
        since=period.since,
        until=period.until,
        areas=[period.area] if period.area is not None else None,
    )
    # The trend compares complete months: the current month is only partly over.
    complete = totals[:-1] if period.end >= timezone.localdate(now).replace(day=1) else totals
    return {
        "months": list(months),
        "totals": totals,
        "thefts": [row["thefts"] if row else 0 for row in months.values()],
        "rates": rates,
        "trend": trend(complete),
        "per_area": thefts_per_area(partnership, period),
        "median_contact_days": median.total_seconds() / 86400 if median is not None else None,
        "target_days": TARGET_CONTACT_DAYS,
        "open_by_age": open_by_age(partnership, period, now),
        "register": register_figures(partnership, timezone.localdate(now), period.area),
        "claims": claim_figures(partnership, period.area),
        "identity_requests": identity.figures(partnership),
        "objections": objections.figures(partnership, timezone.localdate(now)),
        "label": _("%(start)s to %(end)s") % {"start": period.start, "end": period.end},
    }


# --- Charts and the lists behind the figures ---------------------------------------------------


def _month_label(month):
    from django.utils.formats import date_format

    return date_format(month, "N Y")


def charts_for(numbers, period) -> dict:
    from plumbing.charts import Series, bar_chart, line_chart

    labels = [_month_label(m) for m in numbers["months"]]
    # A period chosen up to today ends in a month that is not over: say so on its label.
    if labels and period.end < add_months(numbers["months"][-1], 1) - timedelta(days=1):
        labels[-1] = _("%(month)s (so far)") % {"month": labels[-1]}
    incidents = line_chart(
        labels,
        [
            Series(_("All reports"), numbers["totals"]),
            Series(_("Theft and attempted theft"), numbers["thefts"]),
        ],
        title=_("Reports per month"),
        x_title=_("Month"),
        decimals=0,
    )
    rate = line_chart(
        labels,
        [Series(_("Reports with a police report"), numbers["rates"])],
        title=_("Share of reports with a police report (aangifte)"),
        unit="%",
        x_title=_("Month"),
        decimals=0,
    )
    per_area = bar_chart(
        [row["area__name"] for row in numbers["per_area"]],
        [Series(_("Thefts"), [row["count"] for row in numbers["per_area"]])],
        title=_("Thefts per area"),
        horizontal=True,
        x_title=_("Area"),
        decimals=0,
    )
    return {"incidents_chart": incidents, "rate_chart": rate, "area_chart": per_area}


def queue_link(period, **filters) -> str:
    """The officer's queue filtered to the cases behind a figure."""
    from django.urls import reverse
    from django.utils.http import urlencode

    query = {"status": "all", "since": period.start, "until": period.end, **filters}
    if period.area is not None:
        query["area"] = period.area.pk
    return (
        reverse("incidents:queue")
        + "?"
        + urlencode({k: v for k, v in query.items() if v not in (None, "")})
    )


def month_rows(numbers, period) -> list[dict]:
    rows = []
    for month, total, thefts, rate in zip(
        numbers["months"], numbers["totals"], numbers["thefts"], numbers["rates"], strict=True
    ):
        last = add_months(month, 1) - timedelta(days=1)
        inside = Period(max(month, period.start), min(last, period.end), period.area)
        rows.append(
            {
                "label": _month_label(month),
                "total": total,
                "thefts": thefts,
                "rate": rate,
                "link": queue_link(inside),
                "thefts_link": queue_link(inside, kind="thefts"),
            }
        )
    return rows


def open_cases_link(period, **filters) -> str:
    """The queue's default list: every open case (of the area), whenever it happened."""
    from django.urls import reverse
    from django.utils.http import urlencode

    if period.area is not None:
        filters["area"] = period.area.pk
    return reverse("incidents:queue") + ("?" + urlencode(filters) if filters else "")
