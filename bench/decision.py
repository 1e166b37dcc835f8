"""The officer's decision on a proposed card: how long the POST takes before the page answers.

Run from the repository root: `python bench/decision.py` (`--rounds N` for more or fewer).

Issue 18 asked for under 0.5 s, with the slow part (the notice letters, a PDF each, and the
bulletin) after the response. This bench seeds the KVO Deventer demo into a throwaway SQLite
database and media directory (`KVO_VAR_DIR`; `DATABASE_URL`, `REDIS_URL`, `EMAIL_URL` and
`MEDIA_ROOT` are ignored), then for each round makes a new theft report, links it to a demo person
and proposes a red card (untimed), and times the officer's "Confirm" POST through Django's test
client (middleware, session, view, redirect; no network), in two ways:

- **deferred**: as in production, Celery with a broker: the request queues the letters and the
  bulletin and answers. The broker is kombu's in-memory transport, so queueing costs what it costs
  and nothing runs the tasks: what the officer waits for.
- **inline**: Celery eager (the embedded default of `make run`): the letters and the bulletin are
  made inside the request, as every decision was before 0.9.

Both are medians of the timed rounds, wall time. Results: `test-artifacts/bench/decision.json`.
"""

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from _common import ROOT, machine_info, revision

RESULTS = ROOT / "test-artifacts" / "bench" / "decision.json"


def setup(var_dir):
    os.environ.update(
        {
            "DEBUG": "true",
            "KVO_DEMO": "true",
            "KVO_VAR_DIR": str(var_dir),
            "DJANGO_SETTINGS_MODULE": "kvo.settings",
        }
    )
    for name in ("DATABASE_URL", "REDIS_URL", "EMAIL_URL", "MEDIA_ROOT"):
        os.environ.pop(name, None)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.ALLOWED_HOSTS = ["testserver"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    call_command("migrate", verbosity=0)
    call_command("seed_demo", verbosity=0)


def proposal():
    """A new theft in a demo shop, linked to a demo person without a card, red proposed."""
    from bans import services
    from bans.models import MeasureKind, Person
    from incidents.services import report_incident
    from merchants.models import Membership
    from merchants.roles import Role

    officer = Membership.objects.filter(role=Role.OFFICER, active=True).first().user
    staff = Membership.objects.filter(role=Role.PARTICIPANT, active=True).first()
    shop = staff.shops.first()
    from django.utils import timezone

    incident, _ = report_incident(
        shop=shop,
        reporter=staff.user,
        fields={
            "kind": "shoplifting",
            "occurred_at": timezone.now(),
            "description": "Bench: two bottles of wine.",
        },
        submission_key=__import__("uuid").uuid4(),
    )
    person = Person.objects.filter(partnership=shop.area.partnership, measures__isnull=True).first()
    person = person or services.create_person(
        partnership=shop.area.partnership, actor=officer, display_name="Bench B."
    )
    services.link_incident(person, incident, actor=officer)
    measures = services.propose_measures(person, incident, actor=officer)
    card = next(m for m in measures if m.kind in (MeasureKind.RED, MeasureKind.YELLOW))
    return officer, card


def time_confirm(client, officer, card):
    from django.urls import reverse

    client.force_login(officer)
    started = time.perf_counter()
    response = client.post(reverse("bans:confirm", args=[card.pk]))
    elapsed = time.perf_counter() - started
    assert response.status_code == 302, response.status_code
    card.refresh_from_db()
    assert card.status == "active", card.status
    return elapsed


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="kvo-bench-decision-") as var_dir:
        setup(Path(var_dir))
        from django.test import Client

        from kvo.celery import app

        client = Client()
        times = {"deferred": [], "inline": []}
        for mode in ("inline", "deferred", "inline") + ("deferred", "inline") * args.rounds:
            if mode == "deferred":
                app.conf.task_always_eager = False
                app.conf.broker_url = "memory://"
            else:
                app.conf.task_always_eager = True
            officer, card = proposal()
            times[mode].append(time_confirm(client, officer, card))
        # The first round of each mode warms up templates, fonts and imports.
        figures = {mode: statistics.median(values[1:]) for mode, values in times.items()}
    result = {
        "revision": revision("bans", "bulletins", "merchants"),
        "machine": machine_info(),
        "rounds": args.rounds,
        "median_seconds": figures,
        "all_seconds": times,
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2))
    for mode, seconds in figures.items():
        print(f"confirm, {mode}: {seconds * 1000:.0f} ms (median of {len(times[mode]) - 1})")


if __name__ == "__main__":
    main()
