"""About 200 civil claims for the KVO Deventer demo, in every state, with their payments.

Called by ``manage.py seed_demo`` after ``demo.register``, in the same transaction. The claims
are made as the partnership would have made them over the last 14 months, day by day, through
the use cases of ``claims.services`` only: ``create_claim`` and ``send_claim(today=…)`` (so every
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

This package keeps the entry points (``seed_claims``, ``summary_lines``); ``tables`` holds the
plan and the names and texts, ``cases`` what a report says, ``bank`` the bank statements, and
``seeder`` the ``_Seeder``, made of its planning (``planning``), its schedule (``schedule``) and
its actions (``actions``).
"""

import random

from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Count, Sum
from django.utils import timezone, translation

from claims import services as claim_services
from claims.models import BankImport, BankTransaction, Claim, ClaimPayment
from demo.claims.bank import statement
from demo.claims.seeder import _Seeder
from demo.claims.tables import (
    ACCOUNT,
    BENEFICIARY,
    COORDINATOR_EMAIL,
    DEMO_SEED,
    PERIOD_DAYS,
    PLAN,
    STATEMENTS,
    S,
)
from demo.logs import quiet
from demo.register import LANGUAGE, demo_officer
from merchants.models import User
from merchants.roles import Role
from merchants.services import log_action

__all__ = [
    "ACCOUNT",
    "BENEFICIARY",
    "COORDINATOR_EMAIL",
    "DEMO_SEED",
    "PERIOD_DAYS",
    "PLAN",
    "STATEMENTS",
    "demo_coordinator",
    "has_demo_claims",
    "seed_claims",
    "statement",
    "summary_lines",
]


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
        with transaction.atomic(), translation.override(LANGUAGE), quiet():
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
