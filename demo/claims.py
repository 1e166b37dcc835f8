"""About 200 civil claims for the KVO Deventer demo, in every state, with their payments.

Called by ``manage.py seed_demo`` after ``demo.register``, in the same transaction. The claims
are made as the partnership would have made them over the last 14 months, day by day, through
the use cases of ``bans.claims`` only: ``create_claim`` and ``send_claim(today=…)`` (so every
claim has its letter); the daily ``send_reminders(today=…)`` job, each morning (a claim left
unpaid is reminded the day after it was due, and gets the collection costs when the reminder's
term has run out); ``post_reminder`` by the officer on working days (the reminders the job made
today are left on the officer's list); ``register_payment`` for money paid by hand (cash, card,
the collection agency, and bank transfers from before the statements were imported);
``add_credit``, ``cancel_draft`` and ``write_off``; and three monthly CAMT.053 bank statements
taken in with ``import_statement``, after which the coordinator decides on what the import could
not book (``book_transaction``, ``set_aside``) and leaves three transactions waiting, for the
bank page.

A service cannot date what it writes in the past, so those time stamps are dated back afterwards
with ``QuerySet.update``: claims, status changes, entries, payments, imports and decisions, and the
people and links made for the claims. So is the day a claim was handed over to the collection
agency, which the collection export (a view) sets to today. The audit log keeps the seed's own
time. The claim numbers all carry this year: ``create_claim`` numbers by today's year.

The register's own people (``demo.register``) come first: their eligible cases, a few dozen, all get
a claim. The other claims are for people the officer puts in the register here (``create_person``,
``link_incident``), on caught-in-the-act reports with a police report, named after what the report
says (initial, family name, age); they get no measure and no photo.

``PLAN`` fixes how many claims end in each state. A claim stays sent, partially paid or reminded
for a few weeks only before the reminder job moves it on, so the claims in those states are the
ones sent in the last month, and the demo has more claims in its last month than before, as a
partnership that has just started to claim every case would.

Deterministic: everything is drawn from ``random.Random`` with a fixed seed and depends only on
``now``, the demo incidents and the register. Idempotent: a partnership with claims gets none.
"""

import math
import random
from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from xml.sax.saxutils import escape

from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Count, Max, Sum
from django.utils import timezone, translation

from bans import services
from bans.models import Person, PersonIncident
from claims import payments as claim_payments
from claims import reminders as claim_reminders
from claims import services as claim_services
from claims.models import (
    BankImport,
    BankTransaction,
    Claim,
    ClaimEntry,
    ClaimPayment,
    ClaimReminder,
    ClaimStatus,
    ClaimStatusChange,
    settings_for,
)
from demo.merchants import DEMO_USERS, FAMILY_NAMES
from demo.register import (
    BIRTH_PLACES,
    LANGUAGE,
    PDF_PROGRESS_LOGGER,
    F,
    M,
    _address,
    _quiet,
    demo_officer,
    display_name,
    draw_look,
)
from incidents.models import Incident, IncidentType, PoliceReport
from merchants.models import User
from merchants.roles import Role
from merchants.services import log_action
from plumbing.dates import add_months
from plumbing.epc import normalise_iban

DEMO_SEED = 2003
BENEFICIARY = "Stichting Veilig Ondernemen Deventer"
ACCOUNT = "NL91ABNA0417164300"  # fictitious; valid check digits
COORDINATOR_EMAIL = next(row[0] for row in DEMO_USERS if row[2] == Role.COORDINATOR)
PERIOD_DAYS = 425  # about 14 months of claims
STATEMENTS = 3  # monthly bank statements; the last one runs up to yesterday
STATEMENT_DAYS = 30
EXPORT_EVERY = 30  # the coordinator hands claims over to the collection agency monthly
GROWTH = 1.5  # a month now has this much more claims than 14 months ago, on top of one
CENT = Decimal("0.01")
S = ClaimStatus

