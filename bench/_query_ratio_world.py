"""The data of bench/query_ratio.py, one unit at a time: ``UNIT`` says how much of everything a
unit adds, and ``Growth`` adds units to the test suite's world through the apps' services and
factories. A helper module (not a bench), imported like ``_common``.
"""

from datetime import date, datetime, timedelta
from decimal import Decimal

# --- The data, one unit at a time ----------------------------------------------------------------

UNIT = {
    "areas": 1,
    "shops": 4,  # in the new area, each with its owner, bulletin address and declaration
    "staff": 1,  # for Bakkerij Jansen (its staff page)
    "invitations": 2,  # one by the coordinator, one by the owner for Bakkerij Jansen
    "incidents": 20,  # by Bakkerij Jansen's staff, every fifth with a photo
    "people": 10,  # with a yellow or red card in force and a photo (the gallery)
    "claims": 10,  # 2 sent (with their letters) and paid in part, 8 drafts
    "bank_transactions": 3,
    "bulletins": 5,
    "subject_requests": 3,
    "access_log": 10,  # views of people (plus what the pages log themselves)
    "dossier": 3,  # per area of two: a certificate, a meeting, a measures-matrix line
    # Children of the objects whose pages list them:
    "case": 2,  # contacts, notes, status changes and linked people on the showcase case
    "person": 2,  # incidents linked to the showcase person, with proposed measures
    "claim": 2,  # payments and credits on the showcase claim
    "owned_shops": 1,  # more shops for the owner (start page, protocol page)
}


