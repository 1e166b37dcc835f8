"""Saving the demo incidents: everything in bulk (incidents, status changes, contact moments and
the photos' generated stills), then the time stamps that ``auto_now_add`` overwrote put back, one
prepared UPDATE per row.
"""

import random
from datetime import timedelta

from django.core.files.storage import default_storage
from django.db import connections, router

from demo.incidents.stills import cctv_still
from incidents.models import (
    ContactMoment,
    HearingKind,
    Incident,
    IncidentPhoto,
    PoliceReport,
    PoliceStage,
    PoliceStep,
    ReportChannel,
    Settlement,
    StatusChange,
)
from incidents.workflow import Status
from plumbing.files import store_image
from plumbing.images import process_upload

BATCH = 500

# --- saving --------------------------------------------------------------------------------------


def _save(plans, world, stored):
    """bulk_create everything, then put back the times that auto_now_add overwrote."""
    incidents = [plan.incident for plan in plans]
    police = [_police_track(plan, world) for plan in plans]
    Incident.objects.bulk_create(incidents, batch_size=BATCH)
    for plan in plans:
        plan.incident.created_at = plan.created_at
        plan.incident.updated_at = plan.steps[-1][1]
    _restore_times(Incident, incidents, ["created_at", "updated_at"])

    changes, change_times = [], []
    contacts, contact_times = [], []
    for plan in plans:
        previous = ""
        for status, at, actor, note in plan.steps:
            changes.append(
                StatusChange(
                    incident=plan.incident,
                    from_status=previous,
                    to_status=status,
                    actor=actor,
                    public_note=note,
                )
            )
            change_times.append(at)
            previous = status
        for how, at, note in plan.contacts:
            contacts.append(
                ContactMoment(
                    incident=plan.incident,
                    kind=how,
                    contacted_at=at,
                    note=note,
                    actor=world.officer,
                )
            )
            contact_times.append(min(at + timedelta(minutes=5), world.now))
    _create_with_times(StatusChange, changes, change_times)
    _create_with_times(ContactMoment, contacts, contact_times)
    steps, step_times = [], []
    for plan, track in zip(plans, police, strict=True):
        for step, at in track:
            step.incident = plan.incident
            steps.append(step)
            step_times.append(at)
    _create_with_times(PoliceStep, steps, step_times)

    photos, photo_times = [], []
    for plan in plans:
        for number in range(plan.photos):
            incident = plan.incident
            still = cctv_still(
                random.Random(f"{incident.submission_key}:{number}"),  # noqa: S311
                when=incident.occurred_at + timedelta(seconds=7 * number),
                camera=number + 1,
            )
            processed = process_upload(still)
            original, thumbnail = store_image(default_storage, processed, "incidents", stored)
            photos.append(
                IncidentPhoto(
                    incident=incident,
                    original=original,
                    thumbnail=thumbnail,
                    width=processed.width,
                    height=processed.height,
                    sha256=processed.sha256,
                )
            )
            photo_times.append(plan.created_at)
    _create_with_times(IncidentPhoto, photos, photo_times)
    return {
        "incidents": len(incidents),
        "photos": len(photos),
        "status_changes": len(changes),
        "contacts": len(contacts),
        "police_steps": len(steps),
        "skipped": False,
    }


def _police_track(plan, world):
    """The report to the police of a demo incident, from its own seed (the generator's stream
    stays as it was): filed with the report; a case that waited for the police was handled, and
    some of those were settled or went to a fast-track hearing. Sets the incident's stage."""
    incident = plan.incident
    if incident.police_report != PoliceReport.YES or not incident.police_report_number:
        return []
    rng = random.Random(f"police:{incident.occurred_at.isoformat()}:{incident.shop_id}")  # noqa: S311
    incident.police_report_channel = rng.choices(
        (ReportChannel.ONLINE, ReportChannel.DESK, ReportChannel.OFFICER), (6, 3, 1)
    )[0]
    track = [
        (
            PoliceStep(
                stage=PoliceStage.FILED,
                channel=incident.police_report_channel,
                reference=incident.police_report_number,
                actor=incident.reporter,
                notified_at=plan.created_at,
            ),
            plan.created_at,
        )
    ]
    waited = [at for status, at, _actor, _note in plan.steps if status == Status.AWAITING_POLICE]
    if waited:
        at = waited[0]
        track.append(
            (PoliceStep(stage=PoliceStage.HANDLING, actor=world.officer, notified_at=at), at)
        )
        closed = incident.closed_at
        if closed and rng.random() < 0.15:
            hearing = closed + timedelta(days=rng.randint(3, 10))
            hearing = hearing.replace(hour=rng.choice((9, 10, 13)), minute=30, second=0)
            track.append(
                (
                    PoliceStep(
                        stage=PoliceStage.HEARING,
                        hearing_kind=HearingKind.SNELRECHT,
                        hearing_at=hearing,
                        actor=world.officer,
                        notified_at=closed,
                    ),
                    closed,
                )
            )
            if hearing + timedelta(hours=2) < world.now:
                settled = (Settlement.CONVICTED, hearing + timedelta(hours=2))
                track.append(_settled(world, *settled))
        elif closed and rng.random() < 0.6:
            how = rng.choices(
                (Settlement.PENALTY_ORDER, Settlement.DISMISSED, Settlement.HALT), (6, 3, 1)
            )[0]
            track.append(_settled(world, how, closed))
    incident.police_stage = track[-1][0].stage
    return track


def _settled(world, how, at):
    step = PoliceStep(
        stage=PoliceStage.SETTLED, settlement=how, actor=world.officer, notified_at=at
    )
    return step, at


def _create_with_times(model, rows, times):
    model.objects.bulk_create(rows, batch_size=BATCH)
    for row, at in zip(rows, times, strict=True):
        row.created_at = at
    _restore_times(model, rows, ["created_at"])


def _restore_times(model, rows, names):
    """Write back the time stamps that auto_now_add/auto_now overwrote in bulk_create.

    What ``bulk_update(rows, names)`` does, as one prepared UPDATE executed per row: bulk_update
    builds a CASE expression per batch and took a third of the whole seeding time.
    """
    connection = connections[router.db_for_write(model)]
    quote = connection.ops.quote_name
    fields = [model._meta.get_field(name) for name in names]
    assignments = ", ".join(f"{quote(field.column)} = %s" for field in fields)
    table, pk = quote(model._meta.db_table), quote(model._meta.pk.column)
    # Only quoted identifiers from the model's own metadata go into the text; values are params.
    sql = f"UPDATE {table} SET {assignments} WHERE {pk} = %s"  # noqa: S608
    params = [
        [field.get_db_prep_save(getattr(row, field.attname), connection) for field in fields]
        + [row.pk]
        for row in rows
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)