# How many claims end in each state, and the way each gets there (a ``_plan_<way>`` method).
PLAN = {
    S.DRAFT: {"draft": 10},
    S.CANCELLED: {"cancelled_draft": 6, "credited_in_full": 4},
    S.SENT: {"sent": 17, "partial_waiting": 1, "overpaid_waiting": 1, "unknown_waiting": 1},
    S.PARTIALLY_PAID: {"part_by_hand": 4, "part_by_bank": 6},
    S.REMINDED: {"reminded": 19, "reminded_after_part": 3},
    S.COLLECTION: {
        "collection": 17,
        "collection_after_part": 1,
        "collection_part_by_bank": 1,
        "collection_part_by_agency": 3,
    },
    S.WRITTEN_OFF: {"written_off_by_agency": 10, "written_off_reminded": 2},
    S.PAID: {
        "bank": 46,
        "bank_recent": 5,
        "by_hand": 7,
        "by_hand_recent": 2,
        "paid_twice": 1,
        "bank_after_reminder": 8,
        "bank_after_reminder_recent": 4,
        "instalments": 6,
        "agency": 6,
        "credit_then_paid": 5,
        "overpaid": 1,
        "no_reference": 1,
    },
}
# The ways whose claims were sent within the term to pay (``IN_TERM``; from so many days after
# sending), or were reminded and the reminder's term still runs (``IN_REMINDER``).
IN_TERM = {
    "sent": 0,
    "partial_waiting": 2,
    "overpaid_waiting": 2,
    "unknown_waiting": 3,
    "part_by_hand": 2,
    "part_by_bank": 2,
    "bank_recent": 2,
    "by_hand_recent": 3,
}
IN_REMINDER = {"reminded": 0, "reminded_after_part": 0, "bank_after_reminder_recent": 5}
# Sent (fewest, most) days ago, more of them recent; the others from 40 days to 14 months ago.
OLDER_SENT_DAYS_AGO = {
    "collection_part_by_agency": (100, 300),
    "collection": (40, 300),
    "collection_after_part": (40, 300),
    "written_off_by_agency": (150, PERIOD_DAYS),
    "agency": (120, PERIOD_DAYS),
}

# First names per initial (the reports say "K. Bakker"): men, women.
FIRST_NAMES = {
    "A": (("Arjen", "Ahmed", "Anton", "Alex"), ("Amber", "Aylin", "Anna", "Aisha")),
    "B": (("Bart", "Bram", "Bilal", "Boris"), ("Britt", "Bianca", "Berna")),
    "C": (("Chris", "Cor", "Cem"), ("Charlotte", "Cindy", "Carmen")),
    "D": (("Dirk", "Damian", "Donny", "Dave"), ("Daphne", "Dana", "Derya")),
    "E": (("Erik", "Edwin", "Elias"), ("Eva", "Elif", "Esmee")),
    "G": (("Gerrit", "Gijs", "Glenn"), ("Gwen", "Gina", "Gül")),
    "H": (("Hans", "Hasan", "Hugo"), ("Hanna", "Hatice", "Hilde")),
    "I": (("Ivo", "Ismail", "Ilias"), ("Iris", "Ilse", "Ivana")),
    "J": (("Jesse", "Jordi", "Jan", "Joey"), ("Julia", "Jasmijn", "Jamila")),
    "K": (("Koen", "Karim", "Kees"), ("Kirsten", "Kelly", "Kübra")),
    "L": (("Luuk", "Lars", "Levi"), ("Laura", "Lieke", "Layla")),
    "M": (("Martijn", "Mike", "Mustafa", "Max"), ("Marloes", "Mila", "Melissa")),
    "N": (("Nick", "Nordin", "Niek"), ("Nina", "Nadia", "Noor")),
    "P": (("Patrick", "Pieter", "Paweł"), ("Petra", "Patricia", "Pien")),
    "R": (("Robin", "Ramon", "Rachid", "Ruben"), ("Rianne", "Roos", "Rabia")),
    "S": (("Stijn", "Sven", "Sem", "Samir"), ("Sophie", "Selin", "Saskia")),
    "T": (("Tom", "Tygo", "Tarik", "Thomas"), ("Tessa", "Tamara", "Tülay")),
    "W": (("Wouter", "Willem", "Wessel"), ("Wendy", "Willemijn", "Wilma")),
}
MORE_FAMILY_NAMES = (
    "van den Berg",
    "Verbeek",
    "Postma",
    "Lansink",
    "Nijland",
    "Tuinman",
    "Oude Luttikhuis",
    "Yıldız",
    "El Idrissi",
    "Kowalczyk",
    "Aydın",
    "Smits",
    "Pieterse",
    "Hoogland",
    "Kleinjan",
)

