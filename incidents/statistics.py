"""Statistics over the anonymous facts of incidents, computed in the database.

They read only what the retention job keeps (date, area, type, aangifte, contact times), so they
give the same figures before and after personal data is stripped. The dashboard (issue 7) and the
certification reports build on these.
"""

from datetime import timedelta

from django.db.models import Count, DurationField, ExpressionWrapper, F, Q
from django.db.models.functions import TruncMonth

from incidents.models import Incident, IncidentType, PoliceReport

THEFT_TYPES = (IncidentType.SHOPLIFTING, IncidentType.ATTEMPTED_SHOPLIFTING)


def _scope(partnership, since=None, until=None, areas=None):
    incidents = Incident.objects.filter(partnership=partnership)
    if since:
        incidents = incidents.filter(occurred_at__gte=since)
    if until:
        incidents = incidents.filter(occurred_at__lt=until)
    if areas:
        incidents = incidents.filter(area__in=areas)
    return incidents


def incidents_per_area_per_month(partnership, since=None, until=None, kinds=None):
    """[{"area": id, "area_name": str, "month": date, "count": n}, …], one query."""
    incidents = _scope(partnership, since, until)
    if kinds:
        incidents = incidents.filter(kind__in=kinds)
    rows = (
        incidents.annotate(month=TruncMonth("occurred_at"))
        .values("area", "area__name", "month")
        .annotate(count=Count("pk"))
        .order_by("month", "area__name")
    )
    return [
        {
            "area": row["area"],
            "area_name": row["area__name"],
            "month": row["month"].date() if hasattr(row["month"], "date") else row["month"],
            "count": row["count"],
        }
        for row in rows
    ]


def reporting_rate(partnership, since=None, until=None, by_month=False):
    """Share of incidents with a police report filed (aangifte), 0..1; per month if asked."""
    incidents = _scope(partnership, since, until)
    filed = Count("pk", filter=Q(police_report=PoliceReport.YES))
    if not by_month:
        totals = incidents.aggregate(total=Count("pk"), filed=filed)
        return totals["filed"] / totals["total"] if totals["total"] else None
    rows = (
        incidents.annotate(month=TruncMonth("occurred_at"))
        .values("month")
        .annotate(total=Count("pk"), filed=filed)
        .order_by("month")
    )
    return [
        {
            "month": row["month"].date() if hasattr(row["month"], "date") else row["month"],
            "total": row["total"],
            "filed": row["filed"],
            "rate": row["filed"] / row["total"],
        }
        for row in rows
    ]


def median_time_to_first_contact(
    partnership, since=None, until=None, areas=None
) -> timedelta | None:
    """Median of (first contact - report) over contacted cases, by ordering in SQL and reading
    the middle row(s): the same two or three queries on PostgreSQL and SQLite."""
    delay = ExpressionWrapper(F("first_contact_at") - F("created_at"), output_field=DurationField())
    contacted = (
        _scope(partnership, since, until, areas)
        .filter(first_contact_at__isnull=False)
        .annotate(delay=delay)
        .order_by("delay")
        .values_list("delay", flat=True)
    )
    count = contacted.count()
    if not count:
        return None
    middle = count // 2
    if count % 2:
        return contacted[middle]
    low, high = contacted[middle - 1 : middle + 1]
    return (low + high) / 2
