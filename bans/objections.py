"""Objections against cards and bans, and the wrong person.

A person (or their lawyer) objects by letter or email, which the administrator enters, or on the
public objection page with the code from the notice letter and their date of birth. The decision
is due four weeks after receipt and is taken by an officer other than the one who decided the
measure; that officer may first suspend the measure (it is then not in force: not in the gallery,
not in bulletins). The decision is a letter (PDF), kept as it was made:

- upheld: the measure is revoked;
- rejected: the measure stands (and is in force again if it was suspended);
- mistaken identity, a decision of its own: every measure of the person is revoked, the photos
  are deleted at once (a line in the deletion ledger), and the shops get a correction with the
  next bulletin (bans.hooks.mistaken_identity; the bulletins listen). What remains of the person
  goes with the nightly retention run, which finds no measure left.
"""

import uuid
from datetime import date, timedelta

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from bans import hooks, services
from bans.models import (
    Measure,
    MeasureChange,
    MeasureStatus,
    NoticeLetter,
    Objection,
    Person,
    PersonIncident,
    PersonPhoto,
)
from bans.services import _change
from incidents.models import Incident
from merchants import access
from merchants.models import DeletionRecord
from merchants.services import log_action
from plumbing.files import delete_files, random_name
from plumbing.pdf import render_pdf

TERM = timedelta(weeks=4)
LANGUAGE = "nl"  # the letter goes to a person in the Netherlands, like the notice
# What an objection can be made against: a measure that was decided and still runs.
OBJECTABLE = (MeasureStatus.ACTIVE, MeasureStatus.SUSPENDED)
DECISIONS = (Objection.Status.UPHELD, Objection.Status.REJECTED, Objection.Status.MISTAKEN)


class ObjectionError(Exception):
    """A rule stops this action; the message is shown to the user as it is."""


def record_objection(measure, *, actor, channel, objector, contact, grounds, received_on):
    """A letter or email, entered by the administrator."""
    if not access.can(actor, measure.partnership, "record_objections"):
        raise ObjectionError(_("Only the administrator enters objections."))
    if received_on > timezone.localdate():
        raise ObjectionError(_("The date of receipt cannot lie in the future."))
    return _open(measure, actor, channel, objector, contact, grounds, received_on)


def _open(measure, actor, channel, objector, contact, grounds, received_on) -> Objection:
    with transaction.atomic():
        locked = Measure.objects.select_for_update().get(pk=measure.pk)
        if locked.status not in OBJECTABLE:
            raise ObjectionError(_("Only a measure in force can be objected to."))
        existing = Objection.objects.open().filter(measure=locked).first()
        if existing is not None:
            raise ObjectionError(
                _("Objection %(reference)s against this measure is still open.")
                % {"reference": existing.reference}
            )
        try:
            with transaction.atomic():
                objection = Objection.objects.create(
                    partnership=locked.partnership,
                    measure=locked,
                    channel=channel,
                    objector=objector.strip(),
                    contact=contact.strip(),
                    grounds=grounds.strip(),
                    received_on=received_on,
                    due_on=received_on + TERM,
                    entered_by=actor,
                )
        except IntegrityError:
            raise ObjectionError(_("An objection against this measure is open already.")) from None
        log_action(
            "bans.objection.received",
            actor=actor,
            partnership=locked.partnership,
            obj=objection,
            data={"measure": locked.pk, "channel": channel},
        )
    return objection


def normalise_code(text: str) -> str:
    return "".join(c for c in (text or "").upper() if c.isalnum())[:10]


def find_notice(code, birth_date):
    """The notice whose code and person's date of birth both match, for a measure that can still
    be objected to; else None, whichever part was wrong."""
    notice = (
        NoticeLetter.objects.select_related("measure__person", "measure__partnership")
        .filter(objection_code=normalise_code(code), measure__status__in=OBJECTABLE)
        .first()
    )
    if notice is None or notice.measure.person.birth_date != birth_date:
        return None
    return notice


def submit_online(notice, *, objector, contact, grounds) -> tuple[Objection, bool]:
    """From the public page, once `find_notice` matched. A second objection while one is open
    is added to it; returns (objection, created)."""
    measure = notice.measure
    with transaction.atomic():
        existing = Objection.objects.select_for_update().open().filter(measure=measure).first()
        if existing is not None:
            addition = _("Added online on %(date)s by %(objector)s (%(contact)s):") % {
                "date": timezone.localdate().strftime("%d-%m-%Y"),
                "objector": objector.strip(),
                "contact": contact.strip(),
            }
            existing.grounds = f"{existing.grounds}\n\n{addition}\n{grounds.strip()}"
            existing.save(update_fields=["grounds"])
            log_action(
                "bans.objection.added_to",
                partnership=measure.partnership,
                obj=existing,
                data={"channel": Objection.Channel.ONLINE},
            )
            return existing, False
        objection = _open(
            measure,
            None,
            Objection.Channel.ONLINE,
            objector,
            contact,
            grounds,
            timezone.localdate(),
        )
    return objection, True


