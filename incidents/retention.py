"""Retention of personal data on incidents (DESIGN.md section 3, docs/adr/0004-retention.md).

An incident that led to no measure loses its personal data 365 days after it was closed; its
anonymous facts (date, area, shop, type, value, aangifte yes/no, contact times) stay for the
statistics. The job is idempotent: a second run finds nothing left to do.
"""

import logging
import uuid
from datetime import timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from incidents.models import (
    ContactMoment,
    Incident,
    IncidentPhoto,
    InternalNote,
    KeptPhoto,
    PoliceStage,
    PoliceStep,
    StatusChange,
)
from incidents.services import drop_kept_photos
from incidents.workflow import Status
from merchants.models import DeletionRecord
from plumbing.files import delete_files

logger = logging.getLogger(__name__)

RETENTION_AFTER_CLOSING = timedelta(days=365)
REASON = "no measure; 365 days after closing"
# Photos of a report form that came back with an error and was never sent again.
KEEP_ABANDONED_PHOTOS = timedelta(days=1)
BATCH = 200

# Querysets of incident ids that must keep their personal data because a measure rests on them.
# The register (bans) adds its rule when it loads: incidents with a measure proposed or in force.
keep_rules = []


def due(now=None):
    """Closed a year ago, or left at "no further action" for a year, with no measure resting on
    it, and not yet stripped."""
    now = now or timezone.now()
    cutoff = now - RETENTION_AFTER_CLOSING
    keep = Q()
    for rule in keep_rules:
        keep |= Q(pk__in=rule())
    concluded = Q(status=Status.CLOSED, closed_at__lte=cutoff) | Q(
        status=Status.NO_ACTION, updated_at__lte=cutoff
    )
    return (
        Incident.objects.filter(concluded, personal_data_removed_at__isnull=True)
        .exclude(keep)
        .order_by("pk")
    )


def strip_personal_data(now=None) -> dict:
    """Strip what is due, in batches; returns counts. Files go after their rows are committed."""
    now = now or timezone.now()
    run = uuid.uuid4()
    totals = {"incidents": 0, "photos": 0}
    while True:
        with transaction.atomic():
            batch = list(due(now).select_for_update(skip_locked=True)[:BATCH])
            if not batch:
                break
            files = _strip_batch(batch, now=now, run=run)
        totals["incidents"] += len(batch)
        totals["photos"] += len(files) // 2
        delete_files(files)
    logger.info("retention run %s stripped %s incidents", run, totals["incidents"])
    return {**totals, "run": str(run)}


def _strip_batch(batch, *, now, run):
    ids = [incident.pk for incident in batch]
    photos = list(IncidentPhoto.objects.filter(incident_id__in=ids))
    files = [name for photo in photos for name in (photo.original.name, photo.thumbnail.name)]
    per_incident = {}
    for photo in photos:
        per_incident[photo.incident_id] = per_incident.get(photo.incident_id, 0) + 1
    IncidentPhoto.objects.filter(incident_id__in=ids).delete()
    InternalNote.objects.filter(incident_id__in=ids).delete()
    StatusChange.objects.filter(incident_id__in=ids).update(public_note="")
    # Who reported is personal data too; who decided (the officer) is not.
    StatusChange.objects.filter(incident_id__in=ids, from_status="").update(actor=None)

    # The police track keeps its stages (figures); not the number, the notes or who filed.
    PoliceStep.objects.filter(incident_id__in=ids).update(reference="", public_note="")
    PoliceStep.objects.filter(incident_id__in=ids, stage=PoliceStage.FILED).update(actor=None)
    ContactMoment.objects.filter(incident_id__in=ids).update(note="")
    Incident.objects.filter(pk__in=ids).update(
        description="",
        police_report_number="",
        person_description="",
        person_age=None,
        person_clothing="",
        person_name="",
        person_birth_date=None,
        witness="",
        reporter=None,
        personal_data_removed_at=now,
    )
    DeletionRecord.objects.bulk_create(
        DeletionRecord(
            deleted_at=now,
            partnership_id=incident.partnership_id,
            kind="incident.personal_data",
            object_type="incidents.incident",
            object_id=str(incident.pk),
            reason=REASON,
            run=run,
            files_removed=2 * per_incident.get(incident.pk, 0),
        )
        for incident in batch
    )
    return files


def drop_abandoned_photos(now=None) -> int:
    """Delete the kept photos of report forms left unsent for a day, files included."""
    now = now or timezone.now()
    with transaction.atomic():
        return drop_kept_photos(
            KeptPhoto.objects.filter(created_at__lte=now - KEEP_ABANDONED_PHOTOS)
        )
