"""The demo register of KVO Deventer: about 40 people with a yellow or a red card in force.

Called by ``manage.py seed_demo`` (demo) after ``demo.incidents``, in the same transaction. Every
person is linked to one or two of the demo incidents (shoplifting or aggression, from the last 11
months, closed, preferably those where the officer's case history says a measure was proposed), and
the register's own use cases do the rest as the demo officer: ``create_person``,
``link_incident``, ``propose_measures`` (so the kinds and terms are the partnership's policy) and
``confirm``. About 25 people get a yellow card with the individual ban for the shop; about 15 a
red card, straight after an aggression or after a second offence while their yellow card ran. The
decisions are then dated back to when the officer handled the case. Each person gets one generated
portrait (``portrait``): a faceless grey head and shoulders on a flat background, never a real
face. Five red cards get their notice letter.

Identity and description follow DESIGN.md section 3: build, hair and clothes only, no ethnicity,
religion, health or the like.

Deterministic: everything is drawn from ``random.Random`` with a fixed seed and depends only on
the demo incidents. Idempotent: the demo people have fixed full names (``PEOPLE``); when one of
them is in the partnership's register, nothing is created.
"""

import colorsys
import io
import logging
import math
import random
import re
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Min, Q
from django.utils import timezone, translation
from PIL import Image, ImageDraw, ImageFont

from bans import services
from bans.models import (
    BAN_KINDS,
    Measure,
    MeasureChange,
    MeasureKind,
    MeasureStatus,
    NoticeLetter,
    Person,
    PersonIncident,
    PersonPhoto,
)
from bans.notices import issue_notice
from demo.merchants import DEMO_USERS
from incidents.models import Incident, IncidentType
from incidents.workflow import Status
from merchants.models import User
from merchants.roles import Role
from merchants.services import log_action
from plumbing.dates import add_months
from plumbing.images import process_upload

DEMO_SEED = 2003
RED_CARDS = 15
AGGRESSION_RED_CARDS = 3  # at most; the other red cards follow a second offence
NOTICES = 5
WINDOW = timedelta(days=330)  # incidents from the last 11 months: every term still runs
SECOND_OFFENCE_ROOM = timedelta(days=60)  # a red card's first offence is at least this old
PORTRAIT_SIZE = (480, 600)
LANGUAGE = "nl"
PDF_PROGRESS_LOGGER = "weasyprint.progress"
OFFICER_EMAIL = next(row[0] for row in DEMO_USERS if row[2] == Role.OFFICER)

M, F = "m", "f"
# Full name and gender (for the description and the incident's "een man" / "een vrouw"). The full
# names are the idempotency marker: keep them unique.
PEOPLE = (
    ("Mark Veenstra", M),
    ("Kevin de Graaf", M),
    ("Dennis Hoekstra", M),
    ("Rick Verhoeven", M),
    ("Sander Kroeze", M),
    ("Thijs van Leeuwen", M),
    ("Niels Bouwman", M),
    ("Jordy Gerritsen", M),
    ("Dylan Schouten", M),
    ("Bas Lensink", M),
    ("Wesley Roelofs", M),
    ("Stefan Klein Haneveld", M),
    ("Tim Arends", M),
    ("Ricardo Martina", M),
    ("Youssef Benali", M),
    ("Bilal Amrani", M),
    ("Mohammed Bouzid", M),
    ("Emre Yılmaz", M),
    ("Mehmet Kaya", M),
    ("Burak Demir", M),
    ("Piotr Nowak", M),
    ("Marcin Kowalski", M),
    ("Ivan Petrov", M),
    ("Kenneth Pinas", M),
    ("Jeffrey Sedney", M),
    ("Daan Evers", M),
    ("Milan Zwart", M),
    ("Lisa Brouwer", F),
    ("Kim van der Linden", F),
    ("Chantal Willems", F),
    ("Esther Kramer", F),
    ("Fleur Maas", F),
    ("Naima Haddou", F),
    ("Fatma Çelik", F),
    ("Agnieszka Wiśniewska", F),
    ("Priscilla Wijngaarde", F),
    ("Demi Ruiter", F),
    ("Romy Koning", F),
    ("Joyce Peters", F),
    ("Monique Groen", F),
)
DEMO_FULL_NAMES = tuple(name for name, _gender in PEOPLE)
PARTICLES = {"van", "de", "der", "den", "ter", "ten", "te", "'t", "op", "in", "het"}

