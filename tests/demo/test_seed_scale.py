"""seed_scale: national-scale data made in SQL (issue 9), tried here at a tiny size."""

import pytest
from django.db import connection
from django.urls import reverse

from demo.scale import SCALE_DOMAIN, SCALE_PASSWORD, Scale, ScaleError, seed_scale

TINY = Scale(
    partnerships=2, areas_per_partnership=2, shops_per_area=3, incidents=400, people=10, claims=40
)


@pytest.mark.django_db
def test_it_refuses_anything_but_postgresql():
    if connection.vendor == "postgresql":
        return  # CI runs on PostgreSQL: the other test covers it there
    with pytest.raises(ScaleError, match="PostgreSQL"):
        seed_scale(TINY, out=lambda line: None)


@pytest.mark.django_db
def test_tiny_scale_is_complete_and_usable(client):
    if connection.vendor != "postgresql":
        from tests.conftest import skip_or_fail

        skip_or_fail("seed_scale needs PostgreSQL")
    from bans.models import Measure, Person, PersonPhoto
    from claims.models import Claim
    from incidents.models import Incident
    from merchants.models import Partnership

    result = seed_scale(TINY, out=lambda line: None)
    assert result["counts"] == {
        "partnerships": 2,
        "areas": 4,
        "shops": 12,
        "users": 2 * 4 + 12,
        "incidents": 400,
        "people": 10,
        "measures in force": 10,
        "claims": 40,
    }
    # Every person has a photo file of their own name; numbers have no gaps per year.
    names = list(PersonPhoto.objects.values_list("original", flat=True))
    assert len(set(names)) == 10
    for partnership in Partnership.objects.filter(slug__startswith="scale-"):
        for year in {c.year for c in Claim.objects.filter(partnership=partnership)}:
            sequences = sorted(
                Claim.objects.filter(partnership=partnership, year=year).values_list(
                    "sequence", flat=True
                )
            )
            assert sequences == list(range(1, len(sequences) + 1))
    assert Incident.objects.filter(kind="shoplifting").count() > 100
    assert Measure.objects.filter(kind="red").exists() and Person.objects.count() == 10

    # The accounts work: a shop's staff log in with the documented password and see the gallery.
    shop = Partnership.objects.get(slug="scale-001").areas.first().shops.first()
    assert client.login(email=f"medewerker{shop.pk}@{SCALE_DOMAIN}", password=SCALE_PASSWORD)
    gallery = client.get(reverse("bans:gallery"))
    assert gallery.status_code == 200
    assert gallery.content.decode().count("<img") == 5

    with pytest.raises(ScaleError, match="already"):
        seed_scale(TINY, out=lambda line: None)
