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
from datetime import timedelta

from django.db import transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from bans import hooks, services
from bans.models import IdentityRequest, Person
from incidents.models import Incident
from merchants import access
from merchants.models import Membership
from merchants.roles import Role
from merchants.services import log_action
from plumbing.mail import send_templated_mail
from plumbing.pdf import render_pdf

logger = logging.getLogger(__name__)

LANGUAGE = "nl"  # the police are Dutch
# Reminders before a request without an answer is closed as not given.
MAX_REMINDERS = 3
# A request the mail task could not send by then is tried again by the daily run.
UNSENT_AFTER = timedelta(hours=1)


class IdentityError(Exception):
    """A rule stops this action; the message is shown to the user as it is."""


def file_request(incident, *, actor, **fields) -> IdentityRequest:
    """A new request for `incident`; one open request per case. Sent after commit."""
    if not access.can(actor, incident.partnership, "request_identity"):
        raise IdentityError(
            _("Only the officer or the coordinator can ask the police for a name and address.")
        )
    if incident.personal_data_removed_at:
        raise IdentityError(_("The personal data of this case were removed."))
    with transaction.atomic():
        # The case row is the lock: two clicks at once make one request (and the constraint
        # stands behind it).
        Incident.objects.select_for_update().filter(pk=incident.pk).first()
        open_request = IdentityRequest.objects.open().filter(incident=incident).first()
        if open_request is not None:
            raise IdentityError(
                _("Request %(number)s for this case is still waiting for the police.")
                % {"number": open_request.number}
            )
        request = IdentityRequest.objects.create(
            partnership=incident.partnership, incident=incident, requested_by=actor, **fields
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


def reply_to(request) -> list[str]:
    """Who the police answer: the requester when it may see the answer, else the partnership's
    officers (a coordinator files requests but sees no names or addresses)."""
    requester = request.requested_by
    if (
        requester
        and requester.email
        and access.can(requester, request.partnership, "record_identity")
    ):
        return [requester.email]
    officers = Membership.objects.active().filter(
        partnership=request.partnership, role=Role.OFFICER, user__is_active=True
    )
    return sorted(officers.values_list("user__email", flat=True))


def request_pdf(request, *, reminder=False) -> bytes:
    request = IdentityRequest.objects.select_related(
        "partnership", "incident__shop", "incident__area", "requested_by"
    ).get(pk=request.pk)
    with translation.override(LANGUAGE):
        return render_pdf(
            "bans/pdf/identity_request.html",
            {
                "request": request,
                "incident": request.incident,
                "reply_to": reply_to(request),
                "reminder": reminder,
                "printed_at": timezone.now(),
            },
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
    context = {"request": request, "incident": request.incident, "reminder": reminder}
    try:
        pdf = request_pdf(request, reminder=reminder)
        send_templated_mail(
            "bans/email/identity_request",
            context,
            to=[request.mailbox],
            language=LANGUAGE,
            attachments=[(f"{request.number}.pdf", pdf, "application/pdf")],
            reply_to=reply_to(request),
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
    """Daily: each open request whose term passed (in days) since it was sent or last reminded
    gets one reminder; after MAX_REMINDERS without an answer it is closed as not given. A request
    that never went out is sent now. The row is claimed (compare-and-set on last_reminded_at)
    before the mail goes, so two runs never remind twice; a failed mail gives the claim back."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    sent = 0
    for request in IdentityRequest.objects.open().filter(
        sent_at__isnull=True, created_at__lte=now - UNSENT_AFTER
    ):
        try:
            send_request(request.pk)
        except Exception:
            logger.warning("a name-and-address request could still not be sent")
    due = IdentityRequest.objects.open().filter(sent_at__isnull=False)
    for request in due.only("pk", "sent_at", "last_reminded_at", "remind_after_days", "reminders"):
        since = timezone.localdate(request.last_reminded_at or request.sent_at)
        if (today - since).days < request.remind_after_days:
            continue
        if request.reminders >= MAX_REMINDERS:
            _give_up(request, now)
            continue
        claimed = IdentityRequest.objects.filter(
            pk=request.pk, last_reminded_at=request.last_reminded_at
        ).update(last_reminded_at=now, reminders=F("reminders") + 1)
        if not claimed:
            continue
        try:
            went = send_request(request.pk, reminder=True)
        except Exception:
            went = False
            logger.warning("a reminder of a name-and-address request could not be sent")
        if not went:
            IdentityRequest.objects.filter(pk=request.pk).update(
                last_reminded_at=request.last_reminded_at, reminders=F("reminders") - 1
            )
            continue
        sent += 1
    return sent


def _give_up(request, now):
    """No answer after every reminder: closed as not given, so the case can be let go."""
    with transaction.atomic():
        closed = IdentityRequest.objects.filter(pk=request.pk, status=IdentityRequest.Status.OPEN)
        if closed.update(status=IdentityRequest.Status.REFUSED, closed_at=now):
            log_action(
                "bans.identity.refused",
                partnership=request.partnership,
                obj=request,
                data={"reminders": request.reminders, "automatic": True},
            )


def record_answer(
    request, *, actor, outcome, answered_on, identity=None, person=None
) -> IdentityRequest:
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
            locked.person = _fill_in(locked, identity, actor, person)
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


def people_of(request):
    """The people the case is linked to now, in the register (not merged away or stripped)."""
    return list(
        Person.objects.filter(
            links__incident=request.incident,
            merged_into__isnull=True,
            personal_data_removed_at__isnull=True,
        ).order_by("display_name", "pk")
    )


def _fill_in(request, identity, actor, person) -> Person:
    """The answer goes into `person` (one the case is linked to), or into a new person linked to
    the case when it has nobody: the officer's to make (bans.services checks and logs it)."""
    linked = people_of(request)
    if person is None and len(linked) == 1:
        person = linked[0]
    if person is None and linked:
        raise IdentityError(
            _("Several people are linked to this case: choose who the answer is about.")
        )
    if person is not None and person not in linked:
        raise IdentityError(_("Choose one of the people linked to this case."))
    if person is None:
        try:
            person = services.create_person(
                partnership=request.partnership,
                actor=actor,
                display_name=short_name(identity["full_name"]),
            )
            services.link_incident(person, request.incident, actor=actor)
        except services.RegisterError:
            raise IdentityError(
                _("Nobody in the register is linked to this case: the officer records this answer.")
            ) from None
    for name, value in identity.items():
        setattr(person, name, value)
    person.save()
    hooks.identity_recorded.send(sender=Person, person=person, actor=actor)
    log_action(
        "bans.person.identity_recorded",
        actor=actor,
        partnership=request.partnership,
        obj=person,
        data={"request": request.pk, "fields": sorted(identity)},
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