class Growth:
    """Adds units of data to the world through the apps' services and factories."""

    def __init__(self, world):
        from django.utils import timezone

        from claims.models import ClaimSettings
        from incidents.services import transition
        from merchants.services import sign_protocol

        self.world = w = world
        self.units = 0
        self.now = timezone.now()
        self.officer = w.users["officer"]
        self.coordinator = w.users["coordinator"]
        # What the pages need to open at all.
        ClaimSettings.objects.update_or_create(
            partnership=w.deventer,
            defaults={"beneficiary": "Stichting KVO Deventer", "iban": "NL91ABNA0417164300"},
        )
        for role in ("participant", "owner"):
            sign_protocol(w.protocol, actor=w.users[role])
        # The lazily made objects of the world, made now so that both sizes have them.
        for name in (
            "incident",
            "person",
            "banned",
            "notice",
            "subject_request",
            "claim",
            "bank_transaction",
            "bulletin",
            "dossier_item",
            "safety_measure",
            "report_job",
            "measure",
            "invitation",
        ):
            getattr(w, name)
        self.case = w.incident
        for status in ("in_review", "awaiting_police"):
            transition(self.case, to=status, actor=self.officer)

    def grow(self, units):
        for _ in range(units):
            self.units += 1
            self._unit(self.units)

    # One unit: everything a little.
    def _unit(self, n):
        self._shops(n)
        self._incidents(n)
        self._people(n)
        self._claims(n)
        self._case(n)
        self._person(n)
        self._claim(n)
        self._dossier(n)
        self._register(n)
        self._bulletins(n)

    def _shops(self, n):
        from merchants.models import ShopAssignment
        from merchants.services import invite, sign_protocol
        from tests.factories import AreaFactory, MembershipFactory, ShopFactory, UserFactory

        w = self.world
        area = AreaFactory(partnership=w.deventer, name=f"Bedrijventerrein {n:02d}")
        for i in range(UNIT["shops"]):
            shop = ShopFactory(area=area, name=f"Winkel {n:02d}-{i}")
            owner = UserFactory(email=f"eigenaar-{n}-{i}@bench.example.nl")
            MembershipFactory(user=owner, partnership=w.deventer, shops=[shop], shops__owner=True)
            sign_protocol(w.protocol, actor=owner, shop=shop)
            if i < UNIT["owned_shops"]:
                ShopAssignment.objects.create(
                    membership=w.memberships["owner"], shop=shop, is_owner=True
                )
        staff = UserFactory(email=f"medewerker-{n}@bench.example.nl")
        MembershipFactory(user=staff, partnership=w.deventer, shops=[w.shop])
        invite(
            partnership=w.deventer,
            email=f"nieuw-{n}@bench.example.nl",
            role="participant",
            shops=[shop],
            is_owner=True,
            actor=self.coordinator,
        )
        invite(
            partnership=w.deventer,
            email=f"kassa-{n}@bench.example.nl",
            role="participant",
            shops=[w.shop],
            actor=w.users["owner"],
        )

    def _incidents(self, n):
        from incidents import services
        from incidents.models import Incident
        from tests.incidents.factories import report

        w = self.world
        kinds = ["shoplifting", "shoplifting", "attempted_shoplifting", "nuisance", "aggression"]
        for i in range(UNIT["incidents"]):
            incident = report(
                w.users["participant"],
                w.shop,
                photos=1 if i % 5 == 0 else 0,
                kind=kinds[i % len(kinds)],
            )
            # Spread over the last 200 days: the dashboard's period and the last quarter.
            moment = self.now - timedelta(days=(n * 37 + i * 11) % 200, hours=i % 9)
            Incident.objects.filter(pk=incident.pk).update(occurred_at=moment)
            if i % 3 == 0:
                services.transition(incident, to="in_review", actor=self.officer)
            if i % 4 == 0:
                services.record_contact(
                    incident, kind="phone", contacted_at=self.now, note="Gebeld", actor=self.officer
                )

    def _people(self, n):
        from bans import services
        from plumbing.images import process_upload
        from tests.bans.factories import MeasureFactory, PersonFactory
        from tests.incidents.factories import cctv_still, upload

        w = self.world
        for i in range(UNIT["people"]):
            person = PersonFactory(partnership=w.deventer, display_name=f"Persoon {n}-{i}.")
            MeasureFactory(person=person, kind="red" if i % 2 else "yellow")
            services.add_photo(
                person, process_upload(upload(cctv_still(seed=n * 10 + i))), actor=self.officer
            )

    def _offence(self, day):
        from incidents.models import Incident
        from tests.incidents.factories import report

        incident = report(self.world.users["participant"], self.world.shop)
        moment = datetime(day.year, day.month, day.day, 14, 0, tzinfo=self.now.tzinfo)
        Incident.objects.filter(pk=incident.pk).update(occurred_at=moment)
        incident.occurred_at = moment
        return incident

    def _claims(self, n):
        from django.utils import timezone

        from bans import services
        from claims import payments as claim_payments
        from claims import services as claim_services
        from claims.models import BankImport, BankTransaction
        from tests.bans.factories import PersonFactory

        w = self.world
        today = timezone.localdate()
        bank_import = BankImport.objects.create(
            partnership=w.deventer, filename=f"afschrift-{n}.xml", sha256=f"{n:064d}"
        )
        for i in range(UNIT["claims"]):
            incident = self._offence(today - timedelta(days=3 + i))
            person = PersonFactory(
                partnership=w.deventer,
                full_name=f"Piet Jansen {n}-{i}",
                birth_date=date(1990, 1, 1),
                address="Brink 1, 7411 BR Deventer",
            )
            services.link_incident(person, incident, actor=self.officer)
            claim = claim_services.create_claim(
                incident, person, actor=self.officer, lines=[("Fles wijn", "12.50")]
            )
            if i < 2:
                claim = claim_services.send_claim(claim, actor=self.officer)
                BankTransaction.objects.create(
                    partnership=w.deventer,
                    bank_import=bank_import,
                    key=f"bench-{n}-{i}",
                    booked_on=today,
                    amount=Decimal("10.00"),
                    claim=claim,
                    state=BankTransaction.State.WAITING,
                    reason=BankTransaction.Reason.PARTIAL,
                )
                claim_payments.register_payment(
                    claim,
                    Decimal("50.00"),
                    actor=self.coordinator,
                    paid_on=today,
                    method="bank",
                )
        BankTransaction.objects.create(
            partnership=w.deventer,
            bank_import=bank_import,
            key=f"bench-{n}-unknown",
            booked_on=today,
            amount=Decimal("181.00"),
            remittance="schadeclaim",
            state=BankTransaction.State.WAITING,
            reason=BankTransaction.Reason.UNKNOWN,
        )

    def _case(self, n):
        from django.utils import timezone

        from bans import services as register
        from incidents import services
        from tests.bans.factories import PersonFactory

        case = self.case
        for i in range(UNIT["case"]):
            services.record_contact(
                case,
                kind="visit",
                contacted_at=timezone.now(),
                note=f"Langs geweest ({n}-{i})",
                actor=self.officer,
            )
            services.add_internal_note(case, text=f"Notitie {n}-{i}", actor=self.officer)
            to = "measure_proposed" if case.status == "awaiting_police" else "awaiting_police"
            services.transition(case, to=to, actor=self.officer)
            person = PersonFactory(partnership=self.world.deventer, display_name=f"Mede {n}-{i}.")
            register.link_incident(person, case, actor=self.officer)

    def _person(self, n):
        from bans import services

        person = self.world.person
        for i in range(UNIT["person"]):
            incident = self._offence(self.now.date() - timedelta(days=n * 5 + i))
            services.link_incident(person, incident, actor=self.officer)
            services.propose_measures(person, incident, actor=self.officer)

    def _claim(self, n):
        from django.utils import timezone

        from claims import payments as claim_payments

        claim = self.world.claim
        for i in range(UNIT["claim"]):
            claim_payments.register_payment(
                claim,
                Decimal("1.00"),
                actor=self.coordinator,
                paid_on=timezone.localdate(),
                method="cash",
                note=f"Termijn {n}-{i}",
            )
            claim_payments.add_credit(
                claim, Decimal("0.50"), actor=self.coordinator, reason=f"Korting {n}-{i}"
            )

    def _dossier(self, n):
        from certification import services as dossier

        w = self.world
        for area in (w.binnenstad, w.colmschate):
            dossier.add_certificate(
                area,
                actor=self.coordinator,
                stars=1 + n % 5,
                issued_on=date(1990 + n, 1, 1),
                certifying_body="Kiwa NCP",
            )
            meeting = dossier.add_item(
                area,
                actor=self.coordinator,
                kind="meeting",
                held_on=self.now.date() - timedelta(days=n * 7),
                title=f"Overleg {n}",
                attendance=["police", "municipality"],
            )
            dossier.save_safety_measure(
                area,
                actor=self.coordinator,
                description=f"Camera {n}",
                theme="shoplifting",
                owner="Ondernemers",
                status="planned",
                due_on=self.now.date() + timedelta(days=30 + n),
                meeting=meeting,
            )

    def _register(self, n):
        from django.utils import timezone

        from bans.services import record_subject_request
        from merchants.services import log_action

        w = self.world
        for i in range(UNIT["subject_requests"]):
            record_subject_request(
                partnership=w.deventer,
                actor=w.users["administrator"],
                kind=("access", "rectification", "erasure")[i],
                requester=f"Verzoeker {n}-{i}",
                received_on=timezone.localdate() - timedelta(days=i),
                person=w.person,
            )
        for _ in range(UNIT["access_log"]):
            log_action(
                "bans.person.viewed", actor=self.officer, partnership=w.deventer, obj=w.person
            )

    def _bulletins(self, n):
        from bulletins import editions as bulletin_editions
        from bulletins import outbox as bulletin_outbox

        w = self.world
        for _ in range(UNIT["bulletins"]):
            bulletin = bulletin_editions.make_bulletin(
                w.deventer, trigger="manual", actor=self.officer
            )
            bulletin_outbox.send_deliveries(bulletin.pk)
        self.latest_bulletin = bulletin

    def counts(self):
        """Rows per table that the pages list, to show the growth."""
        from bans.models import Person, SubjectRequest
        from bulletins.models import Bulletin, BulletinDelivery
        from certification.models import DossierItem
        from claims.models import BankTransaction, Claim
        from incidents.models import Incident
        from merchants.models import AuditEvent, Invitation, Membership, Shop, ShoppingArea

        d = self.world.deventer
        return {
            "areas": ShoppingArea.objects.filter(partnership=d).count(),
            "shops": Shop.objects.in_partnership(d).count(),
            "members": Membership.objects.filter(partnership=d).count(),
            "invitations": Invitation.objects.filter(partnership=d).count(),
            "incidents": Incident.objects.filter(partnership=d).count(),
            "people": Person.objects.filter(partnership=d).count(),
            "claims": Claim.objects.filter(partnership=d).count(),
            "bank transactions": BankTransaction.objects.filter(partnership=d).count(),
            "bulletins": Bulletin.objects.filter(partnership=d).count(),
            "deliveries": BulletinDelivery.objects.filter(bulletin__partnership=d).count(),
            "subject requests": SubjectRequest.objects.filter(partnership=d).count(),
            "audit events": AuditEvent.objects.filter(partnership=d).count(),
            "dossier items": DossierItem.objects.filter(area__partnership=d).count(),
        }
