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
"""

import html
import logging
import random
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import dateformat, timezone, translation

from certification import services as dossier
from certification.models import (
    Certificate,
    DossierItem,
    DossierItemKind,
    PartnerType,
    SafetyMeasure,
)
from demo.merchants import AREAS, DEMO_SEED, DEMO_USERS
from merchants.models import AreaKind, ShoppingArea
from merchants.roles import Role
from merchants.services import log_action
from plumbing.dates import add_months
from plumbing.pdf import html_to_pdf

COORDINATOR_EMAIL = next(row[0] for row in DEMO_USERS if row[2] == Role.COORDINATOR)
LANGUAGE = "nl"
KVO_4_SINCE = date(2024, 3, 1)
KIWA, DEKRA = "Kiwa NCP", "DEKRA Certification"
# Years of schouws, meetings and annual reports kept in each dossier: this one and the two before.
CYCLE_YEARS = 3

K = DossierItemKind
P = PartnerType
Theme, Status = SafetyMeasure.Theme, SafetyMeasure.Status
ALL_PARTNERS = tuple(P.values)


@dataclass(frozen=True)
class AreaPlan:
    stars: int = 0  # of the area's last certificate; 0: never certified
    months_ago: int = 0  # the last certificate was issued this many months (and a few days) ago
    body: str = KIWA
    # What the next audit will miss: "inspection" (none this year), "fire_brigade" (absent at
    # every meeting this year), "survey" (older than three years), "annual_report" (none),
    # "lapsed" (the partnership stopped 14 months ago), "preparing" (first certification).
    gap: str = ""


PLANS = {
    "Binnenstad": AreaPlan(5, 14, KIWA),
    "Winkelhart Colmschate": AreaPlan(4, 22, KIWA),
    "Keizerslanden": AreaPlan(3, 32, DEKRA),  # ends within six months
    "Borgele": AreaPlan(2, 9, KIWA),
    "Rivierenwijk": AreaPlan(3, 19, DEKRA, gap="inspection"),
    "Zandweerd": AreaPlan(2, 27, KIWA, gap="fire_brigade"),
    "Voorstad": AreaPlan(3, 5, DEKRA),
    "Vijfhoek": AreaPlan(1, 11, KIWA),
    "De Hoven": AreaPlan(2, 16, KIWA),
    "Diepenveen": AreaPlan(4, 25, DEKRA, gap="survey"),
    "Schalkhaar": AreaPlan(3, 7, KIWA),
    "Bathmen": AreaPlan(4, 28, KIWA),
    "Wezenland": AreaPlan(1, 3, DEKRA),
    "Platvoet": AreaPlan(gap="preparing"),
    "Holterweg": AreaPlan(2, 41, DEKRA, gap="lapsed"),
    "Flora": AreaPlan(),
    "Bedrijvenpark A1": AreaPlan(3, 12, DEKRA),
    "Bergweide": AreaPlan(4, 33, KIWA, gap="annual_report"),  # ends within six months
    "Kloosterlanden": AreaPlan(2, 20, KIWA),
}
STREETS = {spec.name: tuple(street for street, _postcode, _house in spec.streets) for spec in AREAS}
SHOP_COUNTS = {spec.name: spec.shops for spec in AREAS}

# Schouw findings; {street} is one of the area's streets.
FINDINGS = {
    AreaKind.SHOPPING_AREA: (
        "verlichting achterom {street} defect",
        "fietsen voor de nooduitgang aan de {street}",
        "graffiti op de gevels in de {street}",
        "camera bij de {street} deels aan het zicht onttrokken door een boom",
        "vluchtroute achter de {street} geblokkeerd door containers",
        "losliggende tegels in de {street}",
        "brandkraan {street} niet vrij toegankelijk (geparkeerde bestelbus)",
        "zwerfvuil en een hangplek bij de {street}",
        "bord collectief winkelverbod ontbreekt bij de ingang {street}",
        "donkere hoek bij de fietsenstalling {street}; extra lamp nodig",
        "reclameborden op de stoep in de {street} versperren de doorgang",
    ),
    AreaKind.BUSINESS_PARK: (
        "hekwerk langs de {street} beschadigd",
        "poort aan de {street} staat 's nachts open",
        "verlichting laad- en losplaats {street} defect",
        "begroeiing langs de {street} ontneemt het zicht op de kavels",
        "bewegwijzering voor hulpdiensten bij de {street} onduidelijk",
        "afvalcontainers tegen de gevel aan de {street} (brandgevaar)",
        "vrachtwagens geparkeerd in de berm van de {street}",
        "brandkraan {street} overwoekerd",
    ),
}
INSPECTION_CLOSING = (
    "Gemeente herstelt binnen vier weken; de ondernemersvereniging spreekt de ondernemers aan.",
    "Punten zijn in de maatregelenmatrix opgenomen.",
    "De punten van de vorige schouw zijn opgelost.",
)
MEETING_NOTES = {
    AreaKind.SHOPPING_AREA: (
        "Incidentcijfers van het afgelopen kwartaal besproken; winkeldiefstal licht gedaald.",
        "Stand van de collectieve winkelverboden doorgenomen met de wijkagent.",
        "Voortgang van de maatregelenmatrix doorgenomen.",
        "Route en aandachtspunten voor de schouw afgesproken.",
        "Afspraken over extra toezicht tijdens de koopavonden in december.",
        "Brandweer meldt dat de nooduitgangen bij de controle vrij waren.",
        "Nieuwe deelnemers welkom geheten; uitleg over het protocol en de galerij.",
        "Aangiftebereidheid besproken: de politie legt de online aangifte nog eens uit.",
    ),
    AreaKind.BUSINESS_PARK: (
        "Inbraakcijfers van het afgelopen kwartaal besproken.",
        "Parkmanagement meldt de voortgang van de collectieve beveiliging.",
        "Afspraken over alarmopvolging en sleutelhouders.",
        "Brandweer meldt de resultaten van de controle op bereikbaarheid en bluswater.",
        "Voortgang van de maatregelenmatrix doorgenomen.",
        "Route en aandachtspunten voor de schouw afgesproken.",
    ),
}
EXTRA_MEETING_NOTES = {
    "Binnenstad": (
        "Evaluatie Dickens Festijn: rustig verlopen, twee meldingen van zakkenrollerij.",
        "Evaluatie Deventer Boekenmarkt: extra surveillance langs de IJsselkade werkte goed.",
        "Evaluatie Deventer op Stelten: geen incidenten bij de deelnemende winkels.",
    ),
}
# A note that mentions a partner is only taken for a meeting that partner attended.
NOTE_NEEDS = {"Brandweer": P.FIRE_BRIGADE, "wijkagent": P.POLICE, "politie": P.POLICE}
PARTNER_NAMES = {
    P.MUNICIPALITY: "gemeente",
    P.ENTREPRENEURS: "ondernemers",
    P.POLICE: "politie",
    P.FIRE_BRIGADE: "brandweer",
}
CONCERNS = {
    AreaKind.SHOPPING_AREA: (
        "winkeldiefstal",
        "overlast van jongeren",
        "fietsen op de stoep",
        "agressie tegen personeel",
        "zakkenrollerij",
        "inbraak in de avond",
    ),
    AreaKind.BUSINESS_PARK: (
        "inbraak in bedrijfspanden",
        "diefstal van materieel",
        "vrachtwagens die 's nachts blijven staan",
        "illegale stort",
        "slechte verlichting",
    ),
}

GEMEENTE, ONDERNEMERS, POLITIE, BRANDWEER, PARKMANAGEMENT = (
    "Gemeente Deventer",
    "Ondernemersvereniging",
    "Politie",
    "Brandweer",
    "Parkmanagement",
)
# Lines of the measures matrix: (measure, theme, owner); {street} is one of the area's streets.
MEASURES = {
    AreaKind.SHOPPING_AREA: (
        ("Cameratoezicht {street} uitbreiden", Theme.VANDALISM, GEMEENTE),
        ("Collectieve winkelverbod-borden bij entrees", Theme.SHOPLIFTING, ONDERNEMERS),
        ("Verlichting achterom {street} vervangen door led", Theme.ENVIRONMENT, GEMEENTE),
        (
            "Training omgaan met agressie voor winkelpersoneel",
            Theme.ROBBERY,
            ONDERNEMERS,
        ),
        ("Training winkeldiefstal herkennen en aanpakken", Theme.SHOPLIFTING, POLITIE),
        (
            "Vluchtroutes achter de {street} vrijhouden; controle per kwartaal",
            Theme.FIRE,
            BRANDWEER,
        ),
        ("Brandveiligheidscheck bij alle deelnemende winkels", Theme.FIRE, BRANDWEER),
        ("Extra surveillance op koopavonden en in december", Theme.SHOPLIFTING, POLITIE),
        ("Graffiti in de {street} binnen 48 uur verwijderen", Theme.VANDALISM, GEMEENTE),
        ("Voorlichting inbraakwerend hang- en sluitwerk", Theme.BURGLARY, POLITIE),
        ("Fietsparkeren {street} herinrichten (nooduitgangen vrij)", Theme.ENVIRONMENT, GEMEENTE),
        ("Voorlichting aangifte doen van winkeldiefstal", Theme.SHOPLIFTING, POLITIE),
        ("Hangplek {street}: overlast aanpakken met het jongerenwerk", Theme.VANDALISM, GEMEENTE),
        ("Afspraken over geld afstorten na sluitingstijd", Theme.ROBBERY, ONDERNEMERS),
    ),
    AreaKind.BUSINESS_PARK: (
        ("Cameratoezicht op de toegangswegen {street}", Theme.BURGLARY, PARKMANAGEMENT),
        ("Collectieve nachtelijke surveillance", Theme.BURGLARY, PARKMANAGEMENT),
        ("Hekwerk langs de {street} herstellen", Theme.BURGLARY, PARKMANAGEMENT),
        ("Verlichting {street} vervangen door led", Theme.ENVIRONMENT, GEMEENTE),
        ("Bereikbaarheid bluswatervoorziening {street} controleren", Theme.FIRE, BRANDWEER),
        ("Bewegwijzering voor hulpdiensten verbeteren", Theme.FIRE, GEMEENTE),
        ("Voorlichting inbraakpreventie voor bedrijven", Theme.BURGLARY, POLITIE),
        ("Afvalcontainers weg van de gevels", Theme.FIRE, BRANDWEER),
        ("Groen langs de {street} snoeien voor zicht op de kavels", Theme.ENVIRONMENT, GEMEENTE),
        ("Collectieve alarmopvolging regelen", Theme.BURGLARY, PARKMANAGEMENT),
        ("Handhaving vrachtwagenparkeren {street}", Theme.VANDALISM, GEMEENTE),
    ),
}
# The Binnenstad's current certificate and its latest schouw, annual report and survey.
DOCUMENT_AREA = "Binnenstad"
DOCUMENT_KINDS = (K.INSPECTION, K.ANNUAL_REPORT, K.SURVEY)


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
        with transaction.atomic(), translation.override(LANGUAGE), _quiet("weasyprint.progress"):
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


class _AreaSeeder:
    """One area's dossier, oldest first: certificates, then the cycle, then the matrix."""

    def __init__(self, area, plan, actor, today, stored):
        self.area, self.plan, self.actor, self.today = area, plan, actor, today
        self.stored = stored
        self.rng = random.Random(f"{DEMO_SEED}:dossier:{area.name}")  # noqa: S311 (demo data)
        self.kind = area.kind
        self.streets = STREETS[area.name]
        self.counts = {"certificates": 0, "items": 0, "matrix": 0, "documents": 0}
        self.meetings = []
        self.certificates = []
        self.with_documents = area.name == DOCUMENT_AREA

    def run(self) -> dict:
        if self.plan.gap == "preparing":
            self._prepare_first_certification()
            return self.counts
        self._certificates()
        first = self.certificates[0].issued_on
        # Active until today; a lapsed area stopped meeting a while before its certificate ended.
        stop = add_months(self.today, -14) if self.plan.gap == "lapsed" else self.today
        start = max(add_months(first, -9), date(self.today.year - CYCLE_YEARS + 1, 1, 1))
        steps = self._cycle(start, stop) + self._surveys() + self._analyses()
        steps.sort(key=lambda step: step[1])
        latest = {
            kind: max((s for s in steps if s[0] == kind), key=lambda s: s[1], default=None)
            for kind in DOCUMENT_KINDS
        }
        for step in steps:
            document = latest.get(step[0]) is step and self.with_documents
            self._add(*step, document=document)
        if self.plan.gap != "lapsed":
            self._matrix()
        return self.counts

    # --- certificates ---------------------------------------------------------------------------

    def _certificates(self):
        """The last certificate ``months_ago``, and the ones before it, one star fewer every three
        years, each starting the day after the previous one ended."""
        last = add_months(self.today, -self.plan.months_ago) - timedelta(
            days=self.rng.randint(0, 20)
        )
        issued = [add_months(last, -36 * n) for n in range(self.plan.stars - 1, -1, -1)]
        other = DEKRA if self.plan.body == KIWA else KIWA
        for stars, issued_on in enumerate(issued, start=1):
            current = stars == self.plan.stars
            body = self.plan.body if current or self.rng.random() < 0.75 else other
            valid_until = None if current else issued[stars] - timedelta(days=1)
            document = None
            if current and self.with_documents:
                document = self._pdf(
                    "certificaat",
                    _certificate_html(self.area, stars, issued_on, valid_until, body),
                )
            certificate = dossier.add_certificate(
                self.area,
                actor=self.actor,
                stars=stars,
                issued_on=issued_on,
                valid_until=valid_until,
                certifying_body=body,
                scheme_version="KVO 4.0" if issued_on >= KVO_4_SINCE else "KVO 3.0",
                document=document,
            )
            self._keep(certificate.document)
            self.certificates.append(certificate)
            self.counts["certificates"] += 1

    # --- the yearly cycle -----------------------------------------------------------------------

    def _cycle(self, start, stop):
        """Schouws, meetings and annual reports from ``start`` to ``stop``, as (kind, day, title,
        notes, attendance) tuples."""
        steps = []
        for year in range(start.year, stop.year + 1):
            first, last = max(start, date(year, 1, 1)), min(stop, date(year, 12, 31))
            if first > last:
                continue
            this_year = year == self.today.year
            if not (this_year and self.plan.gap == "inspection"):
                steps.append(self._inspection(year, first, last))
            steps += self._meetings(year, first, last)
            report_on = self._weekday_between(date(year + 1, 2, 1), date(year + 1, 4, 30))
            skip_report = self.plan.gap == "annual_report" and year + 1 >= self.today.year - 1
            if start <= report_on <= stop and not skip_report:
                steps.append(
                    (
                        K.ANNUAL_REPORT,
                        report_on,
                        f"Jaarverslag KVO {self.area.name} {year}",
                        self._report_notes(year),
                        [],
                    )
                )
        return steps

    def _inspection(self, year, first, last):
        # This year's schouw any day so far; earlier ones between spring and autumn.
        low, high = max(first, date(year, 3, 1)), min(last, date(year, 10, 31))
        if year == self.today.year or low > high:
            low, high = first, last
        day = self._weekday_between(low, high)
        findings = [
            finding.format(street=self.rng.choice(self.streets))
            for finding in self.rng.sample(FINDINGS[self.kind], self.rng.randint(2, 3))
        ]
        notes = "; ".join(findings)
        notes = f"{notes[0].upper()}{notes[1:]}. {self.rng.choice(INSPECTION_CLOSING)}"
        return (K.INSPECTION, day, f"Schouw {self.area.name} {year}", notes, [])

    def _meetings(self, year, first, last):
        """Three or four a year, the fire brigade now and then absent; in a year's first weeks,
        before the first planned meeting, a start-of-year meeting so the year is not empty."""
        slots = [date(year, month, 1) for month in (2, 5, 9, 11)]
        if self.rng.random() < 0.35:
            slots.pop(self.rng.randrange(len(slots)))
        days = [d + timedelta(days=self.rng.randint(0, 24)) for d in slots]
        days = [self._weekday_between(d, d + timedelta(days=4)) for d in days]
        days = [d for d in days if first <= d <= last]
        if not days and year == self.today.year and last == self.today:
            days = [self._weekday_between(first, last)]
        notes_pool = MEETING_NOTES[self.kind] + EXTRA_MEETING_NOTES.get(self.area.name, ())
        meetings = []
        for number, day in enumerate(days, start=1):
            present = [p for p in ALL_PARTNERS if p != P.FIRE_BRIGADE or self.rng.random() < 0.7]
            if self.rng.random() < 0.1:
                present.remove(P.POLICE)
            meetings.append([day, number, present])
        if self.plan.gap == "fire_brigade" and year == self.today.year:
            for meeting in meetings:
                meeting[2] = [p for p in meeting[2] if p != P.FIRE_BRIGADE]
        elif meetings:
            # Every partner at least once a year: the audit checks it.
            for partner in ALL_PARTNERS:
                if not any(partner in m[2] for m in meetings):
                    meetings[0][2] = [
                        p for p in ALL_PARTNERS if p in meetings[0][2] or p == partner
                    ]
        steps = []
        for day, number, present in meetings:
            fitting = [
                note
                for note in notes_pool
                if all(p in present for word, p in NOTE_NEEDS.items() if word in note)
            ]
            notes = " ".join(self.rng.sample(fitting, 2))
            absent = [PARTNER_NAMES[p] for p in ALL_PARTNERS if p not in present]
            if absent:
                notes += f" Afwezig met bericht: {', '.join(absent)}."
            steps.append(
                (K.MEETING, day, f"{number}e KVO-overleg {self.area.name} {year}", notes, present)
            )
        return steps

    def _report_notes(self, year):
        done, running = self.rng.randint(3, 7), self.rng.randint(1, 4)
        verb = "loopt" if running == 1 else "lopen"
        return (
            f"Vastgesteld in het eerste KVO-overleg van {year + 1}. {done} maatregelen uit de "
            f"matrix afgerond in {year}, {running} {verb} door. Schouw en overleggen volgens plan."
        )

    # --- every three years: survey and safety analysis ------------------------------------------

    def _surveys(self):
        """The latest survey, within three years (older in the "survey" gap), and the one three
        years before it if the area was certified then, for the trend."""
        first_certificate = self.certificates[0].issued_on
        if self.plan.gap in ("survey", "lapsed"):
            latest = add_months(self.today, -self.rng.randint(38, 44))
        else:
            # A newly certified area held its first survey while preparing.
            latest = max(
                add_months(self.today, -self.rng.randint(4, 30)), add_months(first_certificate, -6)
            )
        days = [latest]
        if add_months(latest, -36) >= first_certificate:
            days.insert(0, add_months(latest, -36))
        steps, previous = [], None
        for day in days:
            day = self._weekday_between(day, day + timedelta(days=4))
            safe = (
                self.rng.randint(55, 72) if previous is None else previous + self.rng.randint(2, 9)
            )
            notes = self._survey_notes(safe, previous)
            steps.append(
                (K.SURVEY, day, f"Ondernemersenquête {self.area.name} {day.year}", notes, [])
            )
            previous = safe
        return steps

    def _survey_notes(self, safe, previous):
        shops = SHOP_COUNTS[self.area.name]
        answered = max(3, round(shops * self.rng.uniform(0.45, 0.72)))
        who = "bedrijven" if self.kind == AreaKind.BUSINESS_PARK else "ondernemers"
        offence = "inbraak of diefstal" if self.kind == AreaKind.BUSINESS_PARK else "diefstal"
        trend = f" (vorige enquête: {previous}%)" if previous is not None else ""
        concerns = self.rng.sample(CONCERNS[self.kind], 3)
        return (
            f"{safe}% van de {who} voelt zich veilig{trend}; {self.rng.randint(30, 62)}% deed "
            f"aangifte bij de laatste {offence}. Grootste zorgen: {', '.join(concerns)}. "
            f"Respons {answered} van {shops} {who}."
        )

    def _analyses(self):
        """A safety analysis before each of the last two certificates, each compared with the one
        before it, and a new one for the recertification when the certificate ends soon."""
        days = [
            certificate.issued_on - timedelta(days=self.rng.randint(20, 75))
            for certificate in self.certificates[-2:]
        ]
        ends_soon = self.certificates[-1].valid_until <= add_months(self.today, 6)
        if ends_soon and self.plan.gap != "lapsed":
            days.append(self.today - timedelta(days=self.rng.randint(10, 50)))
        steps, previous = [], None
        for day in days:
            day = self._weekday_between(day, day + timedelta(days=4))
            steps.append(self._analysis(day, previous))
            previous = day
        return steps

    def _analysis(self, day, previous, title_suffix=""):
        if self.kind == AreaKind.BUSINESS_PARK:
            main, share = "inbraak in bedrijfspanden", self.rng.randint(35, 55)
            others = ("diefstal van materieel", "illegale stort")
            when = self.rng.choice(("'s nachts", "in het weekend", "in de bouwvakvakantie"))
        else:
            main, share = "winkeldiefstal", self.rng.randint(45, 70)
            others = ("overlast van jongeren", "fietsendiefstal")
            when = self.rng.choice(("op zaterdag", "op koopavonden", "rond sluitingstijd"))
        notes = f"Grootste probleem: {main} ({share}% van de incidenten), vooral {when}."
        if previous is not None:
            changes = ", ".join(
                f"{subject} {self.rng.randint(-18, 6):+d}%" for subject in (main, *others)
            )
            notes += f" Vergeleken met de analyse van {previous.year}: {changes}."
        title = f"Veiligheidsanalyse {self.area.name} {day.year}{title_suffix}"
        return (K.SAFETY_ANALYSIS, day, title, notes, [])

    # --- an area preparing its first certificate ------------------------------------------------

    def _prepare_first_certification(self):
        kickoff = self.today - timedelta(days=self.rng.randint(40, 70))
        label = "KVO-B" if self.kind == AreaKind.BUSINESS_PARK else "KVO-W"
        self._add(
            K.MEETING,
            self._weekday_between(kickoff, kickoff + timedelta(days=4)),
            f"Startbijeenkomst KVO {self.area.name}",
            f"Besloten om met {label} te starten. De gemeente laat een veiligheidsanalyse maken; "
            "de ondernemers werven deelnemers. De brandweer sluit bij het volgende overleg aan.",
            [P.MUNICIPALITY, P.ENTREPRENEURS, P.POLICE],
        )
        analysis = self.today - timedelta(days=self.rng.randint(8, 25))
        self._add(
            *self._analysis(
                self._weekday_between(analysis, analysis + timedelta(days=4)),
                None,
                " (nulmeting)",
            )
        )

    # --- the measures matrix --------------------------------------------------------------------

    def _matrix(self):
        """4 to 8 lines, due from five months ago to eight months ahead; most of the lines that
        were due are done, a few are overdue; most were agreed at a meeting in the year before."""
        for template, theme, owner in self.rng.sample(MEASURES[self.kind], self.rng.randint(4, 8)):
            measure = template.format(street=self.rng.choice(self.streets))
            due_on = self.today + timedelta(days=self.rng.randint(-150, 240))
            if due_on < self.today:
                statuses, weights = (
                    (Status.DONE, Status.IN_PROGRESS, Status.PLANNED, Status.DROPPED),
                    (55, 25, 8, 12),
                )
            else:
                statuses, weights = (Status.PLANNED, Status.IN_PROGRESS, Status.DONE), (50, 40, 10)
            status = self.rng.choices(statuses, weights)[0]
            agreed_by = min(self.today, due_on - timedelta(days=21))
            agreed = [
                m for m in self.meetings if due_on - timedelta(days=400) <= m.held_on <= agreed_by
            ]
            meeting = self.rng.choice(agreed) if agreed and self.rng.random() < 0.7 else None
            dossier.save_safety_measure(
                self.area,
                actor=self.actor,
                description=measure,
                theme=theme,
                owner=owner,
                status=status,
                due_on=due_on,
                meeting=meeting,
            )
            self.counts["matrix"] += 1

    # --- helpers --------------------------------------------------------------------------------

    def _add(self, kind, day, title, notes, attendance, *, document=False):
        pdf = None
        if document:
            pdf = self._pdf(kind, _item_html(self.area, kind, day, title, notes, attendance))
        item = dossier.add_item(
            self.area,
            actor=self.actor,
            kind=kind,
            held_on=day,
            title=title,
            notes=notes,
            attendance=attendance,
            document=pdf,
            today=self.today,
        )
        self._keep(item.document)
        if kind == K.MEETING:
            self.meetings.append(item)
        self.counts["items"] += 1
        return item

    def _pdf(self, name, page):
        self.counts["documents"] += 1
        return ContentFile(html_to_pdf(page), name=f"{name}.pdf")

    def _keep(self, field):
        if field.name:
            self.stored.append(field.name)

    def _weekday_between(self, first, last):
        """A working day from ``first`` to ``last``; a weekend day when the range has none."""
        day = first + timedelta(days=self.rng.randint(0, max(0, (last - first).days)))
        for shift in (0, 1, 2, -1, -2):
            candidate = day + timedelta(days=shift)
            if candidate.weekday() < 5 and first <= candidate <= last:
                return candidate
        return day


