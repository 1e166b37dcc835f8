import os
import subprocess
import sys
from functools import cached_property
from pathlib import Path

import pytest
from django.core.cache import cache
from django.utils import timezone
from django.utils.translation.reloader import translation_file_changed

from merchants.roles import MFA_REQUIRED_ROLES, Role
from tests.factories import (
    AreaFactory,
    InvitationFactory,
    MembershipFactory,
    PartnershipFactory,
    ShopFactory,
    UserFactory,
    add_totp,
    claim_settings,
)

ROOT = Path(__file__).resolve().parent.parent

# The suite asserts Dutch text: make sure the compiled catalogue matches the .po before any test
# (once, by the main process, when pytest-xdist runs workers beside each other).
if not os.environ.get("PYTEST_XDIST_WORKER"):
    subprocess.run([sys.executable, str(ROOT / "scripts" / "compile_messages.py")], check=True)
# Django may have loaded the catalogue while starting up; make it read the fresh one.
translation_file_changed(sender=None, file_path=Path("django.mo"))

# Two workers side by side (pytest-xdist, `make test`): each has its own files (KVO_VAR_DIR,
# pyproject.toml), its own PostgreSQL test database (pytest-django adds "_gw0") and here its own
# Redis databases, since every test empties the cache and the broker queue must not be shared.
WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
if WORKER:
    from django.conf import settings as django_settings
    from django.core.cache import caches

    from kvo.celery import app as celery_app

    def _shifted(url, by):
        base, _slash, number = url.rpartition("/")
        return f"{base}/{(int(number or 0) + by) % 15}" if number.isdigit() else url

    shift = 2 * int("".join(c for c in WORKER if c.isdigit()) or 0)  # broker and cache each
    if django_settings.REDIS_URL and shift:
        django_settings.REDIS_URL = _shifted(django_settings.REDIS_URL, shift)
        django_settings.CACHES["default"]["LOCATION"] = _shifted(
            django_settings.CACHES["default"]["LOCATION"], shift
        )
        caches.__dict__.pop("settings", None)  # read CACHES again on first use
        celery_app.conf.broker_url = django_settings.REDIS_URL

# In CI every real service must be there: a test that would skip fails instead.
STRICT = os.environ.get("CI") == "true" or os.environ.get("KVO_REQUIRE_SERVICES") == "1"


def skip_or_fail(reason):
    if STRICT:
        pytest.fail(f"{reason} (CI requires it: no skipping)")
    pytest.skip(reason)


def pytest_sessionfinish(session, exitstatus):
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = len(reporter.stats.get("skipped", [])) if reporter else 0
    if STRICT and skipped and session.exitstatus == 0:
        reporter.write_line(f"FAIL: {skipped} test(s) skipped; CI runs everything.", red=True)
        session.exitstatus = 1


@pytest.fixture(scope="session", autouse=True)
def _end_stray_connections(django_db_setup, django_db_blocker):
    """Threads of the real services (the Celery worker of tests/test_worker.py, live servers) can
    leave a connection to the test database open; end them so that the database can be dropped
    when the run ends (PostgreSQL refuses while a session uses it)."""
    yield
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )


@pytest.fixture(autouse=True)
def _clear_cache():
    # Rate-limit counters and used-TOTP markers live in the cache (Redis in CI).
    cache.clear()
    yield


# --- the world: Deventer and another partnership ----------------------------------------------

ROLES = [
    "anonymous",
    "participant",
    "owner",
    "neighbour_owner",
    "other_participant",
    "officer",
    "administrator",
    "coordinator",
    "other_coordinator",
    "auditor",
]


