"""The officer's dashboard: figures from data built here, the same queries at any volume, and bad
filters answered with a message."""

from datetime import date, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from incidents.models import Incident
from kvo import dashboard
from tests.incidents.factories import report

AMS = timezone.get_default_timezone()


def at(day, hour=12):
    return datetime(day.year, day.month, day.day, hour, tzinfo=AMS)


def incidents(world, day, count, **fields):
    made = []
    for _ in range(count):
        incident = report(world.users["participant"], world.shop, **fields)
        Incident.objects.filter(pk=incident.pk).update(occurred_at=at(day))
        made.append(incident)
    return made


def test_figures_from_data_built_here(world):
    period = dashboard.Period(start=date(2026, 9, 1), end=date(2026, 11, 30))
    incidents(world, date(2026, 9, 10), 2)  # shoplifting with aangifte
    incidents(world, date(2026, 11, 3), 1, kind="vandalism", police_report="no")
    incidents(world, date(2025, 11, 3), 5)  # before the period
    figures = dashboard.figures(world.deventer, period, now=at(date(2026, 11, 26)))
    assert figures["months"] == [date(2026, 9, 1), date(2026, 10, 1), date(2026, 11, 1)]
    assert figures["totals"] == [2, 0, 1]
    assert figures["thefts"] == [2, 0, 0]
    assert figures["rates"] == [100.0, None, 0.0]
    assert figures["per_area"] == [
        {"area": world.binnenstad.pk, "area__name": "Binnenstad", "count": 2}
    ]


def test_trend_compares_the_last_twelve_months_with_the_twelve_before():
    assert dashboard.trend([1] * 12 + [2] * 12) == 1.0
    assert dashboard.trend([0] * 24) is None
    assert dashboard.trend([1] * 6) is None


def test_the_number_of_queries_does_not_grow_with_the_incidents(world):
    period = dashboard.default_period(date(2026, 11, 26))

    def count_queries():
        with CaptureQueriesContext(connection) as queries:
            dashboard.figures(world.deventer, period)
        return len(queries)

    incidents(world, date(2026, 5, 1), 3)
    few = count_queries()
    incidents(world, date(2026, 6, 1), 30)
    assert count_queries() == few


@pytest.mark.parametrize(
    "query", ["", "?start=2026-01-01&end=2025-01-01", "?start=gisteren", "?start=1900-01-01"]
)
def test_the_page_shows_charts_and_answers_nonsense_with_a_message(client_as, world, query):
    incidents(world, timezone.localdate() - timedelta(days=40), 2)
    response = client_as("officer").get(reverse("dashboard") + query)
    page = response.content.decode()
    assert response.status_code == 200
    assert page.count('role="img"') == 3
    if query:
        assert 'class="form-errors"' in page or "errorlist" in page


@pytest.mark.parametrize(
    "query", ["?start=0001-01-01&end=0001-01-05", "?end=9999-12-31", "?end=0001-01-15"]
)
def test_far_off_dates_get_a_message_not_a_crash(client_as, world, query):
    response = client_as("officer").get(reverse("dashboard") + query)
    assert (
        response.status_code == 200 and "tussen 2000 en volgend jaar" in response.content.decode()
    )


def test_the_default_dashboard_shows_the_trend_over_whole_months(client_as, world):
    """Two years of reports: the trend compares the last twelve whole months with the twelve
    before (it showed "—" because the month in progress left 23 whole months), and the charts
    end with the last whole month instead of drawing the month in progress as a drop."""
    first_of_month = timezone.localdate().replace(day=1)
    for back in range(1, 25):
        month = dashboard.add_months(first_of_month, -back)
        incidents(world, month + timedelta(days=9), 1 if back > 12 else 2)
    incidents(world, timezone.localdate(), 1)  # the month in progress: not in the default view
    response = client_as("officer").get(reverse("dashboard"))
    figures = response.context["figures"]
    assert figures["trend"] == 1.0 and len(figures["months"]) == 24
    assert figures["months"][-1] == dashboard.add_months(first_of_month, -1)
    page = response.content.decode()
    assert "+100%" in page
    today = timezone.localdate()
    custom = client_as("officer").get(
        reverse("dashboard"),
        {"start": dashboard.add_months(first_of_month, -2).isoformat(), "end": today.isoformat()},
    )
    month_over = (today + timedelta(days=1)).day == 1
    # A period up to today marks its last month as not over (unless today is its last day).
    assert ("(tot nu toe)" in custom.content.decode()) != month_over
