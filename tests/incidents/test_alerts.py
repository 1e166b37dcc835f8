"""The officer hears of new reports, by an email for each or one each morning, as chosen in the
profile; nothing identifying in either, and never twice."""

from datetime import timedelta

from django.core import mail
from django.urls import reverse
from django.utils import timezone

from incidents import alerts
from incidents.models import Incident
from incidents.tasks import daily_report_digests, notify_officers_of_report
from merchants.models import ReportAlerts
from tests.incidents.factories import report


def test_a_new_report_reaches_the_officer_once_without_personal_data(
    world, django_capture_on_commit_callbacks
):
    officer = world.users["officer"]
    with django_capture_on_commit_callbacks(execute=True):
        incident = report(
            world.users["participant"], world.shop, person_description="Rode jas, litteken"
        )
    sent = [m for m in mail.outbox if m.to == [officer.email]]
    assert len(sent) == 1
    message = sent[0]
    assert message.subject == "[KVO] Nieuwe melding: Winkeldiefstal bij Bakkerij Jansen"
    assert incident.reference in message.body and incident.get_absolute_url() in message.body
    assert "Rode jas" not in message.body and "litteken" not in message.body
    assert notify_officers_of_report(incident.pk) == 0  # a retried task sends nothing again
    assert len([m for m in mail.outbox if m.to == [officer.email]]) == 1


def test_an_officer_who_chose_the_digest_gets_one_email_the_next_morning(world):
    officer = world.users["officer"]
    officer.report_alerts = ReportAlerts.DAILY
    officer.save()
    first = report(world.users["participant"], world.shop)
    second = report(world.users["participant"], world.shop, kind="vandalism")
    assert alerts.send_new_report_email(first.pk) == 0  # no email per report
    yesterday = timezone.now() - timedelta(days=1)
    Incident.objects.filter(pk__in=[first.pk, second.pk]).update(created_at=yesterday)
    mail.outbox.clear()
    assert daily_report_digests() == 1
    (digest,) = mail.outbox
    assert digest.to == [officer.email] and digest.subject.startswith("[KVO] 2 nieuwe meldingen")
    assert first.reference in digest.body and second.reference in digest.body
    assert daily_report_digests() == 0 and len(mail.outbox) == 1  # once per day


def test_an_officer_who_wants_no_email_gets_none(world):
    officer = world.users["officer"]
    officer.report_alerts = ReportAlerts.OFF
    officer.save()
    incident = report(world.users["participant"], world.shop)
    Incident.objects.filter(pk=incident.pk).update(created_at=timezone.now() - timedelta(days=1))
    assert alerts.send_new_report_email(incident.pk) == 0
    assert daily_report_digests() == 0


def test_the_officer_chooses_in_the_profile_and_others_do_not_see_the_choice(client_as, world):
    page = client_as("officer").get(reverse("merchants:profile")).content.decode()
    assert "Elke ochtend één e-mail met de nieuwe meldingen" in page
    client = client_as("officer")
    response = client.post(
        reverse("merchants:profile"),
        {"full_name": "Henk Wolters", "language": "nl", "report_alerts": "daily"},
    )
    assert response.status_code == 302
    world.users["officer"].refresh_from_db()
    assert world.users["officer"].report_alerts == "daily"
    staff_page = client_as("participant").get(reverse("merchants:profile")).content.decode()
    assert "nieuwe meldingen" not in staff_page
