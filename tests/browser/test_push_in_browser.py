"""An alert reaches the app in Chromium (issue 19). The browser vendors' push services cannot run
here, so the DevTools protocol hands the message to our service worker as the push service
would; what the worker does with it is ours and is checked: a notification with the title, the
text and the page to open, and nothing else."""

import json

from django.urls import reverse


def test_a_push_message_shows_a_notification_with_the_page_to_open(
    browser, live_server, world, login_as
):
    from tests.browser.conftest import PHONE

    context = browser.new_context(viewport=PHONE, locale="nl-NL", service_workers="allow")
    context.grant_permissions(["notifications"], origin=live_server.url)
    login_as(context, world.users["officer"])
    page = context.new_page()
    page.goto(live_server.url + reverse("merchants:profile"))
    assert page.get_by_role("button", name="Berichten aanzetten op dit apparaat").is_visible()
    page.evaluate(
        """() => navigator.serviceWorker.ready.then((registration) => new Promise((done) => {
          const worker = registration.active;
          if (worker.state === "activated") return done();
          worker.addEventListener("statechange", () => worker.state === "activated" && done());
        }))"""
    )
    devtools = context.new_cdp_session(page)
    registrations = []
    devtools.on(
        "ServiceWorker.workerRegistrationUpdated",
        lambda event: registrations.extend(event["registrations"]),
    )
    devtools.send("ServiceWorker.enable")
    page.wait_for_timeout(300)
    (registration,) = [r for r in registrations if not r.get("isDeleted")]
    message = {
        "title": "Nieuwe melding",
        "body": "Winkeldiefstal bij Bakkerij Jansen",
        "url": world.incident.get_absolute_url(),
        "tag": f"incident-{world.incident.pk}",
    }
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
          const look = () => navigator.serviceWorker.ready
            .then((registration) => registration.getNotifications())
            .then((list) => list.length ? done(list.map((n) => ({
              title: n.title, body: n.body, tag: n.tag, url: n.data.url
            }))) : setTimeout(look, 100));
          look();
        })"""
    )
    assert shown == [message]
    context.close()
