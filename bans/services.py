"""Use cases of the register. The system proposes; an officer decides every measure."""

from datetime import timedelta
from difflib import SequenceMatcher

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bans import gallery_copies, hooks, policy
from bans.models import (
    BAN_KINDS,
    COLLECTIVE_KINDS,
    Measure,
    MeasureChange,
    MeasureKind,
    MeasureStatus,
    Person,
    PersonIncident,
    PersonPhoto,
    SubjectRequest,
    search_key,
)
from bans.reasons import reason_text
from bans.selectors import access_log, labelled
from merchants import access
from merchants.purpose import Purpose, purpose_of
from merchants.services import log_action
from plumbing.dates import last_day_of_term
from plumbing.files import (
    STORAGE_FAILURES,
    StorageUnavailable,
    delete_files,
    random_name,
    store_image,
)
from plumbing.http import client_ip
from plumbing.images import GALLERY_BOXES, rendition
from plumbing.pdf import render_pdf


class RegisterError(Exception):
    """A rule stops this action; the message is shown to the user as it is."""


def _require_officer(actor, partnership):
    if not access.can(actor, partnership, "review_incidents"):
        raise RegisterError(_("Only the community police officer decides on measures."))


FUZZY_SCAN_LIMIT = 5000


def find_people(partnership, text, *, limit=20):
    """Register search that forgives accents, case, hyphens and word order, and, when nothing
    matches exactly, a typo or two ("Fisser" finds "Visser", "Mohamed" finds "Mohammed")."""
    words = search_key(text).split()
    if not words:
        return []
    people = Person.objects.filter(
        partnership=partnership, merged_into__isnull=True, personal_data_removed_at__isnull=True
    )
    exact = people
    for word in words:
        exact = exact.filter(search_name__contains=word)
    found = list(exact.order_by("display_name")[:limit])
    if found:
        return found
    # A register holds hundreds of people per partnership: comparing their search keys in
    # Python is fast and works the same on SQLite and PostgreSQL.
    scored = []
    for person in people.only("pk", "search_name", "display_name", "full_name", "birth_date")[
        :FUZZY_SCAN_LIMIT
    ]:
        names = person.search_name.split()
        if all(any(_similar(word, name) for name in names) for word in words):
            scored.append(person)
    return sorted(scored, key=lambda p: p.display_name)[:limit]


def _similar(word, name):
    if word in name:
        return True
    if len(word) < 3:
        return False
    return SequenceMatcher(None, word, name).ratio() >= 0.8


def create_person(*, partnership, actor, **fields) -> Person:
    _require_officer(actor, partnership)
    with transaction.atomic():
        person = Person.objects.create(partnership=partnership, **fields)
        log_action("bans.person.created", actor=actor, partnership=partnership, obj=person)
    return person


def link_incident(person, incident, *, actor) -> PersonIncident:
    if person.partnership_id != incident.partnership_id:
        raise RegisterError(_("This person belongs to another partnership's register."))
    _require_officer(actor, person.partnership)
    with transaction.atomic():
        link, created = PersonIncident.objects.get_or_create(
            person=person, incident=incident, defaults={"linked_by": actor}
        )
        if created:
            log_action(
                "bans.person.incident_linked",
                actor=actor,
                partnership=person.partnership,
                obj=person,
                data={"incident": incident.pk},
            )
    return link


def propose_measures(person, incident, *, actor, today=None) -> list[Measure]:
    """Write the policy's proposal as PROPOSED measures (with their history), for the officer."""
    _require_officer(actor, person.partnership)
    if not PersonIncident.objects.filter(person=person, incident=incident).exists():
        raise RegisterError(_("Link the incident to this person first."))
    decided = Measure.objects.filter(person=person, incident=incident).exclude(
        status__in=[MeasureStatus.PROPOSED, MeasureStatus.REVOKED]
    )
    if decided.exists():
        raise RegisterError(_("A measure has been decided for this offence already."))
    proposal = policy.propose(person, incident, today=today or timezone.localdate())
    try:
        return _write_proposal(person, incident, proposal, actor)
    except IntegrityError:
        raise RegisterError(_("This offence already has a red card.")) from None


