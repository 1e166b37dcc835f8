"""Retention in the register (DESIGN.md section 3): when a person has no measure left that is
proposed or in force, the person's personal data and every file (photos, notice letters) are
deleted. The measures keep their kind and dates (for the statistics); the deletion ledger keeps
metadata only. Daily, after the expiry of measures; idempotent."""

import logging
import uuid
from datetime import timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from bans.models import (
    Measure,
    MeasureChange,
    MeasureStatus,
    NoticeLetter,
    Objection,
    Person,
    PersonPhoto,
)
from incidents.models import Incident, IncidentType
from merchants.models import DeletionRecord
from plumbing.files import delete_files

logger = logging.getLogger(__name__)

# Someone put in the register without any measure (linked, never decided) is not kept for ever.
UNDECIDED_AFTER = timedelta(days=365)
# A decided objection's letter (naming the person and the objector) is kept this long to be sent.
OBJECTION_LETTER_KEPT = timedelta(days=30)
# A proposal nobody decided on does not keep a person in the register for ever.
STALE_PROPOSAL_AFTER = timedelta(days=30)


def _live(now):
    return Measure.objects.filter(
        Q(status__in=(MeasureStatus.ACTIVE, MeasureStatus.SUSPENDED))
        | Q(status=MeasureStatus.PROPOSED, created_at__gt=now - STALE_PROPOSAL_AFTER)
    )


def due(now=None):
    now = now or timezone.now()
    live = _live(now).values("person")
    ended = Measure.objects.exclude(pk__in=_live(now).values("pk"))
    undecided = Q(measures__isnull=True, created_at__lte=now - UNDECIDED_AFTER)
    return (
        Person.objects.filter(personal_data_removed_at__isnull=True)
        .exclude(pk__in=live)
        # The police are asked for this person's name and address: not while that is open.
        .exclude(identity_requests__status="open")
        # An objection is being decided, or its letter was made less than a month ago (to send).
        .exclude(measures__objections__status="open")
        .exclude(measures__objections__decided_at__gt=now - OBJECTION_LETTER_KEPT)
        .filter(Q(pk__in=ended.values("person")) | undecided)
        .distinct()
        .order_by("pk")
    )


def strip_people(now=None) -> dict:
    now = now or timezone.now()
    run = uuid.uuid4()
    totals = {"people": 0, "files": 0}
    for person in list(due(now)):
        with transaction.atomic():
            locked = (
                Person.objects.select_for_update()
                .filter(pk=person.pk, personal_data_removed_at__isnull=True)
                .first()
            )
            if locked is None:
                continue
            files = _strip(locked, now=now, run=run)
        delete_files(files)
        totals["people"] += 1
        totals["files"] += len(files)
    return {**totals, "run": str(run)}


def _strip(person, *, now, run):
    photos = list(PersonPhoto.objects.filter(person=person))
    letters = list(NoticeLetter.objects.filter(measure__person=person))
    objections = Objection.objects.filter(measure__person=person)
    files = [n for p in photos for n in (p.original.name, p.thumbnail.name, p.display.name) if n]
    files += [letter.pdf.name for letter in letters]
    files += [name for name in objections.values_list("letter", flat=True) if name]
    # Objections keep their dates and outcome (figures), not who objected, why, or the letter.
    objections.update(
        objector="", contact="", grounds="", decision_reason="", letter_snapshot=None, letter=""
    )
    PersonPhoto.objects.filter(person=person).delete()
    NoticeLetter.objects.filter(pk__in=[letter.pk for letter in letters]).delete()
    Measure.objects.filter(person=person).update(
        proposal_reason="", proposal_params={}, decision_reason=""
    )
    Measure.objects.filter(person=person, status=MeasureStatus.PROPOSED).update(
        status=MeasureStatus.REVOKED
    )
    MeasureChange.objects.filter(measure__person=person).update(reason="")
    # A sighting's description names the person by display name.
    Incident.objects.filter(person_links__person=person, kind=IncidentType.BAN_VIOLATION).update(
        description=""
    )
    Person.objects.filter(pk=person.pk).update(
        display_name="—",
        description="",
        full_name="",
        birth_date=None,
        birth_place="",
        address="",
        residence="",
        search_name="",
        personal_data_removed_at=now,
    )
    DeletionRecord.objects.create(
        deleted_at=now,
        partnership_id=person.partnership_id,
        kind="register.person",
        object_type="bans.person",
        object_id=str(person.pk),
        reason="no measure in force",
        run=run,
        files_removed=len(files),
    )
    return files