class World:
    """Two partnerships with a user per role; attributes name the objects the tests use."""

    def __init__(self, prefix=""):
        """``prefix`` makes a second, unrelated world beside the first (the attack pass tries
        every object URL with its ids)."""
        self.prefix = prefix
        self.deventer = PartnershipFactory(
            name=f"KVO {prefix}Deventer", slug=f"{prefix}deventer", code="XDV" if prefix else "DEV"
        )
        self.zwolle = PartnershipFactory(
            name=f"KVO {prefix}Zwolle", slug=f"{prefix}zwolle", code="XZW" if prefix else "ZWO"
        )
        self.binnenstad = AreaFactory(partnership=self.deventer, name="Binnenstad")
        self.colmschate = AreaFactory(partnership=self.deventer, name="Winkelhart Colmschate")
        self.zwolle_area = AreaFactory(partnership=self.zwolle, name="Zwolle Centrum")
        self.shop = ShopFactory(area=self.binnenstad, name="Bakkerij Jansen")
        self.neighbour_shop = ShopFactory(area=self.binnenstad, name="Drogisterij Smit")
        self.zwolle_shop = ShopFactory(area=self.zwolle_area, name="Boekhandel Zwolle")
        self.users = {"anonymous": None}
        self.memberships = {}
        spec = {
            "participant": (self.deventer, Role.PARTICIPANT, [self.shop], False),
            "owner": (self.deventer, Role.PARTICIPANT, [self.shop], True),
            # Owns the shop next door in the same partnership: none of Bakkerij Jansen's business.
            "neighbour_owner": (self.deventer, Role.PARTICIPANT, [self.neighbour_shop], True),
            "other_participant": (self.zwolle, Role.PARTICIPANT, [self.zwolle_shop], False),
            "officer": (self.deventer, Role.OFFICER, [], False),
            "administrator": (self.deventer, Role.ADMINISTRATOR, [], False),
            "coordinator": (self.deventer, Role.COORDINATOR, [], False),
            "other_coordinator": (self.zwolle, Role.COORDINATOR, [], False),
            "auditor": (self.deventer, Role.AUDITOR, [], False),
        }
        for name, (partnership, role, shops, owner) in spec.items():
            user = UserFactory(email=f"{prefix}{name}@example.nl")
            membership = MembershipFactory(
                user=user, partnership=partnership, role=role, shops=shops, shops__owner=owner
            )
            if role in MFA_REQUIRED_ROLES:
                add_totp(user)
            self.users[name] = user
            self.memberships[name] = membership
        self.invitation = InvitationFactory(
            partnership=self.deventer, shops=[self.shop], invited_by=self.users["coordinator"]
        )

    @cached_property
    def incident(self):
        """A shoplifting report by Bakkerij Jansen's staff, with one photo (made on first use)."""
        from tests.incidents.factories import report

        return report(self.users["participant"], self.shop, photos=1)

    @property
    def photo(self):
        return self.incident.photos.get()

    @cached_property
    def kept_photo(self):
        """A photo the participant chose on a report form that came back with an error."""
        import uuid

        from incidents.services import keep_photos
        from plumbing.images import process_upload
        from tests.incidents.factories import cctv_still, upload

        photo = process_upload(upload(cctv_still(seed=3)))
        (kept,) = keep_photos(
            [photo], submission_key=uuid.uuid4(), reporter=self.users["participant"]
        )
        return kept

    @cached_property
    def sighting(self):
        """The participant's "seen in my shop" of the banned person, a minute ago."""
        import uuid

        from bans.sightings import report_sighting

        return report_sighting(
            self.banned,
            reporter=self.users["participant"],
            shop=self.shop,
            submission_key=uuid.uuid4(),
        )

    @cached_property
    def push_device(self):
        """The officer's phone, subscribed to alerts (at an address nobody answers)."""
        from merchants.devices import register_device

        return register_device(
            self.users["officer"],
            endpoint=f"https://push.example.invalid/{self.prefix or 'w'}",
            p256dh="BPpublic",
            auth="secret",
            name="Chrome (Android)",
        )

    @cached_property
    def objection(self):
        """Sjaak B. objects by letter against his red card (decided by nobody in this world, so
        the officer may decide); the administrator entered it."""
        from datetime import date

        from bans.objections import record_objection
        from tests.bans.factories import MeasureFactory, PersonFactory

        person = PersonFactory(
            partnership=self.deventer, display_name="Sjaak B.", birth_date=date(1991, 3, 14)
        )
        red = MeasureFactory(person=person, kind="red")
        return record_objection(
            red,
            actor=self.users["administrator"],
            channel="letter",
            objector="mr. A. de Wit, advocaat",
            contact="Postbus 12, 7400 AA Deventer",
            grounds="Mijn cliënt was die dag in Zwolle.",
            received_on=timezone.localdate(),
        )

    @cached_property
    def decided_objection(self):
        """Another red card's objection, rejected by the officer (so that its letter exists),
        apart from `objection`, which stays open for its forms."""
        from bans.objections import decide, record_objection
        from tests.bans.factories import MeasureFactory, PersonFactory

        red = MeasureFactory(
            person=PersonFactory(partnership=self.deventer, display_name="Kees D."), kind="red"
        )
        objection = record_objection(
            red,
            actor=self.users["administrator"],
            channel="email",
            objector="K. Dekker",
            contact="k.dekker@example.nl",
            grounds="Ik was het niet.",
            received_on=timezone.localdate(),
        )
        return decide(
            objection,
            actor=self.users["officer"],
            outcome="rejected",
            reason="De beelden tonen u.",
        )

    @cached_property
    def api_client(self):
        """The municipality's dashboard: Deventer's anonymous figures."""
        from api.models import ApiClient

        return ApiClient.objects.create(
            partnership=self.deventer, name="Gemeente Deventer", scopes=["statistics:read"]
        )

    @cached_property
    def spare_incident(self):
        """A second report of Bakkerij Jansen, with nothing asked or decided about it yet."""
        from tests.incidents.factories import report

        return report(self.users["participant"], self.shop)

    @cached_property
    def identity_request(self):
        """The officer asks the police for the name and address in Deventer's case (not sent:
        the test's transaction never commits)."""
        from bans.identity import file_request

        return file_request(
            self.incident,
            actor=self.users["officer"],
            legal_ground="civil_claim",
            explanation="",
            ask_name=True,
            ask_address=True,
            ask_birth_date=False,
            mailbox="naw.verzoeken@politie.example",
            remind_after_days=14,
        )

    @cached_property
    def warning(self):
        """Bakkerij Jansen's participant warns Binnenstad's shops (the partnership uses warnings
        and the participant signed the protocol), active for an hour."""
        from alerts.models import AlertSettings
        from alerts.warnings import send_warning
        from merchants.services import sign_protocol

        AlertSettings.objects.update_or_create(
            partnership=self.deventer, defaults={"warnings_from_shops": True}
        )
        sign_protocol(self.protocol, actor=self.users["participant"])
        return send_warning(
            sender=self.users["participant"],
            shop=self.shop,
            description="Man in groene jas stopt scheermesjes in zijn tas.",
            minutes=60,
        )

    @cached_property
    def person(self):
        from tests.bans.factories import PersonFactory

        return PersonFactory(partnership=self.deventer, display_name="Mark V.")

    @cached_property
    def protocol(self):
        from tests.factories import ProtocolVersionFactory

        return ProtocolVersionFactory(partnership=self.deventer)

    @cached_property
    def banned(self):
        """A person with a red card in force and a photo: what the gallery shows."""
        from bans import services
        from plumbing.images import process_upload
        from tests.bans.factories import MeasureFactory, PersonFactory
        from tests.incidents.factories import cctv_still, upload

        person = PersonFactory(partnership=self.deventer, display_name="Rob K.")
        MeasureFactory(person=person, kind="red")
        services.add_photo(
            person, process_upload(upload(cctv_still(seed=7))), actor=self.users["officer"]
        )
        return person

    @cached_property
    def notice(self):
        from bans.notices import issue_notice

        red = self.banned.measures.get()
        red.decided_by = self.users["officer"]
        red.save()
        return issue_notice(red, actor=self.users["officer"])

    @cached_property
    def subject_request(self):
        from datetime import date

        from bans.services import record_subject_request

        return record_subject_request(
            partnership=self.deventer,
            actor=self.users["administrator"],
            kind="access",
            requester="Mark Visser, per brief",
            received_on=date(2026, 11, 2),
            person=self.person,
        )

    @cached_property
    def claim(self):
        """A sent claim (EUR 181 + 24.98 damage) on Bakkerij Jansen's case, with its letter."""
        from datetime import date

        from bans import services
        from claims import services as claim_services
        from tests.bans.factories import PersonFactory

        officer = self.users["officer"]
        claim_settings(
            self.deventer, beneficiary="Stichting KVO Deventer", iban="NL91ABNA0417164300"
        )
        person = PersonFactory(
            partnership=self.deventer,
            display_name="Kees B.",
            full_name="Kees Bakker",
            birth_date=date(1990, 3, 4),
            address="Brink 10, 7411 BR Deventer",
            residence="Deventer",
        )
        services.link_incident(person, self.incident, actor=officer)
        claim = claim_services.create_claim(
            self.incident, person, actor=officer, lines=[("Twee flessen wijn", "24.98")]
        )
        return claim_services.send_claim(claim, actor=officer)

    @cached_property
    def bank_transaction(self):
        """A payment from a bank statement that matches no claim: waiting for a decision."""
        from datetime import date
        from decimal import Decimal

        from claims.models import BankImport, BankTransaction

        bank_import = BankImport.objects.create(
            partnership=self.deventer, filename="afschrift.xml", sha256="0" * 64
        )
        return BankTransaction.objects.create(
            partnership=self.deventer,
            bank_import=bank_import,
            key="NL91ABNA0417164300:TEST-1",
            booked_on=date(2026, 11, 20),
            amount=Decimal("181.00"),
            remittance="schadeclaim",
            state=BankTransaction.State.WAITING,
            reason=BankTransaction.Reason.UNKNOWN,
        )

    @cached_property
    def bulletin(self):
        """A bulletin with the red card, sent to Bakkerij Jansen (whose owner signed for it)."""
        from bulletins import editions as bulletin_editions
        from bulletins import outbox as bulletin_outbox
        from merchants.services import sign_protocol

        self.shop.bulletin_email = "bulletin@bakkerij-jansen.nl"
        self.shop.save()
        sign_protocol(self.protocol, actor=self.users["owner"], shop=self.shop)
        assert self.banned.pk
        bulletin = bulletin_editions.make_bulletin(
            self.deventer, trigger="manual", actor=self.users["officer"]
        )
        bulletin_outbox.send_deliveries(bulletin.pk)
        return bulletin

    @cached_property
    def dossier_item(self):
        """Binnenstad's schouw of this year, with its report as a PDF."""
        from datetime import date

        from django.core.files.uploadedfile import SimpleUploadedFile

        from certification import services as dossier

        return dossier.add_item(
            self.binnenstad,
            actor=self.users["coordinator"],
            kind="inspection",
            held_on=date(2026, 3, 10),
            title="Schouw voorjaar",
            notes="Verlichting Walstraat defect.",
            document=SimpleUploadedFile("schouw.pdf", b"%PDF-1.4\n% schouw\n"),
        )

    @cached_property
    def safety_measure(self):
        from datetime import date

        from certification import services as dossier

        return dossier.save_safety_measure(
            self.binnenstad,
            actor=self.users["coordinator"],
            description="Verlichting Walstraat herstellen",
            theme="environment",
            owner="Gemeente Deventer",
            status="planned",
            due_on=date(2026, 12, 31),
        )

    @cached_property
    def report_job(self):
        """The coordinator's PDF of Binnenstad's report, made (Celery runs eagerly in tests)."""
        from kvo.models import ReportJob
        from kvo.tasks import render_report

        job = ReportJob.objects.create(
            partnership=self.deventer,
            area=self.binnenstad,
            quarter="2026-3",
            requested_by=self.users["coordinator"],
        )
        render_report(job.pk)
        job.refresh_from_db()
        return job

    @cached_property
    def measure(self):
        from tests.bans.factories import MeasureFactory

        return MeasureFactory(person=self.person, proposed=True)


