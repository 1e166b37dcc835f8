from datetime import timedelta

from django.utils import timezone

from incidents import services, statistics
from incidents.models import Incident
from tests.incidents.factories import report


def test_per_area_per_month_and_reporting_rate(world):
    staff = world.users["participant"]
    report(staff, world.shop, police_report="yes")
    report(staff, world.shop, police_report="no", kind="nuisance")
    colmschate = world.colmschate
    from tests.factories import ShopFactory

    shop = ShopFactory(area=colmschate)
    report(staff, shop, police_report="will_do")

    rows = statistics.incidents_per_area_per_month(world.deventer)
    assert {(r["area_name"], r["count"]) for r in rows} == {
        ("Binnenstad", 2),
        ("Winkelhart Colmschate", 1),
    }
    thefts = statistics.incidents_per_area_per_month(world.deventer, kinds=["shoplifting"])
    assert sum(r["count"] for r in thefts) == 2
    assert statistics.reporting_rate(world.deventer) == 1 / 3
    monthly = statistics.reporting_rate(world.deventer, by_month=True)
    assert monthly[-1]["total"] == 3 and monthly[-1]["filed"] == 1
    assert statistics.reporting_rate(world.zwolle) is None


def test_median_time_to_first_contact(world):
    officer = world.users["officer"]
    delays = [1, 3, 8, 30]  # hours; median = (3 + 8) / 2
    for hours in delays:
        incident = report(world.users["participant"], world.shop)
        Incident.objects.filter(pk=incident.pk).update(
            created_at=timezone.now() - timedelta(hours=hours + 1)
        )
        incident.refresh_from_db()
        services.record_contact(
            incident,
            kind="phone",
            contacted_at=incident.created_at + timedelta(hours=hours),
            actor=officer,
        )
    report(world.users["participant"], world.shop)  # not contacted: not counted
    assert statistics.median_time_to_first_contact(world.deventer) == timedelta(hours=5.5)
    assert statistics.median_time_to_first_contact(world.zwolle) is None