def issuer_id(measure):
    """Who decided the measure: `decided_by`, or, when that account is gone or was never set,
    whoever put it into force (its history)."""
    if measure.decided_by_id:
        return measure.decided_by_id
    return (
        MeasureChange.objects.filter(measure=measure, to_status=MeasureStatus.ACTIVE)
        .order_by("created_at", "pk")
        .values_list("actor_id", flat=True)
        .first()
    )


def may_decide(user, objection) -> bool:
    """An officer of the partnership who did not decide the measure."""
    return (
        access.can(user, objection.partnership, "decide_objections")
        and issuer_id(objection.measure) != user.pk
    )


def _require_decider(actor, objection):
    if not access.can(actor, objection.partnership, "decide_objections"):
        raise ObjectionError(_("Only a community police officer decides on objections."))
    if issuer_id(objection.measure) == actor.pk:
        raise ObjectionError(
            _("You decided this measure yourself: another officer decides on the objection.")
        )


def suspend(objection, *, actor) -> Objection:
    """The measure is not in force until the decision."""
    _require_decider(actor, objection)
    with transaction.atomic():
        locked = Objection.objects.select_for_update().get(pk=objection.pk)
        measure = Measure.objects.select_for_update().get(pk=locked.measure_id)
        if locked.status != Objection.Status.OPEN:
            raise ObjectionError(_("This objection has been decided already."))
        if measure.status != MeasureStatus.ACTIVE:
            raise ObjectionError(_("Only a measure in force can be suspended."))
        # An extension rests on the ban it extends: it is suspended with it.
        for suspended in [measure, *_extensions(measure, MeasureStatus.ACTIVE)]:
            _change(suspended, MeasureStatus.SUSPENDED, actor, _("Suspended pending an objection."))
        locked.suspended_at = timezone.now()
        locked.save(update_fields=["suspended_at"])
    objection.refresh_from_db()
    return objection


def decide(objection, *, actor, outcome, reason) -> Objection:
    """Decide, write the decision letter, and act on the measure (see the module docstring)."""
    if outcome not in DECISIONS:
        raise ObjectionError(_("Choose a decision."))
    if not reason.strip():
        raise ObjectionError(_("Give the reasons of the decision."))
    stored, files = [], []
    try:
        with transaction.atomic():
            locked = Objection.objects.select_for_update().get(pk=objection.pk)
            if locked.status != Objection.Status.OPEN:
                raise ObjectionError(_("This objection has been decided already."))
            _require_decider(actor, locked)
            measure = (
                Measure.objects.select_for_update(of=("self",))
                .select_related("person", "partnership", "decided_by")
                .get(pk=locked.measure_id)
            )
            locked.status, locked.decision_reason = outcome, reason.strip()
            locked.decided_by, locked.decided_at = actor, timezone.now()
            locked.letter_snapshot = letter_snapshot(locked, measure, actor)
            if outcome == Objection.Status.UPHELD:
                _revoke_with_what_rests_on_it(measure, actor, _("Objection upheld."))
            elif outcome == Objection.Status.REJECTED:
                for resumed in [measure, *_extensions(measure, MeasureStatus.SUSPENDED)]:
                    if resumed.status == MeasureStatus.SUSPENDED:
                        expired = resumed.ends_on < timezone.localdate()
                        to = MeasureStatus.EXPIRED if expired else MeasureStatus.ACTIVE
                        _change(resumed, to, actor, _("Objection rejected."))
            elif outcome == Objection.Status.MISTAKEN:
                files = _mistaken_identity(measure.person, actor=actor)
            pdf = render_decision_letter(locked.letter_snapshot)
            locked.letter = default_storage.save(random_name("objections", "pdf"), ContentFile(pdf))
            stored.append(locked.letter.name)
            locked.save()
            log_action(
                "bans.objection.decided",
                actor=actor,
                partnership=locked.partnership,
                obj=locked,
                data={"outcome": outcome, "measure": measure.pk},
            )
    except BaseException:
        delete_files(stored)
        raise
    transaction.on_commit(lambda: delete_files(files))
    objection.refresh_from_db()
    return objection


def _extensions(measure, status):
    return list(
        Measure.objects.select_for_update().filter(extends=measure, status=status).order_by("pk")
    )


def _revoke_with_what_rests_on_it(measure, actor, reason):
    """The measure (unless it was revoked already), its extensions and the shop ban proposed
    with it for the same offence, as bans.services.revoke does."""
    ended = (MeasureStatus.REVOKED,)
    for revoked in [
        measure,
        *_extensions(measure, MeasureStatus.ACTIVE),
        *_extensions(measure, MeasureStatus.SUSPENDED),
        *services.proposed_shop_bans(measure).select_for_update(),
    ]:
        if revoked.status not in ended:
            _change(revoked, MeasureStatus.REVOKED, actor, reason)


