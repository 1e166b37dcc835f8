"""The national-scale register: people linked to shoplifting incidents, each with a yellow or red
card in force and a photo, the photos hard links to a few generated portraits (one file on disk, a
name per person).
"""

import os
import random
from datetime import date, timedelta

from django.core.files.storage import default_storage
from django.db import connection
from django.utils import timezone

# --- register -------------------------------------------------------------------------------------

CLAIMS_PER_PERSON = 5


def _linked_incidents(partnership_id, count):
    """Shoplifting incidents of the partnership with aangifte, oldest first, for people and
    claims (a claim needs one)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id, occurred_at, shop_id FROM incidents_incident WHERE partnership_id = %s "
            "AND kind = 'shoplifting' ORDER BY occurred_at LIMIT %s",
            [partnership_id, count],
        )
        return cursor.fetchall()


def _portrait_files(count=12):
    """A few generated portraits stored once; returns (original, thumbnail, width, height)."""
    from demo.register import F, M, draw_look, portrait
    from plumbing.files import store_image
    from plumbing.images import process_upload

    stored: list[str] = []
    rng = random.Random(181)  # noqa: S311 (reproducible test data)
    files = []
    for i in range(count):
        data = portrait(rng, draw_look(rng, M if i % 2 else F, 20 + i * 3))
        processed = process_upload(data)
        original, thumbnail = store_image(default_storage, processed, "people", stored)
        files.append((original, thumbnail, processed.width, processed.height))
    return files


def _linked_name(name: str, number: int) -> str:
    """A new name for the same file, as a hard link (no copy, and its own directory entry)."""
    folder, base = name.rsplit("/", 1)
    stem, extension = base.rsplit(".", 1)
    new = f"{folder}/{stem[:20]}{number:012d}.{extension}"
    os.link(default_storage.path(name), default_storage.path(new))
    return new


def _register(world, scale, now, rng):
    from bans.models import (
        Measure,
        MeasureChange,
        MeasureKind,
        MeasureStatus,
        Person,
        PersonIncident,
        PersonPhoto,
        search_key,
    )

    today = timezone.localdate(now)
    portraits = _portrait_files()
    per, extra = divmod(scale.people, len(world.partnerships))
    first_names = ["Mark", "Kees", "Sanne", "Ahmed", "Lisa", "Tom", "Eva", "Joost", "Fatima"]
    last_names = ["Visser", "de Jong", "Bakker", "Jansen", "Smit", "Meijer", "de Boer", "Mulder"]
    people, links, plans = [], [], []
    for index, partnership in enumerate(world.partnerships):
        count = per + (1 if index < extra else 0)
        incidents = _linked_incidents(partnership.pk, count * CLAIMS_PER_PERSON)
        for n in range(count):
            first, last = rng.choice(first_names), rng.choice(last_names)
            full_name = f"{first} {last}"
            display = f"{first} {last[0].upper()}."
            person = Person(
                partnership=partnership,
                display_name=display,
                description="Lang, slank, meestal een donkere jas.",
                full_name=full_name,
                birth_date=date(1970, 1, 1) + timedelta(days=rng.randrange(40 * 365)),
                address=f"Kerkstraat {rng.randrange(1, 200)}, 7411 AB Deventer",
                residence="Deventer",
                search_name=search_key(f"{display} {full_name}"),
            )
            own = incidents[n * CLAIMS_PER_PERSON : (n + 1) * CLAIMS_PER_PERSON]
            people.append(person)
            plans.append((person, partnership, own))
    Person.objects.bulk_create(people, batch_size=5000)
    measures, photos = [], []
    for number, (person, partnership, own) in enumerate(plans):
        for incident_id, _occurred, _shop in own:
            links.append(PersonIncident(person=person, incident_id=incident_id))
        starts = today - timedelta(days=rng.randrange(330))
        red = number % 5 < 2
        measures.append(
            Measure(
                partnership=partnership,
                person=person,
                kind=MeasureKind.RED if red else MeasureKind.YELLOW,
                status=MeasureStatus.ACTIVE,
                incident_id=own[0][0] if own else None,
                starts_on=starts,
                ends_on=starts + timedelta(days=(730 if red else 365) - 1),
                decided_by_id=world.officers[partnership.pk],
                decided_at=now - timedelta(days=(today - starts).days),
            )
        )
        original, thumbnail, width, height = portraits[number % len(portraits)]
        photos.append(
            PersonPhoto(
                person=person,
                original=_linked_name(original, number),
                thumbnail=_linked_name(thumbnail, number),
                width=width,
                height=height,
                added_by_id=world.officers[partnership.pk],
            )
        )
    PersonIncident.objects.bulk_create(links, batch_size=5000)
    Measure.objects.bulk_create(measures, batch_size=5000)
    MeasureChange.objects.bulk_create(
        (
            MeasureChange(measure=m, from_status="", to_status=MeasureStatus.ACTIVE)
            for m in measures
        ),
        batch_size=5000,
    )
    PersonPhoto.objects.bulk_create(photos, batch_size=5000)
    world.plans = plans
