"""Browser journeys in Debian's Chromium through Playwright (no browser download).

Outside CI the journeys skip when /usr/bin/chromium is missing; in CI that is a failure.
Screenshots go to test-artifacts/screenshots/ (ignored by git).
"""

import os
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore

from tests.conftest import skip_or_fail

# Playwright's sync API runs an event loop in this thread; Django's ORM refuses to run there
# unless told that the test knows what it is doing.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path(os.environ.get("KVO_CHROMIUM", "/usr/bin/chromium"))
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
PHONE = {"width": 360, "height": 740}  # the narrowest phones in use (issue 18)
DESKTOP = {"width": 1280, "height": 900}


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)
            item.add_marker(pytest.mark.django_db(transaction=True))


@pytest.fixture(scope="session")
def browser_type_launch_args():
    # Every browser fixture starts here, so a missing Chromium skips (or, in CI, fails) them all.
    if not CHROMIUM.exists():
        skip_or_fail(f"Chromium not found at {CHROMIUM}: apt-get install chromium")
    return {
        "executable_path": str(CHROMIUM),
        "args": [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-quic",
        ],
    }


@pytest.fixture
def browser_context_args():
    return {"viewport": PHONE, "locale": "nl-NL", "timezone_id": "Europe/Amsterdam"}


@pytest.fixture
def shoot(page, request):
    """shoot("name") saves a full-page screenshot named after the test."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(name, target=None):
        path = SCREENSHOTS / f"{request.node.name}-{name}.png"
        (target or page).screenshot(path=str(path), full_page=True)
        return path

    return take


@pytest.fixture
def axe_check():
    """Run axe on the page; fail on serious or critical violations."""
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()

    def check(page):
        results = axe.run(page)
        bad = [
            f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
            for v in results.response["violations"]
            if v["impact"] in ("serious", "critical")
        ]
        assert not bad, f"axe on {page.url}:\n" + "\n".join(bad)
        return results

    return check


@pytest.fixture
def login_as(live_server):
    """Put a logged-in session for `user` into a browser context, as if after a full login."""

    def login(context, user):
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.save()
        context.add_cookies(
            [
                {
                    "name": django_settings.SESSION_COOKIE_NAME,
                    "value": session.session_key,
                    "url": live_server.url,
                }
            ]
        )

    return login


# The elements sticking out of the viewport: what a failing fit names (overflow.js).
_OVERFLOW = (Path(__file__).parent / "overflow.js").read_text()


def assert_fits(page, what=""):
    """No sideways scrolling: the page is as wide as the viewport (a table may scroll inside its
    own region)."""
    found = page.evaluate(_OVERFLOW)
    assert found["scroll"] <= found["width"], (what, found)


# The service worker is active and in charge, or the test fails after `seconds`: a promise that
# never settles would hold page.evaluate (which has no timeout of its own) for ever.
_WORKER_ACTIVE = """(seconds) => Promise.race([
  navigator.serviceWorker.ready.then((registration) => new Promise((done) => {
    const worker = registration.active;
    if (worker.state === "activated") return done(worker.state);
    const settle = () => worker.state === "activated" && done(worker.state);
    worker.addEventListener("statechange", settle);
  })),
  new Promise((done) => setTimeout(() => done("not activated in time"), seconds * 1000)),
])"""


def wait_for_service_worker(page, seconds=20):
    state = page.evaluate(_WORKER_ACTIVE, seconds)
    assert state == "activated", state
    return state
