"""`manage.py seed_demo` adds two years of Deventer incidents: thefts down, aangifte up.

The checks are helpers: tests/test_seed_demo.py seeds once for every app and calls them.
"""

import io
from collections import Counter, defaultdict
from datetime import timedelta
from itertools import pairwise

from django.core.files.storage import default_storage
from django.utils import timezone
from PIL import Image

from incidents.models import (
    ContactMoment,
    Incident,
    IncidentPhoto,
    IncidentType,
    PoliceReport,
    PoliceStage,
    PoliceStep,
    StatusChange,
)
from incidents.workflow import Status, can_move
from merchants.models import Shop


def counts():
    return {
        "incidents": Incident.objects.count(),
        "photos": IncidentPhoto.objects.count(),
        "history": StatusChange.objects.count(),
        "contacts": ContactMoment.objects.count(),
        "open": Incident.objects.open().count(),
    }


def share_reported(incidents):
    return incidents.filter(police_report=PoliceReport.YES).count() / incidents.count()


def check_trend(incidents, now):
    assert not incidents.filter(occurred_at__gt=now).exists()
    assert not incidents.filter(created_at__gt=now).exists()
    oldest = incidents.order_by("occurred_at").first().occurred_at
    newest = incidents.order_by("occurred_at").last().occurred_at
    assert newest - oldest >= timedelta(days=23 * 30)

    early = incidents.filter(occurred_at__lt=oldest + timedelta(days=182))
    late = incidents.filter(occurred_at__gte=newest - timedelta(days=182))
    shoplifting = IncidentType.SHOPLIFTING
    assert late.filter(kind=shoplifting).count() < early.filter(kind=shoplifting).count()
    assert share_reported(late) > share_reported(early)
    assert set(incidents.values_list("kind", flat=True)) == set(IncidentType.values)


def check_shops_and_reporters(incidents):
    # Most reports come from the Binnenstad; the demo owner's shop has its own, by its people.
    assert incidents.filter(area__name="Binnenstad").count() > incidents.count() / 2
    owner_shop = Shop.objects.get(name="Bakkerij Jansen")
    own = incidents.filter(shop=owner_shop)
    assert own.count() >= 10
    assert set(own.values_list("reporter__email", flat=True)) == {
        "eigenaar@demo.kvo.nl",
        "medewerker@demo.kvo.nl",
    }
    assert not incidents.exclude(shop=owner_shop).filter(reporter__isnull=False).exists()
    for incident in incidents.select_related("shop", "area"):
        assert incident.area_id == incident.shop.area_id
        assert incident.shop.participating_since <= timezone.localdate(incident.occurred_at)


def check_workflow(incidents, now):
    # Older cases are closed; the last two weeks hold the open queue. (An hour's margin: the
    # seeding's "now" was a moment ago.)
    recent = now - timedelta(days=14)
    older = incidents.filter(created_at__lt=recent - timedelta(hours=1))
    assert set(older.values_list("status", flat=True)) == {Status.CLOSED}
    newer = incidents.filter(created_at__gte=recent + timedelta(hours=1))
    newer = set(newer.values_list("status", flat=True))
    assert newer == {Status.REPORTED, Status.IN_REVIEW, Status.CONTACTED}

    history = {}
    for change in StatusChange.objects.order_by("created_at", "pk"):
        history.setdefault(change.incident_id, []).append(change)
    contacts = {}
    for contact in ContactMoment.objects.order_by("contacted_at", "pk"):
        contacts.setdefault(contact.incident_id, []).append(contact)
    for incident in incidents:
        changes = history[incident.pk]
        assert changes[0].from_status == "" and changes[0].to_status == Status.REPORTED
        assert changes[0].created_at == incident.created_at
        for before, after in pairwise(changes):
            assert after.from_status == before.to_status
            assert can_move(before.to_status, after.to_status)
        assert changes[-1].to_status == incident.status
        assert incident.occurred_at <= incident.created_at <= now
        assert changes[-1].created_at <= now
        if incident.status == Status.CLOSED:
            assert incident.closed_at == changes[-1].created_at
            assert incident.first_contact_at is not None
        else:
            assert incident.closed_at is None
        if incident.first_contact_at:
            assert incident.created_at < incident.first_contact_at <= now
            assert contacts[incident.pk][0].contacted_at == incident.first_contact_at
        else:
            assert incident.pk not in contacts


def check_photos():
    photos = IncidentPhoto.objects.all()
    with_photos = Incident.objects.filter(photos__isnull=False).distinct().count()
    assert 100 <= with_photos <= 200
    for photo in photos:
        for name in (photo.original.name, photo.thumbnail.name):
            assert default_storage.exists(name)
            with default_storage.open(name, "rb") as handle:
                data = handle.read()
            with Image.open(io.BytesIO(data)) as image:
                assert image.format == "JPEG"
                assert not image.getexif()
                assert "exif" not in image.info
        assert (photo.width, photo.height) == (640, 480)


def check_police_track(incidents, now):
    """Filed reports have their track; the stage is the last step's, and some went further."""
    filed = incidents.filter(police_report=PoliceReport.YES).exclude(police_report_number="")
    assert not incidents.exclude(pk__in=filed).exclude(police_stage="").exists()
    steps = defaultdict(list)
    for step in PoliceStep.objects.order_by("created_at", "pk"):
        steps[step.incident_id].append(step)
    for incident in filed:
        track = steps[incident.pk]
        assert track[0].stage == PoliceStage.FILED, incident.pk
        assert track[0].reference == incident.police_report_number
        assert track[-1].stage == incident.police_stage, incident.pk
        assert all(step.created_at <= now for step in track)
        assert [s.created_at for s in track] == sorted(s.created_at for s in track)
    stages = Counter(incident.police_stage for incident in filed)
    assert stages[PoliceStage.HANDLING] and stages[PoliceStage.SETTLED], stages
    assert (
        stages[PoliceStage.HEARING]
        + Counter(step.stage for track in steps.values() for step in track)[PoliceStage.HEARING]
    ), stages