# --- the PDFs -------------------------------------------------------------------------------------

PAGE = """<!DOCTYPE html><html lang="nl"><head><meta charset="utf-8"><title>{title}</title>
<style>@page {{ size: A4; margin: 20mm }}
body {{ font-family: "DejaVu Sans", sans-serif; font-size: 10pt; line-height: 1.4 }}
h1 {{ font-size: 16pt; margin-bottom: 2mm }} .muted {{ color: #555 }}
th {{ text-align: left; padding-right: 8mm; font-weight: normal; color: #555 }}</style></head>
<body><p class="muted">Keurmerk Veilig Ondernemen Deventer</p>
<h1>{title}</h1>{body}</body></html>"""


def _day(day):
    return dateformat.format(day, "j F Y")


def _table(rows):
    cells = "".join(
        f"<tr><th>{html.escape(label)}</th><td>{html.escape(str(value))}</td></tr>"
        for label, value in rows
    )
    return f"<table>{cells}</table>"


def _certificate_html(area, stars, issued_on, valid_until, body):
    valid_until = valid_until or add_months(issued_on, dossier.CERTIFICATE_MONTHS) - timedelta(
        days=1
    )
    label = AreaKind(area.kind).label
    rows = (
        ("Gebied", f"{area.name} ({label})"),
        ("Sterren", f"{stars} van 5"),
        ("Uitgegeven op", _day(issued_on)),
        ("Geldig tot en met", _day(valid_until)),
        ("Schema", "KVO 4.0" if issued_on >= KVO_4_SINCE else "KVO 3.0"),
        ("Certificerende instelling", body),
    )
    intro = (
        "<p>Het samenwerkingsverband voldoet aan de eisen van het Keurmerk Veilig Ondernemen: "
        "een veiligheidsanalyse, een maatregelenmatrix, een jaarlijkse schouw en vaste afspraken "
        "tussen gemeente, ondernemers, politie en brandweer.</p>"
    )
    return PAGE.format(title=html.escape(f"Certificaat KVO {area.name}"), body=intro + _table(rows))


def _item_html(area, kind, day, title, notes, attendance):
    rows = [
        ("Gebied", area.name),
        ("Soort", str(DossierItemKind(kind).label)),
        ("Datum", _day(day)),
    ]
    if attendance:
        rows.append(("Aanwezig", ", ".join(PARTNER_NAMES[p] for p in attendance)))
    body = _table(rows) + f"<h2>Bevindingen en resultaten</h2><p>{html.escape(notes)}</p>"
    return PAGE.format(title=html.escape(title), body=body)


@contextmanager
def _quiet(name):
    """WeasyPrint logs every layout step at INFO: lines in the seed's output for each PDF."""
    logger = logging.getLogger(name)
    level = logger.level
    logger.setLevel(max(level, logging.WARNING))
    try:
        yield
    finally:
        logger.setLevel(level)