# Direct damage: what the report says was taken, as the shop itemises it. A pair of items may be
# itemised one by one.
LINE_NAMES = {
    "een testerflacon parfum": ("Testerflacon Dior Sauvage 100 ml",),
    "parfum": (
        "Parfum Hugo Boss Bottled 100 ml",
        "Eau de parfum Armani Code 75 ml",
        "Eau de parfum Lancôme La vie est belle 50 ml",
    ),
    "een fles whisky": (
        "Fles whisky Johnnie Walker Black Label 0,7 l",
        "Fles whisky Glenfiddich 12 jaar 0,7 l",
    ),
    "een fles gin": ("Fles gin Hendrick's 0,7 l",),
    "een fles champagne": ("Fles champagne Moët & Chandon Brut 0,75 l",),
    "een fles port": ("Fles port Taylor's 10 years 0,75 l",),
    "scheermesjes": ("Scheermesjes Gillette Fusion5 (8 stuks)",),
    "make-up": ("Make-up (foundation en mascara)",),
    "dagcrème": ("Dagcrème Clinique 50 ml",),
    "oordopjes": ("Draadloze oordopjes JBL Tune",),
    "sportschoenen": ("Sportschoenen Nike Air Max",),
    "een paar laarzen": ("Paar leren laarzen",),
    "vapes": ("Wegwerpvapes (4 stuks)",),
    "koffiebonen": ("Koffiebonen (3 pakken van 1 kg)",),
    "vlees uit de koeling": ("Vlees uit de koeling (biefstuk en kipfilet)",),
    "blikjes energiedrank": ("Energiedrank (twee trays)",),
    "babymelkpoeder": ("Babymelkpoeder (3 blikken)",),
    "een zonnebril": ("Zonnebril Ray-Ban Wayfarer",),
    "een horloge": ("Horloge Fossil Grant",),
    "een jas": ("Winterjas",),
    "een spijkerbroek": ("Spijkerbroek Levi's 501",),
    "een powerbank": ("Powerbank 20.000 mAh",),
}
PAIRS = {  # the pair, each item, the security tag broken off them
    "twee flessen wijn": (
        "Twee flessen wijn",
        "Fles wijn Chablis",
        "Fles wijn Rioja Reserva",
        ("Twee vernielde flessenbeveiligingen", Decimal("13.90")),
    ),
    "twee truien": (
        "Twee truien",
        "Trui merinowol, blauw",
        "Trui merinowol, grijs",
        ("Twee vernielde beveiligingslabels", Decimal("9.00")),
    ),
    "twee sloffen sigaretten": ("Twee sloffen sigaretten", "Slof sigaretten", "Slof shag", None),
}
LABEL_LINE = ("Vernield beveiligingslabel", Decimal("4.50"))
DAMAGED = "{name}: verpakking beschadigd, niet meer te verkopen"

