"""National-scale data in PostgreSQL, fast: `manage.py seed_scale` and the benches use it.

The whole country as separate partnerships (DESIGN.md section 5): by default 100 partnerships
with 10 areas of 10 shops each (1,000 areas, 10,000 shops), 1,000,000 incidents over three years,
10,000 people with a measure in force and a photo, and 50,000 civil claims in every state. Small
tables go in with ``bulk_create``; incidents are generated inside PostgreSQL by one
``INSERT ... SELECT ... FROM generate_series`` per chunk, so a million rows take about a minute
instead of an hour of Python.

Accounts, all with the password SCALE_PASSWORD and verified addresses:
``medewerker<n>@scale.kvo.test`` is staff (owner) of shop n, with the protocol signed for
themselves and the shop; ``wijkagent<p>@`` (and ``wijkagent<p>-2@``... with more officers),
``beheerder<p>@``, ``coordinator<p>@`` and ``auditor<p>@`` have partnership p's roles, and those
who need it TOTP with SCALE_TOTP_SECRET.
Person photos are hard links to a few generated portraits: one file on disk, a name per person,
so deleting one person's photo never touches another's.

This package keeps ``seed_scale`` and its steps' order; what they share is in ``common``, and
each step has a module of its own: ``merchants`` (partnerships, areas, shops, accounts),
``incidents`` (the SQL), ``register`` (people, measures, photos) and ``claims``.
"""

import random
import time

from django.db import connection, transaction
from django.utils import timezone

from demo.scale.claims import _claims
from demo.scale.common import (
    SCALE_DOMAIN,
    SCALE_PASSWORD,
    SCALE_TOTP_SECRET,
    SLUG_PREFIX,
    Scale,
    ScaleError,
    partnership_code,
)
from demo.scale.incidents import (
    INCIDENT_COLUMNS,
    INCIDENT_INSERT,
    _incidents,
    check_incident_columns,
    insert_incidents,
)
from demo.scale.merchants import _accounts, _merchants
from demo.scale.register import _register

__all__ = [
    "INCIDENT_COLUMNS",
    "INCIDENT_INSERT",
    "SCALE_DOMAIN",
    "SCALE_PASSWORD",
    "SCALE_TOTP_SECRET",
    "SLUG_PREFIX",
    "Scale",
    "ScaleError",
    "check_incident_columns",
    "insert_incidents",
    "partnership_code",
    "seed_scale",
]


def seed_scale(scale: Scale, *, out=print, now=None) -> dict:
    """Make the data; refuses on anything but PostgreSQL and when scale data is already there.
    Returns the counts and the seconds each step took."""
    if connection.vendor != "postgresql":
        raise ScaleError(
            "seed_scale needs PostgreSQL (set DATABASE_URL): it generates rows in SQL."
        )
    from merchants.models import Partnership

    if Partnership.objects.filter(slug__startswith=SLUG_PREFIX).exists():
        raise ScaleError("Scale data is already in this database; use a fresh one.")
    now = now or timezone.now()
    timings = {}

    def step(name, function, *args):
        started = time.perf_counter()
        result = function(*args)
        timings[name] = round(time.perf_counter() - started, 1)
        out(f"  {name}: {timings[name]} s")
        return result

    rng = random.Random(2003)  # noqa: S311 (reproducible test data)
    with transaction.atomic():
        world = step("partnerships, areas, shops", _merchants, scale, now)
        step("accounts, roles, protocols", _accounts, world, now)
    step("incidents", _incidents, world, scale, now)
    with transaction.atomic():
        step("people, measures, photos", _register, world, scale, now, rng)
        step("claims", _claims, world, scale, now, rng)
    step("vacuum analyze", _analyze)
    counts = _counts()
    return {"counts": counts, "seconds": timings}


# --- finishing ------------------------------------------------------------------------------------


def _analyze():
    # VACUUM also sets the visibility map (index-only scans), as autovacuum would in time; it
    # cannot run inside a transaction (a test's), where ANALYZE alone has to do.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE")


def _counts() -> dict:
    from bans.models import Measure, Person
    from claims.models import Claim
    from incidents.models import Incident
    from merchants.models import Partnership, Shop, ShoppingArea, User

    return {
        "partnerships": Partnership.objects.filter(slug__startswith=SLUG_PREFIX).count(),
        "areas": ShoppingArea.objects.filter(partnership__slug__startswith=SLUG_PREFIX).count(),
        "shops": Shop.objects.filter(area__partnership__slug__startswith=SLUG_PREFIX).count(),
        "users": User.objects.filter(email__endswith=f"@{SCALE_DOMAIN}").count(),
        "incidents": Incident.objects.filter(partnership__slug__startswith=SLUG_PREFIX).count(),
        "people": Person.objects.filter(partnership__slug__startswith=SLUG_PREFIX).count(),
        "measures in force": Measure.objects.filter(
            partnership__slug__startswith=SLUG_PREFIX, status="active"
        ).count(),
        "claims": Claim.objects.filter(partnership__slug__startswith=SLUG_PREFIX).count(),
    }