def _mistaken_identity(person, *, actor) -> list[str]:
    """Out of the gallery and the bulletins at once; the photos go; the shops are told."""
    person = Person.objects.select_for_update().get(pk=person.pk)
    running = (MeasureStatus.PROPOSED, MeasureStatus.ACTIVE, MeasureStatus.SUSPENDED)
    for measure in Measure.objects.select_for_update().filter(person=person, status__in=running):
        _change(measure, MeasureStatus.REVOKED, actor, _("Mistaken identity."))
    photos = list(PersonPhoto.objects.filter(person=person))
    files = [n for p in photos for n in (p.original.name, p.thumbnail.name, p.display.name) if n]
    PersonPhoto.objects.filter(person=person).delete()
    DeletionRecord.objects.create(
        deleted_at=timezone.now(),
        partnership_id=person.partnership_id,
        kind="register.photos",
        object_type="bans.person",
        object_id=str(person.pk),
        reason="mistaken identity",
        run=uuid.uuid4(),
        files_removed=len(files),
    )
    hooks.mistaken_identity.send(sender=Person, person=person, actor=actor)
    # The officer's finding that this person did those offences was wrong: the links go, and the
    # cases forget the name and date of birth that pointed to this person.
    links = PersonIncident.objects.filter(person=person)
    Incident.objects.filter(pk__in=links.values("incident_id")).update(
        person_name="", person_birth_date=None
    )
    links.delete()
    log_action(
        "bans.person.mistaken_identity",
        actor=actor,
        partnership=person.partnership,
        obj=person,
        data={"photos": len(photos)},
    )
    return files


def withdraw(objection, *, actor) -> Objection:
    """The objector took it back (entered by the administrator): a suspended measure resumes."""
    if not access.can(actor, objection.partnership, "record_objections"):
        raise ObjectionError(_("Only the administrator enters objections."))
    with transaction.atomic():
        locked = Objection.objects.select_for_update().get(pk=objection.pk)
        if locked.status != Objection.Status.OPEN:
            raise ObjectionError(_("This objection has been decided already."))
        measure = Measure.objects.select_for_update().get(pk=locked.measure_id)
        if measure.status == MeasureStatus.SUSPENDED:
            _change(measure, MeasureStatus.ACTIVE, actor, _("Objection withdrawn."))
        locked.status = Objection.Status.WITHDRAWN
        locked.decided_by, locked.decided_at = actor, timezone.now()
        locked.save(update_fields=["status", "decided_by", "decided_at"])
        log_action(
            "bans.objection.withdrawn", actor=actor, partnership=locked.partnership, obj=locked
        )
    objection.refresh_from_db()
    return objection


def letter_snapshot(objection, measure, actor) -> dict:
    """Everything the decision letter states, as plain JSON (dates as ISO strings)."""
    person = measure.person
    with translation.override(LANGUAGE):
        outcome = str(Objection.Status(objection.status).label)
        kind = str(measure.get_kind_display())
    return {
        "version": 1,
        "reference": objection.reference,
        "issued_on": timezone.localdate().isoformat(),
        "partnership": {
            "name": measure.partnership.name,
            "municipality": measure.partnership.municipality,
        },
        "addressee": {"objector": objection.objector, "contact": objection.contact},
        "person": {"name": person.full_name or person.display_name},
        "measure": {
            "reference": f"{measure.partnership.code}-M{measure.pk:06d}",
            "kind_label": kind,
            "starts_on": measure.starts_on.isoformat(),
            "ends_on": measure.ends_on.isoformat(),
        },
        "received_on": objection.received_on.isoformat(),
        "outcome": objection.status,
        "outcome_label": outcome,
        "reasons": objection.decision_reason,
        "decided_by": (actor.full_name or "").strip(),
    }


def render_decision_letter(snapshot) -> bytes:
    context = {
        "letter": snapshot,
        "issued_on": date.fromisoformat(snapshot["issued_on"]),
        "received_on": date.fromisoformat(snapshot["received_on"]),
        "ends_on": date.fromisoformat(snapshot["measure"]["ends_on"]),
    }
    return render_pdf("bans/pdf/objection_decision.html", context, language=LANGUAGE)


def letter_bytes(objection) -> bytes:
    with default_storage.open(objection.letter.name, "rb") as handle:
        return handle.read()


def figures(partnership, today=None) -> dict:
    """Open (with the overdue ones and the oldest's age in days), decided and upheld (the wrong
    person counts as upheld): two queries."""
    today = today or timezone.localdate()
    objections = Objection.objects.filter(partnership=partnership)
    received = list(objections.open().values_list("received_on", flat=True))
    decided = list(objections.filter(status__in=DECISIONS).values_list("status", flat=True))
    return {
        "open": len(received),
        "overdue": sum(1 for day in received if day + TERM < today),
        "oldest_days": max(((today - day).days for day in received), default=None),
        "decided": len(decided),
        "upheld": sum(1 for status in decided if status != Objection.Status.REJECTED),
    }
