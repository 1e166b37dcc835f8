"""The broker away (issue 22): a status change, a police step or a new report is saved although
its email task never reached the queue; the outbox sweep queues it again from its row a few
minutes later, and it goes out exactly once."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from kombu.exceptions import OperationalError

from incidents import police, services, tasks
from incidents.models import Incident, PoliceStep, StatusChange


def broker_away(*args, **kwargs):
    raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")


@pytest.fixture
def broker(monkeypatch):
    """The broker is away until `broker.back()`."""
    for task in (
        tasks.send_status_email_task,
        tasks.send_police_step_email_task,
        tasks.notify_officers_of_report,
    ):
        monkeypatch.setattr(task, "delay", broker_away)

    class Broker:
        back = staticmethod(monkeypatch.undo)

    return Broker


def age(model, **filters):
    model.objects.filter(**filters).update(created_at=timezone.now() - timedelta(minutes=6))


def test_emails_whose_tasks_never_reached_the_queue_go_out_once_when_it_is_back(
    world, broker, django_capture_on_commit_callbacks
):
    incident, officer = world.incident, world.users["officer"]
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.transition(incident, to="in_review", actor=officer)
    with django_capture_on_commit_callbacks(execute=True):
        police.record_filing(incident, channel="online", reference="2026-77", actor=officer)
    # Saved, and nothing sent: the tasks could not be queued.
    assert StatusChange.objects.filter(incident=incident, to_status="in_review").exists()
    assert PoliceStep.objects.filter(incident=incident).exists()
    assert mail.outbox == []

    broker.back()
    assert tasks.sweep_unsent_emails() == 0  # too fresh: their own tasks may still be on the way
    age(StatusChange)
    age(PoliceStep)
    age(Incident, pk=incident.pk)
    tasks.sweep_unsent_emails()

    reporter = world.users["participant"].email
    to_reporter = [m for m in mail.outbox if m.to == [reporter]]
    assert len(to_reporter) == 2  # the status and the police step
    assert any(m.to == [officer.email] for m in mail.outbox)  # the new report
    sent = len(mail.outbox)
    tasks.sweep_unsent_emails()
    assert len(mail.outbox) == sent  # never twice