def _write_proposal(person, incident, proposal, actor):
    with transaction.atomic():
        # One proposal at a time per person (two clicks, or retention running meanwhile).
        Person.objects.select_for_update().filter(pk=person.pk).first()
        # A new proposal replaces open proposals for the same offence.
        for stale in Measure.objects.select_for_update().filter(
            person=person, incident=incident, status=MeasureStatus.PROPOSED
        ):
            _change(stale, MeasureStatus.REVOKED, actor, _("Replaced by a new proposal."))
        measures = [
            _new_measure(
                person,
                incident,
                kind=proposal.kind,
                starts_on=proposal.starts_on,
                ends_on=proposal.ends_on,
                reason=(proposal.reason_code, proposal.reason_params),
                extends=proposal.extends,
                actor=actor,
            )
        ]
        if proposal.individual_ban_until:
            measures.append(
                _new_measure(
                    person,
                    incident,
                    kind=MeasureKind.INDIVIDUAL,
                    starts_on=proposal.starts_on,
                    ends_on=proposal.individual_ban_until,
                    reason=("individual_ban", {}),
                    shop=incident.shop,
                    actor=actor,
                )
            )
        card = measures[0]
        transaction.on_commit(
            lambda: hooks.measure_proposed.send(sender=Measure, measure=card, actor=actor),
            robust=True,
        )
    return measures


def _new_measure(
    person, incident, *, kind, starts_on, ends_on, reason, actor, shop=None, extends=None
):
    code, params = reason
    measure = Measure.objects.create(
        partnership=person.partnership,
        person=person,
        incident=incident,
        kind=kind,
        starts_on=starts_on,
        ends_on=ends_on,
        proposal_code=code,
        proposal_params=params,
        issuing_shop=shop,
        extends=extends,
    )
    MeasureChange.objects.create(
        measure=measure,
        from_status="",
        to_status=MeasureStatus.PROPOSED,
        actor=actor,
        reason=reason_text(code, params),
    )
    return measure


def confirm(measure, *, actor, reason="") -> Measure:
    """The officer's decision: the proposal becomes the measure. Only this one: a shop ban
    proposed with a card has a decision of its own."""
    _require_officer(actor, measure.partnership)
    with transaction.atomic():
        locked = Measure.objects.select_for_update().get(pk=measure.pk)
        if locked.status != MeasureStatus.PROPOSED:
            raise RegisterError(_("This measure has been decided already."))
        locked.decision_reason = reason.strip()
        _start_no_earlier_than_today(locked)
        try:
            with transaction.atomic():
                _change(locked, MeasureStatus.ACTIVE, actor, reason or _("Confirmed."))
        except IntegrityError:
            raise RegisterError(_("This offence already has a red card.")) from None
    measure.refresh_from_db()
    return measure


def proposed_shop_bans(measure):
    """The shop ban still proposed for the same offence as a card. Revoking the card withdraws
    it too (the card was wrong, so was the proposal made with it: nothing of it should keep a
    person in the register); the page says so on the card's revoke button. Confirming or
    overriding a card decides the card only."""
    if measure.kind not in COLLECTIVE_KINDS or not measure.incident_id:
        return Measure.objects.none()
    return Measure.objects.filter(
        person=measure.person,
        incident=measure.incident,
        kind=MeasureKind.INDIVIDUAL,
        status=MeasureStatus.PROPOSED,
    )


def _start_no_earlier_than_today(measure):
    """A measure applies from the day it is decided, never before the person could be told;
    the term keeps its length."""
    today = timezone.localdate()
    if measure.starts_on < today:
        shift = today - measure.starts_on
        measure.starts_on += shift
        measure.ends_on += shift
        measure.save(update_fields=["starts_on", "ends_on"])


def override(measure, *, kind, months, reason, actor) -> Measure:
    """The officer decides otherwise than proposed; the reason is required and kept."""
    _require_officer(actor, measure.partnership)
    if not reason.strip():
        raise RegisterError(_("Give the reason for deciding otherwise than proposed."))
    if kind not in MeasureKind.values or not 1 <= months <= 24:
        raise RegisterError(_("Choose a measure and a term of 1 to 24 months."))
    if kind == MeasureKind.INDIVIDUAL and measure.issuing_shop is None:
        raise RegisterError(_("An individual ban needs the shop where it happened."))
    with transaction.atomic():
        locked = Measure.objects.select_for_update().get(pk=measure.pk)
        if locked.status != MeasureStatus.PROPOSED:
            raise RegisterError(_("This measure has been decided already."))
        locked.kind = kind
        locked.starts_on = max(locked.starts_on, timezone.localdate())
        locked.ends_on = last_day_of_term(locked.starts_on, months)
        locked.decision_reason = reason.strip()
        try:
            with transaction.atomic():
                locked.save(update_fields=["kind", "starts_on", "ends_on", "decision_reason"])
                _change(locked, MeasureStatus.ACTIVE, actor, reason)
        except IntegrityError:
            raise RegisterError(_("This offence already has a red card.")) from None
    measure.refresh_from_db()
    return measure


