"""Where a person objects to the partnership's letters: the coordinator fills it in, bad input is
refused in Dutch, and the coordinator is told while the letters still lack an address."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from merchants import services
from merchants.models import AuditEvent, Partnership
from merchants.objection_contact import validate_phone

URL = reverse("merchants:objection_contact")
GOOD = {
    "objection_address": "Stichting KVO Deventer\r\n  Postbus 5000 \r\n\r\n7400 GC Deventer",
    "objection_email": "bezwaar@kvo-deventer.example.nl",
    "objection_phone": "0570  000 000",
    "objection_term_weeks": "8",
}


def test_a_new_partnership_has_no_address_and_six_weeks(world):
    partnership = Partnership.objects.get(pk=world.deventer.pk)

    assert not partnership.has_objection_address
    assert partnership.objection_snapshot() == {
        "address_lines": [],
        "email": "",
        "phone": "",
        "term_weeks": 6,
    }


def test_the_coordinator_saves_the_contact_and_the_change_is_logged(client_as, world):
    response = client_as("coordinator").post(URL, GOOD)

    assert response.status_code == 302
    deventer = Partnership.objects.get(pk=world.deventer.pk)
    assert deventer.objection_address == "Stichting KVO Deventer\nPostbus 5000\n7400 GC Deventer"
    assert deventer.objection_phone == "0570 000 000"
    assert deventer.objection_snapshot() == {
        "address_lines": ["Stichting KVO Deventer", "Postbus 5000", "7400 GC Deventer"],
        "email": "bezwaar@kvo-deventer.example.nl",
        "phone": "0570 000 000",
        "term_weeks": 8,
    }
    event = AuditEvent.objects.get(action="merchants.partnership.objection_contact_changed")
    assert (event.actor, event.partnership) == (world.users["coordinator"], world.deventer)
    # Which fields changed, not their values (docs/architecture.md: no addresses in the log).
    assert event.data == {"fields": sorted(GOOD)}
    # Zwolle's coordinator edits Zwolle only.
    assert not Partnership.objects.get(pk=world.zwolle.pk).has_objection_address


def test_saving_the_same_values_again_logs_nothing(client_as):
    client = client_as("coordinator")
    client.post(URL, GOOD)
    client.post(URL, GOOD)

    assert AuditEvent.objects.filter(action__endswith="objection_contact_changed").count() == 1


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("objection_email", "bezwaar@", "Voer een geldig e-mailadres in."),
        ("objection_term_weeks", "1", "Zorg ervoor dat deze waarde minstens 2 is."),
        ("objection_term_weeks", "27", "Zorg ervoor dat deze waarde hoogstens 26 is."),
        ("objection_address", "  \r\n ", "Dit veld is verplicht."),
    ],
)
def test_bad_input_is_refused_with_a_dutch_message(client_as, world, field, value, message):
    response = client_as("coordinator").post(URL, GOOD | {field: value})

    assert response.status_code == 200
    assert response.context["form"].errors[field] == [message]
    assert message in response.text
    assert not Partnership.objects.get(pk=world.deventer.pk).has_objection_address


@pytest.mark.parametrize("phone", ["112", "0570 000 00a", "bel maar", "+31 5", "0570000000000"])
def test_an_implausible_phone_number_is_refused(client_as, world, phone):
    response = client_as("coordinator").post(URL, GOOD | {"objection_phone": phone})

    assert response.status_code == 200
    assert response.context["form"].has_error("objection_phone", code="phone")
    assert Partnership.objects.get(pk=world.deventer.pk).objection_phone == ""


@pytest.mark.parametrize(
    "phone", ["0570 000 000", "06-12345678", "0800 1234", "+31 (0)570 123 456", "+32 2 123 45 67"]
)
def test_plausible_phone_numbers_pass(phone):
    validate_phone(phone)


def test_too_many_address_lines_are_refused(client_as):
    address = "\n".join(f"Regel {number}" for number in range(6))

    response = client_as("coordinator").post(URL, GOOD | {"objection_address": address})

    assert response.context["form"].has_error("objection_address")


def test_only_a_coordinator_sets_the_contact(world):
    with pytest.raises(PermissionDenied):
        services.set_objection_contact(
            world.deventer, actor=world.users["officer"], objection_email="x@example.nl"
        )
    with pytest.raises(PermissionDenied):
        services.set_objection_contact(
            world.deventer, actor=world.users["other_coordinator"], objection_email="x@example.nl"
        )
    assert Partnership.objects.get(pk=world.deventer.pk).objection_email == ""


def test_the_coordinator_is_warned_while_the_letters_lack_an_address(client_as, world):
    client = client_as("coordinator")
    warned = [client.get(reverse(page)).text for page in ("home", "claims:settings")]
    assert all(URL in page for page in warned)
    assert all('class="notice"' in page for page in warned)

    client.post(URL, GOOD)

    for page in ("home", "claims:settings"):
        assert 'class="notice"' not in client.get(reverse(page)).text


def test_a_bad_email_on_the_model_is_refused_too():
    partnership = Partnership(objection_email="nope", objection_phone="abc")
    with pytest.raises(ValidationError) as refused:
        partnership.full_clean(exclude=["name", "slug", "code", "municipality"])
    assert set(refused.value.message_dict) == {"objection_email", "objection_phone"}
