"""Texts on screen say what they mean in the reader's language: no internal codes, and a word
that means one thing (issue 18, "letters, reports and texts")."""

from datetime import date

from django.urls import reverse
from django.utils import timezone

from certification import services as dossier
from incidents.services import record_contact


def test_an_email_contact_is_called_e_mail_not_email_address(client_as, world):
    record_contact(
        world.incident, kind="email", contacted_at=timezone.now(), actor=world.users["officer"]
    )
    page = client_as("officer").get(world.incident.get_absolute_url()).content.decode()
    assert "<strong>E-mail</strong>" in page
    assert "<strong>E-mailadres</strong>" not in page


def test_the_partners_at_a_meeting_are_named_not_coded(client_as, world):
    dossier.add_item(
        world.binnenstad,
        actor=world.users["coordinator"],
        kind="meeting",
        held_on=date(2026, 3, 12),
        title="Overleg KVO-team",
        attendance=["municipality", "entrepreneurs", "police", "fire_brigade"],
    )
    url = reverse("certification:area_dossier", args=[world.binnenstad.pk])
    dutch = client_as("coordinator").get(url).content.decode()
    assert "Aanwezig: Gemeente, Ondernemers, Politie, Brandweer" in dutch
    assert "Aanwezig: municipality" not in dutch
    client = client_as("coordinator")
    client.cookies["django_language"] = "en"
    english = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Municipality, Entrepreneurs, Police, Fire brigade" in english


def test_the_auditor_opens_an_area_from_the_areas_list(client_as, world):
    """The auditor may not see shops, so each area leads to what the auditor reads: its dossier."""
    page = client_as("auditor").get(reverse("merchants:area_list")).content.decode()
    dossier_url = reverse("certification:area_dossier", args=[world.binnenstad.pk])
    assert f'<a href="{dossier_url}">{world.binnenstad.name}</a>' in page
    assert client_as("auditor").get(dossier_url).status_code == 200


def test_the_report_job_page_names_the_quarter_as_the_report_does(client_as, world):
    from kvo.models import ReportJob

    job = ReportJob.objects.create(
        partnership=world.deventer,
        area=world.binnenstad,
        quarter="2026-3",
        requested_by=world.users["coordinator"],
    )
    page = client_as("coordinator").get(reverse("reports:job", args=[job.pk])).content.decode()
    assert "Q3 2026" in page and "2026-3" not in page


def test_staff_who_own_no_shop_are_not_told_to_manage_it(client_as, world):
    owner_text = "als eigenaar"
    assert owner_text in client_as("owner").get(reverse("home")).content.decode()
    staff_page = client_as("participant").get(reverse("home")).content.decode()
    assert owner_text not in staff_page
    assert "Bekijk de gegevens van uw winkel" in staff_page


def test_short_dates_are_written_the_dutch_way(client_as, world):
    """Month abbreviations as Dutch writes them ("10 mrt 2026"), never English-capitalised
    ("10 Mrt 2026", "6 Mei 2025")."""
    assert world.dossier_item.pk  # held on 10 March 2026
    url = reverse("certification:area_dossier", args=[world.binnenstad.pk])
    page = client_as("coordinator").get(url).content.decode()
    assert "10 mrt 2026" in page and "10 Mrt 2026" not in page
