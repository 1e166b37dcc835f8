"""The lists added with claims, bulletins and the dossier run the same number of queries with a
little and with more data."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from bans import services
from bulletins import editions as bulletin_editions
from bulletins import outbox as bulletin_outbox
from certification import services as dossier
from claims import services as claim_services
from claims.models import BankImport, BankTransaction
from merchants.services import sign_protocol
from plumbing.images import process_upload
from tests.bans.factories import MeasureFactory, PersonFactory
from tests.bans.test_policy import offence
from tests.incidents.factories import cctv_still, upload


def add_claims(world, count):
    for _ in range(count):
        incident = offence(world, timezone.localdate() - timedelta(days=3))
        person = PersonFactory(
            partnership=world.deventer, full_name="Piet Jansen", birth_date=date(1990, 1, 1)
        )
        services.link_incident(person, incident, actor=world.users["officer"])
        claim = claim_services.create_claim(incident, person, actor=world.users["officer"])
        claim_services.send_claim(claim, actor=world.users["officer"])
        bank_import = BankImport.objects.create(
            partnership=world.deventer, filename="x.xml", sha256=f"{claim.pk:064d}"
        )
        BankTransaction.objects.create(
            partnership=world.deventer,
            bank_import=bank_import,
            key=f"k{claim.pk}",
            booked_on=timezone.localdate(),
            amount=10,
            claim=claim,
            state=BankTransaction.State.WAITING,
            reason=BankTransaction.Reason.PARTIAL,
        )


def add_bulletins(world, count):
    world.shop.bulletin_email = "bulletin@bakkerij-jansen.nl"
    world.shop.save()
    sign_protocol(world.protocol, actor=world.users["owner"], shop=world.shop)
    for _ in range(count):
        MeasureFactory(person=PersonFactory(partnership=world.deventer), kind="red")
        bulletin = bulletin_editions.make_bulletin(
            world.deventer, trigger="manual", actor=world.users["officer"]
        )
        bulletin_outbox.send_deliveries(bulletin.pk)


def add_alerts(world, count):
    """Warnings from both Binnenstad shops and sightings, which the shops see too."""
    from alerts.models import AlertSettings
    from alerts.warnings import send_warning

    AlertSettings.objects.update_or_create(
        partnership=world.deventer,
        defaults={"warnings_from_shops": True, "sightings_to_shops": True, "warnings_per_hour": 20},
    )
    for name in ("participant", "neighbour_owner"):
        sign_protocol(world.protocol, actor=world.users[name])
    for index in range(count):
        sender, shop = (
            ("participant", world.shop) if index % 2 else ("neighbour_owner", world.neighbour_shop)
        )
        send_warning(sender=world.users[sender], shop=shop, description="Jas", minutes=60)


def add_identity_requests(world, count):
    """Requests for new cases, half of them answered."""
    from bans import identity
    from tests.incidents.factories import report

    officer = world.users["officer"]
    for index in range(count):
        incident = report(world.users["participant"], world.shop)
        request = identity.file_request(
            incident, actor=officer, legal_ground="civil_claim", mailbox="naw@politie.example"
        )
        if index % 2:
            identity.record_answer(
                request,
                actor=officer,
                outcome="answered",
                answered_on=timezone.localdate(),
                identity={"full_name": f"Piet Jansen {index}"},
            )


def add_objections(world, count):
    """Objections by letter against red cards, every other one decided by the officer."""
    from bans.objections import decide, record_objection

    for index in range(count):
        red = MeasureFactory(person=PersonFactory(partnership=world.deventer), kind="red")
        objection = record_objection(
            red,
            actor=world.users["administrator"],
            channel="letter",
            objector="A. de Wit",
            contact="Postbus 1",
            grounds="Niet ik.",
            received_on=timezone.localdate(),
        )
        if index % 2:
            decide(objection, actor=world.users["officer"], outcome="rejected", reason="Wel.")


def add_api_clients(world, count):
    """API clients with a shop and two tokens each."""
    from api import tokens
    from api.models import ApiClient

    for index in range(count):
        client = ApiClient.objects.create(
            partnership=world.deventer, name=f"Keten {index}", scopes=["incidents:read"]
        )
        client.shops.add(world.shop)
        tokens.issue_token(client, actor=world.users["coordinator"])
        tokens.rotate(client, actor=world.users["coordinator"])


def add_dossier(world, count):
    for area in (world.binnenstad, world.colmschate):
        for index in range(count):
            coordinator = world.users["coordinator"]
            dossier.add_certificate(
                area,
                actor=coordinator,
                stars=1 + index % 5,
                issued_on=date(2010 + index, 1, 1),
                certifying_body="Kiwa NCP",
            )
            meeting = dossier.add_item(
                area,
                actor=coordinator,
                kind="meeting",
                held_on=date(2026, 1, 1) + timedelta(days=index),
                title="Overleg",
                attendance=["police"],
            )
            dossier.save_safety_measure(
                area,
                actor=coordinator,
                description="Camera",
                theme="shoplifting",
                owner="Ondernemers",
                status="planned",
                due_on=date(2026, 12, 1),
                meeting=meeting,
            )


@pytest.mark.parametrize(
    "role,page,args,grow",
    [
        ("coordinator", "claims:list", [], add_claims),
        ("officer", "claims:list", [], add_claims),
        ("coordinator", "claims:bank", [], add_claims),
        ("coordinator", "claims:distribution", [], add_claims),
        ("officer", "bulletins:overview", [], add_bulletins),
        ("participant", "bulletins:archive", [], add_bulletins),
        ("coordinator", "certification:overview", [], add_dossier),
        ("coordinator", "certification:area_dossier", ["binnenstad"], add_dossier),
        ("officer", "dashboard", [], add_claims),
        ("officer", "alerts:feed", [], add_alerts),
        ("participant", "alerts:feed", [], add_alerts),
        ("coordinator", "bans:identity_requests", [], add_identity_requests),
        ("officer", "dashboard", [], add_identity_requests),
        ("administrator", "bans:objections", [], add_objections),
        ("officer", "dashboard", [], add_objections),
        ("coordinator", "api_clients:list", [], add_api_clients),
    ],
)
def test_new_lists_do_not_grow_with_the_data(client, world, role, page, args, grow):
    client.force_login(world.users[role])
    url = reverse(page, args=[getattr(world, a).pk for a in args])
    assert world.protocol.published_at

    def count():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    grow(world, 2)
    small = count()
    grow(world, 6)
    large = count()
    assert small == large, f"{page}: {small} queries, then {large} with more data"


def _queries(client, url):
    """Queries of a GET, streamed content read to the end (an export runs its queries then)."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
        assert response.status_code == 200
        if response.streaming:
            b"".join(response.streaming_content)
    return len(captured)


