"""The certification dossiers of the KVO Deventer demo (DESIGN.md section 3, "KVO certification").

Called by ``manage.py seed_demo`` (demo) after ``demo.merchants``, in the same transaction. Made by
the demo coordinator through the use cases of ``certification.services`` only (``add_certificate``,
``add_item``, ``save_safety_measure``), so every step is in the audit log as if typed in. Only the
dossier's own dates (issued on, held on, due on) lie in the past; the time stamps and the audit
log keep the seed's own time.

``PLANS`` says per area how far it is: 13 of the 16 shopping areas and the 3 business parks hold
a valid certificate, with 1 to 5 stars and the recertifications before it (one star more every
three years, each certificate starting the day after the previous one ended). Keizerslanden and
Bergweide end within six months, so the overview flags them; Holterweg let its certificate
lapse, Platvoet is preparing its first one and Flora has never started. Each certified area has
its cycle: a schouw a year, three or four meetings a year with the partners present, the annual
report, a shop-owner survey and a safety analysis, and a measures matrix of 4 to 8 lines. Four
areas have a gap the checklist shows as a to-do (``AreaPlan.gap``). The Binnenstad's current
certificate, last schouw, annual report and survey come with a PDF.

Everything is dated relative to ``today``, so the demo looks current whenever it is seeded.
Deterministic: each area draws from a ``random.Random`` of its own with a fixed seed, so one area's
dossier does not depend on the others. Idempotent: an area that has anything in its dossier
(a certificate, a step or a matrix line) is left alone.

This package keeps the entry points (``seed_dossier``, ``summary_lines``); the plans and words
are in ``tables``, one area's dossier is made by ``area`` and its PDFs by ``pdfs``.
"""

from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone, translation

from certification import services as dossier
from certification.models import Certificate, DossierItem, SafetyMeasure
from demo.certification.area import _AreaSeeder
from demo.certification.tables import KVO_4_SINCE, PLANS, AreaPlan
from demo.logs import quiet
from demo.merchants import DEMO_USERS
from merchants.models import AreaKind, ShoppingArea
from merchants.roles import Role
from merchants.services import log_action

__all__ = [
    "COORDINATOR_EMAIL",
    "KVO_4_SINCE",
    "LANGUAGE",
    "PLANS",
    "AreaPlan",
    "seed_dossier",
    "summary_lines",
]

COORDINATOR_EMAIL = next(row[0] for row in DEMO_USERS if row[2] == Role.COORDINATOR)
LANGUAGE = "nl"


def seed_dossier(partnership, *, coordinator, today=None) -> dict:
    """Make the certification dossiers of the demo areas of ``partnership`` (module docstring);
    returns how many areas, certificates, steps, matrix lines and documents were new."""
    today = today or timezone.localdate()
    created = {"areas": 0, "certificates": 0, "items": 0, "matrix": 0, "documents": 0}
    areas = ShoppingArea.objects.filter(partnership=partnership, name__in=PLANS).order_by("pk")
    started = set()
    for model in (Certificate, DossierItem, SafetyMeasure):
        started |= set(model.objects.filter(area__in=areas).values_list("area_id", flat=True))
    stored = []
    try:
        with transaction.atomic(), translation.override(LANGUAGE), quiet():
            for area in areas:
                if area.pk in started or not _has_plan(PLANS[area.name]):
                    continue
                seeder = _AreaSeeder(area, PLANS[area.name], coordinator, today, stored)
                for key, value in seeder.run().items():
                    created[key] += value
                created["areas"] += 1
            if created["areas"]:
                log_action(
                    "merchants.demo.dossier_seeded",
                    actor=coordinator,
                    partnership=partnership,
                    obj=partnership,
                    data=created,
                )
    except BaseException:
        for name in stored:
            default_storage.delete(name)
        raise
    return created


def summary_lines(partnership, created) -> list[str]:
    """Certified areas per kind, the steps and lines in the dossiers, and the audits' to-dos."""
    today = timezone.localdate()
    overview = dossier.overview(partnership, today)
    per_kind = []
    for kind, label in ((AreaKind.SHOPPING_AREA, "KVO-W"), (AreaKind.BUSINESS_PARK, "KVO-B")):
        rows = [row for row in overview["rows"] if row["area"].kind == kind]
        certified = sum(1 for row in rows if row["certificate"])
        per_kind.append(f"{certified} of {len(rows)} {label}")
    ending = sum(1 for row in overview["rows"] if row["ends_soon"])
    certified = [row["area"] for row in overview["rows"] if row["certificate"]]
    with_todos = sum(
        1 for area in certified if not all(c.ok for c in dossier.checklist(area, today))
    )
    certificates = Certificate.objects.filter(area__partnership=partnership).count()
    items = DossierItem.objects.filter(area__partnership=partnership).count()
    matrix = SafetyMeasure.objects.filter(area__partnership=partnership).count()
    return [
        f"  certification: {overview['certified']} of {overview['total']} areas certified "
        f"({', '.join(per_kind)}); {ending} ending within 6 months; "
        f"{with_todos} of them with to-dos for the next audit",
        f"  dossiers: {certificates} certificates ({created['certificates']} new), "
        f"{items} cycle steps ({created['items']} new), "
        f"{matrix} matrix lines ({created['matrix']} new), "
        f"{created['documents']} new PDFs",
    ]


def _has_plan(plan):
    return plan.stars or plan.gap == "preparing"
