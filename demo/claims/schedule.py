"""``_Scheduling``, the part of the seeder (``demo.claims.seeder``) that turns the plan into events
on the days of the story: each claim drafted and sent, then paid, credited, written off or left
open the way its plan says, and the statements, exports and posted reminders in between.
"""

from datetime import timedelta
from decimal import Decimal

from claims.models import ClaimPayment
from demo.claims.planning import _Transfer
from demo.claims.tables import (
    AGENCY,
    AGENCY_IBAN,
    BANK_NAME,
    CANCEL_CREDIT_REASONS,
    CANCEL_DRAFT_REASONS,
    CENT,
    HAND_NOTES,
    INSTALMENT_NOTE,
    STATEMENTS,
    WRITE_OFF_AGENCY,
    WRITE_OFF_REMINDED,
)


class _Scheduling:
    """The seeder's schedule: every event of the story on its day and minute."""

    # --- scheduling ------------------------------------------------------------------------------

    def _at(self, day, minute, action):
        self.sequence += 1
        self.events[day].append((minute, self.sequence, action))

    def _office_hours(self, first=9 * 60, last=16 * 60 + 30):
        return self.rng.randint(first, last)

    def _schedule(self):
        for slot in sorted(self.slots, key=lambda s: (s.created_on, s.index)):
            self._at(slot.created_on, self._office_hours(9 * 60, 12 * 60), self._create(slot))
            if slot.way == "draft":
                continue
            if slot.way == "cancelled_draft":
                day = min(slot.created_on + timedelta(days=self.rng.randint(1, 6)), self.today)
                reason = self.rng.choice(CANCEL_DRAFT_REASONS)
                self._at(day, self._office_hours(), self._cancel(slot, reason))
                continue
            self._at(slot.sent_on, self._office_hours(13 * 60, 16 * 60 + 30), self._send(slot))
            plan = getattr(self, f"_plan_{slot.way}", None)
            if plan is not None:
                plan(slot)
        self._plan_other_money()
        for k in range(1, STATEMENTS + 1):
            self._at(self.statement_days[k], 9 * 60 + 15, self._import(k))
        for day in self.export_days:
            if self.first_day <= day:
                self._at(day, 10 * 60 + 30, self._export)
        day = self.first_day
        while day < self.today:
            if day.weekday() < 5:
                self._at(day, 10 * 60, self._post_reminders)
            day += timedelta(days=1)

    def _part(self, *choices) -> Decimal:
        return Decimal(self.rng.choice(choices or (50, 60, 75, 90, 100))).quantize(CENT)

    def _any_day(self, first, last):
        return first + timedelta(days=self.rng.randint(0, max((last - first).days, 0)))

    def _by_hand(self, slot, day, *, amount=None, method=None, note=""):
        method = method or self.rng.choice((ClaimPayment.Method.CASH, ClaimPayment.Method.CARD))
        action = self._pay(slot, amount, method, note or HAND_NOTES[method])
        self._at(day, self._office_hours(), action)

    def _by_bank(self, slot, day, kind="exact", **fields):
        """A transfer: booked by hand before the first statement, else taken from one."""
        if day < self.statement_days[0]:
            method = ClaimPayment.Method.BANK
            action = self._pay(slot, fields.get("amount"), method, HAND_NOTES[method])
            self._at(day, self._office_hours(), action)
            return
        fields.setdefault("style", self.rng.choices(("ref", "ref_text", "number"), (7, 2, 1))[0])
        self.transfers.append(_Transfer(day, slot, kind, **fields))

    def _plan_credited_in_full(self, slot):
        day = slot.sent_on + timedelta(days=self.rng.randint(4, self.due_days + 10))
        reason = self.rng.choice(CANCEL_CREDIT_REASONS)
        self._at(day, self._office_hours(), self._credit(slot, reason=reason))

    def _plan_partial_waiting(self, slot):
        day = self._any_day(slot.sent_on + timedelta(days=1), self.today - timedelta(days=1))
        self._by_bank(slot, day, "partial", amount=self._part())

    def _plan_overpaid_waiting(self, slot):
        self._by_bank(slot, slot.sent_on + timedelta(days=1), "over", style="ref")

    def _plan_unknown_waiting(self, slot):
        self._by_bank(slot, slot.sent_on + timedelta(days=self.rng.randint(1, 2)), "unknown")

    def _plan_part_by_hand(self, slot):
        day = self._any_day(slot.sent_on + timedelta(days=1), self.today)
        self._by_hand(slot, day, amount=self._part(), note=INSTALMENT_NOTE)

    def _plan_part_by_bank(self, slot):
        day = self._any_day(slot.sent_on + timedelta(days=1), self.today - timedelta(days=1))
        note = INSTALMENT_NOTE
        self._by_bank(slot, day, "partial", amount=self._part(), decision="book", note=note)

    def _plan_reminded_after_part(self, slot):
        day = self._any_day(slot.sent_on + timedelta(days=2), self._due_on(slot.sent_on))
        self._by_hand(slot, day, amount=self._part(), note=INSTALMENT_NOTE)

    _plan_collection_after_part = _plan_reminded_after_part

    def _plan_collection_part_by_bank(self, slot):
        E = self.statement_days
        _reminded, posted, _last = self._reminder(slot.sent_on)
        first = max(posted + timedelta(days=2), E[1])
        day = self._any_day(first, E[2] - timedelta(days=1))
        note = INSTALMENT_NOTE
        self._by_bank(slot, day, "partial", amount=self._part(), decision="book", note=note)

    def _plan_collection_part_by_agency(self, slot):
        handed = self._handed_over(slot)
        if handed is not None and handed <= self.today - timedelta(days=25):
            day = self._any_day(handed + timedelta(days=20), self.today - timedelta(days=1))
            self._agency_payment(slot, day, amount=self._part(50, 75))

    def _plan_agency(self, slot):
        handed = self._handed_over(slot)
        last = min(handed + timedelta(days=120), self.today - timedelta(days=1))
        self._agency_payment(slot, self._any_day(handed + timedelta(days=20), last))

    def _agency_payment(self, slot, day, *, amount=None):
        note = f"Afdracht {AGENCY}."
        self._at(
            day, self._office_hours(), self._pay(slot, amount, ClaimPayment.Method.AGENCY, note)
        )
        if day >= self.statement_days[0]:
            # The agency's transfer names no claim: booked per claim by hand (above), set aside.
            self.transfers.append(
                _Transfer(
                    day,
                    slot,
                    "agency",
                    decision="set_aside",
                    note="Afdracht incassobureau: per claim geboekt als betaling via het "
                    "incassobureau.",
                    name=AGENCY,
                    iban=AGENCY_IBAN,
                    text=f"Afdracht overlastdonaties specificatie {day:%Y%m%d}",
                )
            )

    def _plan_written_off_by_agency(self, slot):
        handed = self._handed_over(slot)
        first = min(handed + timedelta(days=45), self.today - timedelta(days=1))
        last = min(handed + timedelta(days=200), self.today - timedelta(days=1))
        reason = self.rng.choice(WRITE_OFF_AGENCY)
        self._at(self._any_day(first, last), self._office_hours(), self._write_off(slot, reason))

    def _plan_written_off_reminded(self, slot):
        _reminded, posted, last = self._reminder(slot.sent_on)
        day = self._any_day(posted + timedelta(days=2), last)
        reason = self.rng.choice(WRITE_OFF_REMINDED)
        self._at(day, self._office_hours(), self._write_off(slot, reason))

    def _plan_bank(self, slot):
        self._by_bank(slot, self.rng.choice(slot.bank_days))

    _plan_bank_recent = _plan_bank
    _plan_bank_after_reminder = _plan_bank
    _plan_bank_after_reminder_recent = _plan_bank

    def _plan_by_hand(self, slot):
        last = min(self._due_on(slot.sent_on) - timedelta(days=1), self.today)
        self._by_hand(slot, self._any_day(slot.sent_on + timedelta(days=2), last))

    _plan_by_hand_recent = _plan_by_hand

    def _plan_paid_twice(self, slot):
        # Paid in cash, and by bank as well: the transfer is set aside and paid back.
        self._by_hand(slot, slot.sent_on + timedelta(days=3), method=ClaimPayment.Method.CASH)
        note = "Dubbel betaald: ook contant voldaan. Het bedrag is teruggestort."
        day = slot.sent_on + timedelta(days=6)
        self._by_bank(slot, day, "closed", decision="set_aside", note=note, style="ref")

    def _plan_instalments(self, slot):
        # One or two parts at the office before the due date, the rest after the reminder.
        offsets = sorted(self.rng.sample(range(2, self.due_days), self.rng.randint(1, 2)))
        for offset in offsets:
            day = slot.sent_on + timedelta(days=offset)
            self._by_hand(slot, day, amount=self._part(50, 60), note=INSTALMENT_NOTE)
        _reminded, posted, last = self._reminder(slot.sent_on)
        self._by_hand(slot, self._any_day(posted + timedelta(days=2), last), note=INSTALMENT_NOTE)

    def _plan_credit_then_paid(self, slot):
        credited = slot.sent_on + timedelta(days=self.rng.randint(2, 6))
        self._at(credited, self._office_hours(), self._credit(slot, part=True))
        days = [day for day in slot.bank_days if day > credited]
        if days:
            self._by_bank(slot, self.rng.choice(days))
        else:
            self._by_hand(slot, credited + timedelta(days=self.rng.randint(1, 8)))

    def _plan_overpaid(self, slot):
        note = "Het verschil is teruggestort."
        day = self.rng.choice(slot.bank_days)
        self._by_bank(slot, day, "over", decision="book", note=note, style="ref")

    def _plan_no_reference(self, slot):
        note = "Zonder kenmerk betaald; op naam en bedrag gevonden."
        self._by_bank(
            slot, self.rng.choice(slot.bank_days), "unknown", decision="book_number", note=note
        )

    def _plan_other_money(self):
        """A grant from the municipality on the same account, set aside; the bank's fees."""
        E = self.statement_days
        self.transfers.append(
            _Transfer(
                E[0] + timedelta(days=self.rng.randint(3, 20)),
                None,
                "other",
                amount=Decimal("2500.00"),
                decision="set_aside",
                note="Geen schadeclaim: bijdrage van de gemeente aan het KVO-fonds.",
                name="GEMEENTE DEVENTER",
                iban="NL90BNGH0285111222",
                text="Subsidie KVO Deventer veiligheidsfonds",
            )
        )
        for k in range(1, STATEMENTS + 1):
            day = E[k] - timedelta(days=1)
            fees = (day, Decimal("14.75"), "Kosten zakelijk betalingsverkeer", BANK_NAME, "")
            self.debits.append(fees)
