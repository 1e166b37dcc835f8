from datetime import date, timedelta

from django.core.files.storage import default_storage
from django.urls import reverse

from bans import retention
from bans.models import Measure, Person
from bans.tasks import daily_register_maintenance
from merchants.models import DeletionRecord
from merchants.services import sign_protocol
from tests.bans.factories import MeasureFactory


def test_person_is_stripped_when_the_last_measure_ends(client, world):
    person = world.banned  # red card in force, one photo
    letter = world.notice
    photo = person.photos.get()
    files = [photo.original.name, photo.thumbnail.name, photo.display.name, letter.pdf.name]
    assert all(default_storage.exists(name) for name in files)
    assert retention.strip_people()["people"] == 0  # still in force

    Measure.objects.filter(person=person).update(ends_on=date.today() - timedelta(days=1))
    result = daily_register_maintenance.apply().get()
    assert result["expired"] == 1 and result["people"] == 1 and result["files"] == 4
    assert daily_register_maintenance.apply().get()["people"] == 0  # idempotent

    person.refresh_from_db()
    assert person.personal_data_removed_at is not None
    assert (person.full_name, person.description, person.display_name) == ("", "", "—")
    assert not person.photos.exists()
    assert not any(default_storage.exists(name) for name in files)
    measure = Measure.objects.get(person=person)
    assert measure.status == "expired" and measure.kind == "red"  # the facts stay
    entry = DeletionRecord.objects.get(kind="register.person")
    assert entry.object_id == str(person.pk) and entry.files_removed == 4

    sign_protocol(world.protocol, actor=world.users["participant"])
    client.force_login(world.users["participant"])
    assert client.get(reverse("bans:gallery")).context["people"] == []


def test_another_measure_in_force_keeps_the_person(world):
    person = world.banned
    Measure.objects.filter(person=person).update(ends_on=date.today() - timedelta(days=1))
    MeasureFactory(person=person, kind="yellow", ends_on=date.today() + timedelta(days=10))
    daily_register_maintenance.apply()
    person.refresh_from_db()
    assert person.personal_data_removed_at is None and person.photos.exists()


def test_someone_never_decided_on_goes_after_a_year(world):
    from tests.bans.factories import PersonFactory

    person = PersonFactory(partnership=world.deventer)
    assert retention.strip_people()["people"] == 0
    Person.objects.filter(pk=person.pk).update(created_at=person.created_at - timedelta(days=400))
    assert retention.strip_people()["people"] == 1