CANCEL_DRAFT_REASONS = (
    "Aangifte is ingetrokken; de winkel ziet af van een claim.",
    "Betrokkene staat niet ingeschreven in de BRP: geen adres voor de brief.",
    "De winkel heeft de schade al rechtstreeks met betrokkene geregeld.",
    "Zaak wordt via Halt afgedaan; geen civiele claim.",
)
CANCEL_CREDIT_REASONS = (
    "Verkeerde persoon aangeschreven: de politie heeft de identiteit gecorrigeerd.",
    "OM heeft de zaak geseponeerd; de winkel ziet af van de claim.",
    "De winkel trekt de claim in na een gesprek met betrokkene.",
)
GOODS_BACK = "Goederen alsnog onbeschadigd terug in de winkel: de directe schade vervalt."
SETTLEMENT = ("Schikking na bezwaar van betrokkene: vast bedrag verlaagd.", Decimal("50.00"))
WRITE_OFF_AGENCY = (
    "Incassobureau: geen verhaal mogelijk, dossier gesloten.",
    "Incassobureau: inkomen onder de beslagvrije voet, geen verhaal.",
    "Vertrokken naar onbekend adres; het incassobureau stopt.",
    "Schuldenaar is toegelaten tot de WSNP (schuldsanering).",
)
WRITE_OFF_REMINDED = (
    "Schuldenaar is toegelaten tot de WSNP (schuldsanering).",
    "Kosten van verdere inning wegen niet op tegen de vordering.",
)
HAND_NOTES = {
    ClaimPayment.Method.CASH: "Contant betaald aan de balie van het KVO-secretariaat.",
    ClaimPayment.Method.CARD: "Gepind bij het KVO-secretariaat.",
    ClaimPayment.Method.BANK: "Overboeking; met de hand geboekt van het bankafschrift.",
}
INSTALMENT_NOTE = "Termijn van de betalingsregeling."
AGENCY = "Incassobureau Oost B.V."
AGENCY_IBAN = "NL20INGB0001234567"
BANK_NAME = "ABN AMRO BANK N.V."
BANKS = ("INGB", "INGB", "RABO", "RABO", "ABNA", "SNSB", "ASNB", "TRIO", "KNAB", "BUNQ")


def demo_coordinator(partnership):
    return User.objects.filter(
        email=COORDINATOR_EMAIL,
        memberships__partnership=partnership,
        memberships__role=Role.COORDINATOR,
        memberships__active=True,
    ).first()


def has_demo_claims(partnership) -> bool:
    """Whether the partnership has claims: the demo adds none to a partnership that has any, so
    its numbers and books stay its own."""
    return Claim.objects.filter(partnership=partnership).exists()


def seed_claims(
    partnership, *, officer=None, coordinator=None, now=None, rng_seed=DEMO_SEED
) -> dict:
    """Make the demo claims of ``partnership`` (see the module docstring); returns counts of what
    was created, and ``skipped`` when the partnership had claims already. ``now`` (default: now)
    must not lie in the future: payments cannot be dated after today."""
    counts = {"claims": 0, "people": 0, "payments": 0, "letters": 0, "skipped": True}
    if has_demo_claims(partnership):
        return counts
    # The reminder job is not per partnership: replaying it over past days would remind other
    # partnerships' open claims with a date in the past.
    if (
        Claim.objects.exclude(partnership=partnership)
        .filter(status__in=claim_services.OPEN)
        .exists()
    ):
        return {**counts, "note": "not seeded: other partnerships have open claims"}
    officer = officer or demo_officer(partnership)
    coordinator = coordinator or demo_coordinator(partnership)
    if officer is None or coordinator is None:
        raise ValueError(f"{partnership} has no demo officer and coordinator to make claims.")
    rng = random.Random(rng_seed)  # noqa: S311 (demo data, not secrets)
    seeder = _Seeder(partnership, officer, coordinator, now or timezone.now(), rng)
    try:
        with transaction.atomic(), translation.override(LANGUAGE), _quiet(PDF_PROGRESS_LOGGER):
            counts = seeder.run()
            log_action(
                "bans.demo.claims_seeded",
                actor=coordinator,
                partnership=partnership,
                obj=partnership,
                data={key: value for key, value in counts.items() if key != "skipped"},
            )
    except BaseException:
        for name in filter(None, seeder.stored):
            default_storage.delete(name)
        raise
    return counts


