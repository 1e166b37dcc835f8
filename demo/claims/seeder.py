"""``_Seeder``, which makes the demo claims of one partnership: it plans them (``_Planning``),
schedules the events (``_Scheduling``) and then replays the story day by day, running the daily
reminder job each morning and the events' actions (``_Actions``), dating back what each day wrote.
"""

from collections import defaultdict
from contextlib import contextmanager
from datetime import datetime, time, timedelta

from django.db.models import Max
from django.utils import timezone

from bans.models import Person
from claims import reminders as claim_reminders
from claims.models import (
    BankImport,
    Claim,
    ClaimEntry,
    ClaimPayment,
    ClaimReminder,
    ClaimStatusChange,
    settings_for,
)
from demo.claims.actions import _Actions
from demo.claims.bank import _statement_days
from demo.claims.planning import _Planning
from demo.claims.schedule import _Scheduling
from demo.claims.tables import ACCOUNT, BENEFICIARY, EXPORT_EVERY, PERIOD_DAYS
from merchants.services import log_action
from plumbing.epc import normalise_iban


class _Seeder(_Planning, _Scheduling, _Actions):
    """One partnership's demo claims: planned, scheduled, then replayed day by day (``run``)."""

    def __init__(self, partnership, officer, coordinator, now, rng):
        self.partnership = partnership
        self.officer = officer
        self.coordinator = coordinator
        self.now = now
        self.rng = rng
        self.today = timezone.localdate(now)
        self.rules = settings_for(partnership)
        self.due_days = self.rules.due_days
        self.first_day = self.today - timedelta(days=PERIOD_DAYS)
        self.statement_days = _statement_days(self.today)
        self.export_days = [
            self.today - timedelta(days=7 + EXPORT_EVERY * n)
            for n in range(PERIOD_DAYS // EXPORT_EVERY + 1)
        ][::-1]
        self.slots = []
        self.events = defaultdict(list)
        self.transfers = []
        self.debits = []  # (day, amount, text, name, iban): money going out; not imported
        self.stored = []  # files written, deleted again when the seed fails
        self.marks = {}
        self.taken_names = set()
        self.new_people = 0
        self.sequence = 0
        self.bank_reference = rng.randint(10**8, 10**9)

    def run(self) -> dict:
        self._set_policy()
        self.account = self.rules.iban
        self._plan()
        self._match_incidents()
        self._schedule()
        self.taken_names = set(Person.objects.values_list("full_name", flat=True))
        for model in DATED:
            self.marks[model] = model.objects.aggregate(top=Max("pk"))["top"] or 0
        day = min(self.events)
        while day <= self.today:
            # The daily job, early in the morning before anyone is at work.
            with self._dated(day, 6 * 60):
                done = claim_reminders.send_reminders(today=day)
                if done.get("failed"):
                    raise RuntimeError(f"the reminder job failed for {done['failed']} claims")
            for minute, _n, action in sorted(self.events.pop(day, []), key=lambda e: e[:2]):
                with self._dated(day, minute):
                    action(day, self._moment(day, minute))
            day += timedelta(days=1)
        made = Claim.objects.filter(partnership=self.partnership)
        final = dict(made.values_list("pk", "status"))
        return {
            "claims": len(final),
            "people": self.new_people,
            "payments": ClaimPayment.objects.filter(claim__partnership=self.partnership).count(),
            "letters": made.exclude(letter="").count()
            + ClaimReminder.objects.filter(claim__partnership=self.partnership)
            .exclude(pdf="")
            .count(),
            "bank_imports": BankImport.objects.filter(partnership=self.partnership).count(),
            # Claims that did not end where the plan meant them to (a fault in the plan).
            "off_plan": sum(1 for slot in self.slots if final[slot.claim.pk] != slot.status),
            "skipped": False,
        }

    def _set_policy(self):
        rules = self.rules
        if rules.beneficiary and rules.iban:
            return
        rules.beneficiary = rules.beneficiary or BENEFICIARY
        rules.iban = rules.iban or normalise_iban(ACCOUNT)
        rules.save()
        log_action(
            "claims.settings.changed",
            actor=self.coordinator,
            partnership=self.partnership,
            data={"fields": ["beneficiary", "iban"]},
        )

    def _moment(self, day, minute) -> datetime:
        moment = timezone.make_aware(datetime.combine(day, time(minute // 60, minute % 60)))
        return min(moment, self.now - timedelta(minutes=1))

    @contextmanager
    def _dated(self, day, minute):
        """What the services write now is dated back to when it happens in the story: they
        take no time stamp, so the new rows are updated afterwards."""
        yield
        moment = self._moment(day, minute)
        for model, name in DATED.items():
            new = list(model.objects.filter(pk__gt=self.marks[model]).values_list("pk", flat=True))
            if new:
                model.objects.filter(pk__in=new).update(**{name: moment})
                self.marks[model] = max(new)


# Rows whose time stamp says when they were written, and its field.
DATED = {
    Claim: "created_at",
    ClaimStatusChange: "changed_at",
    ClaimEntry: "created_at",
    ClaimPayment: "created_at",
    BankImport: "imported_at",
}
