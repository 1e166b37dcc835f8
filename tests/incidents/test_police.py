"""The report to the police, tracked from the shop's filing to a settled case, and the
hand-over pack whose hashes the police can check."""

import hashlib
import io
import re
import zipfile
from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from incidents import police
from incidents.models import PoliceStage, PoliceStep
from merchants.models import AuditEvent
from plumbing.images import process_upload
from tests.incidents.factories import cctv_still, report, upload


def committed():
    return TestCase.captureOnCommitCallbacks(execute=True)


def shop_page(client, incident):
    return client.get(reverse("incidents:detail", args=[incident.pk])).content.decode()


def hearing_time(days=3):
    moment = timezone.localtime() + timedelta(days=days)
    return moment.replace(hour=9, minute=30, second=0, microsecond=0)


class TestTrack:
    def test_a_report_filed_before_reporting_starts_the_track_without_an_email(
        self, world, mailoutbox
    ):
        with committed():
            incident = report(world.users["participant"], world.shop, police_report_channel="desk")
        assert incident.police_stage == PoliceStage.FILED
        step = incident.police_steps.get()
        assert (step.stage, step.channel, step.reference) == ("filed", "desk", "2026112612345")
        # The officers hear of the new report; the reporter is not told what it said itself.
        assert [world.users["participant"].email] not in [mail.to for mail in mailoutbox]

    def test_the_shop_files_later_and_sees_it_in_its_timeline(self, client, world, mailoutbox):
        staff = world.users["participant"]
        incident = report(staff, world.shop, police_report="will_do", police_report_number="")
        assert incident.police_stage == ""
        client.force_login(staff)
        assert "Aangifte vastleggen" in shop_page(client, incident)
        with committed():
            response = client.post(
                reverse("incidents:police_filed", args=[incident.pk]),
                {"channel": "online", "reference": " PL0900-2026-4711 "},
            )
        assert response.status_code == 302
        incident.refresh_from_db()
        assert (incident.police_report, incident.police_report_number) == (
            "yes",
            "PL0900-2026-4711",
        )
        assert incident.police_report_channel == "online"
        page = shop_page(client, incident)
        assert "Aangifte gedaan bij de politie" in page
        assert "Online, op politie.nl · PL0900-2026-4711" in page
        assert mailoutbox == []  # the shop did it itself

    def test_a_filing_without_a_number_comes_back_with_the_error(self, client, world):
        staff = world.users["participant"]
        incident = report(staff, world.shop, police_report="will_do", police_report_number="")
        client.force_login(staff)
        response = client.post(
            reverse("incidents:police_filed", args=[incident.pk]), {"channel": "online"}
        )
        assert response.status_code == 400
        assert "Dit veld is verplicht." in response.content.decode()
        incident.refresh_from_db()
        assert incident.police_stage == "" and not incident.police_steps.exists()

    def test_the_officer_takes_it_to_a_hearing_and_a_settlement(self, client, world, mailoutbox):
        incident = world.incident
        client.force_login(world.users["officer"])
        url = reverse("incidents:police_step", args=[incident.pk])
        hearing = hearing_time()
        steps = [
            {"stage": "handling"},
            {"stage": "prosecutor", "public_note": "De officier van justitie heeft het dossier."},
            {
                "stage": "hearing",
                "hearing_kind": "supersnelrecht",
                "hearing_at": hearing.strftime("%d-%m-%Y %H:%M"),
            },
            {"stage": "settled", "settlement": "convicted"},
        ]
        for data in steps:
            with committed():
                response = client.post(url, data)
            assert response.status_code == 302, response.content.decode()[:2000]
        incident.refresh_from_db()
        assert incident.police_stage == PoliceStage.SETTLED
        stages = list(incident.police_steps.values_list("stage", flat=True))
        assert stages == ["filed", "handling", "prosecutor", "hearing", "settled"]
        assert incident.police_steps.get(stage="hearing").hearing_at == hearing
        subjects = [mail.subject for mail in mailoutbox]
        assert subjects == [
            f"[KVO] Uw melding {incident.reference}: In behandeling bij de politie",
            f"[KVO] Uw melding {incident.reference}: Doorgestuurd naar het Openbaar Ministerie",
            f"[KVO] Uw melding {incident.reference}: Zitting snelrecht gepland",
            f"[KVO] Uw melding {incident.reference}: Afgehandeld",
        ]
        assert all(mail.to == [world.users["participant"].email] for mail in mailoutbox)
        assert "De officier van justitie" not in mailoutbox[1].body  # log in to read the note

        client.force_login(world.users["participant"])
        page = shop_page(client, incident)
        when = hearing.strftime("%-d")
        assert re.search(rf"Supersnelrecht · {when} \w+ {hearing:%Y} 09:30", page), page
        assert "Veroordeeld door de rechter" in page
        assert "De officier van justitie heeft het dossier." in page
        # Retried tasks send nothing twice.
        for step in incident.police_steps.all():
            police.send_step_email(step.pk)
        assert len(mailoutbox) == 4

    def test_a_hearing_needs_its_kind_and_date_and_nothing_is_saved_without(self, client, world):
        client.force_login(world.users["officer"])
        response = client.post(
            reverse("incidents:police_step", args=[world.incident.pk]),
            {"stage": "hearing", "hearing_at": "31-02-2026 10:00"},
        )
        assert response.status_code == 400
        page = response.content.decode()
        assert "Kies het soort zitting." in page
        assert "Schrijf datum en tijd als dag-maand-jaar uren:minuten" in page
        assert world.incident.police_steps.count() == 1

    def test_steps_follow_the_table_and_a_handled_number_stands(self, world):
        officer = world.users["officer"]
        police.record_step(world.incident, stage="settled", settlement="dismissed", actor=officer)
        with pytest.raises(police.PoliceError, match="kan niet"):
            police.record_step(world.incident, stage="handling", actor=officer)
        with pytest.raises(police.PoliceError, match="nummer blijft"):
            police.record_filing(world.incident, channel="desk", reference="X1", actor=officer)
        assert police.next_stages("settled") == []
        assert police.next_stages("hearing") == ["hearing", "settled"]

    def test_a_step_before_filing_is_refused(self, world):
        incident = report(world.users["participant"], world.shop, police_report="no")
        with pytest.raises(police.PoliceError, match="Leg eerst vast"):
            police.record_step(incident, stage="handling", actor=world.users["officer"])

    def test_the_officer_filing_for_the_shop_tells_the_shop(self, client, world, mailoutbox):
        incident = report(world.users["participant"], world.shop, police_report="no")
        client.force_login(world.users["officer"])
        with committed():
            client.post(
                reverse("incidents:police_filed", args=[incident.pk]),
                {"channel": "officer", "reference": "PL0900-2026-5"},
            )
        assert [m.subject for m in mailoutbox] == [
            f"[KVO] Uw melding {incident.reference}: Aangifte gedaan bij de politie"
        ]


