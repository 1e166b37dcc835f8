from datetime import date, timedelta
from decimal import Decimal

from django.core.files.storage import default_storage
from django.core.management import call_command
from django.utils import timezone

from incidents import retention, services, statistics
from incidents.models import Incident, IncidentPhoto, InternalNote
from incidents.tasks import strip_expired_personal_data
from incidents.workflow import Status
from merchants.models import DeletionRecord
from tests.bans.factories import MeasureFactory, PersonFactory
from tests.incidents.factories import report


def close(incident, officer, *, via=(Status.IN_REVIEW, Status.NO_ACTION, Status.CLOSED)):
    for step in via:
        services.transition(
            incident, to=step, actor=officer, public_note="Notitie met Jan de Vries"
        )


def figures(partnership):
    return (
        statistics.incidents_per_area_per_month(partnership),
        statistics.reporting_rate(partnership),
        statistics.reporting_rate(partnership, by_month=True),
        statistics.median_time_to_first_contact(partnership),
    )


def test_strips_personal_data_a_year_after_closing_and_keeps_the_facts(world):
    officer = world.users["officer"]
    closed = report(world.users["participant"], world.shop, photos=2, person_name="J. de Vries")
    services.record_contact(closed, kind="phone", contacted_at=timezone.now(), actor=officer)
    services.add_internal_note(closed, text="Bekende van de wijk", actor=officer)
    close(closed, officer)
    still_open = report(world.users["participant"], world.shop, photos=1)
    measure = report(world.users["participant"], world.shop)
    close(measure, officer, via=(Status.IN_REVIEW, Status.MEASURE_PROPOSED, Status.CLOSED))
    MeasureFactory(
        person=PersonFactory(partnership=world.deventer),
        incident=measure,
        kind="red",
        ends_on=date.today() + timedelta(days=700),
    )
    files = [n for p in closed.photos.all() for n in (p.original.name, p.thumbnail.name)]
    assert all(default_storage.exists(name) for name in files)
    before = figures(world.deventer)

    # Not yet: the year after closing has not passed.
    assert retention.strip_personal_data(now=timezone.now() + timedelta(days=300))["incidents"] == 0

    later = timezone.now() + timedelta(days=366)
    first = retention.strip_personal_data(now=later)
    second = retention.strip_personal_data(now=later + timedelta(days=30))

    assert first["incidents"] == 1 and first["photos"] == 2
    assert second["incidents"] == 0
    closed.refresh_from_db()
    assert closed.personal_data_removed_at is not None
    for field in ("description", "person_description", "person_name", "person_clothing", "witness"):
        assert getattr(closed, field) == ""
    assert closed.person_age is None and closed.reporter is None
    assert not IncidentPhoto.objects.filter(incident=closed).exists()
    assert not InternalNote.objects.filter(incident=closed).exists()
    assert not any(default_storage.exists(name) for name in files)
    assert not closed.history.exclude(public_note="").exists()
    # The anonymous facts stay.
    assert (closed.kind, closed.shop, closed.area, closed.police_report) == (
        "shoplifting",
        world.shop,
        world.binnenstad,
        "yes",
    )
    assert closed.goods_value == Decimal("24.98") and closed.first_contact_at is not None
    # Untouched: an open case, and a case on which a measure was proposed.
    for kept in (still_open, measure):
        kept.refresh_from_db()
        assert kept.personal_data_removed_at is None and kept.description
    assert still_open.photos.count() == 1
    # The ledger keeps metadata only.
    entry = DeletionRecord.objects.get()
    assert (entry.kind, entry.object_id, entry.files_removed) == (
        "incident.personal_data",
        str(closed.pk),
        4,
    )
    assert "Vries" not in str(entry.__dict__)
    # The statistics read only the facts that stay.
    assert figures(world.deventer) == before


def test_task_and_command_run_the_same_job(world, settings):
    officer = world.users["officer"]
    incident = report(world.users["participant"], world.shop)
    close(incident, officer)
    Incident.objects.filter(pk=incident.pk).update(closed_at=timezone.now() - timedelta(days=400))
    strip_expired_personal_data.apply()  # the task body, here; tests/test_worker.py uses Redis
    incident.refresh_from_db()
    assert incident.personal_data_removed_at is not None
    call_command("apply_retention", verbosity=0)
    assert DeletionRecord.objects.count() == 1
    assert "incident-retention" in settings.CELERY_BEAT_SCHEDULE


def test_no_action_cases_count_from_their_last_change_and_stripped_cases_stay_closed(world):
    officer = world.users["officer"]
    incident = report(world.users["participant"], world.shop)
    for step in (Status.IN_REVIEW, Status.NO_ACTION):
        services.transition(incident, to=step, actor=officer)
    Incident.objects.filter(pk=incident.pk).update(updated_at=timezone.now() - timedelta(days=400))
    assert retention.strip_personal_data()["incidents"] == 1
    incident.refresh_from_db()
    import pytest

    with pytest.raises(services.IncidentError):
        services.transition(incident, to=Status.IN_REVIEW, actor=officer)
    assert incident.history.get(from_status="").actor is None  # the reporter is gone too