# Addresses in and around Deventer: street, postcode digits, town.
STREETS = (
    ("Merelstraat", "7412", "Deventer"),
    ("Lijsterstraat", "7412", "Deventer"),
    ("Kastanjelaan", "7413", "Deventer"),
    ("Berkenlaan", "7413", "Deventer"),
    ("Hobbemastraat", "7415", "Deventer"),
    ("Ruysdaelstraat", "7415", "Deventer"),
    ("Populierenstraat", "7414", "Deventer"),
    ("Vlierstraat", "7414", "Deventer"),
    ("Tulpstraat", "7416", "Deventer"),
    ("Klaverweg", "7417", "Deventer"),
    ("Wilgenhof", "7418", "Deventer"),
    ("Hazelaarhof", "7423", "Colmschate"),
    ("Heidepad", "7425", "Colmschate"),
    ("Esweg", "7431", "Diepenveen"),
    ("Molenkamp", "7433", "Schalkhaar"),
    ("Larenseweg", "7437", "Bathmen"),
)
POSTCODE_LETTERS = "ABCDEGHJKLMNPRSTVWXZ"
BIRTH_PLACES = ("Deventer",) * 6 + (
    "Apeldoorn",
    "Zutphen",
    "Zwolle",
    "Enschede",
    "Arnhem",
    "Amsterdam",
    "Rotterdam",
    "Utrecht",
    "",
)

# --- what shops see: build, hair, clothes (never ethnicity, religion, health) ------------------

BUILDS = ("slank", "tenger", "gemiddeld", "stevig", "fors")
BUILD_WIDTH = {"slank": 0.92, "tenger": 0.86, "gemiddeld": 1.0, "stevig": 1.08, "fors": 1.16}
HAIR_COLOURS = {  # adjective, RGB for the portrait
    "zwart": (38, 34, 32),
    "donkerbruin": (70, 50, 38),
    "bruin": (112, 80, 52),
    "donkerblond": (150, 122, 78),
    "blond": (214, 184, 120),
    "rood": (170, 78, 40),
    "grijs": (168, 168, 164),
}
HAIR_STYLES = {
    M: ("kort", "kort", "opgeschoren", "kaalgeschoren", "krullend", "halflang"),
    F: ("lang", "lang", "in een staart", "kort", "krullend", "opgestoken"),
}
BEARDS = ("een baard", "een snor", "een stoppelbaard", "een sikje")
MARKS = (
    "een bril",
    "een tatoeage in de nek",
    "een tatoeage op de rechterhand",
    "een tatoeage op de linkeronderarm",
    "een oorbel in het linkeroor",
    "een piercing in de wenkbrauw",
    "sproeten",
)
# Colour: the adjective as it goes with "de" words ("een zwarte jas") and with "het" words ("een
# zwart trainingsjack"), and the RGB for the portrait.
COLOURS = {
    "zwart": ("zwarte", (36, 36, 40)),
    "grijs": ("grijze", (118, 120, 124)),
    "antracietkleurig": ("antracietkleurige", (62, 66, 72)),
    "donkerblauw": ("donkerblauwe", (30, 48, 92)),
    "blauw": ("blauwe", (40, 96, 170)),
    "lichtblauw": ("lichtblauwe", (120, 170, 215)),
    "rood": ("rode", (178, 38, 42)),
    "bordeauxrood": ("bordeauxrode", (110, 28, 44)),
    "groen": ("groene", (46, 120, 70)),
    "olijfgroen": ("olijfgroene", (96, 104, 56)),
    "beige": ("beige", (196, 176, 140)),
    "wit": ("witte", (232, 232, 228)),
    "geel": ("gele", (226, 186, 40)),
    "oranje": ("oranje", (226, 118, 36)),
    "paars": ("paarse", (104, 62, 140)),
}
TOPS = (  # noun, a "het" word, has a hood
    ("hoodie", False, True),
    ("hoodie", False, True),
    ("trainingsjack", True, False),
    ("bomberjack", True, False),
    ("parka", False, True),
    ("spijkerjas", False, False),
    ("gewatteerde jas", False, True),
    ("trui", False, False),
    ("leren jas", False, False),
    ("regenjas", False, True),
)
HEADWEAR = ("pet", "muts")
BAGS = ("een rugzak", "een sporttas", "een heuptasje", "een grote boodschappentas")
HABITS = (
    "Komt meestal op de fiets.",
    "Komt vaak op een scooter.",
    "Is vaak samen met een tweede persoon.",
    "Loopt doorgaans met oortjes in.",
)
DECISION_REASONS = (
    "",
    "",
    "",
    "Camerabeelden bekeken; de persoon is herkend.",
    "De maatregel is in een gesprek met betrokkene toegelicht.",
)
BACKGROUND_LIGHTNESS = 0.84


