"""The phone journey of issue 18: a member of staff reports a theft on a 360 px phone with three
photos picked, one removed, a validation error on the way, and sends. Timed in the output."""

import io
import re
import time

from django.urls import reverse
from PIL import Image

from incidents.models import Incident, KeptPhoto
from tests.incidents.factories import cctv_still

# The fields a reporter must act on: required and not answered already when the page opens.
UNANSWERED_REQUIRED = """() => {
  const form = document.querySelector("[data-report-form]");
  const names = new Set();
  form.querySelectorAll("[required]").forEach((el) => {
    if (el.type === "hidden") return;
    const answered = (el.type === "radio" || el.type === "checkbox")
      ? form.querySelector(`[name="${el.name}"]:checked`) !== null
      : el.value.trim() !== "";
    if (!answered) names.add(el.name);
  });
  return [...names];
}"""

# Remembers, across the page change after sending, that the progress bar was shown and moved.
WATCH_PROGRESS = """() => {
  const bar = document.querySelector("#upload-progress");
  const box = document.querySelector("[data-upload-progress]");
  new MutationObserver(() => {
    if (!box.hidden) sessionStorage.setItem("progressShown", "1");
    sessionStorage.setItem("progressValue", bar.getAttribute("value"));
  }).observe(box, {attributes: true, subtree: true});
}"""


def phone_photo():
    """A 12-megapixel photo as a phone takes it: several MB of detail."""
    noise = Image.effect_noise((4000, 3000), 60).convert("RGB")
    buffer = io.BytesIO()
    noise.save(buffer, "JPEG", quality=92)
    return buffer.getvalue()


def test_staff_report_a_theft_on_a_phone_with_photos(
    browser, live_server, world, login_as, axe_check, shoot
):
    from tests.browser.conftest import PHONE, assert_fits

    context = browser.new_context(viewport=PHONE, locale="nl-NL", has_touch=True)
    login_as(context, world.users["participant"])
    page = context.new_page()
    sent = []
    page.on("request", lambda r: r.method == "POST" and sent.append(len(r.post_data_buffer or b"")))
    big = phone_photo()
    started = time.monotonic()

    page.goto(live_server.url + reverse("incidents:report"))
    assert_fits(page, "report form")
    # At most four required inputs: the shop and the time are answered already.
    unanswered = page.evaluate(UNANSWERED_REQUIRED)
    assert 1 <= len(unanswered) <= 4, unanswered
    # The date and time are one stop on the keyboard.
    page.get_by_label("Datum en tijd").focus()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.name") == "description"

    # Three photos picked in two goes (camera, then gallery); the second one removed again.
    picker = page.locator("input[name=photos]")
    picker.set_input_files([{"name": "camera.jpg", "mimeType": "image/jpeg", "buffer": big}])
    picker.set_input_files(
        [
            {"name": "cctv1.jpg", "mimeType": "image/jpeg", "buffer": cctv_still(seed=1)},
            {"name": "cctv2.jpg", "mimeType": "image/jpeg", "buffer": cctv_still(seed=2)},
        ]
    )
    thumbnails = page.locator("[data-photo-list] img")
    assert thumbnails.count() == 3
    page.get_by_role("button", name="Verwijderen: Foto 2").click()
    assert thumbnails.count() == 2
    assert page.evaluate("document.querySelector('input[name=photos]').files.length") == 2
    assert_fits(page, "report form with thumbnails")
    shoot("1-photos-picked", target=page)

    # The reporter forgets what happened: the form comes back, the two photos are still there.
    page.get_by_role("radio", name="Winkeldiefstal", exact=True).check()
    page.get_by_role("radio", name=re.compile("^Nog niet")).check()
    page.get_by_role("button", name="Melding versturen").click()
    summary = page.locator(".form-errors")
    summary.wait_for()
    assert "Wat er is gebeurd" in summary.inner_text()
    assert page.locator("[data-kept] img").count() == 2
    assert KeptPhoto.objects.count() == 2
    assert "kies ze opnieuw" not in page.content()
    axe_check(page)
    assert_fits(page, "report form with an error")
    shoot("2-error-photos-kept", target=page)
    # The phone photo left the phone scaled down: far less than its own size was sent.
    assert sent and sent[0] < len(big) / 2, (sent, len(big))

    # The link in the summary leads to the field; it is filled in and the report sent.
    summary.get_by_role("link", name=re.compile("Wat er is gebeurd")).click()
    assert page.evaluate("document.activeElement.name") == "description"
    page.keyboard.type("Man stak twee flessen wijn in zijn jas.")
    page.evaluate(WATCH_PROGRESS)
    page.get_by_role("button", name="Melding versturen").click()
    page.wait_for_url(re.compile(r"/incidents/\d+/$"))
    elapsed = time.monotonic() - started
    assert "Bedankt" in page.locator(".messages").inner_text()
    assert page.evaluate("sessionStorage.getItem('progressShown')") == "1"
    assert page.evaluate("sessionStorage.getItem('progressValue')") == "100"
    incident = Incident.objects.get()
    assert incident.photos.count() == 2
    assert max(photo.width for photo in incident.photos.all()) <= 2048
    assert not KeptPhoto.objects.exists()
    assert page.locator(".photo-grid img").count() == 2
    shoot("3-received", target=page)
    print(f"\nphone journey: {len(unanswered)} required inputs {unanswered}, {elapsed:.1f} s")
