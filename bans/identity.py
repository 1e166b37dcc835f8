"""Name-and-address requests to the police ("NAW-verzoeken").

A civil claim and a notice need the offender's name and address; shops may not ask for ID, and
the police answer only some of these requests. The officer or the coordinator files a request for
a case; it goes as a PDF by email to a police mailbox (the answer comes back to the requester:
Reply-To), a reminder follows after the request's term, and the answer, recorded by a role that
sees identity fields, goes straight into the person's identity fields. The request row itself
never holds a name or an address.
"""

import logging
import statistics

from django.db import transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from bans import hooks
from bans.models import IdentityRequest, Person, PersonIncident
from merchants import access
from merchants.services import log_action
from plumbing.mail import send_templated_mail
from plumbing.pdf import render_pdf

logger = logging.getLogger(__name__)

LANGUAGE = "nl"  # the police are Dutch


class IdentityError(Exception):
    """A rule stops this action; the message is shown to the user as it is."""


def file_request(incident, *, actor, **fields) -> IdentityRequest:
    """A new request for `incident`; one open request per case. Sent after commit."""
    if not access.can(actor, incident.partnership, "request_identity"):
        raise IdentityError(_("Only the officer or the coordinator asks the police."))
    with transaction.atomic():
        open_request = (
            IdentityRequest.objects.select_for_update().open().filter(incident=incident).first()
        )
        if open_request is not None:
            raise IdentityError(
                _("Request %(number)s for this case is still waiting for the police.")
                % {"number": open_request.number}
            )
        linked = list(
            PersonIncident.objects.filter(incident=incident).values_list("person", flat=True)
        )
        request = IdentityRequest.objects.create(
            partnership=incident.partnership,
            incident=incident,
            person_id=linked[0] if len(linked) == 1 else None,
            requested_by=actor,
            **fields,
        )
        log_action(
            "bans.identity.requested",
            actor=actor,
            partnership=incident.partnership,
            obj=request,
            data={"incident": incident.pk, "ground": request.legal_ground},
        )
        transaction.on_commit(lambda: _queue_send(request.pk), robust=True)
    return request


def _queue_send(request_id, reminder=False):
    from bans.tasks import send_identity_request

    send_identity_request.delay(request_id, reminder=reminder)


def request_pdf(request) -> bytes:
    request = IdentityRequest.objects.select_related(
        "partnership", "incident__shop", "incident__area", "requested_by"
    ).get(pk=request.pk)
    with translation.override(LANGUAGE):
        return render_pdf(
            "bans/pdf/identity_request.html",
            {"request": request, "incident": request.incident, "printed_at": timezone.now()},
        )


def send_request(request_id, *, reminder=False) -> bool:
    """Email the request (or its reminder) with the PDF to the police mailbox. A failure is kept
    on the row for the pages and raised again so that the task retries."""
    request = (
        IdentityRequest.objects.select_related("partnership", "requested_by", "incident")
        .filter(pk=request_id, status=IdentityRequest.Status.OPEN)
        .first()
    )
    if request is None or (request.sent_at and not reminder):
        return False
    requester = request.requested_by
    context = {"request": request, "incident": request.incident, "reminder": reminder}
    try:
        send_templated_mail(
            "bans/email/identity_request",
            context,
            to=[request.mailbox],
            language=LANGUAGE,
            attachments=[(f"{request.number}.pdf", request_pdf(request), "application/pdf")],
            reply_to=[requester.email] if requester and requester.email else (),
        )
    except Exception as error:
        IdentityRequest.objects.filter(pk=request.pk).update(send_error=str(error)[:300])
        raise
    now = timezone.now()
    if reminder:
        IdentityRequest.objects.filter(pk=request.pk).update(send_error="")
    else:
        IdentityRequest.objects.filter(pk=request.pk).update(sent_at=now, send_error="")
    return True


