"""The plan of the demo claims, before anything is made: one ``_Slot`` per claim with the state it
ends in, the way it gets there and its days, the ``_Transfer`` lines the bank statements will show,
and ``_Planning``, the part of the seeder (``demo.claims.seeder``) that picks the days and matches
every claim with a case.
"""

import math
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from bans.models import Person, PersonIncident
from claims import reminders as claim_reminders
from claims import services as claim_services
from claims.models import Claim
from demo.claims.bank import _iban
from demo.claims.cases import _offender_age
from demo.claims.tables import GROWTH, IN_REMINDER, IN_TERM, OLDER_SENT_DAYS_AGO, PERIOD_DAYS, PLAN
from incidents.models import Incident, IncidentType, PoliceReport
from merchants.models import User

# --- the plan ------------------------------------------------------------------------------------


@dataclass
class _Slot:
    """One claim of the plan: the state it ends in, the way it gets there, its days."""

    index: int
    status: str
    way: str
    created_on: date
    sent_on: date | None = None
    bank_days: tuple = ()  # days a transfer can arrive on, for the ways paid by bank
    incident: Incident | None = None
    person: Person | None = None  # a register person; None: made when the claim is drafted
    maker: User | None = None
    claim: Claim | None = None
    payer_iban: str = ""


@dataclass
class _Transfer:
    """A credit on the partnership's account, as a bank statement will show it."""

    day: date
    slot: _Slot | None
    kind: str  # exact, partial, over, unknown, closed, agency, other
    amount: Decimal | None = None  # None: what the claim has outstanding when it is imported
    style: str = "ref"  # ref (structured), ref_text (in the description), number (claim number)
    decision: str = ""  # "" (left waiting or booked by the import), book, book_number, set_aside
    note: str = ""
    name: str = ""
    iban: str = ""
    text: str = ""
    entry: dict | None = None  # the statement line, once the statement is made


