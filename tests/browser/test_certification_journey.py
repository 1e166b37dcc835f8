"""The certification dossier in Chromium: the coordinator records a schouw and a measure, opens
the area's report and downloads its PDF; the auditor reads the dossier and cannot change it; the
officer's dashboard shows its charts."""

import io
import re
from pathlib import Path

from django.urls import reverse
from pypdf import PdfReader

from certification.models import DossierItem, SafetyMeasure


def test_dossier_report_and_dashboard(browser, live_server, world, login_as, axe_check, shoot):
    from tests.browser.conftest import DESKTOP, PHONE
    from tests.incidents.factories import report

    report(world.users["participant"], world.shop)  # something for the dashboard to count

    context = browser.new_context(viewport=DESKTOP, locale="nl-NL")
    login_as(context, world.users["coordinator"])
    page = context.new_page()
    page.goto(live_server.url + reverse("certification:overview"))
    page.get_by_role("link", name="Binnenstad").click()
    page.wait_for_url(re.compile(r"/areas/\d+/dossier/$"))

    page.get_by_text("Stap vastleggen").click()
    page.locator("#id_item-kind").select_option("inspection")
    page.locator("#id_item-held_on").fill("2026-03-10")
    page.locator("#id_item-title").fill("Schouw voorjaar")
    page.locator("#id_item-notes").fill("Verlichting Walstraat defect.")
    page.get_by_role("button", name="Stap opslaan").click()
    assert "De stap staat in het dossier." in page.locator(".messages").inner_text()

    page.get_by_text("Maatregel toevoegen").click()
    page.locator("#id_matrix-description").fill("Verlichting Walstraat herstellen")
    page.locator("#id_matrix-theme").select_option("environment")
    page.locator("#id_matrix-owner").fill("Gemeente Deventer")
    page.locator("#id_matrix-due_on").fill("2026-12-31")
    page.get_by_role("button", name="Toevoegen aan de matrix").click()
    assert "Verlichting Walstraat herstellen" in page.locator("main").inner_text()
    assert DossierItem.objects.count() == 1 and SafetyMeasure.objects.count() == 1
    axe_check(page)
    shoot("1-dossier", target=page)

    page.get_by_role("link", name="Certificeringsrapport").click()
    page.get_by_label("Kwartaal", exact=True).select_option(index=0)
    axe_check(page)
    shoot("2-report", target=page)
    page.get_by_role("button", name="PDF maken").click()
    page.wait_for_url(re.compile(r"/reports/jobs/\d+/$"))
    page.get_by_role("link", name="PDF downloaden").wait_for()
    href = page.get_by_role("link", name="PDF downloaden").get_attribute("href")
    pdf = context.request.get(live_server.url + href)
    assert pdf.headers["content-type"] == "application/pdf"
    text = " ".join(
        " ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(pdf.body())).pages
    )
    assert "Certificeringsrapport Binnenstad" in text and "Verlichting Walstraat herstellen" in text
    artifacts = Path(__file__).resolve().parents[2] / "test-artifacts" / "reports"
    artifacts.mkdir(parents=True, exist_ok=True)
    (artifacts / "journey-report.pdf").write_bytes(pdf.body())
    context.close()

    # The auditor reads the dossier on a phone and has nothing to change it with.
    context = browser.new_context(viewport=PHONE, locale="nl-NL")
    login_as(context, world.users["auditor"])
    auditor = context.new_page()
    auditor.goto(
        live_server.url + reverse("certification:area_dossier", args=[world.binnenstad.pk])
    )
    body = auditor.locator("main").inner_text()
    assert "Schouw voorjaar" in body and "Verlichting Walstraat herstellen" in body
    assert auditor.get_by_role("button", name="Stap opslaan").count() == 0
    assert auditor.get_by_role("button", name="Opslaan").count() == 0
    refused = context.request.post(
        live_server.url
        + reverse("certification:safety_measure_status", args=[SafetyMeasure.objects.get().pk]),
        form={"status": "done"},
        fail_on_status_code=False,
    )
    assert refused.status in (403, 403)  # CSRF or permission: either way, nothing changes
    assert SafetyMeasure.objects.get().status == "planned"
    axe_check(auditor)
    shoot("3-auditor", target=auditor)
    context.close()

    # The officer's dashboard draws its charts.
    context = browser.new_context(viewport=DESKTOP, locale="nl-NL")
    login_as(context, world.users["officer"])
    officer = context.new_page()
    officer.goto(live_server.url + reverse("dashboard"))
    assert officer.locator('svg[role="img"]').count() == 3
    axe_check(officer)
    shoot("4-dashboard", target=officer)
    context.close()
