"""An alert reaches the app in Chromium (issue 19). The browser vendors' push services cannot run
here, so the DevTools protocol hands the message to our service worker as the push service
would; what the worker does with it is ours and is checked: a notification with the title, the
text and the page to open, and nothing else."""

import json

from django.urls import reverse

from merchants.models import AuditEvent


def test_a_push_message_shows_a_notification_whose_tap_opens_the_alert(
    browser, live_server, world, login_as
):
    from tests.browser.conftest import PHONE, wait_for_service_worker

    context = browser.new_context(viewport=PHONE, locale="nl-NL", service_workers="allow")
    context.grant_permissions(["notifications"], origin=live_server.url)
    login_as(context, world.users["officer"])
    page = context.new_page()
    page.goto(live_server.url + reverse("merchants:profile"))
    assert page.get_by_role("button", name="Berichten aanzetten op dit apparaat").is_visible()
    wait_for_service_worker(page)
    devtools = context.new_cdp_session(page)
    registrations = []
    devtools.on(
        "ServiceWorker.workerRegistrationUpdated",
        lambda event: registrations.extend(event["registrations"]),
    )
    devtools.send("ServiceWorker.enable")
    page.wait_for_timeout(300)
    (registration,) = [r for r in registrations if not r.get("isDeleted")]
    warning = world.warning  # what the alert is about: a warning from Bakkerij Jansen
    message = {
        "title": "Let op: bericht van een winkel in de buurt",
        "body": "In Binnenstad om 14:32: open het voor de beschrijving",
        "url": reverse("alerts:open", kwargs={"pk": warning.pk}),
        "tag": f"alert-{warning.pk}",
    }
    # Delivered as the push service would; looked for during 5 s, and delivered again if the
    # worker was not listening yet (every wait is bounded: evaluate has no timeout of its own).
    shown = []
    for _attempt in range(4):
        devtools.send(
            "ServiceWorker.deliverPushMessage",
            {
                "origin": live_server.url,
                "registrationId": registration["registrationId"],
                "data": json.dumps(message),
            },
        )
        shown = page.evaluate(
            """() => new Promise((done) => {
              const end = Date.now() + 5000;
              const look = () => navigator.serviceWorker.ready
                .then((registration) => registration.getNotifications())
                .then((list) => list.length || Date.now() > end ? done(list.map((n) => ({
                  title: n.title, body: n.body, tag: n.tag, url: n.data.url
                }))) : setTimeout(look, 100));
              look();
            })"""
        )
        if shown:
            break
    assert shown == [message]

    # The tap. Headless Chromium has no notification to click, so the service worker gets the
    # click event from a script, with the notification it showed; what it does is ours: the open
    # window of the app goes to the alert, through the access log, and lands on the warning.
    page.reload()  # now a window under the worker's care
    (worker,) = context.service_workers
    worker.evaluate(
        """() => Promise.race([
          self.registration.getNotifications().then(([notification]) =>
            self.dispatchEvent(new NotificationEvent("notificationclick", { notification }))),
          new Promise((done) => setTimeout(done, 10000)),
        ])"""
    )
    page.wait_for_url(live_server.url + reverse("alerts:detail", kwargs={"pk": warning.pk}))
    assert page.locator("h1").inner_text() == "Waarschuwing van een winkel in de buurt"
    assert "groene jas" in page.locator("main").inner_text()
    opened = AuditEvent.objects.filter(action="alerts.alert.opened", object_id=str(warning.pk))
    assert [event.actor for event in opened] == [world.users["officer"]]
    context.close()
