"""`manage.py seed_demo` adds about 200 civil claims to the Deventer demo (demo.claims), in
every state, with their letters, reminders, payments and three imported bank statements.

Seeding takes most of a minute (every letter and posted reminder is a real PDF), so the checks
here are helpers that tests/test_seed_demo.py calls after seeding once for every app; the
statement builder has a quick test of its own.
"""

import random
from collections import Counter
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.core.files.storage import default_storage
from django.db.models import Sum
from django.utils import timezone

from bans.models import Person, PersonIncident
from claims import distribution as claim_distribution
from claims import reminders as claim_reminders
from claims import services as claim_services
from claims.models import (
    BankImport,
    BankTransaction,
    Claim,
    ClaimEntry,
    ClaimLine,
    ClaimPayment,
    ClaimReminder,
    ClaimStatus,
    ClaimStatusChange,
    settings_for,
)
from demo.claims import (
    ACCOUNT,
    PERIOD_DAYS,
    PLAN,
    STATEMENTS,
    statement,
)
from demo.claims.bank import _iban
from demo.register import DEMO_FULL_NAMES, OFFICER_EMAIL
from plumbing import camt
from plumbing.epc import normalise_iban

S = ClaimStatus
COORDINATOR_EMAIL = "coordinator@demo.kvo.nl"


def counts():
    return {
        "claims": dict(Counter(Claim.objects.values_list("status", flat=True))),
        "lines": ClaimLine.objects.count(),
        "entries": ClaimEntry.objects.count(),
        "history": ClaimStatusChange.objects.count(),
        "reminders": ClaimReminder.objects.count(),
        "payments": ClaimPayment.objects.count(),
        "imports": BankImport.objects.count(),
        "transactions": BankTransaction.objects.count(),
        "people": Person.objects.count(),
        "links": PersonIncident.objects.count(),
    }


def check_states(demo_claims):
    # Every state, as many claims as the plan says.
    assert set(PLAN) == set(S.values)
    per_status = Counter(demo_claims.values_list("status", flat=True))
    assert per_status == {status: sum(ways.values()) for status, ways in PLAN.items()}
    assert 190 <= sum(per_status.values()) <= 210
    # Numbered without gaps, in the order they were made.
    sequences = list(demo_claims.order_by("created_at", "pk").values_list("sequence", flat=True))
    assert sequences == list(range(1, len(sequences) + 1))
    # Drafted by the officer or the coordinator; the books kept by the coordinator.
    assert {c.created_by.email for c in demo_claims} == {OFFICER_EMAIL, COORDINATOR_EMAIL}
    assert {p.created_by.email for p in ClaimPayment.objects.select_related("created_by")} == {
        COORDINATOR_EMAIL
    }


def check_cases(demo_claims):
    register_people = 0
    for claim in demo_claims:
        incident, person = claim.incident, claim.person
        # Every claim rests on a case that allows one, by the rules of claims.services.
        assert claim_services.eligibility(incident, person).ok, claim
        assert incident.occurred_at < claim.created_at
        assert claim.snapshot["full_name"] == person.full_name
        register_people += person.full_name in DEMO_FULL_NAMES
    # The register's own people get claims; the others were put in the register for them.
    assert register_people >= 10
    assert demo_claims.values("incident").distinct().count() == demo_claims.count()


def check_dates(demo_claims, deventer, today):
    now = timezone.now()
    first_day = today - timedelta(days=PERIOD_DAYS + 7)
    term = settings_for(deventer).reminder_days + claim_reminders.POSTAL_DAYS
    for claim in demo_claims:
        history = list(claim.history.order_by("pk"))
        stamps = [change.changed_at for change in history]
        assert stamps == sorted(stamps) and stamps[-1] <= now, claim
        assert stamps[0] == claim.created_at
        assert [h.new_status for h in history][-1] == claim.status
        if claim.sent_on is None:
            assert claim.status in (S.DRAFT, S.CANCELLED)
            continue
        assert first_day <= claim.sent_on <= today
        sent = next(h for h in history if h.new_status == S.SENT)
        assert timezone.localdate(sent.changed_at) == claim.sent_on
        assert claim.due_on == claim.sent_on + timedelta(days=settings_for(deventer).due_days)
        reminder = getattr(claim, "reminder", None)
        if reminder is None:
            # Paid, credited or written off in time, or not yet due.
            assert claim.status != S.REMINDED and claim.status != S.COLLECTION
            continue
        # The job reminded the day after the due date; the officer posted it within days.
        assert reminder.sent_on == claim.due_on + timedelta(days=1)
        if reminder.posted_on is None:
            assert claim.status == S.REMINDED and reminder.sent_on >= today - timedelta(days=3)
            continue
        assert 0 <= (reminder.posted_on - reminder.sent_on).days <= 2
        assert reminder.due_on == reminder.posted_on + timedelta(days=term)
        if reminder.costs_added_on:
            assert reminder.costs_added_on == reminder.due_on + timedelta(days=1)
            if claim.handed_over_on:
                assert reminder.costs_added_on <= claim.handed_over_on <= today
        else:
            assert claim.handed_over_on is None
    assert demo_claims.filter(status=S.COLLECTION, handed_over_on__isnull=False).exists()
    assert ClaimReminder.objects.filter(posted_on__isnull=True).exists()  # the officer's list
    # Payments are dated when the money came, after the claim was sent, never in the future.
    for payment in ClaimPayment.objects.select_related("claim"):
        assert payment.claim.sent_on <= payment.paid_on <= today
        assert timezone.localdate(payment.created_at) >= payment.paid_on