@pytest.fixture
def world(db):
    return World()


@pytest.fixture
def client_as(client, world):
    """client_as("coordinator") gives a test client logged in as that role (or anonymous)."""

    def login(role):
        client.logout()
        user = world.users[role]
        if user is not None:
            client.force_login(user)
        return client

    return login


@pytest.fixture(autouse=True)
def _private_storage(settings, tmp_path):
    # Each test writes uploads into its own directory, gone with the test.
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "private"), "base_url": None},
        },
    }


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    # PBKDF2's real cost is for production; the suite hashes hundreds of passwords.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def second_officer(world):
    """Eva Visser, a second officer of Deventer (with her second factor): objections are decided
    by an officer other than the one who took the measure."""
    from tests.factories import MembershipFactory, UserFactory

    user = UserFactory(email="agent.visser@politie.example", full_name="Eva Visser")
    MembershipFactory(user=user, partnership=world.deventer, role=Role.OFFICER)
    add_totp(user)
    return user


@pytest.fixture
def banned(world):
    """Sjaak B. (born 14 March 1991), a red card decided by the world's officer, a photo and his
    notice letter (with its objection code)."""
    from datetime import date

    from bans import services
    from bans.notices import issue_notice
    from plumbing.images import process_upload
    from tests.bans.factories import MeasureFactory, PersonFactory
    from tests.incidents.factories import cctv_still, upload

    person = PersonFactory(
        partnership=world.deventer,
        display_name="Sjaak B.",
        full_name="Sjaak Bakker",
        birth_date=date(1991, 3, 14),
        address="Brink 9",
        residence="7411 BT Deventer",
    )
    red = MeasureFactory(person=person, kind="red", decided_by=world.users["officer"])
    services.add_photo(
        person, process_upload(upload(cctv_still(seed=3))), actor=world.users["officer"]
    )
    issue_notice(red, actor=world.users["officer"])
    return person


@pytest.fixture(scope="session")
def seaweed(tmp_path_factory):
    """A real S3-compatible object store (SeaweedFS) for this test worker
    (tests/object_store.py)."""
    from tests.object_store import SeaweedFS

    store = SeaweedFS(tmp_path_factory.mktemp("seaweedfs"))
    yield store
    store.stop()
