"""The register's lists run the same number of queries with a little and with more data."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bans import services
from bans.services import record_subject_request
from kvo.lib.images import process_upload
from merchants.services import sign_protocol
from tests.bans.factories import MeasureFactory, PersonFactory
from tests.incidents.factories import cctv_still, upload


def add_people(world, count):
    for index in range(count):
        person = PersonFactory(partnership=world.deventer)
        MeasureFactory(person=person, kind="red" if index % 2 else "yellow")
        services.add_photo(
            person, process_upload(upload(cctv_still(seed=index))), actor=world.users["officer"]
        )
        record_subject_request(
            partnership=world.deventer,
            actor=world.users["administrator"],
            kind="access",
            requester="Iemand",
            received_on=person.created_at.date(),
            person=person,
        )
        client_view(world, person)


def client_view(world, person):
    from merchants.services import log_action

    log_action(
        "bans.person.viewed", actor=world.users["officer"], partnership=world.deventer, obj=person
    )


@pytest.mark.parametrize(
    "role,page",
    [
        ("participant", "bans:gallery"),
        ("participant", "bans:gallery_print"),
        ("administrator", "bans:access_log"),
        ("administrator", "bans:subject_requests"),
    ],
)
def test_register_lists_do_not_grow_with_the_data(client, world, role, page):
    sign_protocol(world.protocol, actor=world.users["participant"])
    client.force_login(world.users[role])
    url = reverse(page)
    client.get(url)

    def count():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    add_people(world, 2)
    small = count()
    add_people(world, 10)
    large = count()
    assert small == large, f"{page}: {small} queries with 2 people, {large} with 12"