class _Planning:
    """The seeder's planning: which days each claim is drafted, sent and paid on, and its case."""

    # --- planning: the days ----------------------------------------------------------------------

    def _plan(self):
        rng, E = self.rng, self.statement_days
        for status, ways in PLAN.items():
            for way, number in ways.items():
                for n in range(number):
                    slot = _Slot(len(self.slots), status, way, created_on=self.today)
                    self.slots.append(slot)
                    # The n-th of ``number`` claims of a way: spread evenly over its days.
                    share = (n + rng.random()) / number
                    if way == "draft":
                        slot.created_on = self._days_ago(0, 9, share)
                        continue
                    if way == "cancelled_draft":
                        slot.created_on = self._older(25, 400, share)
                        continue
                    if way in IN_TERM:
                        slot.sent_on = self._days_ago(IN_TERM[way], self.due_days, share)
                    elif way in IN_REMINDER:
                        first = self.due_days + 1 + IN_REMINDER[way]
                        last = self.due_days + self.rules.reminder_days
                        slot.sent_on = self._days_ago(first, last, share)
                    elif way == "collection_part_by_bank":
                        # Reminded before the second statement, which comes before the costs.
                        slot.sent_on = E[2] - timedelta(days=self.due_days + rng.randint(6, 15))
                    elif way == "paid_twice":
                        slot.sent_on = E[1] + timedelta(days=rng.randint(0, 10))
                    elif way in ("overpaid", "no_reference"):
                        slot.sent_on = E[1] - timedelta(days=rng.randint(3, 14))
                    else:
                        days = OLDER_SENT_DAYS_AGO.get(way, (40, PERIOD_DAYS))
                        slot.sent_on = self._older(*days, share)
                    if way in ("bank", "bank_after_reminder"):
                        self._make_feasible(slot, late=way != "bank")
                    elif way in ("bank_recent", "overpaid", "no_reference", "credit_then_paid"):
                        slot.bank_days = self._bank_days(slot.sent_on, late=False)
                    elif way == "bank_after_reminder_recent":
                        slot.bank_days = self._bank_days(slot.sent_on, late=True)
                    slot.created_on = slot.sent_on - timedelta(
                        days=rng.choice((0, 0, 0, 1, 1, 2, 3, 5))
                    )

    def _days_ago(self, fewest, most, share):
        """The day at ``share`` (0 to 1) of the days from ``most`` to ``fewest`` days ago."""
        return self.today - timedelta(days=most - int(share * (most - fewest + 1)))

    def _older(self, fewest, most, share):
        """Like ``_days_ago``, with more claims on recent days than on old ones (``GROWTH``
        times as many at the end): the partnership claimed more cases as time went on."""
        # The inverse of the distribution function of a density rising linearly from 1 to
        # 1 + GROWTH over the days.
        rise = GROWTH
        along = (math.sqrt(1 + 2 * rise * share * (1 + rise / 2)) - 1) / rise
        return self.today - timedelta(days=round(most - along * (most - fewest)))

    def _import_day(self, day):
        return next(imported for imported in self.statement_days[1:] if imported > day)

    def _bank_days(self, sent_on, *, late):
        """The days a transfer can arrive on and still be booked before the reminder (``late``:
        after the reminder came, before the collection costs): by hand before the first
        statement, else by a statement that is imported in time."""
        if late:
            _reminded, posted, deadline = self._reminder(sent_on)
            if posted is None:
                return ()
            first = posted + timedelta(days=2)  # the letter has to arrive first
        else:
            first, deadline = sent_on + timedelta(days=1), self._due_on(sent_on)
        days = []
        day = first
        while day < min(deadline, self.today):
            if day < self.statement_days[0] or self._import_day(day) <= deadline:
                days.append(day)
            day += timedelta(days=1)
        return tuple(days)

    def _due_on(self, sent_on):
        return sent_on + timedelta(days=self.due_days)

    def _reminder(self, sent_on):
        """When the job reminds an unpaid claim (the day after it was due), when the officer
        posts the reminder (that day or the next working day; None: not yet) and the last day
        of the reminder's term, after which the job adds the collection costs."""
        reminded = self._due_on(sent_on) + timedelta(days=1)
        posted = reminded
        while posted.weekday() >= 5:
            posted += timedelta(days=1)
        if posted >= self.today:
            return reminded, None, None
        term = self.rules.reminder_days + claim_reminders.POSTAL_DAYS
        return reminded, posted, posted + timedelta(days=term)

    def _make_feasible(self, slot, *, late):
        """Move the claim a few days when no transfer would be booked in time: the statements are
        monthly, so a payment must arrive shortly before one is imported."""
        newest = self.today - timedelta(days=31)
        for shift in sorted(range(-25, 26), key=abs):
            sent_on = slot.sent_on + timedelta(days=shift)
            if self.first_day <= sent_on <= newest:
                slot.bank_days = self._bank_days(sent_on, late=late)
                if slot.bank_days:
                    slot.sent_on = sent_on
                    return
        raise AssertionError(f"no day for a transfer near {slot.sent_on}")

    def _handed_over(self, slot):
        """The day the claim goes to the collection agency: the first export after the costs."""
        _reminded, _posted, last = self._reminder(slot.sent_on)
        costs_on = last + timedelta(days=1)
        return next((day for day in self.export_days if day >= costs_on), None)

    # --- planning: the cases ---------------------------------------------------------------------

    def _match_incidents(self):
        """Each claim gets a case from a day to a few weeks before it was drafted: the register's
        own eligible cases first, then reports that name the offender, then the others."""
        partnership = self.partnership
        own = []
        for link in (
            PersonIncident.objects.filter(
                person__partnership=partnership,
                person__merged_into__isnull=True,
                person__personal_data_removed_at__isnull=True,
            )
            .select_related("person", "incident__shop", "incident__partnership")
            .order_by("incident__occurred_at", "pk")
        ):
            if claim_services.eligibility(link.incident, link.person).ok:
                own.append((link.incident, link.person, timezone.localdate(link.linked_at)))
        others = [
            incident
            for incident in Incident.objects.filter(
                partnership=partnership,
                caught_in_act=True,
                police_report=PoliceReport.YES,
                kind__in=(IncidentType.SHOPLIFTING, IncidentType.ATTEMPTED_SHOPLIFTING),
                duplicate_of__isnull=True,
                personal_data_removed_at__isnull=True,
                person_links__isnull=True,
                occurred_at__date__gte=self.first_day - timedelta(days=60),
            )
            .select_related("shop", "partnership")
            .order_by("occurred_at", "pk")
            if _offender_age(incident) is not None
        ]
        used = set()
        for slot in sorted(self.slots, key=lambda s: (s.created_on, s.index)):
            for reach in (40, 150, 500):
                low = slot.created_on - timedelta(days=reach)
                high = slot.created_on - timedelta(days=1)

                def fits(incident, low=low, high=high):
                    day = timezone.localdate(incident.occurred_at)
                    return incident.pk not in used and low <= day <= high

                mine = [(i, p) for i, p, linked in own if fits(i) and linked < slot.created_on]
                fitting = [incident for incident in others if fits(incident)]
                named = [incident for incident in fitting if incident.person_name]
                if slot.way == "credit_then_paid":
                    # Goods that were not recovered: the damage credited when they come back.
                    lost = [incident for incident in named if not incident.goods_recovered]
                    named = lost or named
                if mine:
                    slot.incident, slot.person = self.rng.choice(mine)
                elif named or fitting:
                    slot.incident = self.rng.choice(named or fitting)
                else:
                    continue
                break
            if slot.incident is None:
                raise AssertionError(f"no case for a claim drafted on {slot.created_on}")
            used.add(slot.incident.pk)
            slot.maker = self.officer if self.rng.random() < 0.75 else self.coordinator
            slot.payer_iban = _iban(self.rng)
