"""The demo's certification dossiers (demo.certification) on top of the merchants demo: 13 of
the 16 shopping areas and the business parks certified, with their history, cycle and matrix.

Only the merchants demo is seeded (``seed_merchants``), not the whole ``seed_demo``: the dossiers
need the areas and the coordinator, nothing of the higher apps.
"""

from datetime import date, timedelta
from itertools import pairwise

import pytest
from django.utils import timezone
from pypdf import PdfReader

from certification import services as dossier
from certification.models import (
    Certificate,
    DossierItem,
    DossierItemKind,
    PartnerType,
    SafetyMeasure,
)
from demo.certification import COORDINATOR_EMAIL, KVO_4_SINCE, seed_dossier, summary_lines
from demo.merchants import seed_merchants
from merchants.models import AreaKind, AuditEvent
from plumbing.dates import add_months

K = DossierItemKind


def seed(today=None):
    merchants = seed_merchants(debug=False)
    partnership = merchants["partnership"]
    coordinator = merchants["users"][COORDINATOR_EMAIL]
    return partnership, coordinator, seed_dossier(partnership, coordinator=coordinator, today=today)


def counts():
    return {
        "certificates": Certificate.objects.count(),
        "items": DossierItem.objects.count(),
        "matrix": SafetyMeasure.objects.count(),
        "audit": AuditEvent.objects.count(),
    }


def certified_areas(overview, kind):
    rows = [row for row in overview["rows"] if row["area"].kind == kind]
    return [row["area"] for row in rows if row["certificate"]], len(rows)


def test_the_demo_dossiers_are_seeded_once(db):
    today = timezone.localdate()
    partnership, coordinator, created = seed()
    first = counts()
    assert created["areas"] == 18  # Flora has no dossier at all
    assert created["certificates"] == first["certificates"]
    assert created["items"] == first["items"] and created["matrix"] == first["matrix"]

    again = seed_dossier(partnership, coordinator=coordinator)
    assert counts() == first
    assert again == {"areas": 0, "certificates": 0, "items": 0, "matrix": 0, "documents": 0}

    overview = dossier.overview(partnership, today)
    shopping_areas, total = certified_areas(overview, AreaKind.SHOPPING_AREA)
    assert (len(shopping_areas), total) == (13, 16)
    business_parks, total = certified_areas(overview, AreaKind.BUSINESS_PARK)
    assert (len(business_parks), total) == (3, 3)
    uncertified = {row["area"].name for row in overview["rows"] if not row["certificate"]}
    assert uncertified == {"Platvoet", "Holterweg", "Flora"}
    ending = {row["area"].name for row in overview["rows"] if row["ends_soon"]}
    assert ending == {"Keizerslanden", "Bergweide"}

    todos = {}
    for area in shopping_areas + business_parks:
        items = list(area.dossier_items.all())
        assert sum(i.kind == K.INSPECTION for i in items) >= 1, area
        assert sum(i.kind == K.MEETING for i in items) >= 3, area
        assert 4 <= area.safety_measures.count() <= 8, area
        todos[area.name] = [c.label for c in dossier.checklist(area, today) if not c.ok]
    assert todos["Rivierenwijk"] and todos["Diepenveen"] and todos["Zandweerd"]
    assert sum(not missing for missing in todos.values()) >= 8  # most areas are in order

    lines = summary_lines(partnership, created)
    assert "16 of 19 areas certified (13 of 16 KVO-W, 3 of 3 KVO-B)" in lines[0]
    assert f"{first['matrix']} matrix lines ({first['matrix']} new)" in lines[1]


def test_certificates_have_a_recertification_history(db):
    partnership, _coordinator, _created = seed()
    today = timezone.localdate()
    binnenstad = partnership.areas.get(name="Binnenstad")
    assert [c.stars for c in binnenstad.certificates.order_by("issued_on")] == [1, 2, 3, 4, 5]

    for area in partnership.areas.filter(certificates__isnull=False).distinct():
        history = list(area.certificates.order_by("issued_on"))
        assert [c.stars for c in history] == list(range(1, len(history) + 1)), area
        for earlier, later in pairwise(history):
            assert later.issued_on == earlier.valid_until + timedelta(days=1), area
        last = history[-1]
        assert last.valid_until == add_months(last.issued_on, 36) - timedelta(days=1), area
        for certificate in history:
            expected = "KVO 4.0" if certificate.issued_on >= KVO_4_SINCE else "KVO 3.0"
            assert certificate.scheme_version == expected
            assert certificate.certifying_body in {"Kiwa NCP", "DEKRA Certification"}
    lapsed = partnership.areas.get(name="Holterweg").certificates.order_by("issued_on").last()
    assert lapsed.valid_until < today

    current = binnenstad.certificates.valid_on(today).get()
    text = PdfReader(current.document.open("rb")).pages[0].extract_text()
    assert "Certificaat KVO Binnenstad" in text and "5 van 5" in text


def test_the_cycle_meetings_and_matrix_read_like_a_real_dossier(db):
    partnership, _coordinator, _created = seed()
    today = timezone.localdate()
    meetings = list(
        DossierItem.objects.filter(area__partnership=partnership, kind=K.MEETING).select_related(
            "area"
        )
    )
    assert all(set(m.attendance) <= set(PartnerType.values) for m in meetings)
    assert any(PartnerType.FIRE_BRIGADE not in m.attendance for m in meetings)
    zandweerd = [m for m in meetings if m.area.name == "Zandweerd" and m.held_on.year == today.year]
    assert zandweerd and not any(PartnerType.FIRE_BRIGADE in m.attendance for m in zandweerd)
    assert not DossierItem.objects.filter(held_on__gt=today).exists()

    survey = DossierItem.objects.filter(area__name="Binnenstad", kind=K.SURVEY).first()
    assert "van de ondernemers voelt zich veilig" in survey.notes and survey.document

    lines = SafetyMeasure.objects.filter(area__partnership=partnership)
    statuses = set(lines.values_list("status", flat=True))
    assert statuses == set(SafetyMeasure.Status.values)
    overdue = lines.filter(due_on__lt=today, status__in=["planned", "in_progress"])
    assert overdue.exists() and lines.filter(due_on__gte=today).exists()
    assert lines.filter(meeting__isnull=False).exists()
    assert all(line.meeting.area_id == line.area_id for line in lines.exclude(meeting=None))


@pytest.mark.parametrize("today", [date(2027, 1, 4), date(2026, 12, 31)])
def test_the_demo_is_current_at_the_start_and_the_end_of_a_year(db, today):
    partnership, _coordinator, _created = seed(today)
    overview = dossier.overview(partnership, today)
    assert overview["certified"] == 16
    areas = [row["area"] for row in overview["rows"] if row["certificate"]]
    in_order = [a for a in areas if all(c.ok for c in dossier.checklist(a, today))]
    assert len(in_order) >= 8
    assert not DossierItem.objects.filter(held_on__gt=today).exists()
