"""The reminder of an unpaid claim and the statutory collection costs (6:96 BW) after it; then the
hand-over to a collection agency. One reminder row per claim is what makes the daily job
idempotent."""

import logging
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bans.services import RegisterError
from claims.models import Claim, ClaimEntry, ClaimReminder, settings_for
from claims.services import CENT, S, email_letter, locked, queue_letter_email, set_status
from merchants import access
from merchants.services import log_action
from plumbing.files import random_name

logger = logging.getLogger(__name__)


# --- Reminders and collection costs ------------------------------------------------------------

# Besluit vergoeding voor buitengerechtelijke incassokosten: a sliding scale over the principal.
COLLECTION_SCALE = (
    (Decimal("2500"), Decimal("0.15")),
    (Decimal("2500"), Decimal("0.10")),
    (Decimal("5000"), Decimal("0.05")),
    (Decimal("190000"), Decimal("0.01")),
    (None, Decimal("0.005")),
)
COLLECTION_MINIMUM = Decimal("40.00")
POSTAL_DAYS = 3
COLLECTION_MAXIMUM = Decimal("6775.00")


def collection_costs(principal) -> Decimal:
    """The statutory collection costs on an unpaid principal: 15% of the first EUR 2,500 (then
    10%, 5%, 1%, 0.5% over the next slices), at least EUR 40 and at most EUR 6,775."""
    principal = Decimal(principal)
    if principal <= 0:
        return Decimal("0.00")
    rest, costs = principal, Decimal("0")
    for size, rate in COLLECTION_SCALE:
        slice_ = rest if size is None else min(rest, size)
        costs += slice_ * rate
        rest -= slice_
        if rest <= 0:
            break
    costs = costs.quantize(CENT, rounding=ROUND_HALF_UP)
    return min(max(costs, COLLECTION_MINIMUM), COLLECTION_MAXIMUM)


def send_reminders(today=None) -> dict:
    """The daily job. A sent claim past its due date gets its one reminder: emailed at once when
    the claim has an address, otherwise listed to be printed and posted (`post_reminder`). Once
    the reminder's term (from posting) has passed unpaid, the statutory collection costs are added
    and the claim goes to the collection agency. State lives in the rows, so running it twice does
    nothing more; a claim that fails is logged and does not stop the others."""
    today = today or timezone.localdate()
    counts = {"reminded": 0, "to_post": 0, "to_collection": 0, "emailed": 0, "failed": 0}
    overdue = Claim.objects.filter(
        status__in=(S.SENT, S.PARTIALLY_PAID), due_on__lt=today, reminder__isnull=True
    )
    for pk in overdue.values_list("pk", flat=True):
        try:
            outcome = _remind(pk, today)
        except Exception:
            logger.exception("claims: the reminder of claim %s failed", pk)
            counts["failed"] += 1
            continue
        if outcome:
            counts[outcome] += 1
    # Letters whose email did not go out (the broker was down when they were made): again now.
    unsent = [
        (pk, "claim")
        for pk in Claim.objects.filter(sent_on__lt=today, letter_emailed_at__isnull=True)
        .exclude(email="")
        .exclude(letter="")
        .values_list("pk", flat=True)
    ]
    unsent += [
        (pk, "reminder")
        for pk in ClaimReminder.objects.filter(posted_on__lt=today, emailed_at__isnull=True)
        .exclude(claim__email="")
        .exclude(pdf="")
        .values_list("claim_id", flat=True)
    ]
    for pk, kind in unsent:
        try:
            counts["emailed"] += email_letter(pk, kind)
        except Exception:
            logger.exception("claims: emailing the %s letter of claim %s failed", kind, pk)
            counts["failed"] += 1
    expired = Claim.objects.filter(
        status=S.REMINDED, reminder__due_on__lt=today, reminder__costs_added_on__isnull=True
    )
    for pk in expired.values_list("pk", flat=True):
        try:
            counts["to_collection"] += _add_costs(pk, today)
        except Exception:
            logger.exception("claims: adding the collection costs of claim %s failed", pk)
            counts["failed"] += 1
    return counts


def _reminder_snapshot(claim, today, due_on, costs) -> dict:
    letter = claim.snapshot.get("letter", {})
    credits = claim.entries.filter(kind=ClaimEntry.Kind.CREDIT).order_by("pk")
    return {
        **letter,
        "reminded_on": today.isoformat(),
        "reminder_due_on": due_on.isoformat(),
        "credits": [{"reason": c.reason, "amount": str(c.amount)} for c in credits],
        "paid": str(claim.paid),
        "outstanding": str(claim.outstanding),
        "announced_costs": str(costs),
        "payment": {**letter.get("payment", {}), "amount": str(claim.outstanding)},
    }


