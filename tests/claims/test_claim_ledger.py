"""A civil claim from sending to payment: letter, history, credits, reminders with collection
costs, payments by hand and from bank statements, and the distribution of the money."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.core.files.storage import default_storage
from django.utils import timezone

from bans.services import RegisterError
from claims import distribution as claim_distribution
from claims import payments as claim_payments
from claims import reminders as claim_reminders
from claims import services as claim_services
from claims.models import BankImport, BankTransaction, Claim, ClaimEntry, ClaimReminder, ClaimStatus
from claims.payments import (
    add_credit,
    book_transaction,
    import_statement,
    register_payment,
    set_aside,
)
from claims.reminders import collection_costs, send_reminders
from claims.services import send_claim
from tests.claims.camt import statement
from tests.factories import claim_settings
from tests.qr import decode_qr_codes

D = Decimal


@pytest.fixture(autouse=True)
def _english():
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture
def claim(world):
    return world.claim  # sent today: EUR 181 + 24.98, due in 15 days


def pay(world, claim, amount, day=None, method="bank"):
    return register_payment(
        claim,
        amount,
        actor=world.users["coordinator"],
        paid_on=day or timezone.localdate(),
        method=method,
    )


def reload(claim):
    return Claim.objects.get(pk=claim.pk)


def statuses(claim):
    return list(claim.history.values_list("new_status", flat=True))


# --- sending --------------------------------------------------------------------------------


def test_sending_freezes_the_letter_and_sets_the_due_date(world, claim):
    today = timezone.localdate()
    assert claim.status == ClaimStatus.SENT and claim.total == D("205.98")
    assert claim.sent_on == today and claim.due_on == today + timedelta(days=15)
    letter = claim.snapshot["letter"]
    assert letter["total"] == "205.98" and letter["payment"]["iban"] == "NL91ABNA0417164300"
    person = claim.person
    person.full_name, person.address = "Iemand Anders", "Elders 1"
    person.save()
    assert reload(claim).snapshot["letter"]["person"]["full_name"] == "Kees Bakker"
    assert statuses(claim) == ["draft", "sent"]
    with pytest.raises(RegisterError, match="already been sent"):
        send_claim(claim, actor=world.users["officer"])


def test_the_qr_code_in_the_stored_letter_pays_this_claim(claim):
    with default_storage.open(claim.letter.name, "rb") as handle:
        codes = decode_qr_codes(handle.read())
    assert len(codes) == 1
    lines = codes[0].split("\n")
    assert lines[:4] == ["BCD", "002", "1", "SCT"]
    assert "NL91ABNA0417164300" in lines and "Stichting KVO Deventer" in lines
    assert "EUR205.98" in lines and claim.payment_reference in lines


def test_a_letter_with_an_address_is_emailed_once(world, django_capture_on_commit_callbacks):
    from claims.services import create_claim, email_letter
    from tests.bans.test_policy import offence

    incident = offence(world, timezone.localdate() - timedelta(days=3))
    person = world.claim.person
    from bans import services

    services.link_incident(person, incident, actor=world.users["officer"])
    draft = create_claim(incident, person, actor=world.users["officer"])
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        sent = send_claim(draft, actor=world.users["coordinator"], email="kees@example.nl")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["kees@example.nl"] and sent.number in message.subject
    # The objection term is the letter's, not the payment date.
    assert "In de brief staat waar en tot wanneer u bezwaar kunt maken" in message.body
    assert "before that date" not in message.body
    name, content, mimetype = message.attachments[0]
    assert name == f"{sent.number}.pdf" and mimetype == "application/pdf"
    assert content.startswith(b"%PDF")
    assert email_letter(sent.pk, "claim") is False  # a retried task sends nothing more
    assert len(mail.outbox) == 1


# --- payments ---------------------------------------------------------------------------------


def test_partial_then_full_payment(world, claim):
    pay(world, claim, "100")
    assert reload(claim).status == ClaimStatus.PARTIALLY_PAID
    pay(world, reload(claim), "105.98")
    claim = reload(claim)
    assert claim.status == ClaimStatus.PAID and claim.outstanding == 0
    assert statuses(claim) == ["draft", "sent", "partially_paid", "paid"]


def test_a_payment_is_split_damage_to_the_shop_then_the_fixed_amount_per_policy(world, claim):
    first = pay(world, claim, "30.00")  # the 24.98 damage, then 5.02 of the fixed amount
    assert (first.costs_part, first.damage_part, first.fixed_part) == (0, D("24.98"), D("5.02"))
    assert first.shop_amount == D("24.98") + D("2.51")  # 50% of 5.02
    assert first.admin_amount == D("1.26")  # 25% of 5.02, rounded half up
    assert first.fund_amount == D("1.25")  # the rest
    rest = pay(world, reload(claim), "175.98")
    assert (rest.damage_part, rest.fixed_part) == (0, D("175.98"))
    total_shop = first.shop_amount + rest.shop_amount
    assert total_shop == D("24.98") + D("90.50")  # all damage, half of 181


@pytest.mark.parametrize(
    "amount,day,message",
    [
        ("205.99", None, "more than the"),
        ("10", timezone.localdate() + timedelta(days=1), "future"),
        ("0", None, "above zero"),
        ("1.005", None, "two decimals"),
    ],
)
def test_bad_payments_are_refused_and_nothing_is_booked(world, claim, amount, day, message):
    with pytest.raises(RegisterError, match=message):
        pay(world, claim, amount, day=day)
    assert reload(claim).paid == 0 and not claim.payments.exists()


def test_a_cancelled_claim_takes_no_payment(world, claim):
    add_credit(claim, "205.98", actor=world.users["coordinator"], reason="Verkeerde persoon")
    claim = reload(claim)
    assert claim.status == ClaimStatus.CANCELLED and claim.total == 0
    with pytest.raises(RegisterError, match="takes no payments"):
        pay(world, claim, "10")


def test_the_officer_makes_claims_but_does_not_book_money(world, claim):
    with pytest.raises(RegisterError, match="coordinator"):
        register_payment(
            claim, "10", actor=world.users["officer"], paid_on=date.today(), method="cash"
        )


# --- credits --------------------------------------------------------------------------------


def test_a_credit_lowers_the_claim_and_keeps_the_lines(world, claim):
    add_credit(claim, "24.98", actor=world.users["coordinator"], reason="Wijn teruggegeven")
    claim = reload(claim)
    assert claim.total == D("181.00") and claim.status == ClaimStatus.SENT
    assert claim.lines.get().amount == D("24.98")  # the issued line itself never changes
    entry = claim.entries.get()
    assert entry.kind == "credit" and entry.reason == "Wijn teruggegeven"


def test_a_credit_of_the_rest_after_a_payment_makes_it_paid(world, claim):
    pay(world, claim, "181")
    add_credit(reload(claim), "24.98", actor=world.users["coordinator"], reason="Kwijtschelding")
    assert reload(claim).status == ClaimStatus.PAID


@pytest.mark.parametrize("amount,reason", [("300", "Te veel"), ("10", "  ")])
def test_credit_needs_a_reason_and_no_more_than_is_owed(world, claim, amount, reason):
    with pytest.raises(RegisterError):
        add_credit(claim, amount, actor=world.users["coordinator"], reason=reason)
    assert not claim.entries.exists()


def test_a_draft_is_cancelled_not_deleted_and_keeps_its_number(world):
    from claims.services import cancel_draft, create_claim
    from tests.bans.test_policy import offence

    incident = offence(world, date(2026, 10, 1))
    from bans import services

    services.link_incident(world.claim.person, incident, actor=world.users["officer"])
    draft = create_claim(incident, world.claim.person, actor=world.users["officer"])
    cancel_draft(draft, actor=world.users["officer"], reason="Dubbel ingevoerd")
    draft = reload(draft)
    assert draft.status == ClaimStatus.CANCELLED and draft.sequence == 2
    with pytest.raises(RegisterError, match="credit"):
        cancel_draft(world.claim, actor=world.users["officer"], reason="Te laat")


# --- collection costs and reminders -----------------------------------------------------------


@pytest.mark.parametrize(
    "principal,costs",
    [
        ("0", "0.00"),
        ("181.00", "40.00"),  # 15% is 27.15: the minimum applies
        ("266.66", "40.00"),
        ("266.67", "40.00"),  # 15% is 40.0005
        ("266.70", "40.01"),
        ("2500.00", "375.00"),  # the top of the 15% slice
        ("2500.10", "375.01"),  # 10% over the next slice
        ("5000.00", "625.00"),
        ("10000.00", "875.00"),
        ("200000.00", "2775.00"),
        ("1000000.00", "6775.00"),  # 6,775: the statutory maximum
        ("5000000.00", "6775.00"),
    ],
)
def test_statutory_collection_costs_at_the_edges(principal, costs):
    assert collection_costs(D(principal)) == D(costs)


def sent_on(world, day):
    """A claim sent on ``day`` (EUR 181, due 15 days later)."""
    from bans import services
    from claims.services import create_claim
    from tests.bans.test_policy import offence

    incident = offence(world, day - timedelta(days=2))
    person = world.claim.person
    services.link_incident(person, incident, actor=world.users["officer"])
    draft = create_claim(incident, person, actor=world.users["officer"])
    claim = send_claim(draft, actor=world.users["officer"], email="kees@example.nl", today=day)
    claim_services.email_letter(claim.pk, "claim")  # what the on-commit task does
    return claim


def test_the_reminder_job_sends_one_reminder_and_then_adds_the_costs_once(
    world, django_capture_on_commit_callbacks
):
    claim = sent_on(world, date(2026, 10, 1))  # due 16 October
    assert claim.due_on == date(2026, 10, 16)
    mail.outbox.clear()
    assert send_reminders(today=date(2026, 10, 16))["reminded"] == 0
    with django_capture_on_commit_callbacks(execute=True):
        first = send_reminders(today=date(2026, 10, 17))
    with django_capture_on_commit_callbacks(execute=True):
        again = send_reminders(today=date(2026, 10, 17))
    assert first["reminded"] == 1 and again["reminded"] == 0
    reminder = ClaimReminder.objects.get(claim=claim)
    # 14 days from the day after the letter arrives (3 days for the post).
    assert reminder.due_on == date(2026, 11, 3) and reminder.announced_costs == D("40.00")
    assert [m.subject for m in mail.outbox if "Herinnering" in m.subject or "eminder" in m.subject]
    assert len(mail.outbox) == 1
    assert reload(claim).status == ClaimStatus.REMINDED

    assert send_reminders(today=date(2026, 11, 3))["to_collection"] == 0  # still in time
    assert send_reminders(today=date(2026, 11, 4))["to_collection"] == 1
    assert send_reminders(today=date(2026, 11, 5))["to_collection"] == 0
    claim = reload(claim)
    assert claim.status == ClaimStatus.COLLECTION and claim.total == D("221.00")
    assert claim.entries.get().kind == ClaimEntry.Kind.COLLECTION_COSTS
    assert statuses(claim) == ["draft", "sent", "reminded", "collection"]


def test_a_paid_claim_is_never_reminded(world):
    claim = sent_on(world, date(2026, 10, 1))
    pay(world, claim, "181", day=date(2026, 10, 10))
    done = send_reminders(today=date(2026, 11, 1))
    assert done == {"reminded": 0, "to_post": 0, "to_collection": 0, "emailed": 0, "failed": 0}


def test_costs_are_paid_first(world):
    claim = sent_on(world, date(2026, 9, 1))
    send_reminders(today=date(2026, 9, 17))
    send_reminders(today=date(2026, 10, 10))
    payment = pay(world, reload(claim), "50")
    assert (payment.costs_part, payment.fixed_part) == (D("40.00"), D("10.00"))
    assert payment.admin_amount == D("40.00") + D("2.50")


# --- bank statements --------------------------------------------------------------------------


def test_a_statement_pays_the_claim_and_importing_it_twice_books_nothing_more(world, claim):
    data = statement([{"amount": "205.98", "ref": claim.payment_reference}])
    coordinator = world.users["coordinator"]
    result = import_statement(world.deventer, data, filename="nov.xml", actor=coordinator)
    assert (result.bank_import.booked, result.bank_import.queued) == (1, 0)
    claim = reload(claim)
    assert claim.status == ClaimStatus.PAID and claim.payments.get().method == "bank"

    again = import_statement(world.deventer, data, filename="nov.xml", actor=coordinator)
    assert again.bank_import is None and again.duplicate_of == result.bank_import
    # The same transaction in another file (a monthly statement after a daily one).
    overlapping = statement(
        [{"amount": "205.98", "ref": claim.payment_reference}, {"amount": "12.00"}],
        statement_id="2026-11",
    )
    month = import_statement(world.deventer, overlapping, filename="m.xml", actor=coordinator)
    assert (month.bank_import.known, month.bank_import.booked) == (1, 0)
    assert reload(claim).payments.count() == 1 and reload(claim).paid == D("205.98")


def test_a_reference_typed_in_the_description_also_matches(world, claim):
    spaced = " ".join(claim.payment_reference[i : i + 4] for i in range(0, 20, 4)).strip()
    data = statement([{"amount": "205.98", "text": f"betaling {spaced.lower()}"}])
    import_statement(world.deventer, data, filename="a.xml", actor=world.users["coordinator"])
    assert reload(claim).status == ClaimStatus.PAID


def test_what_does_not_match_waits_for_a_decision(world, claim):
    data = statement(
        [
            {"amount": "100.00", "ref": claim.payment_reference},  # partial
            {"amount": "181.00", "ref": "RF18539007547034"},  # no such claim
            {"amount": "55.00", "debit": True},  # money going out: not ours
        ]
    )
    result = import_statement(
        world.deventer, data, filename="a.xml", actor=world.users["coordinator"]
    )
    assert (result.bank_import.booked, result.bank_import.queued) == (0, 2)
    reasons = set(BankTransaction.objects.values_list("reason", flat=True))
    assert reasons == {"partial", "unknown"}
    assert reload(claim).paid == 0  # nothing booked silently

    partial = BankTransaction.objects.get(reason="partial")
    book_transaction(partial, actor=world.users["coordinator"])
    assert reload(claim).status == ClaimStatus.PARTIALLY_PAID
    with pytest.raises(RegisterError, match="dealt with"):
        book_transaction(partial, actor=world.users["coordinator"])

    unknown = BankTransaction.objects.get(reason="unknown")
    with pytest.raises(RegisterError, match="No claim has the number"):
        book_transaction(unknown, actor=world.users["coordinator"], claim_number="DEV-2026-99999")
    set_aside(unknown, actor=world.users["coordinator"], note="Terugbetaald aan afzender")
    assert BankTransaction.objects.get(pk=unknown.pk).state == "set_aside"


def test_an_overpayment_books_what_is_owed_and_notes_the_refund(world, claim):
    data = statement([{"amount": "250.00", "ref": claim.payment_reference}])
    import_statement(world.deventer, data, filename="a.xml", actor=world.users["coordinator"])
    tx = BankTransaction.objects.get()
    assert tx.reason == "overpaid" and tx.state == "waiting"
    payment = book_transaction(tx, actor=world.users["coordinator"])
    assert payment.amount == D("205.98") and reload(claim).status == ClaimStatus.PAID
    assert "44,02" in BankTransaction.objects.get().note


def test_payment_on_a_closed_claim_waits(world, claim):
    claim_payments.write_off(claim, actor=world.users["coordinator"], reason="Overleden")
    data = statement([{"amount": "205.98", "ref": claim.payment_reference}])
    import_statement(world.deventer, data, filename="a.xml", actor=world.users["coordinator"])
    assert BankTransaction.objects.get().reason == "closed"
    assert reload(claim).paid == 0


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b":20:STARTUMS\r\n:25:NL91ABNA0417164300\r\n:28C:1\r\n",  # MT940
        b"<html><body>Inloggen</body></html>",
        statement([{"amount": "1.005"}]),
    ],
)
def test_a_file_that_is_not_a_usable_statement_is_refused(world, data):
    with pytest.raises(RegisterError):
        import_statement(world.deventer, data, filename="x", actor=world.users["coordinator"])
    assert not BankImport.objects.exists()


def test_another_partnerships_reference_is_unknown_here(world, claim):
    claim_settings(world.zwolle, iban="NL91ABNA0417164300", beneficiary="KVO Zwolle")
    data = statement([{"amount": "205.98", "ref": claim.payment_reference}])
    other = world.users["other_coordinator"]
    import_statement(world.zwolle, data, filename="z.xml", actor=other)
    assert BankTransaction.objects.get().reason == "unknown"
    assert reload(claim).paid == 0


# --- figures ----------------------------------------------------------------------------------


def test_distribution_and_recovery_rate(world, claim):
    today = timezone.localdate()
    pay(world, claim, "205.98")
    report = claim_distribution.distribution(world.deventer, today - timedelta(days=1), today)
    assert report["received"] == D("205.98")
    assert report["shop"] == D("24.98") + D("90.50")
    assert report["admin"] == D("45.25") and report["fund"] == D("45.25")
    assert report["recovery_rate"] == 100
    assert report["per_shop"][0]["shop"] == "Bakkerij Jansen"
    earlier = claim_distribution.distribution(world.deventer, date(2025, 1, 1), date(2025, 12, 31))
    assert earlier["received"] == 0 and earlier["recovery_rate"] is None


# --- double submits -----------------------------------------------------------------------------


def test_a_double_submitted_payment_or_credit_is_booked_once(world, claim):
    import uuid

    key = uuid.uuid4()
    coordinator = world.users["coordinator"]
    for _ in range(2):
        register_payment(
            reload(claim),
            "50",
            actor=coordinator,
            paid_on=date.today(),
            method="cash",
            submission_key=key,
        )
    assert reload(claim).paid == D("50.00") and claim.payments.count() == 1
    credit_key = uuid.uuid4()
    for _ in range(2):
        add_credit(
            reload(claim), "10", actor=coordinator, reason="Korting", submission_key=credit_key
        )
    assert reload(claim).total == D("195.98")


def test_a_case_gets_one_claim_per_person(world, claim):
    from claims.services import create_claim

    with pytest.raises(RegisterError, match="already has a claim"):
        create_claim(claim.incident, claim.person, actor=world.users["officer"])
    assert Claim.objects.count() == 1


# --- retention --------------------------------------------------------------------------------


def test_closed_claims_lose_names_and_letters_after_seven_years(world, claim):
    from claims.models import ClaimStatusChange
    from claims.retention import strip_closed_claims
    from merchants.models import DeletionRecord

    pay(world, claim, "205.98")
    letter = claim.letter.name
    now = timezone.now()
    assert strip_closed_claims(now + timedelta(days=6 * 365))["claims"] == 0
    ClaimStatusChange.objects.filter(claim=claim).update(changed_at=now - timedelta(days=8 * 365))
    assert strip_closed_claims(now)["claims"] == 1
    assert strip_closed_claims(now)["claims"] == 0  # idempotent
    stripped = reload(claim)
    assert "full_name" not in stripped.snapshot and not stripped.letter
    assert stripped.total == D("205.98") and stripped.paid == D("205.98")  # the books add up
    assert not default_storage.exists(letter)
    assert DeletionRecord.objects.get(kind="claims.claim").files_removed == 1


def test_an_open_claim_is_kept_however_old(world, claim):
    from claims.models import ClaimStatusChange
    from claims.retention import strip_closed_claims

    ClaimStatusChange.objects.filter(claim=claim).update(
        changed_at=timezone.now() - timedelta(days=9 * 365)
    )
    assert strip_closed_claims()["claims"] == 0


# --- found in review ----------------------------------------------------------------------------


def test_shares_adding_up_to_100_never_give_the_fund_less_than_nothing(world):
    claim = sent_on(world, timezone.localdate())  # EUR 181, no damage lines
    claim_settings(world.deventer, shop_percent=D("50"), admin_percent=D("50"))
    payment = pay(world, reload(claim), "0.03")
    assert (payment.shop_amount, payment.admin_amount, payment.fund_amount) == (
        D("0.02"),
        D("0.01"),
        D("0.00"),
    )


def test_a_reminder_without_email_waits_to_be_posted_and_its_term_starts_then(world):
    from claims.reminders import post_reminder

    claim = sent_on(world, date(2026, 10, 1))
    Claim.objects.filter(pk=claim.pk).update(email="")
    assert send_reminders(today=date(2026, 10, 17))["to_post"] == 1
    reminder = ClaimReminder.objects.get(claim=claim)
    assert reminder.posted_on is None and not reminder.pdf
    # Not posted: no collection costs, however long it waits.
    assert send_reminders(today=date(2027, 1, 1))["to_collection"] == 0
    post_reminder(reload(claim), actor=world.users["officer"], today=date(2026, 11, 20))
    reminder.refresh_from_db()
    assert reminder.posted_on == date(2026, 11, 20) and reminder.due_on == date(2026, 12, 7)
    assert send_reminders(today=date(2026, 12, 7))["to_collection"] == 0
    assert send_reminders(today=date(2026, 12, 8))["to_collection"] == 1
    with pytest.raises(RegisterError):
        post_reminder(reload(claim), actor=world.users["coordinator"])


def test_one_failing_claim_does_not_stop_the_reminders_of_the_others(world, monkeypatch):
    first = sent_on(world, date(2026, 10, 1))
    second = sent_on(world, date(2026, 10, 1))
    real = claim_reminders._store_reminder_pdf

    def fail_for_first(claim, reminder, today):
        if claim.pk == first.pk:
            raise OSError("disk full")
        return real(claim, reminder, today)

    monkeypatch.setattr(claim_reminders, "_store_reminder_pdf", fail_for_first)
    done = send_reminders(today=date(2026, 10, 17))
    assert done["failed"] == 1 and done["reminded"] == 1
    assert reload(first).status == ClaimStatus.SENT  # rolled back, tried again tomorrow
    assert reload(second).status == ClaimStatus.REMINDED


def test_the_reminder_letter_shows_the_credit(world):
    import io

    from pypdf import PdfReader

    claim = sent_on(world, date(2026, 10, 1))
    add_credit(claim, "31.00", actor=world.users["coordinator"], reason="Korting na bezwaar")
    send_reminders(today=date(2026, 10, 17))
    reminder = ClaimReminder.objects.get(claim=claim)
    with default_storage.open(reminder.pdf.name, "rb") as handle:
        text = PdfReader(io.BytesIO(handle.read())).pages[0].extract_text().replace("\xa0", " ")
    assert "Korting na bezwaar" in text and "31,00" in text and "150,00" in text


def test_a_statement_of_another_account_is_refused(world, claim):
    data = statement(
        [{"amount": "205.98", "ref": claim.payment_reference}], account="NL69INGB0123456789"
    )
    with pytest.raises(RegisterError, match="not for NL91ABNA0417164300"):
        import_statement(world.deventer, data, filename="a", actor=world.users["coordinator"])
    assert reload(claim).paid == 0 and not BankImport.objects.exists()


def test_reversals_wait_and_are_never_booked(world, claim):
    data = statement([{"amount": "205.98", "ref": claim.payment_reference, "reversal": True}])
    import_statement(world.deventer, data, filename="a", actor=world.users["coordinator"])
    tx = BankTransaction.objects.get()
    assert tx.reason == "reversal" and reload(claim).paid == 0
    with pytest.raises(RegisterError, match="set it aside"):
        book_transaction(tx, actor=world.users["coordinator"])


def test_a_payment_that_cannot_be_booked_waits_and_the_rest_of_the_file_is_imported(world, claim):
    other = sent_on(world, timezone.localdate())
    data = statement(
        [
            # Paid a week before the claim was sent: a person decides.
            {"amount": "205.98", "ref": claim.payment_reference, "day": "2026-01-05"},
            {"amount": "181.00", "ref": other.payment_reference},
        ]
    )
    result = import_statement(world.deventer, data, filename="a", actor=world.users["coordinator"])
    assert (result.bank_import.booked, result.bank_import.queued) == (1, 1)
    assert BankTransaction.objects.get(reason="refused").note
    assert reload(other).status == ClaimStatus.PAID


def test_a_duplicate_report_gets_no_second_claim(world, claim):
    from incidents.models import Incident
    from tests.bans.test_policy import offence

    duplicate = offence(world, date(2026, 11, 1))
    Incident.objects.filter(pk=duplicate.pk).update(duplicate_of=claim.incident)
    duplicate.refresh_from_db()
    from bans import services

    services.link_incident(claim.person, duplicate, actor=world.users["officer"])
    verdict = claim_services.eligibility(duplicate, claim.person)
    assert not verdict.ok and claim.incident.reference in verdict.reasons[0]


def test_merging_people_moves_their_claims(world, claim):
    from bans import services
    from tests.bans.factories import PersonFactory

    keep = PersonFactory(partnership=world.deventer, full_name="Kees Bakker")
    services.merge_people(keep, claim.person, actor=world.users["administrator"])
    assert reload(claim).person == keep


def test_unmatched_bank_lines_lose_the_payer_after_seven_years(world, claim):
    from claims.retention import strip_closed_claims

    data = statement([{"amount": "12.00", "ref": "RF18539007547034", "day": "2018-01-05"}])
    import_statement(world.deventer, data, filename="oud", actor=world.users["coordinator"])
    assert strip_closed_claims()["bank_lines"] == 1
    assert BankTransaction.objects.get().counterparty_name == ""


def test_a_letter_whose_email_never_left_is_sent_by_the_next_daily_run(world):
    claim = sent_on(world, date(2026, 10, 1))
    Claim.objects.filter(pk=claim.pk).update(letter_emailed_at=None)  # the broker was down
    mail.outbox.clear()
    assert send_reminders(today=date(2026, 10, 5))["emailed"] == 1
    assert send_reminders(today=date(2026, 10, 6))["emailed"] == 0
    assert len(mail.outbox) == 1 and claim.number in mail.outbox[0].subject
