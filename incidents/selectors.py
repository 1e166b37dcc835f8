"""Read side: the querysets behind the incident pages, with their joins done once."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Case, Count, F, IntegerField, OuterRef, Subquery, When
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.formats import date_format

from incidents.models import Incident, IncidentPhoto, IncidentType, PoliceStage
from incidents.workflow import Status
from plumbing.workdays import working_days_between

# The Deventer model promises personal contact within two working days.
FIRST_CONTACT_TARGET_DAYS = 2


def get_incident_for_user(user, pk) -> Incident:
    """An incident the user may see, else 404: another shop's case leaks nothing."""
    return get_object_or_404(
        Incident.objects.visible_to(user).select_related(
            "shop", "area", "partnership", "reporter", "assigned_to", "duplicate_of"
        ),
        pk=pk,
    )


def queue_for(partnership):
    """New cases first, then the oldest: the officer works from the top."""
    return (
        Incident.objects.filter(partnership=partnership)
        .select_related("shop", "area", "partnership", "assigned_to")
        # A subquery per shown row, not a GROUP BY over every open case before the LIMIT.
        .annotate(photo_count=_photo_count())
        # Sightings of banned people need the officer now; then uncontacted cases, oldest first
        # (explicit NULLS FIRST: PostgreSQL sorts NULLs last by default).
        .annotate(
            urgent=Case(
                When(kind=IncidentType.BAN_VIOLATION, first_contact_at__isnull=True, then=0),
                default=1,
                output_field=IntegerField(),
            )
        )
        .order_by("urgent", F("first_contact_at").asc(nulls_first=True), "created_at", "pk")
    )


def _photo_count():
    photos = (
        IncidentPhoto.objects.filter(incident=OuterRef("pk"))
        .order_by()
        .values("incident")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(photos), 0)


def reports_for_shops(shops):
    return (
        Incident.objects.filter(shop__in=shops)
        .select_related("shop", "partnership")
        .order_by("-created_at", "-pk")
    )


def contact_age(incident, now=None):
    """('late' | 'due' | 'fresh' | 'done', working days) against the first-contact target."""
    now = now or timezone.now()
    if incident.first_contact_at:
        days = working_days_between(incident.created_at, incident.first_contact_at)
        return "done", days
    days = working_days_between(incident.created_at, now)
    if days > FIRST_CONTACT_TARGET_DAYS:
        return "late", days
    if days > FIRST_CONTACT_TARGET_DAYS - 1:
        return "due", days
    return "fresh", days


def is_open(incident):
    return incident.status != Status.CLOSED


@dataclass(frozen=True)
class TimelineEntry:
    """One line of a case's timeline: a status change or a step of the report to the police."""

    created_at: datetime
    title: str
    detail: str
    note: str
    actor: object
    police: bool


def timeline(incident) -> list[TimelineEntry]:
    """Status changes and police steps in the order they happened, as the shop sees them."""
    entries = [
        TimelineEntry(c.created_at, c.get_to_status_display(), "", c.public_note, c.actor, False)
        for c in incident.history.select_related("actor")
    ]
    entries += [
        TimelineEntry(
            s.created_at, s.get_stage_display(), _step_detail(s), s.public_note, s.actor, True
        )
        for s in incident.police_steps.select_related("actor")
    ]
    return sorted(entries, key=lambda entry: entry.created_at)


def _step_detail(step) -> str:
    if step.stage == PoliceStage.FILED:
        parts = [step.get_channel_display(), step.reference]
    elif step.stage == PoliceStage.HEARING:
        moment = timezone.localtime(step.hearing_at) if step.hearing_at else None
        parts = [
            step.get_hearing_kind_display(),
            date_format(moment, "j F Y H:i") if moment else "",
        ]
    elif step.stage == PoliceStage.SETTLED:
        parts = [step.get_settlement_display()]
    else:
        parts = []
    return " · ".join(part for part in parts if part)
