"""``_Actions``, the part of the seeder (``demo.claims.seeder``) that does on each day what the
story says, through the claims' and the register's use cases: people put in the register, claims
drafted, sent, paid, credited and written off, reminders posted, claims handed over to the agency,
and the bank statements imported and decided on.
"""

from datetime import timedelta
from decimal import Decimal

from django.db.models import Sum
from django.utils import timezone

from bans import services
from bans.models import Person, PersonIncident
from claims import payments as claim_payments
from claims import reminders as claim_reminders
from claims import services as claim_services
from claims.models import BankTransaction, Claim, ClaimPayment, ClaimReminder
from demo.claims.bank import _grouped, _payer_name, statement
from demo.claims.cases import _age_on, _gender, _lines, _offender_age
from demo.claims.tables import FIRST_NAMES, GOODS_BACK, MORE_FAMILY_NAMES, SETTLEMENT, S
from demo.merchants import FAMILY_NAMES
from demo.register import BIRTH_PLACES, F, M, display_name, draw_look
from demo.register.people import _address
from merchants.services import log_action
from plumbing.dates import add_months


class _Actions:
    """The seeder's actions: what happens on a day of the story, at its minute."""

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
