"""Retention of civil claims (DESIGN.md section 3): a closed claim is a bookkeeping record, kept for
the fiscal term of seven years (art. 52 AWR); then its names, address and letters go, and the
deletion ledger keeps metadata only. Daily; idempotent."""

import uuid
from datetime import timedelta

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from claims.models import (
    BankTransaction,
    Claim,
    ClaimPayment,
    ClaimReminder,
    ClaimStatus,
    ClaimStatusChange,
)
from merchants.models import DeletionRecord
from plumbing.files import delete_files

CLAIM_RECORDS_KEPT = timedelta(days=7 * 366)

CLOSED = (ClaimStatus.PAID, ClaimStatus.WRITTEN_OFF, ClaimStatus.CANCELLED)


def strip_closed_claims(now=None) -> dict:
    """Claims closed more than seven years ago keep their number, amounts and dates (the books
    add up) and lose the names, address, email and letters, and the payer details of their bank
    transactions. Idempotent: a stripped claim is marked and skipped."""
    now = now or timezone.now()
    run = uuid.uuid4()
    closed_long_ago = (
        ClaimStatusChange.objects.filter(new_status__in=CLOSED)
        .values("claim")
        .annotate(last=Max("changed_at"))
        .filter(last__lte=now - CLAIM_RECORDS_KEPT)
        .values("claim")
    )
    totals = {"claims": 0, "files": 0}
    for claim_id in Claim.objects.filter(
        pk__in=closed_long_ago, status__in=CLOSED, personal_data_removed_at__isnull=True
    ).values_list("pk", flat=True):
        with transaction.atomic():
            claim = (
                Claim.objects.select_for_update()
                .filter(pk=claim_id, personal_data_removed_at__isnull=True)
                .first()
            )
            if claim is None:
                continue
            files = [claim.letter.name] if claim.letter else []
            reminder = ClaimReminder.objects.filter(claim=claim).first()
            if reminder is not None:
                files.append(reminder.pdf.name)
                ClaimReminder.objects.filter(pk=reminder.pk).update(snapshot={}, pdf="")
            Claim.objects.filter(pk=claim.pk).update(
                snapshot={"incident": claim.snapshot.get("incident", "")},
                email="",
                letter="",
                personal_data_removed_at=now,
            )
            BankTransaction.objects.filter(claim=claim).update(
                counterparty_name="", counterparty_iban="", remittance="", note=""
            )
            # Free-text notes may name the person; credit reasons stay (they justify the books).
            ClaimStatusChange.objects.filter(claim=claim).update(note="")
            ClaimPayment.objects.filter(claim=claim).update(note="")
            DeletionRecord.objects.create(
                deleted_at=now,
                partnership_id=claim.partnership_id,
                kind="claims.claim",
                object_type="claims.claim",
                object_id=str(claim.pk),
                reason="closed more than seven years ago",
                run=run,
                files_removed=len(files),
            )
        delete_files(files)
        totals["claims"] += 1
        totals["files"] += len(files)
    # Bank lines that never became a payment on a claim: the payer's details go after as long.
    totals["bank_lines"] = (
        BankTransaction.objects.filter(
            claim__isnull=True, booked_on__lte=(now - CLAIM_RECORDS_KEPT).date()
        )
        .exclude(counterparty_name="", counterparty_iban="", remittance="")
        .update(counterparty_name="", counterparty_iban="", remittance="", note="")
    )
    return {**totals, "run": str(run)}
