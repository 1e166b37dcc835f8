"""The platform as an app on the home screen (issue 19): manifest, service worker, offline page."""

import json

from django.templatetags.static import static
from django.urls import reverse


def test_the_manifest_makes_an_installable_app_in_the_visitors_language(client):
    response = client.get(reverse("manifest"))
    assert response["Content-Type"] == "application/manifest+json"
    manifest = json.loads(response.content)
    assert manifest["display"] == "standalone" and manifest["start_url"].startswith("/")
    sizes = {icon["sizes"] for icon in manifest["icons"]}
    assert {"192x192", "512x512"} <= sizes
    assert any(icon.get("purpose") == "maskable" for icon in manifest["icons"])
    for icon in manifest["icons"]:
        assert client.get(icon["src"]).status_code == 200
    assert manifest["lang"] == "nl" and "Meld diefstal" in manifest["description"]
    english = json.loads(client.get(reverse("manifest"), HTTP_ACCEPT_LANGUAGE="en").content)
    assert english["lang"] == "en" and english["description"].startswith("Report theft")


def test_the_service_worker_keeps_the_apps_files_and_no_page_about_people(client):
    response = client.get(reverse("service_worker"))
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Service-Worker-Allowed"] == "/" and response["Cache-Control"] == "no-cache"
    script = response.content.decode()
    assert static("css/kvo.css") in script and static("js/outbox.js") in script
    assert json.dumps(reverse("offline")) in script
    assert json.dumps([reverse("incidents:report")]) in script  # the only page kept
    for private in ("/register/", "/claims/", "/incidents/queue/"):
        assert private not in script


def test_every_page_links_the_manifest_and_the_offline_page_helps(client, world):
    client.force_login(world.users["participant"])
    page = client.get(reverse("home")).content.decode()
    assert f'<link rel="manifest" href="{reverse("manifest")}">' in page
    assert "data-outbox" in page  # shop staff: reports made offline wait here
    offline = client.get(reverse("offline")).content.decode()
    assert "<h1>Geen verbinding</h1>" in offline and reverse("incidents:report") in offline
    client.force_login(world.users["coordinator"])
    assert "data-outbox" not in client.get(reverse("home")).content.decode()