@dataclass
class Look:
    """What a person looks like: the words of the description and the portrait's shapes."""

    gender: str
    height_cm: int
    build: str
    hair_style: str
    hair_colour: str
    beard: str
    mark: str
    top_colour: str
    top: str
    top_neuter: bool
    hood: bool
    headwear: str
    headwear_colour: str
    bag: str
    habit: str
    background: tuple = (200, 200, 200)

    def description(self) -> str:
        if self.hair_style == "kaalgeschoren":
            hair = "kaalgeschoren hoofd"
        elif self.hair_style in ("in een staart", "opgestoken"):
            hair = f"lang {self.hair_colour} haar, {self.hair_style}"
        else:
            hair = f"{self.hair_style} {self.hair_colour} haar"
        height = f"{self.height_cm // 100},{self.height_cm % 100:02d} m"
        first = f"Ongeveer {height}, {self.build} postuur, {hair}"
        if self.beard:
            first += f", {self.beard}"
        sentences = [first + "."]
        if self.mark:
            sentences.append(f"Opvallend: {self.mark}.")
        colour, inflected = self.top_colour, COLOURS[self.top_colour][0]
        wears = f"een {colour if self.top_neuter else inflected} {self.top}"
        if self.headwear:  # "pet" and "muts" are "de" words
            wears += f" en een {COLOURS[self.headwear_colour][0]} {self.headwear}"
        sentences.append(f"Draagt vaak {wears}.")
        if self.bag:
            sentences.append(f"Heeft meestal {self.bag} bij zich.")
        if self.habit:
            sentences.append(self.habit)
        return " ".join(sentences)


def draw_look(rng, gender, age) -> Look:
    styles = HAIR_STYLES[gender]
    colours = [c for c in HAIR_COLOURS if c != "grijs" or age >= 40]
    hair_colour = "grijs" if age >= 50 and rng.random() < 0.5 else rng.choice(colours)
    low, high = (166, 196) if gender == M else (156, 182)
    headwear = rng.choice(HEADWEAR) if rng.random() < 0.3 else ""
    top, neuter, hood = rng.choice(TOPS)
    hue = rng.random()
    background = colorsys.hls_to_rgb(hue, BACKGROUND_LIGHTNESS, rng.uniform(0.25, 0.45))
    return Look(
        gender=gender,
        height_cm=rng.randint(low, high),
        build=rng.choice(BUILDS),
        hair_style=rng.choice(styles),
        hair_colour=hair_colour,
        beard=rng.choice(BEARDS) if gender == M and age >= 18 and rng.random() < 0.35 else "",
        mark=rng.choice(MARKS) if rng.random() < 0.45 else "",
        top_colour=rng.choice(list(COLOURS)),
        top=top,
        top_neuter=neuter,
        hood=hood,
        headwear=headwear,
        headwear_colour=rng.choice(list(COLOURS)) if headwear else "",
        bag=rng.choice(BAGS) if rng.random() < 0.35 else "",
        habit=rng.choice(HABITS) if rng.random() < 0.3 else "",
        background=tuple(round(v * 255) for v in background),
    )


def display_name(full_name: str) -> str:
    """ "Mark Veenstra" → "Mark V.", "Kevin de Graaf" → "Kevin de G." (Dutch usage)."""
    first, *rest = full_name.split()
    particles = []
    while rest and rest[0].lower() in PARTICLES and len(rest) > 1:
        particles.append(rest.pop(0))
    initial = f"{rest[0][0].upper()}." if rest else ""
    return " ".join([first, *particles, initial]).strip()


# --- seeding -------------------------------------------------------------------------------------


@dataclass
class _Case:
    """A demo incident the register may use, with what its report says about the offender."""

    incident: Incident
    day: date
    gender: str | None  # from "een man", "een vrouw" in the report; None if it does not say
    minor: bool  # "een jongen", "een meisje"
    proposed_at: datetime | None  # when the officer's case history says "measure proposed"
    note: str  # the public note of that step ("... (gele kaart)" or "... (rode kaart)")

    @property
    def handled_at(self) -> datetime:
        if self.proposed_at is not None:
            return self.proposed_at
        return self.incident.closed_at - timedelta(minutes=45)


@dataclass
class _Step:
    """One offence of a person and when the officer decided on it."""

    case: _Case
    decided_at: datetime


@dataclass
class _Plan:
    full_name: str
    gender: str
    red: bool
    steps: list = field(default_factory=list)
    birth_date: date | None = None


