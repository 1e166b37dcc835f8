"""Use cases of incident reporting and review. Each runs in one transaction and writes its history
and audit rows there; emails leave after commit."""

import logging
import uuid
from datetime import timedelta

from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from incidents import hooks
from incidents.models import (
    ContactMoment,
    Incident,
    IncidentPhoto,
    InternalNote,
    KeptPhoto,
    PoliceReport,
    StatusChange,
)
from incidents.notify import tell_once
from incidents.police import record_filed_on_report
from incidents.workflow import Status, can_move
from merchants import access
from merchants.services import log_action
from plumbing.files import delete_files, store_image

logger = logging.getLogger(__name__)

MAX_PHOTOS = 6


class IncidentError(Exception):
    """A rule stops this action; the message is shown to the user as it is."""


def report_incident(
    *, shop, reporter, fields, photos=(), kept=(), submission_key
) -> tuple[Incident, bool]:
    """Store a report with its photos (already processed by plumbing.images) and the photos kept
    from an earlier attempt of the same form (`kept`, KeptPhoto rows: their files are taken over).

    The same `submission_key` twice (a double tap, a resubmitted form) returns the first incident
    and stores nothing. Files written before a failure are removed again: nothing is half-saved.
    """
    existing = Incident.objects.filter(submission_key=submission_key).first()
    if existing is not None:
        if _same_report(existing, reporter, fields):
            return existing, False
        # The same form page sent again with other content (Back, then a new report): new key.
        submission_key = uuid.uuid4()
    kept = list(kept)
    if len(photos) + len(kept) > MAX_PHOTOS:
        raise IncidentError(_("Add at most %(count)s photos.") % {"count": MAX_PHOTOS})
    stored = []
    try:
        with transaction.atomic():
            incident = Incident.objects.create(
                partnership=shop.area.partnership,
                shop=shop,
                area=shop.area,
                reporter=reporter,
                submission_key=submission_key,
                **fields,
            )
            for photo in photos:
                original, thumbnail = store_image(default_storage, photo, "incidents", stored)
                IncidentPhoto.objects.create(
                    incident=incident,
                    original=original,
                    thumbnail=thumbnail,
                    width=photo.width,
                    height=photo.height,
                    sha256=photo.sha256,
                )
            _take_over(kept, incident, reporter)
            StatusChange.objects.create(
                incident=incident,
                from_status="",
                to_status=Status.REPORTED,
                actor=reporter,
                notified_at=timezone.now(),  # the reporter knows: nobody to tell
            )
            if incident.police_report == PoliceReport.YES:
                # Filed before the report was made: the police track starts here, untold.
                record_filed_on_report(incident, actor=reporter)
            log_action(
                "incidents.incident.reported",
                actor=reporter,
                partnership=incident.partnership,
                obj=incident,
                data={"shop": shop.pk, "kind": incident.kind, "photos": len(photos) + len(kept)},
            )
    except IntegrityError:
        delete_files(stored)
        # The other request of a double submit won the race: show the incident it made.
        existing = Incident.objects.filter(submission_key=submission_key).first()
        if existing is None:
            raise
        return existing, False
    except BaseException:
        delete_files(stored)
        raise
    transaction.on_commit(lambda: _queue_new_report_alert(incident.pk), robust=True)
    return incident, True


def _take_over(kept, incident, reporter):
    """The kept photos become the incident's, files and all; rows another request took over
    already (a double submit) are skipped."""
    ids = [photo.pk for photo in kept]
    rows = KeptPhoto.objects.select_for_update().filter(pk__in=ids, uploaded_by=reporter)
    for photo in rows.order_by("pk"):
        IncidentPhoto.objects.create(
            incident=incident,
            original=photo.original.name,
            thumbnail=photo.thumbnail.name,
            width=photo.width,
            height=photo.height,
            sha256=photo.sha256,
        )
    rows.delete()


def keep_photos(photos, *, submission_key, reporter) -> list[KeptPhoto]:
    """Keep the processed photos of a form that came back with an error, under its key."""
    stored, kept = [], []
    try:
        with transaction.atomic():
            for photo in photos:
                original, thumbnail = store_image(default_storage, photo, "incidents", stored)
                kept.append(
                    KeptPhoto.objects.create(
                        submission_key=submission_key,
                        uploaded_by=reporter,
                        original=original,
                        thumbnail=thumbnail,
                        width=photo.width,
                        height=photo.height,
                        sha256=photo.sha256,
                    )
                )
    except BaseException:
        delete_files(stored)
        raise
    return kept


def drop_kept_photos(rows) -> int:
    """Delete kept photos (removed by the reporter, or abandoned) with their files."""
    rows = list(rows)
    files = [name for photo in rows for name in (photo.original.name, photo.thumbnail.name)]
    KeptPhoto.objects.filter(pk__in=[photo.pk for photo in rows]).delete()
    transaction.on_commit(lambda: delete_files(files))
    return len(rows)


def _queue_new_report_alert(incident_id):
    from incidents.tasks import notify_officers_of_report

    notify_officers_of_report.delay(incident_id)


