"""`manage.py seed_demo` fills the Deventer register: about 40 people with a yellow or red card in
force, decided by the demo officer, each with one generated portrait, five with a notice letter.

The checks are helpers: tests/test_seed_demo.py seeds once for every app and calls them.
"""

import io
import re
from datetime import timedelta

from django.core.files.storage import default_storage
from django.utils import timezone
from PIL import Image

from bans.models import (
    Measure,
    MeasureChange,
    MeasureKind,
    MeasureStatus,
    NoticeLetter,
    Person,
    PersonIncident,
    PersonPhoto,
)
from demo.register import DEMO_FULL_NAMES, OFFICER_EMAIL, display_name
from incidents.models import IncidentType
from plumbing.dates import last_day_of_term

# Words that would put a sensitive category (ethnicity, religion, health) in a description.
SENSITIVE = (
    "marokka",
    "turks",
    "turk ",
    "surinaams",
    "antilliaans",
    "pools",
    "afrika",
    "allochto",
    "getint",
    "huidskleur",
    "moslim",
    "islam",
    "christ",
    "joods",
    "hoofddoek",
    "ziek",
    "handicap",
    "beperking",
    "rolstoel",
    "verslaafd",
)


def counts():
    return {
        "people": Person.objects.count(),
        "active": Measure.objects.filter(status=MeasureStatus.ACTIVE).count(),
        "measures": Measure.objects.count(),
        "history": MeasureChange.objects.count(),
        "links": PersonIncident.objects.count(),
        "photos": PersonPhoto.objects.count(),
        "notices": NoticeLetter.objects.count(),
    }


def check_people(people, today):
    for person in people:
        assert person.full_name in DEMO_FULL_NAMES
        assert person.display_name == display_name(person.full_name)
        assert re.fullmatch(r"\w+( [a-z]+)* \w\.", person.display_name), person.display_name
        born = person.birth_date
        age = today.year - born.year - ((today.month, today.day) < (born.month, born.day))
        assert 16 <= age <= 60, (person, born)
        assert re.search(r"\d{4} [A-Z]{2} \w+$", person.address), person.address
        assert person.residence in person.address
        description = person.description.lower()
        assert description and "postuur" in description and "draagt" in description
        assert not [word for word in SENSITIVE if word in description], person.description
    assert display_name("Kevin de Graaf") == "Kevin de G."
    assert display_name("Kim van der Linden") == "Kim van der L."
    assert display_name("Fatma Çelik") == "Fatma Ç."


def check_measures(deventer, today):
    officer_email = OFFICER_EMAIL
    assert officer_email == "wijkagent@demo.kvo.nl"
    now = timezone.now()
    red_months = {
        IncidentType.AGGRESSION: deventer.red_card_aggression_months,
        IncidentType.SHOPLIFTING: deventer.red_card_months,
    }
    months = {
        MeasureKind.YELLOW: deventer.yellow_card_months,
        MeasureKind.INDIVIDUAL: deventer.individual_ban_months,
    }
    measures = Measure.objects.filter(partnership=deventer).select_related(
        "incident", "decided_by", "person"
    )
    assert {m.kind for m in measures} == {
        MeasureKind.RED,
        MeasureKind.YELLOW,
        MeasureKind.INDIVIDUAL,
    }
    for measure in measures:
        incident = measure.incident
        assert measure.status == MeasureStatus.ACTIVE
        assert incident.kind in (IncidentType.SHOPLIFTING, IncidentType.AGGRESSION)
        assert now - timedelta(days=366) < incident.occurred_at < now
        assert PersonIncident.objects.filter(person=measure.person, incident=incident).exists()
        # The measure starts on the offence date, for the policy's term, and runs today.
        assert measure.starts_on == timezone.localdate(incident.occurred_at)
        term = (
            red_months[incident.kind] if measure.kind == MeasureKind.RED else months[measure.kind]
        )
        assert measure.ends_on == last_day_of_term(measure.starts_on, term)
        assert measure.starts_on <= today <= measure.ends_on
        # Decided by the demo officer, after the offence; proposed, then active.
        assert measure.decided_by.email == officer_email
        assert incident.occurred_at < measure.decided_at <= now
        history = list(measure.history.order_by("created_at", "pk"))
        assert [(c.from_status, c.to_status) for c in history] == [
            ("", MeasureStatus.PROPOSED),
            (MeasureStatus.PROPOSED, MeasureStatus.ACTIVE),
        ]
        assert {c.actor.email for c in history} == {officer_email}
        assert history[0].created_at <= history[1].created_at == measure.decided_at
        if measure.kind == MeasureKind.YELLOW:
            # The policy's individual ban for the shop where it happened comes with it.
            assert (
                measures.filter(
                    person=measure.person, incident=incident, kind=MeasureKind.INDIVIDUAL
                )
                .get()
                .issuing_shop_id
                == incident.shop_id
            )

    for person in Person.objects.filter(partnership=deventer):
        links = person.links.count()
        kinds = sorted(person.measures.values_list("kind", flat=True))
        if MeasureKind.RED in kinds:
            # A red card: straight after aggression, or a second offence during a yellow card.
            assert kinds in ([MeasureKind.RED], sorted(["individual", "red", "yellow"]))
            assert links == (1 if kinds == [MeasureKind.RED] else 2)
        else:
            assert kinds == sorted(["individual", "yellow"])
            assert links == 1


def check_photos():
    for photo in PersonPhoto.objects.select_related("added_by"):
        assert photo.added_by.email == OFFICER_EMAIL
        assert (photo.width, photo.height) == (480, 600)
        for name in (photo.original.name, photo.thumbnail.name):
            assert default_storage.exists(name)
            with default_storage.open(name, "rb") as handle:
                data = handle.read()
            with Image.open(io.BytesIO(data)) as image:
                assert image.format == "JPEG"
                assert not image.getexif()
                assert "exif" not in image.info


def check_notices():
    for notice in NoticeLetter.objects.select_related("measure"):
        assert notice.measure.kind == MeasureKind.RED
        assert notice.issued_by.email == OFFICER_EMAIL
        assert default_storage.exists(notice.pdf.name)
        with default_storage.open(notice.pdf.name, "rb") as handle:
            assert handle.read(5) == b"%PDF-"