def unpack(response):
    assert response["Content-Type"] == "application/zip"
    assert "attachment" in response["Content-Disposition"]
    return zipfile.ZipFile(io.BytesIO(response.content))


def checksums(archive):
    lines = archive.read("SHA256SUMS.txt").decode().splitlines()
    return {name: digest for digest, name in (line.split("  ", 1) for line in lines)}


class TestPack:
    def test_the_pack_holds_everything_and_its_hashes_verify(self, client, world):
        officer = world.users["officer"]
        incident = report(world.users["participant"], world.shop, photos=2, witness="J. Jansen")
        police.record_step(
            incident,
            stage="hearing",
            hearing_kind="snelrecht",
            hearing_at=hearing_time(),
            actor=officer,
        )
        client.force_login(officer)
        response = client.get(reverse("incidents:police_pack", args=[incident.pk]))
        assert response.status_code == 200
        archive = unpack(response)
        reference = incident.reference
        names = set(archive.namelist())
        assert names == {
            "0-manifest.txt",
            f"1-zaakdossier-{reference}.pdf",
            f"2-aangifteformulier-{reference}.pdf",
            "3-getuigen.txt",
            "4-tijdlijn.txt",
            f"fotos/{reference}-1.jpg",
            f"fotos/{reference}-2.jpg",
            "SHA256SUMS.txt",
        }
        # Every hash recomputed from the ZIP matches; every file but the list itself is listed.
        sums = checksums(archive)
        assert set(sums) == names - {"SHA256SUMS.txt"}
        for name, digest in sums.items():
            assert hashlib.sha256(archive.read(name)).hexdigest() == digest, name
        # The photos are the stored files byte for byte, with the hash taken on receipt.
        for number, photo in enumerate(incident.photos.all(), start=1):
            data = archive.read(f"fotos/{reference}-{number}.jpg")
            assert data == default_storage.open(photo.original.name).read()
            assert photo.sha256 == hashlib.sha256(data).hexdigest()
        manifest = archive.read("0-manifest.txt").decode()
        assert f"Gemaakt door: {officer.get_full_name()} <{officer.email}>" in manifest
        assert manifest.count("gelijk aan de hash bij ontvangst") == 2
        assert "J. Jansen" in archive.read("3-getuigen.txt").decode()
        timeline = archive.read("4-tijdlijn.txt").decode()
        assert "Gemeld" in timeline and "Zitting snelrecht gepland · Snelrecht" in timeline
        case_file = PdfReader(io.BytesIO(archive.read(f"1-zaakdossier-{reference}.pdf")))
        text = "".join(page.extract_text() for page in case_file.pages)
        assert reference in text and "Zitting snelrecht gepland" in text
        # Who made it and when: in the access log, with the manifest's hash.
        event = AuditEvent.objects.get(action="incidents.pack.made")
        assert event.actor == officer and event.object_id == str(incident.pk)
        assert event.data["manifest_sha256"] == sums["0-manifest.txt"]

    def test_a_photo_changed_after_receipt_is_flagged(self, client, world):
        photo = world.photo
        name = photo.original.name
        default_storage.delete(name)
        # Another picture under the same name: the case file still prints, the manifest tells.
        other = process_upload(upload(cctv_still(seed=99))).original
        default_storage.save(name, ContentFile(other))
        client.force_login(world.users["administrator"])
        archive = unpack(client.get(reverse("incidents:police_pack", args=[world.incident.pk])))
        manifest = archive.read("0-manifest.txt").decode()
        assert "WIJKT AF van de hash bij ontvangst" in manifest
        assert photo.sha256 in manifest

    def test_only_officers_and_administrators_make_packs(self, client, world):
        client.force_login(world.users["participant"])
        response = client.get(reverse("incidents:police_pack", args=[world.incident.pk]))
        assert response.status_code == 403
        assert not AuditEvent.objects.filter(action="incidents.pack.made").exists()