def _reminder_term(claim, posted_on) -> date:
    # The statutory 14 days run from the day after the letter arrives: allow for the post.
    return posted_on + timedelta(days=settings_for(claim.partnership).reminder_days + POSTAL_DAYS)


def _store_reminder_pdf(claim, reminder, today):
    """Render the reminder as it is sent today; returns the stored name (delete it if the
    transaction fails)."""
    from claims.letters import render_reminder_letter

    due_on = _reminder_term(claim, today)
    costs = collection_costs(claim.outstanding)
    snapshot = _reminder_snapshot(claim, today, due_on, costs)
    try:
        pdf = render_reminder_letter(snapshot)
    except ValueError:
        raise RegisterError(
            _(
                "The payment details in the claim settings are not valid: check the IBAN and the "
                "name it is paid to."
            )
        ) from None
    stored = default_storage.save(random_name("claims", "pdf"), ContentFile(pdf))
    reminder.posted_on, reminder.due_on = today, due_on
    reminder.announced_costs, reminder.snapshot, reminder.pdf = costs, snapshot, stored
    reminder.save()
    return stored


def _remind(claim_id, today):
    stored = None
    try:
        with transaction.atomic():
            claim = (
                Claim.objects.select_for_update(of=("self",))
                .select_related("partnership")
                .get(pk=claim_id)
            )
            if claim.status not in (S.SENT, S.PARTIALLY_PAID):
                return None
            if ClaimReminder.objects.filter(claim=claim).exists():
                return None
            reminder = ClaimReminder.objects.create(
                claim=claim,
                sent_on=today,
                announced_costs=collection_costs(claim.outstanding),
                snapshot={},
            )
            if claim.email:
                stored = _store_reminder_pdf(claim, reminder, today)
                transaction.on_commit(lambda: queue_letter_email(claim_id, "reminder"), robust=True)
            set_status(claim, S.REMINDED, note=_("Not paid by %(day)s.") % {"day": claim.due_on})
            claim.save(update_fields=["status"])
            log_action("claims.claim.reminded", partnership=claim.partnership, obj=claim)
    except BaseException:
        if stored:
            default_storage.delete(stored)
        raise
    return "reminded" if stored else "to_post"


def post_reminder(claim, *, actor, today=None) -> ClaimReminder:
    """Print a reminder that waits to be posted: it is dated today and its term starts today.
    Printing it again later gives the same letter."""
    if not access.can(actor, claim.partnership, "claim_identity"):
        raise RegisterError(_("Only the officer or the administrator prints the letters."))
    today = today or timezone.localdate()
    stored = None
    try:
        with transaction.atomic():
            claim = locked(claim)
            reminder = ClaimReminder.objects.select_for_update().filter(claim=claim).first()
            if reminder is None:
                raise RegisterError(_("This claim has no reminder."))
            if reminder.posted_on is None:
                if claim.status != S.REMINDED:
                    raise RegisterError(_("This claim no longer needs a reminder."))
                stored = _store_reminder_pdf(claim, reminder, today)
                log_action(
                    "claims.claim.reminder_posted",
                    actor=actor,
                    partnership=claim.partnership,
                    obj=claim,
                )
    except BaseException:
        if stored:
            default_storage.delete(stored)
        raise
    return reminder


def _add_costs(claim_id, today) -> int:
    with transaction.atomic():
        claim = Claim.objects.select_for_update(of=("self",)).get(pk=claim_id)
        reminder = ClaimReminder.objects.select_for_update().get(claim=claim)
        if claim.status != S.REMINDED or reminder.costs_added_on:
            return 0
        costs = collection_costs(claim.outstanding)
        if costs <= 0:
            return 0
        ClaimEntry.objects.create(
            claim=claim,
            kind=ClaimEntry.Kind.COLLECTION_COSTS,
            amount=costs,
            reason=_("Statutory collection costs: not paid by %(day)s.") % {"day": reminder.due_on},
        )
        reminder.costs_added_on = today
        reminder.save(update_fields=["costs_added_on"])
        claim.total += costs
        set_status(claim, S.COLLECTION, note=_("Ready to hand over to the collection agency."))
        claim.save(update_fields=["total", "status"])
        log_action("claims.claim.to_collection", partnership=claim.partnership, obj=claim)
    return 1