def test_claims_export_does_not_grow_with_the_claims(client, world):
    # Each line shows the incident's reference, which names the partnership: once per claim
    # before it was joined (bench/query_ratio.py found it).
    client.force_login(world.users["coordinator"])
    url = reverse("claims:csv")
    add_claims(world, 2)
    small = _queries(client, url)
    add_claims(world, 6)
    assert _queries(client, url) == small


@pytest.mark.parametrize("page", ["bulletins:bulletin", "bulletins:pdf"])
def test_a_bulletin_does_not_grow_with_its_people(client, world, page):
    # The latest edition shows everyone in force; each person's photos are read in one query
    # for all of them, not one per person.
    sign_protocol(world.protocol, actor=world.users["participant"])
    client.force_login(world.users["participant"])

    def latest():
        from bulletins.models import Bulletin

        bulletin = Bulletin.objects.filter(partnership=world.deventer).latest("created_at", "pk")
        return reverse(page, args=[bulletin.pk])

    add_bulletins(world, 1)
    services.add_photo(
        world.banned,
        process_upload(upload(cctv_still(seed=3))),
        actor=world.users["officer"],
    )
    add_bulletins(world, 1)
    small = _queries(client, latest())
    add_bulletins(world, 5)
    assert _queries(client, latest()) == small


def test_the_delivery_report_does_not_grow_with_the_waiting_shops(client, world):
    """Issue 22: the rows waiting for the mail server are listed with their reason and next
    attempt, each with its shop and area, in the same queries for 2 shops or 8."""
    from bulletins.models import BulletinDelivery, DeliveryState
    from tests.bulletins.test_delivery import signed_shops

    assert world.banned.pk
    client.force_login(world.users["officer"])

    def report_queries(count, prefix):
        signed_shops(world, count, prefix)
        bulletin = bulletin_editions.make_bulletin(
            world.deventer, trigger="manual", actor=world.users["officer"]
        )
        BulletinDelivery.objects.filter(bulletin=bulletin, state=DeliveryState.QUEUED).update(
            reason="The mail server could not be reached.",
            next_attempt_at=timezone.now() + timedelta(minutes=5),
        )
        url = reverse("bulletins:delivery_report", args=[bulletin.pk])
        assert client.get(url).content.decode().count("De mailserver was niet bereikbaar") >= count
        return _queries(client, url)

    assert report_queries(2, "a") == report_queries(8, "b")
