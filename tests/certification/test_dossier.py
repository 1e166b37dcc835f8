"""The certification dossier: certificates, the cycle, the measures matrix, bad input."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from certification import services as dossier
from certification.models import Certificate, DossierItem, SafetyMeasure

PDF = b"%PDF-1.4\n% test\n"


@pytest.fixture
def coordinator(world):
    return world.users["coordinator"]


def test_a_certificate_runs_three_years_and_counts_in_the_overview(world, coordinator):
    dossier.add_certificate(
        world.binnenstad,
        actor=coordinator,
        stars=3,
        issued_on=date(2025, 2, 1),
        certifying_body="Kiwa NCP",
    )
    certificate = Certificate.objects.get()
    assert certificate.valid_until == date(2028, 1, 31)
    overview = dossier.overview(world.deventer, date(2026, 11, 26))
    assert (overview["certified"], overview["total"]) == (1, 2)
    assert dossier.overview(world.deventer, date(2028, 2, 1))["certified"] == 0


@pytest.mark.parametrize(
    "fields,message",
    [
        ({"certificate-valid_until": "2024-12-31"}, "voordat"),
        ({"certificate-stars": "6"}, "5"),
        ({"certificate-stars": "0"}, "1"),
    ],
)
def test_bad_certificates_are_refused_with_a_message(client_as, world, fields, message):
    data = {
        "certificate-stars": "3",
        "certificate-issued_on": "2025-02-01",
        "certificate-certifying_body": "Kiwa NCP",
        "certificate-scheme_version": "KVO 4.0",
        **fields,
    }
    response = client_as("coordinator").post(
        reverse("certification:add_certificate", args=[world.binnenstad.pk]), data
    )
    assert response.status_code == 400 and message in response.content.decode()
    assert not Certificate.objects.exists()


def test_an_upload_that_is_not_a_pdf_is_refused(client_as, world):
    response = client_as("coordinator").post(
        reverse("certification:add_item", args=[world.binnenstad.pk]),
        {
            "item-kind": "inspection",
            "item-held_on": "2026-03-10",
            "item-title": "Schouw",
            "item-document": SimpleUploadedFile("schouw.pdf", b"GIF89a not a pdf"),
        },
    )
    assert response.status_code == 400 and "als pdf" in response.content.decode()
    assert not DossierItem.objects.exists()


def test_the_checklist_says_what_the_audit_will_miss(world, coordinator):
    area = world.binnenstad
    today = date(2026, 11, 26)
    dossier.add_item(
        area, actor=coordinator, kind="inspection", held_on=date(2026, 3, 1), title="Schouw"
    )
    dossier.add_item(
        area,
        actor=coordinator,
        kind="meeting",
        held_on=date(2026, 4, 1),
        title="Overleg",
        attendance=["municipality", "entrepreneurs", "police"],
    )
    ok = [c.ok for c in dossier.checklist(area, today)]
    assert ok == [False, True, False, False, False, False]  # no certificate; fire brigade absent
    dossier.add_item(
        area,
        actor=coordinator,
        kind="meeting",
        held_on=date(2026, 9, 1),
        title="Overleg",
        attendance=["fire_brigade"],
    )
    assert [c.ok for c in dossier.checklist(area, today)][2] is True


def test_the_auditor_reads_and_cannot_change(client_as, world):
    assert world.safety_measure.pk and world.dossier_item.pk
    client = client_as("auditor")
    page = client.get(reverse("certification:area_dossier", args=[world.binnenstad.pk]))
    assert page.status_code == 200 and "Verlichting Walstraat herstellen" in page.content.decode()
    status_url = reverse("certification:safety_measure_status", args=[world.safety_measure.pk])
    assert status_url not in page.content.decode()  # no status forms
    refused = client.post(
        reverse("certification:safety_measure_status", args=[world.safety_measure.pk]),
        {"status": "done"},
    )
    assert refused.status_code == 403
    assert SafetyMeasure.objects.get().status == "planned"


def test_a_matrix_line_links_only_to_a_meeting_of_its_area(world, coordinator):
    meeting = dossier.add_item(
        world.colmschate,
        actor=coordinator,
        kind="meeting",
        held_on=date(2026, 4, 1),
        title="Overleg Colmschate",
    )
    with pytest.raises(dossier.DossierError):
        dossier.save_safety_measure(
            world.binnenstad,
            actor=coordinator,
            description="Camera",
            theme="shoplifting",
            owner="Ondernemers",
            status="planned",
            due_on=date(2026, 12, 1),
            meeting=meeting,
        )


def test_a_far_future_certificate_is_refused_with_a_message(client_as, world):
    response = client_as("coordinator").post(
        reverse("certification:add_certificate", args=[world.binnenstad.pk]),
        {
            "certificate-stars": "3",
            "certificate-issued_on": "9999-06-01",
            "certificate-certifying_body": "Kiwa NCP",
            "certificate-scheme_version": "KVO 4.0",
        },
    )
    assert response.status_code == 400 and not Certificate.objects.exists()


def test_a_pdf_with_a_byte_order_mark_is_taken_and_html_is_not(world):
    from io import BytesIO

    class Upload(BytesIO):
        size = property(lambda self: len(self.getvalue()))

    assert dossier.read_pdf(Upload(b"\xef\xbb\xbf%PDF-1.4\n")).startswith(b"\xef\xbb\xbf")
    with pytest.raises(dossier.DossierError):
        dossier.read_pdf(Upload(b"   \n%PDF-1.4\n<html><script>"))