def check_ledger(deventer, demo_claims, today):
    for claim in demo_claims:
        lines = sum(line.amount for line in claim.lines.all())
        entries = claim.entries.all()
        costs = sum(e.amount for e in entries if e.kind == ClaimEntry.Kind.COLLECTION_COSTS)
        credits = sum(e.amount for e in entries if e.kind == ClaimEntry.Kind.CREDIT)
        assert claim.total == claim.fixed_amount + lines + costs - credits, claim
        assert claim.paid == sum(p.amount for p in claim.payments.all()), claim
        if claim.status == S.PAID:
            assert claim.paid == claim.total > 0
        elif claim.status == S.PARTIALLY_PAID:
            assert 0 < claim.paid < claim.total
        elif claim.status == S.COLLECTION:
            assert costs >= claim_reminders.COLLECTION_MINIMUM
    paid = demo_claims.aggregate(total=Sum("paid"))["total"]
    received = ClaimPayment.objects.aggregate(total=Sum("amount"))["total"]
    assert paid == received > Decimal("10000")
    figures = claim_distribution.distribution(
        deventer, today - timedelta(days=PERIOD_DAYS + 60), today
    )
    assert figures["received"] == received
    assert figures["shop"] + figures["admin"] + figures["fund"] == received
    assert 0 < figures["recovery_rate"] < 100
    methods = Counter(ClaimPayment.objects.values_list("method", flat=True))
    assert set(methods) == set(ClaimPayment.Method.values)
    # Some direct damage itemised (one to three lines), some credits with their reasons.
    per_claim = Counter(ClaimLine.objects.values_list("claim", flat=True))
    assert len(per_claim) >= 15 and max(per_claim.values()) <= 3
    credits = ClaimEntry.objects.filter(kind=ClaimEntry.Kind.CREDIT)
    assert credits.count() >= 5 and all(entry.reason for entry in credits)
    written_off = ClaimStatusChange.objects.filter(new_status=S.WRITTEN_OFF)
    assert all(change.note for change in written_off)


def check_bank(deventer):
    imports = BankImport.objects.filter(partnership=deventer)
    assert imports.count() == STATEMENTS
    transactions = BankTransaction.objects.filter(partnership=deventer)
    waiting = transactions.filter(state=BankTransaction.State.WAITING)
    assert sorted(waiting.values_list("reason", flat=True)) == ["overpaid", "partial", "unknown"]
    booked = transactions.filter(state=BankTransaction.State.BOOKED)
    # Most booked by the import itself; some by the coordinator's decision.
    assert booked.filter(decided_by__isnull=True).count() >= 10
    decided = booked.filter(decided_by__email=COORDINATOR_EMAIL)
    assert {tx.reason for tx in decided} >= {"partial", "overpaid", "unknown"}
    set_aside = transactions.filter(state=BankTransaction.State.SET_ASIDE)
    assert set_aside.exists() and all(tx.note for tx in set_aside)
    for tx in booked:
        assert tx.payment.method == ClaimPayment.Method.BANK
        assert tx.payment.paid_on == tx.booked_on
    assert sum(i.booked + i.queued for i in imports) == transactions.count()


def check_letters(demo_claims):
    files = [c.letter.name for c in demo_claims.exclude(sent_on=None)]
    assert len(files) == demo_claims.exclude(sent_on=None).count() and all(files)
    files += [r.pdf.name for r in ClaimReminder.objects.exclude(posted_on=None)]
    for name in files:
        with default_storage.open(name, "rb") as handle:
            assert handle.read(5) == b"%PDF-"


def test_statement_reads_back_as_the_bank_would_give_it():
    payer = _iban(random.Random(1))
    assert normalise_iban(payer) == payer
    reference = claim_services.rf_reference("DEV202600042")
    party = {"name": "K. Bakker", "iban": payer}
    lines = [
        {"day": date(2026, 10, 2), "amount": Decimal("181"), "ref": reference, **party},
        {"day": date(2026, 10, 3), "amount": Decimal("50.5"), "text": "DEV-1", **party},
        {"day": date(2026, 10, 4), "amount": Decimal("14.75"), "debit": True, "name": "Bank"},
    ]
    for n, line in enumerate(lines):
        line["bank_ref"] = f"REF{n}"
    created = timezone.make_aware(datetime(2026, 10, 5, 9, 15))
    data = statement(lines, statement_id="DEV-202610-1", created_at=created)

    entries = camt.parse_statement(data)
    assert [(e.key, e.amount, e.credit, e.account_iban) for e in entries] == [
        ("REF0", Decimal("181.00"), True, ACCOUNT),
        ("REF1", Decimal("50.50"), True, ACCOUNT),
        ("REF2", Decimal("14.75"), False, ACCOUNT),
    ]
    assert entries[0].reference == reference and entries[1].remittance == "DEV-1"
    assert entries[0].counterparty_name == "K. Bakker" and entries[0].counterparty_iban == payer
    assert entries[0].booked_on == date(2026, 10, 2)
