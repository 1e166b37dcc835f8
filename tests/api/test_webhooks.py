"""Webhooks: a chain's system hears of its shops' case changes, signed, and is tried again when
it does not answer; the coordinator sets the address, sees the secret once and follows the
deliveries; no other client hears of the case."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from api import webhooks
from api.models import ApiClient, Delivery
from incidents import police, services
from merchants.models import AuditEvent
from tests.webhook_receiver import WebhookReceiver


@pytest.fixture
def receiver(settings):
    settings.API_WEBHOOKS_LOCAL = True
    receiver = WebhookReceiver()
    yield receiver
    receiver.close()


@pytest.fixture
def commits(django_capture_on_commit_callbacks):
    """Runs what a change leaves for after its commit (the tests run inside a transaction)."""

    def run(change, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return change(*args, **kwargs)

    return run


def make_client(world, partnership=None, shop=None, scopes=("incidents:read",), name="Keten BV"):
    client = ApiClient.objects.create(
        partnership=partnership or world.deventer, name=name, scopes=list(scopes)
    )
    client.shops.add(shop or world.shop)
    return client


def set_webhook(client_as, api_client, url):
    page = client_as("coordinator").post(
        reverse("api_clients:webhook", args=[api_client.pk]), {"url": url}
    )
    assert page.status_code == 200, page.content
    return re.search(r"whsec_[\w-]+", page.content.decode()).group(0)


def test_a_status_change_and_a_police_step_reach_the_chain_signed(
    client_as, world, receiver, commits
):
    chain = make_client(world)
    receiver.secret = set_webhook(client_as, chain, receiver.url)
    incident = world.incident

    commits(services.transition, incident, to="in_review", actor=world.users["officer"])
    commits(
        police.record_filing,
        incident,
        channel="online",
        reference="2026-1234",
        actor=world.users["participant"],
    )

    assert [call["valid"] for call in receiver.calls] == [True, True]
    first, second = receiver.taken
    assert first["event"] == "case.status_changed"
    assert first["case"]["reference"] == incident.reference
    assert first["case"]["status"] == "in_review"
    assert second["event"] == "case.police_step"
    assert second["case"]["police_stage"] == "filed"
    headers = receiver.calls[0]["headers"]
    assert headers["X-KVO-Event"] == "case.status_changed"
    assert headers["X-KVO-Delivery"] == first["id"]
    # The case's facts only: nothing about the person, no description of what happened.
    assert "description" not in first["case"] and "person" not in str(first).lower()
    page = client_as("coordinator").get(reverse("api_clients:webhook", args=[chain.pk]))
    assert page.content.decode().count("Afgeleverd") == 2
    # The secret was shown once: the page never shows it again.
    assert receiver.secret not in page.content.decode()


def test_a_chain_that_does_not_answer_is_tried_again_and_then_given_up(
    client_as, world, receiver, commits
):
    chain = make_client(world)
    receiver.secret = set_webhook(client_as, chain, receiver.url)
    receiver.answers = [503]
    commits(services.transition, world.incident, to="in_review", actor=world.users["officer"])
    delivery = Delivery.objects.get()
    assert delivery.status == "pending" and delivery.attempts == 1
    assert delivery.last_answer == "HTTP 503"
    wait = delivery.next_attempt_at - timezone.now()
    assert timedelta(seconds=50) < wait <= timedelta(minutes=1)

    assert webhooks.deliver_due() == 0  # not due yet: the chain is not called again at once
    Delivery.objects.update(next_attempt_at=timezone.now())
    assert webhooks.deliver_due() == 1
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("delivered", 2)
    assert [p["id"] for p in receiver.taken] == [str(delivery.pk)] * 2  # same id: one event

    receiver.answers = [500] * webhooks.ATTEMPTS
    commits(services.transition, world.incident, to="contacted", actor=world.users["officer"])
    for _ in range(webhooks.ATTEMPTS - 1):
        Delivery.objects.filter(status="pending").update(next_attempt_at=timezone.now())
        webhooks.deliver_due()
    given_up = Delivery.objects.get(event="case.status_changed", payload__case__status="contacted")
    assert (given_up.status, given_up.attempts) == ("failed", webhooks.ATTEMPTS)
    assert AuditEvent.objects.filter(action="api.webhook.failed", object_id=str(chain.pk)).exists()
    page = client_as("coordinator").get(reverse("api_clients:webhook", args=[chain.pk]))
    assert "Opgegeven" in page.content.decode()


def test_only_the_clients_of_the_cases_shop_that_read_cases_hear_of_it(
    client_as, world, receiver, commits
):
    own = make_client(world, name="Eigen keten")
    receiver.secret = set_webhook(client_as, own, receiver.url)
    others = [
        make_client(world, shop=world.neighbour_shop, name="Buurwinkel"),
        make_client(world, scopes=("incidents:write", "statistics:read"), name="Alleen melden"),
        make_client(world, name="Ingetrokken"),
        make_client(world, partnership=world.zwolle, shop=world.zwolle_shop, name="Zwolle"),
    ]
    for other in others:
        other.webhook_url, other.webhook_secret = receiver.url, webhooks.new_secret()
        other.save()
    others[2].revoked_at = timezone.now()
    others[2].save()

    commits(services.transition, world.incident, to="in_review", actor=world.users["officer"])

    assert list(Delivery.objects.values_list("client__name", flat=True)) == ["Eigen keten"]
    assert len(receiver.calls) == 1 and receiver.calls[0]["valid"]


def test_a_webhook_must_be_https_on_the_internet(client_as, world, settings):
    settings.API_WEBHOOKS_LOCAL = False
    chain = make_client(world)
    url = reverse("api_clients:webhook", args=[chain.pk])
    coordinator = client_as("coordinator")
    for address, error in [
        ("http://kassa.example.com/kvo", "moet beginnen met https://"),
        ("https://127.0.0.1/kvo", "niet op een lokaal netwerk"),
        ("https://kvo.invalid/kvo", "kan niet worden gevonden"),
        ("https://kassa.example.com:99999/kvo", "Vul een volledig adres in"),
    ]:
        page = coordinator.post(url, {"url": address})
        assert page.status_code == 400
        assert error in page.content.decode()
    chain.refresh_from_db()
    assert chain.webhook_url == "" and chain.webhook_secret == ""


def test_saving_the_same_address_keeps_the_secret(client_as, world, receiver):
    chain = make_client(world)
    secret = set_webhook(client_as, chain, receiver.url)
    page = client_as("coordinator").post(
        reverse("api_clients:webhook", args=[chain.pk]), {"url": receiver.url}, follow=True
    )
    assert "Er is niets veranderd" in page.content.decode() and secret not in page.content.decode()
    chain.refresh_from_db()
    assert chain.webhook_secret == secret


def test_removing_the_webhook_stops_the_calls(client_as, world, receiver, commits):
    chain = make_client(world)
    receiver.secret = set_webhook(client_as, chain, receiver.url)
    page = client_as("coordinator").post(
        reverse("api_clients:webhook", args=[chain.pk]), {"url": ""}, follow=True
    )
    assert "De webhook staat uit." in page.content.decode()
    commits(services.transition, world.incident, to="in_review", actor=world.users["officer"])
    assert receiver.calls == [] and not Delivery.objects.exists()
