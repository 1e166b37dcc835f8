"""The register's lists run the same number of queries with a little and with more data."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bans import services
from bans.services import record_subject_request
from merchants.services import sign_protocol
from plumbing.images import process_upload
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
    url = reverse(page) + ("?purpose=counter" if page == "bans:gallery_print" else "")
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


def test_gallery_people_is_one_query(world, django_assert_num_queries):
    """The measures in force with their person, incident, shop and newest photo id: one query
    for 2 people or 12 (bench/gallery.py), and nothing the gallery reads is loaded later."""
    from django.template.loader import render_to_string
    from django.utils import timezone

    from bans import gallery_copies
    from bans.models import Measure
    from bans.selectors import gallery_people
    from tests.incidents.factories import report

    for count in (2, 10):
        add_people(world, count)
        measure = Measure.objects.filter(partnership=world.deventer, incident=None).first()
        measure.incident = report(world.users["participant"], world.shop, kind="aggression")
        measure.save()
        with django_assert_num_queries(1):
            people = gallery_people(
                world.deventer, day=timezone.localdate(), viewer_shops=[world.shop]
            )
        viewer = gallery_copies.viewer_for(
            world.deventer, [world.shop], world.shop.name, day=timezone.localdate()
        )
        with django_assert_num_queries(1):  # the copies the viewer has today
            gallery_copies.links(viewer, people, day=timezone.localdate())
        with django_assert_num_queries(0):
            html = render_to_string(
                "bans/gallery.html", {"people": people, "shops": [world.shop], "query": ""}
            )
        assert all(p.photo_pk for p in people) and all(p.display_name in html for p in people)
        assert all(p.measure.kind_label in html for p in people)
        assert "Agressie" in html  # the kind of an incident a measure was decided for
        assert html.count("/gallery/") >= len(people)  # each photo, by its id


def test_access_report_does_not_grow_with_the_persons_cases(client, world):
    """Found by bench/query_ratio.py: each linked case's partnership was one more query."""
    from tests.incidents.factories import report

    person = world.person
    client.force_login(world.users["administrator"])
    url = reverse("bans:access_report", args=[person.pk])

    def queries_with(cases):
        while person.links.count() < cases:
            services.link_incident(
                person, report(world.users["participant"], world.shop), actor=world.users["officer"]
            )
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    assert queries_with(1) == queries_with(6)