def send_reminders(now=None) -> int:
    """Daily: each open request whose term passed since it was sent or last reminded gets one
    reminder. The row is claimed (compare-and-set on last_reminded_at) before the mail goes, so
    two runs never remind twice; a failed mail gives the claim back for the next run."""
    now = now or timezone.now()
    sent = 0
    due = IdentityRequest.objects.open().filter(sent_at__isnull=False)
    for request in due.only("pk", "sent_at", "last_reminded_at", "remind_after_days"):
        since = request.last_reminded_at or request.sent_at
        if (now - since).days < request.remind_after_days:
            continue
        claimed = IdentityRequest.objects.filter(
            pk=request.pk, last_reminded_at=request.last_reminded_at
        ).update(last_reminded_at=now, reminders=F("reminders") + 1)
        if not claimed:
            continue
        try:
            send_request(request.pk, reminder=True)
        except Exception:
            logger.warning("a reminder of a name-and-address request could not be sent")
            IdentityRequest.objects.filter(pk=request.pk).update(
                last_reminded_at=request.last_reminded_at, reminders=F("reminders") - 1
            )
            continue
        sent += 1
    return sent


def record_answer(request, *, actor, outcome, answered_on, identity=None) -> IdentityRequest:
    """Close a request. With the answer `answered`, `identity` (full_name, birth_date, address,
    residence: what the police gave) goes into the person of the case, made when the case had
    nobody in the register yet."""
    if not access.can(actor, request.partnership, "record_identity"):
        raise IdentityError(_("Only the officer or the administrator records the answer."))
    identity = {name: value for name, value in (identity or {}).items() if value}
    if outcome == IdentityRequest.Status.ANSWERED and not identity.get("full_name"):
        raise IdentityError(_("An answer names the person: fill in the full name."))
    with transaction.atomic():
        locked = IdentityRequest.objects.select_for_update().get(pk=request.pk)
        if locked.status != IdentityRequest.Status.OPEN:
            raise IdentityError(_("This request was closed already."))
        if outcome == IdentityRequest.Status.ANSWERED:
            locked.person = _fill_in(locked, identity, actor)
        locked.status = outcome
        locked.answered_on = answered_on if outcome == IdentityRequest.Status.ANSWERED else None
        locked.closed_by, locked.closed_at = actor, timezone.now()
        locked.save()
        log_action(
            f"bans.identity.{outcome}",
            actor=actor,
            partnership=locked.partnership,
            obj=locked,
            data={"person": locked.person_id, "fields": sorted(identity)},
        )
    return locked


def _fill_in(request, identity, actor) -> Person:
    person = request.person
    if person is not None and person.merged_into_id:
        person = person.merged_into
    if person is None:
        person = Person(
            partnership=request.partnership, display_name=short_name(identity["full_name"])
        )
    for name, value in identity.items():
        setattr(person, name, value)
    person.save()
    hooks.identity_recorded.send(sender=Person, person=person, actor=actor)
    _link, created = PersonIncident.objects.get_or_create(
        person=person, incident=request.incident, defaults={"linked_by": actor}
    )
    log_action(
        "bans.person.identity_recorded",
        actor=actor,
        partnership=request.partnership,
        obj=person,
        data={"request": request.pk, "fields": sorted(identity), "linked": created},
    )
    return person


def short_name(full_name: str) -> str:
    """How shops see a person: the first name and the initial of the last, "Jan de Vries" →
    "Jan V."."""
    words = full_name.split()
    if len(words) < 2:
        return full_name.strip()[:80]
    return f"{words[0]} {words[-1][0].upper()}."[:80]


def figures(partnership) -> dict:
    """Requests open and answered, and the median days to an answer: two queries."""
    requests = IdentityRequest.objects.filter(partnership=partnership)
    open_count = requests.open().count()
    days = [
        (answered - timezone.localdate(created)).days
        for created, answered in requests.filter(
            status=IdentityRequest.Status.ANSWERED, answered_on__isnull=False
        ).values_list("created_at", "answered_on")
    ]
    return {
        "open": open_count,
        "answered": len(days),
        "median_days": statistics.median(days) if days else None,
    }


def waiting_for(incident):
    """The open request a case (and so its claim) waits for, if any."""
    return IdentityRequest.objects.open().filter(incident=incident).first()


def days_open(request, today=None) -> int:
    today = today or timezone.localdate()
    return (today - timezone.localdate(request.created_at)).days