def revoke(measure, *, actor, reason) -> Measure:
    _require_officer(actor, measure.partnership)
    if not reason.strip():
        raise RegisterError(_("Give the reason for revoking the measure."))
    with transaction.atomic():
        locked = Measure.objects.select_for_update().get(pk=measure.pk)
        if locked.status not in (
            MeasureStatus.PROPOSED,
            MeasureStatus.ACTIVE,
            MeasureStatus.SUSPENDED,
        ):
            raise RegisterError(_("Only a proposed or active measure can be revoked."))
        _change(locked, MeasureStatus.REVOKED, actor, reason)
        for proposal in proposed_shop_bans(locked).select_for_update():
            _change(proposal, MeasureStatus.REVOKED, actor, reason)
    measure.refresh_from_db()
    return measure


def expire_measures(today=None) -> int:
    """Daily: active (or suspended) measures past their last day become expired. Idempotent."""
    today = today or timezone.localdate()
    count = 0
    running = (MeasureStatus.ACTIVE, MeasureStatus.SUSPENDED)
    for measure in Measure.objects.filter(status__in=running, ends_on__lt=today):
        with transaction.atomic():
            locked = (
                Measure.objects.select_for_update()
                .filter(pk=measure.pk, status__in=running)
                .first()
            )
            if locked:
                _change(locked, MeasureStatus.EXPIRED, None, "end date passed")
                count += 1
    return count


def _change(measure, to, actor, reason):
    previous = measure.status
    measure.status = to
    fields = ["status"]
    # Back in force after a suspension, the measure is still the decision of whoever made it.
    resumed = previous == MeasureStatus.SUSPENDED and to == MeasureStatus.ACTIVE
    if to in (MeasureStatus.ACTIVE, MeasureStatus.REVOKED) and actor is not None and not resumed:
        measure.decided_by, measure.decided_at = actor, timezone.now()
        fields += ["decided_by", "decided_at"]
    if to == MeasureStatus.ACTIVE:
        fields.append("decision_reason")
    measure.save(update_fields=fields)
    MeasureChange.objects.create(
        measure=measure, from_status=previous, to_status=to, actor=actor, reason=reason
    )
    log_action(
        f"bans.measure.{to}",
        actor=actor,
        partnership=measure.partnership,
        obj=measure,
        data={"kind": measure.kind, "from": previous},
    )
    if to == MeasureStatus.ACTIVE:
        # The gallery's copies of this person, made for the shops that look before they do.
        partnership_id = measure.partnership_id
        transaction.on_commit(lambda: _warm_gallery(partnership_id), robust=True)
    elif previous == MeasureStatus.ACTIVE:
        # Out of the gallery (unless another measure keeps them there): its copies go at once.
        gallery_copies.prune_later([measure.person_id])
    if to == MeasureStatus.ACTIVE and measure.kind in BAN_KINDS:
        partnership = measure.partnership
        transaction.on_commit(
            lambda: hooks.collective_measure_in_force.send(sender=Measure, partnership=partnership),
            robust=True,
        )


def _warm_gallery(partnership_id):
    from bans.tasks import warm_gallery_copies  # tasks imports this module

    warm_gallery_copies.delay(partnership_id)


def collective_in_force(partnership, day=None):
    day = day or timezone.localdate()
    return Measure.objects.filter(partnership=partnership, kind__in=COLLECTIVE_KINDS).in_force_on(
        day
    )


def log_person_view(person, *, actor, request=None):
    """Every view of a person goes to the access log (who, when, from where)."""
    log_action(
        "bans.person.viewed",
        actor=actor,
        partnership=person.partnership,
        obj=person,
        ip_address=client_ip(request),
    )


def add_photo(person, processed, *, actor):
    _require_officer(actor, person.partnership)
    stored = []
    try:
        with transaction.atomic():
            original, thumbnail = store_image(default_storage, processed, "people", stored)
            display = store_rendition(processed.original, "people/display", stored)
            photo = PersonPhoto.objects.create(
                person=person,
                original=original,
                thumbnail=thumbnail,
                display=display,
                width=processed.width,
                height=processed.height,
                sha256=processed.sha256,
                added_by=actor,
            )
            log_action(
                "bans.person.photo_added", actor=actor, partnership=person.partnership, obj=person
            )
    except BaseException:
        delete_files(stored)
        raise
    return photo


def store_rendition(original: bytes, prefix: str, stored: list) -> str:
    """Save the gallery's large rendition of an original; its name is appended to `stored`. A
    storage that takes nothing raises StorageUnavailable."""
    try:
        name = default_storage.save(
            random_name(prefix, "jpg"), ContentFile(rendition(original, GALLERY_BOXES["l"]))
        )
    except STORAGE_FAILURES as error:
        raise StorageUnavailable from error
    stored.append(name)
    return name


def log_gallery_view(partnership, *, actor, request=None, query=""):
    log_action(
        "bans.gallery.viewed",
        actor=actor,
        partnership=partnership,
        data={"searched": bool(query)},
        ip_address=client_ip(request),
    )


