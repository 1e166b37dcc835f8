"""Which demo person gets which report: the closed demo cases the register may use (``_cases``),
what a report says about the offender's gender and age, and the plan (``_plan``) that gives each
person a first offence, and a red card's second offence in another shop after the first decision.
"""

import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db.models import Min, Q
from django.utils import timezone

from demo.register.people import PEOPLE, F, M
from incidents.models import Incident, IncidentType
from incidents.workflow import Status
from plumbing.dates import add_months

RED_CARDS = 15
AGGRESSION_RED_CARDS = 3  # at most; the other red cards follow a second offence
WINDOW = timedelta(days=330)  # incidents from the last 11 months: every term still runs
SECOND_OFFENCE_ROOM = timedelta(days=60)  # a red card's first offence is at least this old


@dataclass
class _Case:
    """A demo incident the register may use, with what its report says about the offender."""

    incident: Incident
    day: date
    gender: str | None  # from "een man", "een vrouw" in the report; None if it does not say
    minor: bool  # "een jongen", "een meisje"
    proposed_at: datetime | None  # when the officer's case history says "measure proposed"
    note: str  # the public note of that step ("... (gele kaart)" or "... (rode kaart)")

    @property
    def handled_at(self) -> datetime:
        if self.proposed_at is not None:
            return self.proposed_at
        return self.incident.closed_at - timedelta(minutes=45)


@dataclass
class _Step:
    """One offence of a person and when the officer decided on it."""

    case: _Case
    decided_at: datetime


@dataclass
class _Plan:
    full_name: str
    gender: str
    red: bool
    steps: list = field(default_factory=list)
    birth_date: date | None = None


def _cases(partnership, now) -> list[_Case]:
    """Closed demo reports of shoplifting and aggression from the last 11 months with an
    offender described, not linked to anyone yet, oldest first."""
    incidents = (
        Incident.objects.filter(
            partnership=partnership,
            kind__in=(IncidentType.SHOPLIFTING, IncidentType.AGGRESSION),
            status=Status.CLOSED,
            occurred_at__gte=now - WINDOW,
            occurred_at__lte=now,
            duplicate_of__isnull=True,
            personal_data_removed_at__isnull=True,
            person_links__isnull=True,
        )
        .exclude(person_description="")
        .annotate(
            proposed_at=Min(
                "history__created_at", filter=Q(history__to_status=Status.MEASURE_PROPOSED)
            )
        )
        .select_related("shop")
        .order_by("occurred_at", "pk")
    )
    notes = dict(
        Incident.objects.filter(pk__in=[i.pk for i in incidents])
        .filter(history__to_status=Status.MEASURE_PROPOSED)
        .values_list("pk", "history__public_note")
    )
    cases = []
    for incident in incidents:
        text = incident.description.lower()
        male = re.search(r"\been (man|jongen)\b", text)
        female = re.search(r"\been (vrouw|meisje)\b", text)
        cases.append(
            _Case(
                incident=incident,
                day=timezone.localdate(incident.occurred_at),
                gender=M if male and not female else F if female and not male else None,
                minor=bool(re.search(r"\been (jongen|meisje)\b", text)),
                proposed_at=incident.proposed_at,
                note=notes.get(incident.pk, ""),
            )
        )
    return cases


def _age_on(birth_date, day):
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


def _possible_age(case, today) -> bool:
    """Whether the report's offender can be 16 on the day and at most 60 today."""
    incident = case.incident
    if incident.person_birth_date:
        born = incident.person_birth_date
        return _age_on(born, case.day) >= 16 and _age_on(born, today) <= 60
    if incident.person_age:
        return 16 <= incident.person_age <= 59 and not (case.minor and incident.person_age >= 18)
    return True


def _birth_date(rng, case):
    """A birth date that fits what the report says (see ``_possible_age``)."""
    incident = case.incident
    if incident.person_birth_date:
        return incident.person_birth_date
    if incident.person_age:
        age = incident.person_age
    elif case.minor:
        age = rng.randint(16, 17)
    else:
        age = rng.choice((rng.randint(18, 29), rng.randint(24, 40), rng.randint(35, 55)))
    return add_months(case.day, -12 * age) - timedelta(days=rng.randrange(365))


def _fits(case, plan, today, *, before=None, after=None):
    """Whether this report could be about this person: gender and age; a first offence before
    ``before``; a second offence after the decision on the first ``after``, in another shop."""
    if case.gender not in (None, plan.gender) or not _possible_age(case, today):
        return False
    if before is not None and case.incident.occurred_at > before:
        return False
    if after is not None:
        if case.day <= after.case.day or case.incident.occurred_at <= after.decided_at:
            return False
        if case.incident.shop_id == after.case.incident.shop_id:
            return False
        born = plan.birth_date
        age = _age_on(born, case.day)
        incident = case.incident
        if incident.person_birth_date and incident.person_birth_date != born:
            return False
        if incident.person_age and abs(incident.person_age - age) > 6:
            return False
        if case.minor and age >= 18:
            return False
    return True


def _take(rng, pool, plan, today, *, kind, colour, before=None, after=None):
    """A fitting case from ``pool`` (removed from it): one whose history proposed a measure of
    this colour first, then any with a measure proposed, then any other."""
    fitting = [
        c
        for c in pool
        if c.incident.kind == kind and _fits(c, plan, today, before=before, after=after)
    ]
    tiers = (
        [c for c in fitting if c.proposed_at and colour in c.note],
        [c for c in fitting if c.proposed_at],
        fitting,
    )
    for tier in tiers:
        if tier:
            case = rng.choice(tier)
            pool.remove(case)
            return case
    return None


def _plan(rng, cases, now) -> list[_Plan]:
    """Which demo person gets which report(s); people without a fitting report are left out."""
    today = timezone.localdate(now)
    order = list(range(len(PEOPLE)))
    red = set(rng.sample(order, RED_CARDS))
    # Red cards first: they need two reports, or one of the few reports of aggression.
    order.sort(key=lambda index: (index not in red, index))
    plans, pool, aggression = [], list(cases), 0
    for index in order:
        full_name, gender = PEOPLE[index]
        plan = _Plan(full_name=full_name, gender=gender, red=index in red)
        first = None
        if plan.red and aggression < AGGRESSION_RED_CARDS:
            first = _take(rng, pool, plan, today, kind=IncidentType.AGGRESSION, colour="rode")
            if first is not None:
                aggression += 1
        if first is None:
            # A red card needs room for the second offence after the first.
            before = now - SECOND_OFFENCE_ROOM if plan.red else None
            first = _take(
                rng, pool, plan, today, kind=IncidentType.SHOPLIFTING, colour="gele", before=before
            )
        if first is None:
            continue
        plan.birth_date = _birth_date(rng, first)
        plan.steps = [_Step(first, _decided_at(rng, first, now))]
        if plan.red and first.incident.kind == IncidentType.SHOPLIFTING:
            second = _take(
                rng,
                pool,
                plan,
                today,
                kind=IncidentType.SHOPLIFTING,
                colour="rode",
                after=plan.steps[0],
            )
            if second is None:
                plan.red = False  # no later report fits: a yellow card only
            else:
                plan.steps.append(_Step(second, _decided_at(rng, second, now)))
        plans.append(plan)
    return plans


def _decided_at(rng, case, now):
    """The officer confirms the proposal the same day, a little after proposing it."""
    moment = case.handled_at + timedelta(minutes=rng.randint(10, 180))
    return min(moment, now - timedelta(minutes=5))