def summary_lines(partnership, created) -> list[str]:
    """The claims per state, the money received and the bank queue."""
    per_status = dict(
        Claim.objects.filter(partnership=partnership)
        .order_by()
        .values("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    states = ", ".join(f"{per_status.get(status, 0)} {status}" for status in S.values)
    payments = ClaimPayment.objects.filter(claim__partnership=partnership).aggregate(
        n=Count("pk"), amount=Sum("amount")
    )
    imports = BankImport.objects.filter(partnership=partnership).count()
    waiting = BankTransaction.objects.filter(
        partnership=partnership, state=BankTransaction.State.WAITING
    ).count()
    new = f"{created['claims']} new"
    if created.get("people"):
        new += f"; {created['people']} people put in the register for them"
    if created.get("note"):
        new += f"; {created['note']}"
    return [
        f"  claims: {sum(per_status.values())} ({new}): {states}",
        f"  claim payments: {payments['n']} ({claim_services.euros(payments['amount'] or 0)}); "
        f"{imports} bank statements, {waiting} transactions waiting for a decision",
    ]


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


class _Seeder:
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

    # --- the actions -----------------------------------------------------------------------------

    def _create(self, slot):
        def create(day, moment):
            if slot.person is None:
                slot.person = self._make_person(slot.incident, moment)
            lines = _lines(slot.incident, self.rng)
            slot.claim = claim_services.create_claim(
                slot.incident, slot.person, actor=slot.maker, lines=lines
            )

        return create

    def _make_person(self, incident, moment):
        rng = self.rng
        occurred = timezone.localdate(incident.occurred_at)
        gender = _gender(incident) or (F if rng.random() < 0.25 else M)
        born = incident.person_birth_date
        if born is None:
            age = _offender_age(incident)
            born = add_months(occurred, -12 * age) - timedelta(days=rng.randrange(365))
        full_name = self._name(incident, gender)
        address, town = _address(rng)
        person = services.create_person(
            partnership=self.partnership,
            actor=self.officer,
            display_name=display_name(full_name),
            description=draw_look(rng, gender, _age_on(born, self.today)).description(),
            full_name=full_name,
            birth_date=born,
            birth_place=rng.choice(BIRTH_PLACES),
            address=address,
            residence=town,
        )
        link = services.link_incident(person, incident, actor=self.officer)
        # Put in the register when the claim was drafted, not today.
        Person.objects.filter(pk=person.pk).update(created_at=moment, updated_at=moment)
        PersonIncident.objects.filter(pk=link.pk).update(linked_at=moment)
        self.new_people += 1
        return person

    def _name(self, incident, gender):
        """A full name that fits the report's "K. Bakker", not yet in the register."""
        rng = self.rng
        initial, family = "", ""
        if ". " in incident.person_name:
            initial, family = incident.person_name.split(". ", 1)
        if initial not in FIRST_NAMES:
            initial = ""
        for attempt in range(50):
            first = rng.choice(FIRST_NAMES[initial or rng.choice(sorted(FIRST_NAMES))][gender == F])
            surname = (
                family if family and attempt < 10 else rng.choice(FAMILY_NAMES + MORE_FAMILY_NAMES)
            )
            name = f"{first} {surname}"
            if name not in self.taken_names:
                self.taken_names.add(name)
                return name
        raise AssertionError("no free name left")

    def _send(self, slot):
        def send(day, moment):
            slot.claim = claim_services.send_claim(slot.claim, actor=slot.maker, today=day)
            self.stored.append(slot.claim.letter.name)

        return send

    def _cancel(self, slot, reason):
        def cancel(day, moment):
            claim_services.cancel_draft(slot.claim, actor=slot.maker, reason=reason)

        return cancel

    def _pay(self, slot, amount, method, note):
        def pay(day, moment):
            claim = Claim.objects.get(pk=slot.claim.pk)
            claim_payments.register_payment(
                claim,
                claim.outstanding if amount is None else amount,
                actor=self.coordinator,
                paid_on=day,
                method=method,
                note=note,
            )

        return pay

    def _credit(self, slot, *, reason="", part=False):
        def credit(day, moment):
            claim = Claim.objects.get(pk=slot.claim.pk)
            amount, why = claim.outstanding, reason
            if part:
                damage = claim.lines.aggregate(total=Sum("amount"))["total"]
                why, amount = (GOODS_BACK, damage) if damage else SETTLEMENT
            claim_payments.add_credit(claim, amount, actor=self.coordinator, reason=why)

        return credit

    def _write_off(self, slot, reason):
        def write_off(day, moment):
            claim_payments.write_off(slot.claim, actor=self.coordinator, reason=reason)

        return write_off

    def _post_reminders(self, day, moment):
        """On working days the officer prints the reminders the job made and posts them."""
        waiting = ClaimReminder.objects.filter(
            claim__partnership=self.partnership, claim__status=S.REMINDED, posted_on__isnull=True
        ).select_related("claim")
        for reminder in waiting:
            posted = claim_reminders.post_reminder(reminder.claim, actor=self.officer, today=day)
            self.stored.append(posted.pdf.name)

    def _export(self, day, moment):
        """The collection export of the claims pages (a view, no service): the officer hands
        the claims with the costs added over to the agency. The view marks them with today's
        date and logs the names leaving, so that is done here, for the day in the story."""
        handed = list(
            Claim.objects.filter(
                partnership=self.partnership, status=S.COLLECTION, handed_over_on__isnull=True
            ).select_related("person")
        )
        Claim.objects.filter(pk__in=[claim.pk for claim in handed]).update(handed_over_on=day)
        for claim in handed:
            log_action(
                "claims.books.collection_exported",
                actor=self.officer,
                partnership=self.partnership,
                obj=claim.person if claim.person_id else claim,
                data={"claim": claim.number},
            )

    def _import(self, k):
        def take_in(day, moment):
            """The coordinator imports the month's statement, then decides on what waits."""
            E = self.statement_days
            start, end = E[k - 1], E[k] - timedelta(days=1)
            transfers = sorted(
                (t for t in self.transfers if start <= t.day <= end), key=lambda t: t.day
            )
            entries = [self._entry(transfer) for transfer in transfers]
            entries += [
                {
                    "day": on,
                    "amount": amount,
                    "text": text,
                    "name": name,
                    "iban": iban,
                    "debit": True,
                }
                for on, amount, text, name, iban in self.debits
                if start <= on <= end
            ]
            entries.sort(key=lambda entry: entry["day"])
            for entry in entries:
                self.bank_reference += 1
                entry["bank_ref"] = f"{entry['day']:%Y%m%d}{self.bank_reference:010d}"
            data = statement(
                entries,
                statement_id=f"{self.partnership.code}-{end:%Y%m}-{k}",
                created_at=moment,
                account=self.account,
            )
            filename = f"camt053_{self.account}_{start:%Y%m%d}_{end:%Y%m%d}.xml"
            claim_payments.import_statement(
                self.partnership, data, filename=filename, actor=self.coordinator
            )
            for n, transfer in enumerate(t for t in transfers if t.decision):
                tx = BankTransaction.objects.get(
                    partnership=self.partnership, key=f"{self.account}:{transfer.entry['bank_ref']}"
                )
                later = min(moment + timedelta(minutes=4 + 3 * n), self.now)
                self._decide(transfer, tx, day, later)

        return take_in

    def _entry(self, transfer) -> dict:
        """The statement line of a transfer, for what the claim has outstanding at the import."""
        entry = {"day": transfer.day, "amount": transfer.amount}
        slot = transfer.slot
        if slot is None or transfer.kind == "agency":
            if transfer.kind == "agency":
                entry["amount"] = ClaimPayment.objects.get(
                    claim=slot.claim, method=ClaimPayment.Method.AGENCY, paid_on=transfer.day
                ).amount
            entry.update(name=transfer.name, iban=transfer.iban, text=transfer.text)
            transfer.entry = entry
            return entry
        claim = Claim.objects.get(pk=slot.claim.pk)
        entry.update(name=_payer_name(claim.snapshot["full_name"], self.rng), iban=slot.payer_iban)
        if transfer.kind in ("exact", "unknown"):
            entry["amount"] = claim.outstanding
        elif transfer.kind == "over":
            entry["amount"] = claim.outstanding + Decimal("100.00")
        elif transfer.kind == "closed":
            entry["amount"] = claim.total
        if transfer.kind == "unknown":
            entry["text"] = self.rng.choice(("schadeclaim winkel", "betaling brief", "boete"))
        elif transfer.style == "ref_text":
            entry["text"] = f"Betalingskenmerk {_grouped(claim.payment_reference)}"
        elif transfer.style == "number":
            entry["text"] = f"Schadeclaim {claim.number}"
        else:
            entry["ref"] = claim.payment_reference
        transfer.entry = entry
        return entry

    def _decide(self, transfer, tx, day, moment):
        if transfer.decision == "set_aside":
            claim_payments.set_aside(tx, actor=self.coordinator, note=transfer.note)
        else:
            number = transfer.slot.claim.number if transfer.decision == "book_number" else ""
            claim_payments.book_transaction(
                tx, actor=self.coordinator, claim_number=number, note=transfer.note
            )
        BankTransaction.objects.filter(pk=tx.pk).update(decided_at=moment)  # decided then
        if transfer.kind in ("over", "closed"):
            refund = tx.amount - (tx.payment.amount if transfer.kind == "over" else 0)
            text = f"Terugbetaling {transfer.slot.claim.number}"
            payer = (transfer.entry["name"], transfer.entry["iban"])
            self.debits.append((day + timedelta(days=2), refund, text, *payer))


# Rows whose time stamp says when they were written, and its field.
DATED = {
    Claim: "created_at",
    ClaimStatusChange: "changed_at",
    ClaimEntry: "created_at",
    ClaimPayment: "created_at",
    BankImport: "imported_at",
}


def _statement_days(today) -> list:
    """The first day of the first statement, then the day each statement is imported: a month
    apart and on a working day; the last one today, running up to yesterday."""
    days = [today]
    for _ in range(STATEMENTS):
        day = days[0] - timedelta(days=STATEMENT_DAYS)
        while day.weekday() >= 5:
            day -= timedelta(days=1)
        days.insert(0, day)
    return days


def _age_on(born, day):
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def _gender(incident):
    text = incident.description.lower()
    if "een vrouw" in text or "een meisje" in text:
        return F
    if "een man" in text or "een jongen" in text:
        return M
    return None


def _offender_age(incident):
    """The offender's age on the day as the report gives it; None when under 14 (no claim)."""
    text = incident.description.lower()
    if incident.person_birth_date:
        age = _age_on(incident.person_birth_date, timezone.localdate(incident.occurred_at))
    elif incident.person_age:
        age = incident.person_age
    elif "een jongen" in text or "een meisje" in text:
        age = 14 + incident.pk % 4
    else:
        age = 18 + incident.pk % 30
    return age if age >= claim_services.MINIMUM_AGE else None


def _lines(incident, rng) -> list:
    """The direct damage: what was taken and not recovered, or came back unsellable, and the
    security label when the report says it was torn off."""
    value = incident.goods_value
    text = incident.description
    lines = []
    pair = next((words for phrase, words in PAIRS.items() if phrase in text), None)
    goods = next((phrase for phrase in LINE_NAMES if phrase in text), "")
    if value and (pair or goods):
        name = pair[0] if pair else rng.choice(LINE_NAMES[goods])
        if not incident.goods_recovered:
            if pair and rng.random() < 0.6:
                half = (value / 2).quantize(CENT, rounding=ROUND_HALF_UP)
                lines += [(pair[1], half), (pair[2], value - half)]
                if pair[3] and rng.random() < 0.5:
                    lines.append(pair[3])
            else:
                lines.append((name, value))
        elif rng.random() < 0.2:
            lines.append((DAMAGED.format(name=name), value))
    if "beveiligingslabel" in text and len(lines) < 3 and (lines or rng.random() < 0.3):
        lines.append(LABEL_LINE)
    return lines


def _iban(rng) -> str:
    """A fictitious Dutch IBAN with valid check digits."""
    body = rng.choice(BANKS) + f"{rng.randrange(10**9):010d}"
    digits = "".join(str(int(char, 36)) for char in body + "NL00")
    return normalise_iban(f"NL{98 - int(digits) % 97:02d}{body}")


def _payer_name(full_name, rng):
    """How the bank names the payer: the offender, sometimes a parent with the same surname."""
    first, *rest = full_name.split()
    initial = first[0] if rng.random() < 0.8 else rng.choice("ACEGHJKMPRSW")
    family = " ".join(rest)
    return rng.choice((f"{initial}. {family}", f"{initial} {family}".upper()))


def _grouped(reference):
    return " ".join(reference[i : i + 4] for i in range(0, len(reference), 4))


# --- the bank statement --------------------------------------------------------------------------


def statement(entries, *, statement_id, created_at, account=ACCOUNT) -> bytes:
    """A CAMT.053 statement as a Dutch bank exports it. ``entries``: dicts with day, amount and
    bank_ref (the bank's own reference), and optionally ref (a structured RF reference), text
    (free remittance text), name, iban and debit (True for money going out)."""
    stamp = timezone.localtime(created_at).strftime("%Y-%m-%dT%H:%M:%S")
    lines = "".join(_statement_entry(entry) for entry in entries)
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02">
  <BkToCstmrStmt>
    <GrpHdr><MsgId>{escape(statement_id)}</MsgId><CreDtTm>{stamp}</CreDtTm></GrpHdr>
    <Stmt>
      <Id>{escape(statement_id)}</Id>
      <CreDtTm>{stamp}</CreDtTm>
      <Acct><Id><IBAN>{account}</IBAN></Id><Ccy>EUR</Ccy></Acct>{lines}
    </Stmt>
  </BkToCstmrStmt>
</Document>""".encode()


def _statement_entry(entry):
    remittance = ""
    if entry.get("ref"):
        remittance = (
            "<RmtInf><Strd><CdtrRefInf><Tp><CdOrPrtry><Cd>SCOR</Cd></CdOrPrtry><Issr>ISO</Issr>"
            f"</Tp><Ref>{escape(entry['ref'])}</Ref></CdtrRefInf></Strd></RmtInf>"
        )
    elif entry.get("text"):
        remittance = f"<RmtInf><Ustrd>{escape(entry['text'])}</Ustrd></RmtInf>"
    debit = entry.get("debit", False)
    party = "Cdtr" if debit else "Dbtr"
    party_account = ""
    if entry.get("iban"):
        party_account = f"<{party}Acct><Id><IBAN>{entry['iban']}</IBAN></Id></{party}Acct>"
    return f"""
      <Ntry>
        <Amt Ccy="EUR">{entry["amount"]:.2f}</Amt>
        <CdtDbtInd>{"DBIT" if debit else "CRDT"}</CdtDbtInd>
        <Sts>BOOK</Sts>
        <BookgDt><Dt>{entry["day"]:%Y-%m-%d}</Dt></BookgDt>
        <ValDt><Dt>{entry["day"]:%Y-%m-%d}</Dt></ValDt>
        <AcctSvcrRef>{entry["bank_ref"]}</AcctSvcrRef>
        <NtryDtls><TxDtls>
          <RltdPties>
            <{party}><Nm>{escape(entry.get("name", ""))}</Nm></{party}>
            {party_account}
          </RltdPties>
          {remittance}
        </TxDtls></NtryDtls>
      </Ntry>"""