SUBJECT_REQUEST_TERM = timedelta(weeks=4)


def record_subject_request(
    *, partnership, actor, kind, requester, received_on, person=None, notes=""
):
    if received_on > timezone.localdate():
        raise RegisterError(_("A request cannot be received in the future."))
    if person is not None and person.partnership_id != partnership.pk:
        raise RegisterError(_("This person belongs to another partnership's register."))
    with transaction.atomic():
        request = SubjectRequest.objects.create(
            partnership=partnership,
            person=person,
            kind=kind,
            requester=requester,
            received_on=received_on,
            due_on=received_on + SUBJECT_REQUEST_TERM,
            notes=notes,
            created_by=actor,
        )
        log_action(
            "bans.subject_request.recorded",
            actor=actor,
            partnership=partnership,
            obj=request,
            data={"kind": kind, "person": person.pk if person else None},
        )
    return request


def close_subject_request(subject_request, *, actor, status, notes=""):
    if status not in (SubjectRequest.Status.HANDLED, SubjectRequest.Status.REJECTED):
        raise RegisterError(_("Choose handled or rejected."))
    with transaction.atomic():
        updated = SubjectRequest.objects.filter(
            pk=subject_request.pk, status=SubjectRequest.Status.OPEN
        ).update(
            status=status,
            handled_on=timezone.localdate(),
            notes=(subject_request.notes + "\n" + notes).strip(),
        )
        if not updated:
            raise RegisterError(_("This request has been closed already."))
        log_action(
            "bans.subject_request.closed",
            actor=actor,
            partnership=subject_request.partnership,
            obj=subject_request,
            data={"status": status},
        )
    subject_request.refresh_from_db()
    return subject_request


def access_report_pdf(person, *, actor, request=None):
    """Everything held on the person, including who viewed it (AVG/GDPR article 15)."""
    context = {
        "person": person,
        "measures": person.measures.select_related("incident", "issuing_shop").prefetch_related(
            "history"
        ),
        "incidents": [
            link.incident
            for link in person.links.select_related("incident__shop", "incident__partnership")
        ],
        "photos": person.photos.count(),
        "views": labelled(access_log(person.partnership, person=person)[:500]),
        "generated_on": timezone.localdate(),
    }
    log_action(
        "bans.subject_request.access_report",
        actor=actor,
        partnership=person.partnership,
        obj=person,
        # Made for a subject request only: that is its purpose.
        data=purpose_of(Purpose.REQUEST),
        ip_address=client_ip(request),
    )
    return render_pdf("bans/pdf/access_report.html", context, language="nl")


IDENTITY_FIELDS = ("full_name", "birth_date", "birth_place", "address", "residence", "description")


def merge_people(keep, duplicate, *, actor):
    """Two register entries for one person: everything moves to `keep`; the duplicate stays as
    an empty pointer (merged_into) so old links still resolve. Administrators do this."""
    if not access.can(actor, keep.partnership, "keep_register"):
        raise RegisterError(_("Only the administrator merges people in the register."))
    if keep.pk == duplicate.pk or keep.partnership_id != duplicate.partnership_id:
        raise RegisterError(_("Choose two different people of the same register."))
    with transaction.atomic():
        keep, duplicate = (
            Person.objects.select_for_update().get(pk=keep.pk),
            Person.objects.select_for_update().get(pk=duplicate.pk),
        )
        if duplicate.merged_into_id or keep.merged_into_id:
            raise RegisterError(_("That person has been merged already."))
        for field in IDENTITY_FIELDS:
            if not getattr(keep, field) and getattr(duplicate, field):
                setattr(keep, field, getattr(duplicate, field))
        keep.save()
        for link in PersonIncident.objects.filter(person=duplicate):
            if PersonIncident.objects.filter(person=keep, incident=link.incident).exists():
                link.delete()
            else:
                PersonIncident.objects.filter(pk=link.pk).update(person=keep)
        Measure.objects.filter(person=duplicate).update(person=keep)
        PersonPhoto.objects.filter(person=duplicate).update(person=keep)
        SubjectRequest.objects.filter(person=duplicate).update(person=keep)
        # Claims and other rows of higher floors follow the person, or stop the merge.
        hooks.person_merging.send(sender=Person, keep=keep, duplicate=duplicate)
        Person.objects.filter(pk=duplicate.pk).update(
            merged_into=keep,
            display_name="—",
            search_name="",
            **{field: None if field == "birth_date" else "" for field in IDENTITY_FIELDS},
        )
        gallery_copies.prune_later([duplicate.pk])
        log_action(
            "bans.person.merged",
            actor=actor,
            partnership=keep.partnership,
            obj=keep,
            data={"merged": duplicate.pk},
        )
    return keep
