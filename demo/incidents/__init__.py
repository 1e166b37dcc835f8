"""Two years of demo incidents for KVO Deventer: thefts go down, reporting (aangifte) goes up.

Called by ``manage.py seed_demo`` (demo) after ``demo.merchants`` has made the partnership, its
shops and users. About 3,500 incidents from the first day of the month 23 months ago until now,
spread over the shops (most in the Binnenstad), with plausible Dutch descriptions, a closed case
history for everything older than two weeks and a mix of open cases in the last two weeks. About
150 incidents carry one or two generated CCTV-like stills: shapes only, never a real face.

Deterministic: everything is drawn from ``random.Random(rng_seed)`` and depends only on the seed,
on ``now`` and on the shops. Idempotent: demo incidents carry submission keys derived from the
partnership's slug (``demo_key``); when the first of them exists, nothing is created.

The personal data on old incidents is left for the retention job (``incidents.retention``), which
strips it on its next run and writes the deletion ledger, as it would for real cases. Photos are
only put on incidents that job keeps, so the demo keeps its stills.

This package keeps the entry points (``seed_incidents``, ``summary_lines``); the rates are in
``rates``, the words of the reports in ``texts``, the generator in ``generate`` with the case
histories in ``history``, the saving in ``save`` and the CCTV stills in ``stills``.
"""

import random
import uuid
from datetime import timedelta

from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from demo.incidents.generate import Plan, _generate, _World
from demo.incidents.history import _choose_photos
from demo.incidents.rates import K
from demo.incidents.save import _save
from demo.incidents.stills import cctv_still
from incidents.models import ContactMoment, Incident, IncidentPhoto, PoliceReport, StatusChange
from merchants.services import log_action

__all__ = [
    "DEMO_SEED",
    "KEY_NAMESPACE",
    "Plan",
    "cctv_still",
    "demo_key",
    "has_demo_incidents",
    "seed_incidents",
    "summary_lines",
]

DEMO_SEED = 2003
KEY_NAMESPACE = uuid.UUID("5e3d0c1a-7b2f-4e8d-9a61-2003dece0001")


def demo_key(partnership, index) -> uuid.UUID:
    """The submission key of the demo incident number ``index``: the same on every run."""
    return uuid.uuid5(KEY_NAMESPACE, f"{partnership.slug}:{index}")


def has_demo_incidents(partnership) -> bool:
    keys = [demo_key(partnership, index) for index in range(20)]
    return Incident.objects.filter(partnership=partnership, submission_key__in=keys).exists()


def seed_incidents(partnership, *, now=None, rng_seed=DEMO_SEED) -> dict:
    """Create the demo incidents of ``partnership`` (see the module docstring); returns counts of
    what was created and ``skipped`` when the partnership already had them."""
    counts = {
        "incidents": 0,
        "photos": 0,
        "status_changes": 0,
        "contacts": 0,
        "police_steps": 0,
        "skipped": True,
    }
    if has_demo_incidents(partnership):
        return counts
    now = now or timezone.now()
    rng = random.Random(rng_seed)  # noqa: S311 (demo data, not secrets)
    world = _World(partnership, now)
    plans = sorted(
        _generate(rng, world), key=lambda plan: (plan.incident.occurred_at, plan.incident.kind)
    )
    for index, plan in enumerate(plans):
        plan.incident.submission_key = demo_key(partnership, index)
    _choose_photos(rng, plans, now)
    stored = []
    try:
        with transaction.atomic():
            counts = _save(plans, world, stored)
            log_action(
                "incidents.demo.seeded",
                partnership=partnership,
                obj=partnership,
                data={key: value for key, value in counts.items() if key != "skipped"},
            )
    except BaseException:
        for name in stored:
            default_storage.delete(name)
        raise
    return counts


def summary_lines(partnership, created) -> list[str]:
    """Totals for the seed_demo summary, with the trend the demo is meant to show."""
    incidents = Incident.objects.filter(partnership=partnership)
    total = incidents.count()
    photos = IncidentPhoto.objects.filter(incident__partnership=partnership).count()
    changes = StatusChange.objects.filter(incident__partnership=partnership).count()
    contacts = ContactMoment.objects.filter(incident__partnership=partnership).count()
    with_photos = incidents.filter(photos__isnull=False).distinct().count()
    lines = [
        f"  incidents: {total} ({created['incidents']} new), {incidents.open().count()} open, "
        f"{with_photos} with photos",
        f"  incident photos: {photos}, status changes: {changes}, contact moments: {contacts}",
    ]
    first = incidents.order_by("occurred_at").values_list("occurred_at", flat=True).first()
    last = incidents.order_by("occurred_at").values_list("occurred_at", flat=True).last()
    if total and last - first > timedelta(days=365):
        early = incidents.filter(occurred_at__lt=first + timedelta(days=182))
        late = incidents.filter(occurred_at__gte=last - timedelta(days=182))
        lines.append(
            "  first vs last 6 months: shoplifting "
            f"{early.filter(kind=K.SHOPLIFTING).count()} → "
            f"{late.filter(kind=K.SHOPLIFTING).count()}"
            f", aangifte {_share(early):.0%} → {_share(late):.0%}"
        )
    return lines


def _share(incidents):
    total = incidents.count()
    return incidents.filter(police_report=PoliceReport.YES).count() / total if total else 0.0
