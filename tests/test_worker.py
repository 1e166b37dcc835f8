"""One real Celery worker against Redis, to prove the wiring (CI; skipped without REDIS_URL)."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from tests.conftest import skip_or_fail


@pytest.mark.django_db(transaction=True)
def test_retention_task_runs_on_a_real_worker(world):
    if not settings.REDIS_URL:
        skip_or_fail("no REDIS_URL: the embedded default runs tasks eagerly")
    from celery.contrib.testing.worker import start_worker

    from incidents import services
    from incidents.models import Incident
    from incidents.tasks import strip_expired_personal_data
    from incidents.workflow import Status
    from kvo.celery import app
    from tests.incidents.factories import report

    incident = report(world.users["participant"], world.shop)
    for step in (Status.IN_REVIEW, Status.NO_ACTION, Status.CLOSED):
        services.transition(incident, to=step, actor=world.users["officer"])
    Incident.objects.filter(pk=incident.pk).update(closed_at=timezone.now() - timedelta(days=400))

    app.conf.task_always_eager = False
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
            result = strip_expired_personal_data.apply_async(ignore_result=False)
            deadline = timezone.now() + timedelta(seconds=30)
            while timezone.now() < deadline:
                incident.refresh_from_db()
                if incident.personal_data_removed_at:
                    break
    finally:
        app.conf.task_always_eager = True
    assert incident.personal_data_removed_at is not None, result.id