def test_a_step_row_is_never_written_without_its_stage(world):
    officer = world.users["officer"]
    police.record_step(world.incident, stage="handling", actor=officer)
    world.incident.refresh_from_db()
    latest = PoliceStep.objects.filter(incident=world.incident).last()
    assert latest.stage == world.incident.police_stage == "handling"


def test_a_photo_missing_from_storage_is_named_in_the_pack_not_a_500(client, world):
    default_storage.delete(world.photo.original.name)
    client.force_login(world.users["officer"])
    response = client.get(reverse("incidents:police_pack", args=[world.incident.pk]))
    assert response.status_code == 200
    archive = unpack(response)
    reference = world.incident.reference
    assert f"fotos/{reference}-1.jpg" not in archive.namelist()
    manifest = archive.read("0-manifest.txt").decode()
    assert f"ONTBREEKT: fotos/{reference}-1.jpg" in manifest


def test_retention_strips_the_number_notes_and_filer_but_keeps_the_stages(world):
    from incidents import retention, services
    from incidents.workflow import Status

    officer = world.users["officer"]
    incident = world.incident
    police.record_step(incident, stage="handling", actor=officer, public_note="Rechercheur Jansen")
    for step in (Status.IN_REVIEW, Status.NO_ACTION, Status.CLOSED):
        services.transition(incident, to=step, actor=officer)
    later = timezone.now() + timedelta(days=400)
    retention.strip_personal_data(now=later)
    steps = list(incident.police_steps.order_by("pk"))
    assert [s.stage for s in steps] == ["filed", "handling"]
    assert all(s.reference == "" and s.public_note == "" for s in steps)
    assert steps[0].actor is None and steps[1].actor == officer
    with pytest.raises(police.PoliceError, match="zonder notitie"):
        police.record_step(
            incident, stage="settled", settlement="other", actor=officer, public_note="Namen"
        )
