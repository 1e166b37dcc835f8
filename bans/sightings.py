""" "Seen in my shop": a shop tells the officer that a person with a ban in force is in the shop.

The gallery asks for confirmation first; afterwards the shop is told what to do now and may
withdraw a sighting made by mistake for a few minutes (UNDO_WINDOW). A withdrawn sighting is
deleted, not kept: a false "X was in the shop" is personal data nobody should hold.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bans import hooks
from bans.models import BAN_KINDS, PersonIncident
from bans.services import RegisterError, collective_in_force
from incidents import services as incident_services
from incidents.models import Incident, IncidentType
from incidents.workflow import Status
from merchants.models import Membership
from merchants.roles import Role
from merchants.services import log_action
from plumbing.mail import send_templated_mail

UNDO_WINDOW = timedelta(minutes=5)


def report_sighting(person, *, reporter, shop, submission_key):
    """A ban-violation report for the officer, linked to the person, and an email to the
    partnership's officers after commit. Only while a ban is in force; the person must be in
    the reporter's gallery (the view checks)."""
    # The key alone identifies a sighting (its time is "now", so content never matches twice).
    earlier = Incident.objects.filter(submission_key=submission_key, reporter=reporter).first()
    if earlier is not None:
        return earlier
    today = timezone.localdate()
    # A yellow card lets the person in; only a ban (red card, extension) makes a visit news.
    bans = collective_in_force(person.partnership, today).filter(person=person, kind__in=BAN_KINDS)
    if not bans.exists():
        raise RegisterError(_("This person has no collective ban in force."))
    with transaction.atomic():
        incident, created = incident_services.report_incident(
            shop=shop,
            reporter=reporter,
            fields={
                "kind": IncidentType.BAN_VIOLATION,
                "occurred_at": timezone.now(),
                # No sentence stored in the reporter's language: the case page words it for its
                # reader, and the register panel names the person.
                "description": "",
            },
            submission_key=submission_key,
        )
        if created:
            PersonIncident.objects.get_or_create(person=person, incident=incident)
            log_action(
                "bans.sighting.reported",
                actor=reporter,
                partnership=person.partnership,
                obj=person,
                data={"incident": incident.pk, "shop": shop.pk},
            )
            transaction.on_commit(lambda: _queue_sighting_email(incident.pk), robust=True)
            transaction.on_commit(
                lambda: hooks.sighting_reported.send(
                    sender=Incident, incident=incident, person=person
                ),
                robust=True,
            )
    return incident


def sightings_of(user):
    """The sightings `user` reported, with the person each is about."""
    return Incident.objects.filter(
        reporter=user, kind=IncidentType.BAN_VIOLATION, person_links__isnull=False
    ).select_related("shop", "partnership")


def may_undo(incident, now=None) -> bool:
    now = now or timezone.now()
    return incident.status == Status.REPORTED and now - incident.created_at <= UNDO_WINDOW


def withdraw_sighting(incident, *, actor, now=None):
    """Delete a sighting its reporter made by mistake, within UNDO_WINDOW and before the officer
    acted on it; the officers get a short correction. Returns the person it was about."""
    with transaction.atomic():
        locked = Incident.objects.select_for_update().filter(pk=incident.pk).first()
        if locked is None or not may_undo(locked, now):
            raise RegisterError(
                _("This sighting can no longer be withdrawn; call the community police officer.")
            )
        link = locked.person_links.select_related("person").get()
        log_action(
            "bans.sighting.withdrawn",
            actor=actor,
            partnership=locked.partnership,
            obj=link.person,
            data={"incident": locked.pk, "shop": locked.shop_id},
        )
        facts = {
            "partnership": locked.partnership_id,
            "person": link.person.display_name,
            "shop": locked.shop.name,
            "time": locked.occurred_at.isoformat(),
        }
        hooks.sighting_withdrawn.send(sender=Incident, incident=locked)
        locked.delete()
        transaction.on_commit(lambda: _queue_withdrawal_email(facts), robust=True)
    return link.person


def _queue_sighting_email(incident_id):
    from bans.tasks import notify_officers_of_sighting

    notify_officers_of_sighting.delay(incident_id)


def _queue_withdrawal_email(facts):
    from bans.tasks import notify_officers_of_withdrawn_sighting

    notify_officers_of_withdrawn_sighting.delay(facts)


def _officers(partnership_id):
    return [
        m.user
        for m in Membership.objects.active()
        .filter(partnership_id=partnership_id, role=Role.OFFICER)
        .select_related("user")
    ]


def send_sighting_email(incident_id) -> int:
    """Tell every officer of the partnership at once; returns the number of emails sent."""
    incident = Incident.objects.select_related("shop", "partnership").filter(pk=incident_id).first()
    link = incident.person_links.select_related("person").first() if incident else None
    if link is None:
        return 0  # withdrawn before the task ran: nothing to tell
    officers = _officers(incident.partnership_id)
    for officer in officers:
        context = {
            "incident": incident,
            "person": link.person,
            "officer": officer,
            "link": settings.SITE_URL + incident.get_absolute_url(),
        }
        send_templated_mail(
            "bans/email/sighting", context, to=[officer.email], language=officer.language
        )
    return len(officers)


def send_withdrawal_email(facts) -> int:
    facts = {**facts, "time": datetime.fromisoformat(facts["time"])}
    officers = _officers(facts["partnership"])
    for officer in officers:
        send_templated_mail(
            "bans/email/sighting_withdrawn",
            {**facts, "officer": officer},
            to=[officer.email],
            language=officer.language,
        )
    return len(officers)
