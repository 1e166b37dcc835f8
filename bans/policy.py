"""The Deventer escalation rules, as one function that proposes; an officer always decides.

- No measure in force on the offence date: a yellow card (collective warning), plus an individual
  ban for the issuing shop.
- A new offence while a yellow card is in force: a red card (collective ban).
- An offence or a sighting while a red card (or its extension) is in force: an extension.
- Aggression or threat: a red card at once, for the longer term, when the partnership says so.

Terms come from the partnership's policy fields; a measure is in force from its first to its last
day, both included.
"""

from dataclasses import dataclass, field
from datetime import date

from django.utils import timezone

from bans.models import BAN_KINDS, Measure, MeasureKind
from bans.reasons import reason_text
from incidents.models import IncidentType
from plumbing.dates import last_day_of_term


@dataclass(frozen=True)
class Proposal:
    kind: str
    starts_on: date
    ends_on: date
    reason_code: str
    reason_params: dict = field(default_factory=dict)
    individual_ban_until: date | None = None
    extends: Measure | None = None

    @property
    def reason(self) -> str:
        return reason_text(self.reason_code, self.reason_params)


def in_force(person, day):
    return Measure.objects.filter(person=person).in_force_on(day).order_by("-ends_on")


def propose(person, incident, *, today=None) -> Proposal:
    """The measure the rules call for when `person` committed `incident`."""
    policy = person.partnership
    # The day in the partnership's time (Europe/Amsterdam): in UTC, an offence between midnight
    # and one or two o'clock fell on the day before, before a warning given that day.
    offence_day = timezone.localdate(incident.occurred_at)
    start = today or offence_day
    current = list(in_force(person, offence_day))
    bans = [m for m in current if m.kind in BAN_KINDS]
    yellow = [m for m in current if m.kind == MeasureKind.YELLOW]

    if bans:
        return _extension(bans[0], policy, reason_day=offence_day)
    if incident.kind == IncidentType.AGGRESSION and policy.aggression_means_red_card:
        months = policy.red_card_aggression_months
        return Proposal(
            kind=MeasureKind.RED,
            starts_on=start,
            ends_on=last_day_of_term(start, months),
            reason_code="aggression",
            reason_params={"months": months},
        )
    if yellow:
        months = policy.red_card_months
        return Proposal(
            kind=MeasureKind.RED,
            starts_on=start,
            ends_on=last_day_of_term(start, months),
            reason_code="offence_during_yellow",
            reason_params={
                "day": offence_day.isoformat(),
                "since": yellow[0].starts_on.isoformat(),
                "until": yellow[0].ends_on.isoformat(),
                "months": months,
            },
        )
    months = policy.yellow_card_months
    return Proposal(
        kind=MeasureKind.YELLOW,
        starts_on=start,
        ends_on=last_day_of_term(start, months),
        individual_ban_until=last_day_of_term(start, policy.individual_ban_months),
        reason_code="first_offence",
        reason_params={"day": offence_day.isoformat(), "months": months},
    )


def propose_for_sighting(person, day) -> Proposal | None:
    """A sighting in a participating shop matters only during a collective ban."""
    bans = [m for m in in_force(person, day) if m.kind in BAN_KINDS]
    if not bans:
        return None
    return _extension(bans[0], person.partnership, reason_day=day, sighting=True)


def _extension(ban, policy, *, reason_day, sighting=False):
    months = policy.red_card_months
    start = ban.ends_on.fromordinal(ban.ends_on.toordinal() + 1)
    return Proposal(
        kind=MeasureKind.EXTENSION,
        starts_on=start,
        ends_on=last_day_of_term(start, months),
        reason_code="sighting_during_ban" if sighting else "offence_during_ban",
        reason_params={"day": reason_day.isoformat(), "until": ban.ends_on.isoformat()},
        extends=ban,
    )