def _same_report(incident, reporter, fields):
    return (
        incident.reporter_id == getattr(reporter, "pk", None)
        and incident.description == fields.get("description")
        and incident.occurred_at == fields.get("occurred_at")
        and incident.kind == fields.get("kind")
    )


def transition(incident, *, to, actor, public_note="") -> StatusChange:
    """Move a case along the transition table; the reporter gets an email after commit."""
    with transaction.atomic():
        locked = Incident.objects.select_for_update().get(pk=incident.pk)
        if locked.personal_data_removed_at and to != Status.CLOSED:
            raise IncidentError(
                _("The personal data of this case were removed; make a new report instead.")
            )
        if not can_move(locked.status, to):
            raise IncidentError(
                _("A case that is “%(current)s” cannot become “%(next)s”.")
                % {"current": locked.get_status_display(), "next": Status(to).label}
            )
        change = StatusChange.objects.create(
            incident=locked,
            from_status=locked.status,
            to_status=to,
            actor=actor,
            public_note=public_note.strip(),
        )
        locked.status = to
        locked.closed_at = timezone.now() if to == Status.CLOSED else None
        locked.save(update_fields=["status", "closed_at", "updated_at"])
        if to == Status.CONTACTED:
            _set_first_contact(locked, timezone.now())
        log_action(
            "incidents.incident.status_changed",
            actor=actor,
            partnership=locked.partnership,
            obj=locked,
            data={"from": change.from_status, "to": to},
        )
        # After commit, through Celery: a dead mail server never undoes or breaks the change.
        transaction.on_commit(lambda: _queue_status_email(change.pk), robust=True)
        transaction.on_commit(lambda: hooks.announce(locked.pk, hooks.STATUS_CHANGED), robust=True)
    incident.status, incident.closed_at = locked.status, locked.closed_at
    return change


def _queue_status_email(change_id):
    from incidents.tasks import send_status_email_task

    send_status_email_task.delay(change_id)


def send_status_email(change_id) -> bool:
    """Tell the reporter about a status change, once. No note, no personal data: the reporter
    logs in to read the case, and only while still allowed to see it."""
    return tell_once(StatusChange.objects.all(), change_id, lambda c: Status(c.to_status).label)


def record_contact(incident, *, kind, contacted_at, note="", actor) -> ContactMoment:
    if contacted_at > timezone.now():
        raise IncidentError(_("A contact moment cannot lie in the future."))
    if contacted_at < incident.created_at - timedelta(days=1):
        raise IncidentError(_("This contact moment lies before the report was made."))
    with transaction.atomic():
        contact = ContactMoment.objects.create(
            incident=incident, kind=kind, contacted_at=contacted_at, note=note.strip(), actor=actor
        )
        _set_first_contact(incident, contacted_at)
        log_action(
            "incidents.contact.recorded",
            actor=actor,
            partnership=incident.partnership,
            obj=incident,
            data={"kind": kind},
        )
    return contact


def _set_first_contact(incident, moment):
    """First contact can be earlier than recorded so far, never earlier than the report itself
    (a call before the report was typed counts from the report). One conditional update, so
    concurrent records keep the earliest."""
    moment = max(moment, incident.created_at)
    Incident.objects.filter(pk=incident.pk).filter(
        Q(first_contact_at__isnull=True) | Q(first_contact_at__gt=moment)
    ).update(first_contact_at=moment)
    incident.first_contact_at = Incident.objects.values_list("first_contact_at", flat=True).get(
        pk=incident.pk
    )


def add_internal_note(incident, *, text, actor) -> InternalNote:
    with transaction.atomic():
        note = InternalNote.objects.create(incident=incident, author=actor, text=text.strip())
        log_action(
            "incidents.note.added", actor=actor, partnership=incident.partnership, obj=incident
        )
    return note


def assign(incident, *, officer, actor) -> Incident:
    if officer is not None and not access.can(officer, incident.partnership, "review_incidents"):
        raise IncidentError(_("Only an officer of this partnership can take a case."))
    with transaction.atomic():
        incident.assigned_to = officer
        incident.save(update_fields=["assigned_to", "updated_at"])
        log_action(
            "incidents.incident.assigned",
            actor=actor,
            partnership=incident.partnership,
            obj=incident,
            data={"officer": officer.pk if officer else None},
        )
    return incident


def mark_duplicate(incident, *, original, actor) -> Incident:
    """Link two reports of one event; the case work continues on the original."""
    if original.partnership_id != incident.partnership_id:
        raise IncidentError(_("Choose another report of this partnership."))
    with transaction.atomic():
        # Link to the head of the chain, and never into a loop.
        Incident.objects.select_for_update().filter(pk__in=[incident.pk, original.pk]).count()
        seen = set()
        while original.duplicate_of_id and original.pk not in seen:
            seen.add(original.pk)
            original = Incident.objects.get(pk=original.duplicate_of_id)
        if original.pk == incident.pk:
            raise IncidentError(_("That report is already marked as a duplicate of this one."))
        incident.duplicate_of = original
        incident.save(update_fields=["duplicate_of", "updated_at"])
        log_action(
            "incidents.incident.duplicate_linked",
            actor=actor,
            partnership=incident.partnership,
            obj=incident,
            data={"original": original.pk},
        )
    return incident
