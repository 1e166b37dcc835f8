"""The demo's police link and objections, so that each page has something to show.

- Two name-and-address requests: one waiting for the police (sent five days ago), one answered
  after nine days, for recent thefts caught in the act whose person is not identified yet.
- Two objections against red cards: one open, entered from a letter by the administrator, and
  one rejected by the second officer with its decision letter.

Made through the services as the demo's people would, after the register (``demo.register``).
Idempotent: nothing is made when the partnership has an objection already. The request emails go
where the installation's mail goes (files, with ``make run``).
"""

from datetime import timedelta

from django.db.models import Exists, OuterRef
from django.utils import timezone

from bans import identity, objections
from bans.models import (
    IdentityRequest,
    Measure,
    MeasureKind,
    MeasureStatus,
    Objection,
    PersonIncident,
)
from demo.merchants import DEMO_USERS
from incidents.models import Incident, IncidentType, PoliceReport
from merchants.models import User
from merchants.roles import Role

MAILBOX = "naw-verzoeken.oost-nederland@politie.example"
OFFICERS = [row[0] for row in DEMO_USERS if row[2] == Role.OFFICER]
ADMINISTRATOR = next(row[0] for row in DEMO_USERS if row[2] == Role.ADMINISTRATOR)


def seed_police_link(partnership, *, now=None) -> dict:
    counts = {"identity_requests": 0, "objections": 0, "skipped": True}
    if Objection.objects.filter(partnership=partnership).exists():
        return counts
    now = now or timezone.now()
    users = {u.email: u for u in User.objects.filter(email__in=[*OFFICERS, ADMINISTRATOR])}
    officer, second = users.get(OFFICERS[0]), users.get(OFFICERS[-1])
    administrator = users.get(ADMINISTRATOR)
    if not (officer and second and administrator) or officer == second:
        return counts
    counts["identity_requests"] = _identity_requests(partnership, officer, now)
    counts["objections"] = _objections(partnership, officer, second, administrator, now)
    counts["skipped"] = False
    return counts


def _identity_requests(partnership, officer, now) -> int:
    """One request for a recent theft nobody is linked to yet (waiting), and one for a case of a
    person in the register, answered with what the register holds (the police confirmed it)."""
    linked = PersonIncident.objects.filter(incident=OuterRef("pk"))
    thefts = Incident.objects.filter(
        partnership=partnership,
        kind=IncidentType.SHOPLIFTING,
        caught_in_act=True,
        police_report=PoliceReport.YES,
        personal_data_removed_at__isnull=True,
    )
    waiting = (
        thefts.filter(occurred_at__gte=now - timedelta(days=60))
        .exclude(Exists(linked))
        .order_by("-occurred_at")
        .first()
    )
    known = (
        PersonIncident.objects.filter(incident__in=thefts, person__partnership=partnership)
        .exclude(person__address="")
        .select_related("incident", "person")
        .order_by("-incident__occurred_at")
        .first()
    )
    made = 0
    for case, days_ago in ((waiting, 5), (known.incident if known else None, 20)):
        if case is None:
            continue
        request = identity.file_request(
            case,
            actor=officer,
            legal_ground="civil_claim",
            explanation="Schadeclaim van € 181 voor de winkel.",
            ask_name=True,
            ask_address=True,
            ask_birth_date=True,
            mailbox=MAILBOX,
            remind_after_days=14,
        )
        asked = now - timedelta(days=days_ago)
        IdentityRequest.objects.filter(pk=request.pk).update(created_at=asked, sent_at=asked)
        made += 1
        if case is not waiting:
            person = known.person
            request.refresh_from_db()
            identity.record_answer(
                request,
                actor=officer,
                outcome=IdentityRequest.Status.ANSWERED,
                answered_on=timezone.localdate(asked + timedelta(days=9)),
                identity={
                    "full_name": person.full_name,
                    "birth_date": person.birth_date,
                    "address": person.address,
                    "residence": person.residence,
                },
                person=person,
            )
    return made


def _objections(partnership, officer, second, administrator, now) -> int:
    reds = list(
        Measure.objects.filter(
            partnership=partnership,
            kind=MeasureKind.RED,
            status=MeasureStatus.ACTIVE,
            decided_by=officer,
        ).order_by("-starts_on", "pk")[:2]
    )
    today = timezone.localdate(now)
    made = 0
    for index, red in enumerate(reds):
        objection = objections.record_objection(
            red,
            actor=administrator,
            channel="letter",
            objector="mr. E. de Groot, advocaat te Deventer",
            contact="Postbus 310, 7400 AH Deventer",
            grounds=(
                "Mijn cliënt betwist dat hij op de beelden staat en vraagt de camerabeelden in te "
                "zien."
                if index == 0
                else "Mijn cliënt woont in de binnenstad en kan zijn boodschappen nergens anders "
                "doen."
            ),
            received_on=today - timedelta(days=3 if index == 0 else 16),
        )
        if index == 1:
            objections.decide(
                objection,
                actor=second,
                outcome=Objection.Status.REJECTED,
                reason=(
                    "Het verbod geldt alleen in de deelnemende winkels; in de binnenstad zijn "
                    "genoeg winkels die niet deelnemen. De maatregel blijft staan."
                ),
            )
        made += 1
    return made


def summary_lines(partnership, created) -> list[str]:
    requests = IdentityRequest.objects.filter(partnership=partnership)
    found = Objection.objects.filter(partnership=partnership)
    return [
        f"Police link: {requests.open().count()} name-and-address request(s) waiting, "
        f"{requests.filter(status='answered').count()} answered; {found.open().count()} "
        f"objection(s) open, {found.exclude(status='open').count()} decided "
        f"(by {OFFICERS[-1]}).",
    ]