def demo_officer(partnership):
    return User.objects.filter(
        email=OFFICER_EMAIL,
        memberships__partnership=partnership,
        memberships__role=Role.OFFICER,
        memberships__active=True,
    ).first()


def has_demo_register(partnership) -> bool:
    return Person.objects.filter(partnership=partnership, full_name__in=DEMO_FULL_NAMES).exists()


def seed_register(partnership, *, officer=None, now=None, rng_seed=DEMO_SEED) -> dict:
    """Put the demo people in ``partnership``'s register (see the module docstring); returns
    counts of what was created and ``skipped`` when the register had them already."""
    counts = {"people": 0, "measures": 0, "photos": 0, "notices": 0, "skipped": True}
    if has_demo_register(partnership):
        return counts
    officer = officer or demo_officer(partnership)
    if officer is None:
        raise ValueError(f"{partnership} has no demo officer to decide on measures.")
    now = now or timezone.now()
    rng = random.Random(rng_seed)  # noqa: S311 (demo data, not secrets)
    plans = _plan(rng, _cases(partnership, now), now)
    stored = []
    try:
        with transaction.atomic(), translation.override(LANGUAGE):
            counts = _save(rng, partnership, plans, officer, now, stored)
            log_action(
                "bans.demo.seeded",
                actor=officer,
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
    """The register's totals: people, who has a red card and who a yellow one only, photos and
    letters. (Someone with a red card after a second offence still has the yellow card too.)"""
    people = Person.objects.filter(partnership=partnership, merged_into__isnull=True)
    in_force = services.collective_in_force(partnership)
    yellow = in_force.filter(kind=MeasureKind.YELLOW).count()
    banned = in_force.values("person").distinct().count()
    red = in_force.filter(kind__in=BAN_KINDS).values("person").distinct().count()
    photos = PersonPhoto.objects.filter(person__partnership=partnership).count()
    notices = NoticeLetter.objects.filter(measure__partnership=partnership).count()
    return [
        f"  register: {people.count()} people ({created['people']} new), {banned} with a "
        f"collective measure in force: {red} with a red card, {banned - red} with a yellow card "
        f"only ({yellow} yellow cards in force); {photos} photos, {notices} notice letters"
    ]


def _cases(partnership, now) -> list[_Case]:
    """Closed demo reports of shoplifting and aggression from the last 11 months with an
    offender described, not linked to anyone yet, oldest first."""
    incidents = (
        Incident.objects.filter(
            partnership=partnership,
            kind__in=(IncidentType.SHOPLIFTING, IncidentType.AGGRESSION),
            status=Status.CLOSED,
            occurred_at__gte=now - WINDOW,
            occurred_at__lte=now,
            duplicate_of__isnull=True,
            personal_data_removed_at__isnull=True,
            person_links__isnull=True,
        )
        .exclude(person_description="")
        .annotate(
            proposed_at=Min(
                "history__created_at", filter=Q(history__to_status=Status.MEASURE_PROPOSED)
            )
        )
        .select_related("shop")
        .order_by("occurred_at", "pk")
    )
    notes = dict(
        Incident.objects.filter(pk__in=[i.pk for i in incidents])
        .filter(history__to_status=Status.MEASURE_PROPOSED)
        .values_list("pk", "history__public_note")
    )
    cases = []
    for incident in incidents:
        text = incident.description.lower()
        male = re.search(r"\been (man|jongen)\b", text)
        female = re.search(r"\been (vrouw|meisje)\b", text)
        cases.append(
            _Case(
                incident=incident,
                day=timezone.localdate(incident.occurred_at),
                gender=M if male and not female else F if female and not male else None,
                minor=bool(re.search(r"\been (jongen|meisje)\b", text)),
                proposed_at=incident.proposed_at,
                note=notes.get(incident.pk, ""),
            )
        )
    return cases


def _age_on(birth_date, day):
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


def _possible_age(case, today) -> bool:
    """Whether the report's offender can be 16 on the day and at most 60 today."""
    incident = case.incident
    if incident.person_birth_date:
        born = incident.person_birth_date
        return _age_on(born, case.day) >= 16 and _age_on(born, today) <= 60
    if incident.person_age:
        return 16 <= incident.person_age <= 59 and not (case.minor and incident.person_age >= 18)
    return True


def _birth_date(rng, case):
    """A birth date that fits what the report says (see ``_possible_age``)."""
    incident = case.incident
    if incident.person_birth_date:
        return incident.person_birth_date
    if incident.person_age:
        age = incident.person_age
    elif case.minor:
        age = rng.randint(16, 17)
    else:
        age = rng.choice((rng.randint(18, 29), rng.randint(24, 40), rng.randint(35, 55)))
    return add_months(case.day, -12 * age) - timedelta(days=rng.randrange(365))


def _fits(case, plan, today, *, before=None, after=None):
    """Whether this report could be about this person: gender and age; a first offence before
    ``before``; a second offence after the decision on the first ``after``, in another shop."""
    if case.gender not in (None, plan.gender) or not _possible_age(case, today):
        return False
    if before is not None and case.incident.occurred_at > before:
        return False
    if after is not None:
        if case.day <= after.case.day or case.incident.occurred_at <= after.decided_at:
            return False
        if case.incident.shop_id == after.case.incident.shop_id:
            return False
        born = plan.birth_date
        age = _age_on(born, case.day)
        incident = case.incident
        if incident.person_birth_date and incident.person_birth_date != born:
            return False
        if incident.person_age and abs(incident.person_age - age) > 6:
            return False
        if case.minor and age >= 18:
            return False
    return True


def _take(rng, pool, plan, today, *, kind, colour, before=None, after=None):
    """A fitting case from ``pool`` (removed from it): one whose history proposed a measure of
    this colour first, then any with a measure proposed, then any other."""
    fitting = [
        c
        for c in pool
        if c.incident.kind == kind and _fits(c, plan, today, before=before, after=after)
    ]
    tiers = (
        [c for c in fitting if c.proposed_at and colour in c.note],
        [c for c in fitting if c.proposed_at],
        fitting,
    )
    for tier in tiers:
        if tier:
            case = rng.choice(tier)
            pool.remove(case)
            return case
    return None


def _plan(rng, cases, now) -> list[_Plan]:
    """Which demo person gets which report(s); people without a fitting report are left out."""
    today = timezone.localdate(now)
    order = list(range(len(PEOPLE)))
    red = set(rng.sample(order, RED_CARDS))
    # Red cards first: they need two reports, or one of the few reports of aggression.
    order.sort(key=lambda index: (index not in red, index))
    plans, pool, aggression = [], list(cases), 0
    for index in order:
        full_name, gender = PEOPLE[index]
        plan = _Plan(full_name=full_name, gender=gender, red=index in red)
        first = None
        if plan.red and aggression < AGGRESSION_RED_CARDS:
            first = _take(rng, pool, plan, today, kind=IncidentType.AGGRESSION, colour="rode")
            if first is not None:
                aggression += 1
        if first is None:
            # A red card needs room for the second offence after the first.
            before = now - SECOND_OFFENCE_ROOM if plan.red else None
            first = _take(
                rng, pool, plan, today, kind=IncidentType.SHOPLIFTING, colour="gele", before=before
            )
        if first is None:
            continue
        plan.birth_date = _birth_date(rng, first)
        plan.steps = [_Step(first, _decided_at(rng, first, now))]
        if plan.red and first.incident.kind == IncidentType.SHOPLIFTING:
            second = _take(
                rng,
                pool,
                plan,
                today,
                kind=IncidentType.SHOPLIFTING,
                colour="rode",
                after=plan.steps[0],
            )
            if second is None:
                plan.red = False  # no later report fits: a yellow card only
            else:
                plan.steps.append(_Step(second, _decided_at(rng, second, now)))
        plans.append(plan)
    return plans


def _decided_at(rng, case, now):
    """The officer confirms the proposal the same day, a little after proposing it."""
    moment = case.handled_at + timedelta(minutes=rng.randint(10, 180))
    return min(moment, now - timedelta(minutes=5))


def _address(rng):
    street, digits, town = rng.choice(STREETS)
    letters = rng.choice(POSTCODE_LETTERS) + rng.choice(POSTCODE_LETTERS)
    number = rng.randint(1, 140)
    suffix = rng.choice(("",) * 8 + ("A", "B", "-2"))
    return f"{street} {number}{suffix}, {digits} {letters} {town}", town


def _save(rng, partnership, plans, officer, now, stored) -> dict:
    counts = {"people": 0, "measures": 0, "photos": 0, "notices": 0, "skipped": False}
    today = timezone.localdate(now)
    reds = []
    for plan in plans:
        first = plan.steps[0].case
        age = _age_on(plan.birth_date, today)
        look = draw_look(_rng("look", plan.full_name), plan.gender, age)
        address, town = _address(rng)
        person = services.create_person(
            partnership=partnership,
            actor=officer,
            display_name=display_name(plan.full_name),
            description=look.description(),
            full_name=plan.full_name,
            birth_date=plan.birth_date,
            birth_place=rng.choice(BIRTH_PLACES),
            address=address,
            residence=town,
        )
        created_at = first.handled_at - timedelta(minutes=rng.randint(5, 40))
        last_change = created_at
        still = portrait(_rng("portrait", plan.full_name), look)
        photo = services.add_photo(person, process_upload(still), actor=officer)
        stored += [photo.original.name, photo.thumbnail.name]
        PersonPhoto.objects.filter(pk=photo.pk).update(created_at=created_at + timedelta(minutes=2))
        counts["photos"] += 1

        for step in plan.steps:
            case, decided_at = step.case, step.decided_at
            link = services.link_incident(person, case.incident, actor=officer)
            linked_at = case.handled_at - timedelta(minutes=rng.randint(1, 4))
            PersonIncident.objects.filter(pk=link.pk).update(linked_at=max(linked_at, created_at))
            measures = services.propose_measures(
                person, case.incident, actor=officer, today=case.day
            )
            reason = rng.choice(DECISION_REASONS)
            terms = {m.pk: (m.starts_on, m.ends_on) for m in measures}
            for measure in measures:
                # Confirming a yellow card may confirm its individual ban along with it.
                measure.refresh_from_db(fields=["status"])
                if measure.status == MeasureStatus.PROPOSED:
                    services.confirm(measure, actor=officer, reason=reason)
                # Decided back then, so the terms run from then (a decision today would start
                # today).
                Measure.objects.filter(pk=measure.pk).update(
                    starts_on=terms[measure.pk][0], ends_on=terms[measure.pk][1]
                )
                measure.starts_on, measure.ends_on = terms[measure.pk]
                _date_back(measure, proposed_at=case.handled_at, decided_at=decided_at)
                counts["measures"] += 1
                if measure.kind == MeasureKind.RED:
                    reds.append(measure)
            last_change = decided_at
        Person.objects.filter(pk=person.pk).update(created_at=created_at, updated_at=last_change)
        counts["people"] += 1

    # The letters of the most recent red cards: the ones an officer would be sending now.
    reds.sort(key=lambda m: (m.starts_on, m.pk), reverse=True)
    with _quiet(PDF_PROGRESS_LOGGER):
        for measure in reds[:NOTICES]:
            measure.refresh_from_db()
            notice = issue_notice(measure, actor=officer)
            stored.append(notice.pdf.name)
            counts["notices"] += 1
    return counts


@contextmanager
def _quiet(name):
    """WeasyPrint logs every layout step at INFO: 15 lines per letter in the seed's output."""
    logger = logging.getLogger(name)
    level = logger.level
    logger.setLevel(max(level, logging.WARNING))
    try:
        yield
    finally:
        logger.setLevel(level)


def _rng(*parts):
    """A generator of its own per person and purpose: one person's look does not depend on who
    came before."""
    return random.Random(":".join((str(DEMO_SEED), *parts)))  # noqa: S311 (demo data)


def _date_back(measure, *, proposed_at, decided_at):
    """Time stamps as if the officer had handled the case then, not now."""
    Measure.objects.filter(pk=measure.pk).update(created_at=proposed_at, decided_at=decided_at)
    history = list(MeasureChange.objects.filter(measure=measure).order_by("pk"))
    for change in history:
        at = proposed_at if change.to_status == MeasureStatus.PROPOSED else decided_at
        MeasureChange.objects.filter(pk=change.pk).update(created_at=at)


# --- the portrait --------------------------------------------------------------------------------


def _shade(rgb, factor):
    return tuple(max(0, min(255, round(v * factor))) for v in rgb)


def portrait(rng, look, *, size=PORTRAIT_SIZE) -> bytes:
    """A head-and-shoulders figure: a grey, featureless head, hair or a cap in the described
    colour, shoulders in the described top, on a flat background, marked "DEMO". Shapes only:
    no face, so it can never be mistaken for (or be) a real person. Drawn at twice the size and
    scaled down for smooth edges."""
    scale = 2
    width, height = size[0] * scale, size[1] * scale
    image = Image.new("RGB", (width, height), look.background)
    draw = ImageDraw.Draw(image)
    # A lighter wall behind the figure, as on an id photo.
    draw.rectangle(
        [0, int(height * 0.06), width, int(height * 0.8)], fill=_shade(look.background, 1.06)
    )

    cx = width // 2 + rng.randint(-10, 10) * scale
    grey = rng.randint(118, 176)
    head_colour = (grey, grey, grey + 4)
    head_w = int(width * (0.28 if look.gender == F else 0.30))
    head_h = int(head_w * 1.28)
    head_top = int(height * 0.16) + rng.randint(-8, 8) * scale
    head = (cx - head_w // 2, head_top, cx + head_w // 2, head_top + head_h)
    shoulder_w = int(width * 0.80 * BUILD_WIDTH[look.build] * (0.9 if look.gender == F else 1.0))
    shoulder_top = head_top + int(head_h * 1.08)
    hair = HAIR_COLOURS[look.hair_colour]
    top = COLOURS[look.top_colour][1]
    long_hair = look.hair_style in ("lang", "halflang") and look.headwear != "muts"
    drop = int(head_h * (0.55 if look.hair_style == "lang" else 0.2))

    if long_hair:  # the hair behind the neck
        draw.rounded_rectangle(
            [
                head[0] - head_w * 0.06,
                head_top + head_h * 0.3,
                head[2] + head_w * 0.06,
                shoulder_top + drop,
            ],
            radius=head_w // 5,
            fill=_shade(hair, 0.8),
        )
    if look.hood:  # the hood lies behind the neck
        draw.ellipse(
            [
                cx - head_w * 0.8,
                shoulder_top - head_h * 0.42,
                cx + head_w * 0.8,
                shoulder_top + head_h * 0.45,
            ],
            fill=_shade(top, 0.78),
        )
    neck_w = int(head_w * 0.42)
    draw.rectangle(
        [cx - neck_w // 2, head_top + head_h * 0.8, cx + neck_w // 2, shoulder_top + 40],
        fill=_shade(head_colour, 0.86),
    )
    draw.rounded_rectangle(
        [cx - shoulder_w // 2, shoulder_top, cx + shoulder_w // 2, height + 200],
        radius=int(shoulder_w * 0.22),
        fill=top,
    )
    _collar(draw, look, top, cx, shoulder_top, neck_w, height, scale)
    if long_hair:  # locks in front of the shoulders
        for side in (-1, 1):
            outer = cx + side * head_w * 0.56
            inner = cx + side * head_w * 0.30
            draw.rounded_rectangle(
                [
                    min(outer, inner),
                    head_top + head_h * 0.35,
                    max(outer, inner),
                    shoulder_top + drop,
                ],
                radius=head_w // 8,
                fill=hair,
            )
    if look.hair_style == "in een staart" and look.headwear != "muts":
        draw.ellipse(
            [
                head[2] - head_w * 0.12,
                head_top + head_h * 0.2,
                head[2] + head_w * 0.22,
                head_top + head_h * 0.55,
            ],
            fill=_shade(hair, 0.9),
        )

    draw.ellipse(head, fill=head_colour)  # the head: an even grey oval, no features at all
    _hair(image, look, head, hair)
    if look.headwear == "pet":
        _cap(draw, head, COLOURS[look.headwear_colour][1], rng)
    elif look.headwear == "muts":
        _beanie(draw, head, COLOURS[look.headwear_colour][1])

    # "DEMO" in a corner: a generated picture, not a photo of anyone.
    font = ImageFont.load_default(size=20 * scale)
    label = "DEMO"
    box = draw.textbbox((0, 0), label, font=font)
    pad = 9 * scale
    x1, y1 = width - pad * 2, height - pad * 2
    x0, y0 = x1 - (box[2] - box[0]) - pad * 2, y1 - (box[3] - box[1]) - pad * 2
    draw.rounded_rectangle([x0, y0, x1, y1], radius=7 * scale, fill=(20, 20, 24))
    draw.text((x0 + pad - box[0], y0 + pad - box[1]), label, fill=(255, 255, 255), font=font)

    image = image.resize(size, Image.Resampling.LANCZOS)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


def _collar(draw, look, top, cx, shoulder_top, neck_w, height, scale):
    """A neckline, a zip or lapels, so the top does not read as a flat block."""
    detail = _shade(top, 0.68) if sum(top) > 200 else _shade(top, 1.6)
    if look.top in ("hoodie", "trui"):
        draw.arc(
            [cx - neck_w, shoulder_top - neck_w // 2, cx + neck_w, shoulder_top + neck_w],
            20,
            160,
            fill=detail,
            width=5 * scale,
        )
        if look.top == "hoodie":  # drawstrings
            for side in (-1, 1):
                x = cx + side * neck_w * 0.45
                draw.line(
                    [x, shoulder_top + neck_w * 0.8, x, shoulder_top + neck_w * 2.2],
                    fill=detail,
                    width=3 * scale,
                )
        return
    draw.line([cx, shoulder_top + neck_w * 0.9, cx, height], fill=detail, width=3 * scale)
    for side in (-1, 1):
        draw.polygon(
            [
                (cx + side * neck_w, shoulder_top),
                (cx, shoulder_top + neck_w),
                (cx + side * neck_w * 0.3, shoulder_top),
            ],
            fill=detail,
        )


# Per hair style, as shares of the head: overhang at the sides and on top, how far down the hair
# comes at the sides, where the face starts (hairline) and how far the face is inset at the sides.
HAIR_SHAPES = {
    "kort": (0.03, 0.05, 0.42, 0.2, 0.03),
    "opgeschoren": (0.0, 0.03, 0.3, 0.17, 0.0),
    "krullend": (0.06, 0.08, 0.45, 0.22, 0.04),
    "halflang": (0.06, 0.05, 0.7, 0.22, 0.08),
    "lang": (0.06, 0.05, 0.75, 0.22, 0.09),
    "in een staart": (0.03, 0.05, 0.45, 0.2, 0.05),
    "opgestoken": (0.03, 0.05, 0.45, 0.2, 0.05),
}


def _hair(image, look, head, colour):
    """Hair as the head's outline a little larger, minus the face and what lies below the
    ears: the hairline follows the head."""
    draw = ImageDraw.Draw(image)
    left, top, right, bottom = head
    w, h = right - left, bottom - top
    style = look.hair_style
    if look.headwear == "muts":
        return
    if style == "kaalgeschoren":  # only a shadow of stubble on the crown
        draw.chord([left, top, right, top + h * 0.7], 180, 360, fill=_blend(colour, 0.3))
        return
    side, over, lowest, hairline, inset = HAIR_SHAPES[style]
    mask = Image.new("L", image.size, 0)
    shape = ImageDraw.Draw(mask)
    shape.ellipse([left - w * side, top - h * over, right + w * side, bottom], fill=255)
    if style == "krullend":
        centre_x, centre_y = (left + right) / 2, top + h * 0.42
        radius = w * 0.1
        for step in range(11):  # curls along the crown
            angle = math.radians(185 + step * 17)
            x = centre_x + w * 0.52 * math.cos(angle)
            y = centre_y + h * 0.46 * math.sin(angle)
            shape.ellipse([x - radius, y - radius, x + radius, y + radius], fill=255)
    if style == "opgestoken":  # a bun on top
        shape.ellipse([left + w * 0.32, top - h * 0.2, right - w * 0.32, top + h * 0.12], fill=255)
    shape.rectangle([0, top + h * lowest, image.size[0], image.size[1]], fill=0)
    shape.ellipse([left + w * inset, top + h * hairline, right - w * inset, bottom], fill=0)
    image.paste(colour, mask=mask)


def _cap(draw, head, colour, rng):
    left, top, right, bottom = head
    w, h = right - left, bottom - top
    draw.chord(
        [left - w * 0.04, top - h * 0.06, right + w * 0.04, top + h * 0.6], 180, 360, fill=colour
    )
    brim = _shade(colour, 0.72) if sum(colour) > 150 else _shade(colour, 1.5)
    # Turned a little: the peak sticks out to one side.
    if rng.random() < 0.5:
        draw.ellipse([left - w * 0.04, top + h * 0.2, right + w * 0.32, top + h * 0.33], fill=brim)
    else:
        draw.ellipse([left - w * 0.32, top + h * 0.2, right + w * 0.04, top + h * 0.33], fill=brim)
    draw.ellipse(
        [
            (left + right) / 2 - w * 0.04,
            top - h * 0.07,
            (left + right) / 2 + w * 0.04,
            top + h * 0.0,
        ],
        fill=brim,
    )


def _beanie(draw, head, colour):
    left, top, right, bottom = head
    w, h = right - left, bottom - top
    draw.chord(
        [left - w * 0.05, top - h * 0.1, right + w * 0.05, top + h * 0.72], 180, 360, fill=colour
    )
    cuff = _shade(colour, 0.8) if sum(colour) > 150 else _shade(colour, 1.4)
    draw.rounded_rectangle(
        [left - w * 0.06, top + h * 0.2, right + w * 0.06, top + h * 0.34],
        radius=w * 0.04,
        fill=cuff,
    )


def _blend(colour, amount, base=(150, 150, 154)):
    return tuple(round(b + (c - b) * amount) for c, b in zip(colour, base, strict=True))
