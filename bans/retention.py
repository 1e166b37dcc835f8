"""Retention in the register (DESIGN.md section 3): when a person has no measure left that is
proposed or in force, the person's personal data and every file (photos, notice letters) are
deleted. The measures keep their kind and dates (for the statistics); the deletion ledger keeps
metadata only. Daily, after the expiry of measures; idempotent."""

import logging
import uuid
from datetime import timedelta

from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone

from bans.models import (
    BankTransaction,
    Claim,
    ClaimPayment,
    ClaimReminder,
    ClaimStatus,
    ClaimStatusChange,
    Measure,
    MeasureChange,
    MeasureStatus,
    NoticeLetter,
    Person,
    PersonPhoto,
)
from incidents.models import Incident, IncidentType
from merchants.models import DeletionRecord

logger = logging.getLogger(__name__)

# Someone put in the register without any measure (linked, never decided) is not kept for ever.
UNDECIDED_AFTER = timedelta(days=365)
# A closed claim is a bookkeeping record: kept for the fiscal term of seven years (art. 52 AWR),
# then its names, address and letters go.
CLAIM_RECORDS_KEPT = timedelta(days=7 * 366)
# A proposal nobody decided on does not keep a person in the register for ever.
STALE_PROPOSAL_AFTER = timedelta(days=30)


def _live(now):
    return Measure.objects.filter(
        Q(status=MeasureStatus.ACTIVE)
        | Q(status=MeasureStatus.PROPOSED, created_at__gt=now - STALE_PROPOSAL_AFTER)
    )


def due(now=None):
    now = now or timezone.now()
    live = _live(now).values("person")
    ended = Measure.objects.exclude(pk__in=_live(now).values("pk"))
    undecided = Q(measures__isnull=True, created_at__lte=now - UNDECIDED_AFTER)
    return (
        Person.objects.filter(personal_data_removed_at__isnull=True)
        .exclude(pk__in=live)
        .filter(Q(pk__in=ended.values("person")) | undecided)
        .distinct()
        .order_by("pk")
    )


def strip_people(now=None) -> dict:
    now = now or timezone.now()
    run = uuid.uuid4()
    totals = {"people": 0, "files": 0}
    for person in list(due(now)):
        with transaction.atomic():
            locked = (
                Person.objects.select_for_update()
                .filter(pk=person.pk, personal_data_removed_at__isnull=True)
                .first()
            )
            if locked is None:
                continue
            files = _strip(locked, now=now, run=run)
        _delete_files(files)
        totals["people"] += 1
        totals["files"] += len(files)
    return {**totals, "run": str(run)}


def _strip(person, *, now, run):
    photos = list(PersonPhoto.objects.filter(person=person))
    letters = list(NoticeLetter.objects.filter(measure__person=person))
    files = [n for p in photos for n in (p.original.name, p.thumbnail.name)]
    files += [letter.pdf.name for letter in letters]
    PersonPhoto.objects.filter(person=person).delete()
    NoticeLetter.objects.filter(pk__in=[letter.pk for letter in letters]).delete()
    Measure.objects.filter(person=person).update(proposal_reason="", decision_reason="")
    Measure.objects.filter(person=person, status=MeasureStatus.PROPOSED).update(
        status=MeasureStatus.REVOKED
    )
    MeasureChange.objects.filter(measure__person=person).update(reason="")
    # A sighting's description names the person by display name.
    Incident.objects.filter(person_links__person=person, kind=IncidentType.BAN_VIOLATION).update(
        description=""
    )
    Person.objects.filter(pk=person.pk).update(
        display_name="—",
        description="",
        full_name="",
        birth_date=None,
        birth_place="",
        address="",
        residence="",
        search_name="",
        personal_data_removed_at=now,
    )
    DeletionRecord.objects.create(
        deleted_at=now,
        partnership_id=person.partnership_id,
        kind="register.person",
        object_type="bans.person",
        object_id=str(person.pk),
        reason="no measure in force",
        run=run,
        files_removed=len(files),
    )
    return files


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
                object_type="bans.claim",
                object_id=str(claim.pk),
                reason="closed more than seven years ago",
                run=run,
                files_removed=len(files),
            )
        _delete_files(files)
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


def _delete_files(names):
    """After commit: a file that cannot be deleted is logged (by count, never by name) and left."""
    for name in names:
        try:
            default_storage.delete(name)
        except OSError:
            logger.warning("retention: could not delete a file")
