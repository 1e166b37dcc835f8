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
"""

import io
import math
import random
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.core.files.storage import default_storage
from django.db import connections, router, transaction
from django.utils import timezone
from PIL import Image, ImageDraw, ImageFilter, ImageFont

from demo.merchants import BUSINESS_TYPES, DEMO_USERS, FAMILY_NAMES, OWNER_SHOP, RETAIL_TYPES
from incidents.models import (
    ContactKind,
    ContactMoment,
    Incident,
    IncidentPhoto,
    IncidentType,
    PoliceReport,
    StatusChange,
)
from incidents.retention import RETENTION_AFTER_CLOSING
from incidents.workflow import Status, can_move
from merchants.models import AreaKind, Shop, User
from merchants.roles import Role
from merchants.services import log_action
from plumbing.files import store_image
from plumbing.images import process_upload

DEMO_SEED = 2003
MONTHS = 24  # the current month and the 23 before it
RECENT = timedelta(days=14)  # younger cases are still open
PHOTO_INCIDENTS = 150
KEY_NAMESPACE = uuid.UUID("5e3d0c1a-7b2f-4e8d-9a61-2003dece0001")
DAYS_PER_MONTH = 365.25 / 12
BATCH = 500

K = IncidentType
# Incidents per month at the start and at the end of the period; the trend is linear in between.
MONTHLY_RATES = {
    K.SHOPLIFTING: (150.0, 85.0),
    K.ATTEMPTED_SHOPLIFTING: (13.0, 10.0),
    K.NUISANCE: (9.0, 7.0),
    K.AGGRESSION: (4.0, 3.5),
    K.VANDALISM: (3.0, 2.5),
    K.BAN_VIOLATION: (1.5, 4.5),  # more people have a red card as the register fills
    K.OTHER: (3.0, 3.0),
}
# Share of incidents with a police report filed (aangifte), at the start and at the end.
POLICE_REPORT_SHARE = (0.35, 0.70)
# Working days from report to the officer's first contact, on average, at the start and the end.
FIRST_CONTACT_DAYS = (2.1, 0.9)

SEASON = {1: 0.9, 2: 0.9, 3: 0.95, 4: 0.95, 5: 1.0, 6: 0.95}
SEASON |= {7: 0.9, 8: 0.95, 9: 1.0, 10: 1.05, 11: 1.15, 12: 1.35}  # December is busy
WEEKDAY = (0.85, 0.9, 1.0, 1.0, 1.2, 1.55, 0.5)  # Monday .. Sunday (koopzondag)
HOUR_WEIGHTS = {9: 1, 10: 2, 11: 3, 12: 3.5, 13: 3.5, 14: 4, 15: 4.5, 16: 4.5, 17: 3}
HOUR_WEIGHTS |= {18: 1.5, 19: 1.5, 20: 1}
OPENING_HOURS = (  # Monday .. Sunday, first and last hour in which something can happen
    (11, 17),
    (9, 17),
    (9, 17),
    (9, 20),  # koopavond
    (9, 17),
    (9, 16),
    (12, 16),
)
NIGHT_HOURS = (22, 23, 0, 1, 2, 3, 4, 5)

AREA_WEIGHT = {"Binnenstad": 2.0}
KIND_WEIGHT = {AreaKind.SHOPPING_AREA: 1.0, AreaKind.BUSINESS_PARK: 0.6}
OWNER_SHOP_SHARE = 0.014  # Bakkerij Jansen: about two reports a month, for the demo owner
TYPE_WEIGHT = {
    "Supermarkt": 3.0,
    "Drogisterij": 2.6,
    "Parfumerie": 2.0,
    "Slijterij": 2.0,
    "Modehuis": 1.6,
    "Sigarenmagazijn": 1.5,
    "Damesmode": 1.4,
    "Herenmode": 1.3,
    "Schoenenzaak": 1.3,
    "Wijnhandel": 1.2,
    "Opticien": 0.8,
    "Lunchroom": 0.5,
    "Bakkerij": 0.5,
    "Banketbakkerij": 0.4,
    "Bloemenzaak": 0.4,
    "Kapsalon": 0.3,
    "Naaimachinehandel": 0.3,
    "Koffiebranderij": 0.5,
    "Vishandel": 0.5,
    "Fotozaak": 0.6,
    "Slagerij": 0.6,
    "Groente en Fruit": 0.6,
    "Dierenspeciaalzaak": 0.6,
    "Reformwinkel": 0.7,
    "Kaashandel": 0.7,
}

# --- what is taken -------------------------------------------------------------------------------

_CLOTHES = (
    ("een jas", 60, 250),
    ("een spijkerbroek", 40, 120),
    ("twee truien", 50, 140),
    ("een sjaal", 15, 50),
    ("een riem", 20, 60),
)
_BAKERY = (("een taart", 15, 35), ("broodjes", 4, 15), ("koeken", 4, 12))
_DRINKS = (
    ("twee flessen wijn", 12, 40),
    ("een fles whisky", 25, 70),
    ("een fles gin", 20, 45),
    ("een fles champagne", 30, 80),
)
_TOOLS = (
    ("gereedschap", 40, 300),
    ("een accuboormachine", 100, 350),
    ("koperen leidingen", 100, 600),
    ("accu's", 60, 250),
)
GOODS = {
    "Supermarkt": (
        ("twee flessen wijn", 9, 30),
        ("een fles whisky", 20, 45),
        ("scheermesjes", 12, 40),
        ("koffiebonen", 8, 25),
        ("vlees uit de koeling", 10, 45),
        ("blikjes energiedrank", 5, 20),
        ("babymelkpoeder", 15, 60),
    ),
    "Drogisterij": (
        ("scheermesjes", 12, 45),
        ("parfum", 25, 95),
        ("make-up", 10, 60),
        ("opzetborstels voor een elektrische tandenborstel", 15, 40),
        ("vitaminepillen", 8, 30),
        ("oordopjes", 20, 80),
    ),
    "Parfumerie": (
        ("parfum", 45, 140),
        ("een testerflacon parfum", 40, 110),
        ("dagcrème", 20, 70),
        ("make-up", 15, 60),
    ),
    "Apotheek": (("vitaminepillen", 8, 30), ("zonnebrandcrème", 10, 30), ("huidcrème", 10, 35)),
    "Slijterij": _DRINKS,
    "Wijnhandel": (_DRINKS[0], _DRINKS[3], ("een fles port", 15, 40)),
    "Modehuis": _CLOTHES,
    "Herenmode": (*_CLOTHES, ("een colbert", 90, 250)),
    "Damesmode": (*_CLOTHES, ("een jurk", 40, 150)),
    "Kinderkleding": (("kinderkleding", 20, 80), ("een winterjas", 40, 110)),
    "Schoenenzaak": (("sportschoenen", 60, 160), ("een paar laarzen", 70, 200)),
    "Lederwaren": (("een portemonnee", 25, 90), ("een handtas", 60, 250), ("een riem", 20, 70)),
    "Juwelier": (
        ("een ring", 80, 600),
        ("een horloge", 120, 900),
        ("oorbellen", 40, 250),
        ("een armband", 60, 400),
    ),
    "Opticien": (("een zonnebril", 60, 220), ("een leesbril", 20, 60)),
    "Boekhandel": (("twee boeken", 25, 60), ("een agenda", 15, 30), ("stripboeken", 15, 45)),
    "Tweewielers": (
        ("een fietsslot", 25, 90),
        ("fietsverlichting", 15, 50),
        ("een fietstas", 30, 90),
        ("een fietshelm", 40, 120),
    ),
    "Speelgoedwinkel": (("een doos Lego", 30, 150), ("een spelletje", 15, 45)),
    "Sigarenmagazijn": (("twee sloffen sigaretten", 80, 180), ("vapes", 20, 60)),
    "Bakkerij": _BAKERY,
    "Banketbakkerij": _BAKERY,
    "Lunchroom": (("de fooienpot", 10, 60), ("broodjes", 4, 15)),
    "Slagerij": (("vlees", 15, 60), ("vleeswaren", 8, 30)),
    "Kaashandel": (("een stuk kaas", 8, 25), ("een hele kaas", 40, 90)),
    "Vishandel": (("gerookte zalm", 10, 35),),
    "Groente en Fruit": (("fruit", 4, 15),),
    "Reformwinkel": (("vitaminepillen", 8, 30), ("noten", 5, 20)),
    "Koffiebranderij": (("koffiebonen", 8, 20), ("een koffiemolen", 30, 90)),
    "IJzerhandel": (("gereedschap", 15, 80), ("een accuboormachine", 80, 200)),
    "Huishoudzaak": (("keukenmessen", 30, 120), ("een pan", 25, 90)),
    "Woonwinkel": (("kaarsen", 10, 40), ("een vaas", 20, 70)),
    "Cadeauwinkel": (("sieraden", 15, 60), ("kaarsen", 10, 40)),
    "Dierenspeciaalzaak": (("dierenvoer", 15, 60), ("een halsband", 10, 35)),
    "Bloemenzaak": (("een boeket", 15, 40), ("planten", 10, 45)),
    "Kapsalon": (("haarproducten", 15, 60),),
    "Fotozaak": (("een geheugenkaart", 15, 60), ("een cameralens", 200, 700)),
    "Naaimachinehandel": (("garen en stoffen", 10, 40), ("een schaar", 20, 60)),
}
GENERIC_GOODS = (
    ("oordopjes", 25, 180),
    ("een telefoonhoesje", 10, 30),
    ("een powerbank", 20, 60),
    ("parfum", 30, 90),
    ("een jas", 60, 200),
)
SHOP_TYPES = sorted(RETAIL_TYPES + BUSINESS_TYPES, key=len, reverse=True)

# --- what happened -------------------------------------------------------------------------------

SHOPLIFTING = (
    "{wie} stak {goods} in {zijn} {bergplaats} en liep zonder te betalen naar buiten.",
    "{wie} pakte {goods} en stopte alles in een meegebrachte tas.",
    "{wie} rekende één klein artikel af, maar had {goods} nog in {zijn} {bergplaats}.",
    "Op de camerabeelden is te zien hoe {wie_l} {goods} meeneemt en zonder te betalen vertrekt.",
    "Twee personen: één leidde de medewerker af met vragen, de ander nam {goods} mee.",
    "{wie} liep met {goods} onder {zijn} jas naar de uitgang en werd door een collega gezien.",
)
# Only where goods carry security tags.
LABEL = "{wie} haalde het beveiligingslabel van {goods} en liep daarna de winkel uit."
UNTAGGED_SHOPS = frozenset(
    {"Bakkerij", "Banketbakkerij", "Lunchroom", "Slagerij", "Kaashandel", "Vishandel"}
    | {"Groente en Fruit", "Koffiebranderij", "Bloemenzaak"}
)
ATTEMPTED = (
    "{wie} probeerde {goods} mee te nemen, maar werd bij de uitgang aangesproken.",
    "{wie} had {goods} in {zijn} {bergplaats} gestopt. Na aanspreken bij de kassa teruggelegd.",
    "Het poortje ging af toen {wie_l} met {goods} naar buiten wilde; {hij} liet alles vallen.",
)
CAUGHT = (
    "Bij de deur aangesproken en vastgehouden tot de politie er was.",
    "Door een medewerker staande gehouden; de spullen zijn teruggegeven.",
    "Aangehouden door de bedrijfsleider; de politie kwam binnen een kwartier.",
)
CAUGHT_NO_POLICE = ("Aangesproken bij de uitgang; gaf de spullen terug en liep weg.",)
ESCAPED = (
    "Ervandoor gegaan richting {richting}.",
    "Pas achteraf op de camerabeelden gezien.",
    "Weggerend voordat iemand iets kon doen.",
    "Op de fiets weggereden richting {richting}.",
)
DIRECTIONS = (
    "de Brink",
    "het station",
    "de Wilhelminabrug",
    "de Keizerstraat",
    "het Lamme van Dieseplein",
    "de Welle",
    "de parkeergarage",
)
NUISANCE = (
    "Groep jongeren hing bij de ingang rond en hinderde klanten. Na aanspreken werd er gescholden.",
    "{wie} viel klanten lastig met vragen om geld en weigerde de winkel te verlaten.",
    "{wie} was luidruchtig en hinderlijk aanwezig en reageerde niet op verzoeken om te vertrekken.",
    "Jongeren gooiden herhaaldelijk met de deur en riepen naar het personeel.",
    "{wie} bleef na sluitingstijd voor de deur staan en bonkte op de ruit.",
)
AGGRESSION = (
    "Medewerker werd uitgescholden en bedreigd na het aanspreken van {wie_l} op diefstal.",
    "{wie} gooide een mandje naar de kassamedewerker, die geen alcohol wilde verkopen.",
    "{wie} duwde een medewerker opzij bij de uitgang en dreigde terug te komen.",
    "Na aanspreken op {zijn} gedrag dreigde {wie_l} het personeel iets aan te doen.",
)
VANDALISM = (
    ("De ruit van de winkeldeur is 's nachts ingegooid.", 250, 1500),
    ("Het reclamebord voor de winkel is vernield.", 80, 400),
    ("Er is graffiti op de gevel gespoten.", 150, 800),
    ("Het fietsenrek voor de winkel is uit de grond getrokken.", 100, 500),
    ("Het zonnescherm is kapotgesneden.", 200, 900),
    ("De etalageruit is bekrast.", 150, 700),
)
BAN_VIOLATION = (
    "{wie} met een collectief winkelverbod (rode kaart) herkend in de winkel; geweigerd.",
    "Persoon uit de galerij herkend bij de ingang; {hij} weigerde weg te gaan tot de politie kwam.",
    "{wie} met een lopend winkelverbod is toch binnengekomen en door een medewerker herkend.",
)
OTHER = (
    "Klant probeerde te betalen met een vals biljet van 50 euro.",
    "Verdachte situatie: twee personen bekeken langdurig de camera's en de kassa.",
    "Poging tot oplichting bij de kassa met de wisseltruc.",
    "Een pakket is bij de achterdeur weggenomen.",
    "Onbekende probeerde na sluitingstijd de achterdeur te openen.",
)

# --- who did it (no sensitive categories: build, hair, glasses, clothes) -----------------------

BUILD = ("lang", "klein", "gemiddelde lengte", "ongeveer 1,80 m", "ongeveer 1,65 m")
FIGURE = ("slank", "fors postuur", "tenger", "stevig postuur")
HAIR = (
    "kort donker haar",
    "blond haar in een staart",
    "kaalgeschoren",
    "grijs haar",
    "rood krullend haar",
    "lang bruin haar",
    "donker haar onder een pet",
)
EXTRAS = ("bril", "tatoeage op de rechterhand", "piercing in de wenkbrauw", "oortjes in")
BEARDS = ("baard", "snor", "stoppelbaard")
COLOURS = ("zwarte", "grijze", "blauwe", "donkerblauwe", "groene", "rode", "beige", "witte")
TOPS = ("jas", "hoodie", "parka", "bodywarmer", "regenjas", "trainingsjas")
BOTTOMS = ("spijkerbroek", "trainingsbroek", "joggingbroek", "broek")
THINGS = ("muts", "pet", "rugzak", "sporttas", "boodschappentas")
INITIALS = "ABCDEGHIJKLMNPRSTW"
HIDING_PLACES = ("tas", "jas", "rugzak", "binnenzak", "boodschappentas")

# --- the officer's side --------------------------------------------------------------------------

CONTACT_NOTES = {
    ContactKind.PHONE: (
        "Eigenaar gebeld en de melding doorgenomen.",
        "Telefonisch contact met de bedrijfsleider; beelden worden nagestuurd.",
        "Gebeld; de winkel heeft de persoon eerder gezien.",
        "Telefonisch besproken en het doen van aangifte toegelicht.",
    ),
    ContactKind.VISIT: (
        "Langs geweest in de winkel en de camerabeelden bekeken.",
        "Winkel bezocht tijdens de surveillance.",
        "Bezoek aan de winkel; de medewerker heeft de situatie toegelicht.",
    ),
    ContactKind.EMAIL: (
        "Per e-mail om de camerabeelden gevraagd.",
        "Per e-mail bevestigd dat de melding in behandeling is.",
    ),
}
FOLLOW_UP_NOTES = (
    "Uitkomst van de zaak teruggekoppeld aan de winkel.",
    "Winkel geïnformeerd over de afhandeling.",
    "Teruggebeld: de zaak wordt afgesloten.",
)
PUBLIC_NOTES = {
    Status.IN_REVIEW: ("", "", "De wijkagent bekijkt uw melding."),
    Status.AWAITING_POLICE: ("De aangifte is in behandeling bij de politie.",),
    Status.NO_ACTION: (
        "Geen verdere actie: de persoon is niet bekend.",
        "Geen verdere actie: de beelden zijn niet duidelijk genoeg.",
        "Afgehandeld met de winkel; geen maatregel nodig.",
    ),
    Status.CLOSED: ("", "Zaak afgerond. Dank voor uw melding.", "Afgerond."),
}
CONTACTED_NOTES = {
    ContactKind.PHONE: "Telefonisch contact gehad met de winkel.",
    ContactKind.VISIT: "De wijkagent is langs geweest in de winkel.",
    ContactKind.EMAIL: "Per e-mail contact opgenomen met de winkel.",
}
BAN_EXTENSION_NOTE = "Voorstel: verlenging van het winkelverbod."
MEASURE_NOTES = (
    "Voorstel: collectieve waarschuwing (gele kaart).",
    "Voorstel: collectief winkelverbod (rode kaart).",
)
OFFENCES = (K.SHOPLIFTING, K.ATTEMPTED_SHOPLIFTING, K.AGGRESSION, K.BAN_VIOLATION)
PHOTO_KINDS = (K.SHOPLIFTING, K.ATTEMPTED_SHOPLIFTING, K.AGGRESSION, K.BAN_VIOLATION, K.VANDALISM)
CAMERAS = ("INGANG", "KASSA", "PAD 2", "PAD 3", "ACHTERDEUR", "ETALAGE")


@dataclass
class Plan:
    """One incident before it is saved: the row, its history, contacts and number of photos."""

    incident: Incident
    created_at: datetime
    steps: list = field(default_factory=list)  # (to_status, at, actor, public note)
    contacts: list = field(default_factory=list)  # (kind, at, note)
    photos: int = 0


def demo_key(partnership, index) -> uuid.UUID:
    """The submission key of the demo incident number ``index``: the same on every run."""
    return uuid.uuid5(KEY_NAMESPACE, f"{partnership.slug}:{index}")


def has_demo_incidents(partnership) -> bool:
    keys = [demo_key(partnership, index) for index in range(20)]
    return Incident.objects.filter(partnership=partnership, submission_key__in=keys).exists()


def seed_incidents(partnership, *, now=None, rng_seed=DEMO_SEED) -> dict:
    """Create the demo incidents of ``partnership`` (see the module docstring); returns counts of
    what was created and ``skipped`` when the partnership already had them."""
    counts = {"incidents": 0, "photos": 0, "status_changes": 0, "contacts": 0, "skipped": True}
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


# --- generation ----------------------------------------------------------------------------------


class _World:
    """What the generator needs from the database, read once."""

    def __init__(self, partnership, now):
        self.partnership = partnership
        self.now = now
        self.tz = timezone.get_default_timezone()
        self.shops = list(
            Shop.objects.in_partnership(partnership)
            .filter(active=True)
            .select_related("area")
            .order_by("area__name", "name", "pk")
        )
        if not self.shops:
            raise ValueError(f"{partnership} has no shops to report incidents.")
        users = {user.email: user for user in User.objects.filter(email__in=_emails())}
        officer_email = next(row[0] for row in DEMO_USERS if row[2] == Role.OFFICER)
        self.officer = users.get(officer_email)
        self.shop_reporters = [users[row[0]] for row in DEMO_USERS if row[4] and row[0] in users]
        self.owner_shop = next(
            (shop for shop in self.shops if shop.name == OWNER_SHOP[0] and self.shop_reporters),
            None,
        )


def _emails():
    return [row[0] for row in DEMO_USERS]


def _generate(rng, world):
    today = timezone.localdate(world.now)
    month = today.year * 12 + today.month - 1 - (MONTHS - 1)
    start = date(month // 12, month % 12 + 1, 1)
    days = (today - start).days + 1
    pick_shop = _shop_picker(rng, world)
    for offset in range(days):
        day = start + timedelta(days=offset)
        progress = offset / (days - 1)
        factor = SEASON[day.month] * WEEKDAY[day.weekday()] / DAYS_PER_MONTH
        for kind, (first, last) in MONTHLY_RATES.items():
            for _ in range(_poisson(rng, (first + (last - first) * progress) * factor)):
                occurred = _occurred_at(rng, world, day, kind)
                shop = pick_shop(occurred.date())
                plan = _plan(rng, world, kind, shop, occurred, progress)
                if plan is not None:
                    yield plan


def _poisson(rng, expected):
    """Knuth's method: fine for the handful of events a day this needs."""
    limit, count, product = math.exp(-expected), 0, rng.random()
    while product > limit:
        count += 1
        product *= rng.random()
    return count


def _occurred_at(rng, world, day, kind):
    if kind == K.VANDALISM:
        hour = rng.choice(NIGHT_HOURS)
    else:
        first, last = OPENING_HOURS[day.weekday()]
        hours = range(first, last + 1)
        hour = rng.choices(hours, weights=[HOUR_WEIGHTS[h] for h in hours])[0]
    moment = time(hour, rng.randrange(60), rng.randrange(60))
    return datetime.combine(day, moment, tzinfo=world.tz)


def _shop_type(name):
    return next((kind for kind in SHOP_TYPES if name.startswith(kind + " ")), "")


def _shop_picker(rng, world):
    """A function that draws a shop that already took part on a date, Binnenstad most often."""
    weights = []
    for shop in world.shops:
        weight = AREA_WEIGHT.get(shop.area.name, 1.0) * KIND_WEIGHT.get(shop.area.kind, 1.0)
        weight *= TYPE_WEIGHT.get(_shop_type(shop.name), 1.0) * rng.lognormvariate(0, 0.35)
        weights.append(weight)
    if world.owner_shop is not None:
        index = world.shops.index(world.owner_shop)
        others = sum(weights) - weights[index]
        weights[index] = others * OWNER_SHOP_SHARE / (1 - OWNER_SHOP_SHARE)
    cumulative, total = [], 0.0
    for weight in weights:
        total += weight
        cumulative.append(total)

    def pick(on):
        for _ in range(20):
            shop = rng.choices(world.shops, cum_weights=cumulative)[0]
            if shop.participating_since <= on:
                break
        return shop

    return pick


def _money(rng, low, high):
    cents = rng.choice(("95", "99", "50", "00", "49"))
    return Decimal(f"{rng.randint(low, high)}.{cents}")


def _sentence(text):
    return text[:1].upper() + text[1:]


@dataclass
class _Person:
    noun: str  # "een man"
    zijn: str
    hij: str
    age: int
    description: str
    clothing: str
    name: str
    birth_date: date | None


def _person(rng, occurred, *, named):
    band = rng.choices(((12, 17), (18, 29), (30, 49), (50, 75)), weights=(12, 35, 38, 15))[0]
    age = rng.randint(*band)
    female = rng.random() < 0.3
    if age < 18:
        noun = "een meisje" if female else "een jongen"
    else:
        noun = "een vrouw" if female else "een man"
    parts = [rng.choice(BUILD), rng.choice(FIGURE), rng.choice(HAIR)]
    if not female and age >= 18 and rng.random() < 0.3:
        parts.append(rng.choice(BEARDS))
    if rng.random() < 0.35:
        parts.append(rng.choice(EXTRAS))
    clothing = [f"{rng.choice(COLOURS)} {rng.choice(TOPS)}"]
    if rng.random() < 0.6:
        clothing.append(f"{rng.choice(COLOURS)} {rng.choice(BOTTOMS)}")
    if rng.random() < 0.5:
        clothing.append(f"{rng.choice(COLOURS)} {rng.choice(THINGS)}")
    name, birth_date = "", None
    if rng.random() < named:
        name = f"{rng.choice(INITIALS)}. {rng.choice(FAMILY_NAMES)}"
        if rng.random() < 0.6:
            birth_date = occurred.date() - timedelta(days=age * 365 + rng.randrange(365))
    return _Person(
        noun=noun,
        zijn="haar" if female else "zijn",
        hij="zij" if female else "hij",
        age=age,
        description=_sentence(", ".join(parts)) + ".",
        clothing=_sentence(", ".join(clothing)),
        name=name,
        birth_date=birth_date,
    )


def _plan(rng, world, kind, shop, occurred, progress):
    now = world.now
    created = _reported_at(rng, world, kind, occurred)
    if occurred > now - timedelta(minutes=30):
        return None
    created = min(created, now - timedelta(minutes=rng.randint(1, 20)))

    caught = rng.random() < {
        K.SHOPLIFTING: 0.40,
        K.ATTEMPTED_SHOPLIFTING: 0.75,
        K.AGGRESSION: 0.2,
        K.BAN_VIOLATION: 0.6,
    }.get(kind, 0.05)
    named = {K.BAN_VIOLATION: 0.75}.get(kind, 0.45 if caught else 0.04)
    person = _person(rng, occurred, named=named)
    shop_type = _shop_type(shop.name)
    catalogue = _TOOLS if shop_type in BUSINESS_TYPES else GOODS.get(shop_type, GENERIC_GOODS)
    goods, low, high = rng.choice(catalogue)
    words = {
        "wie": _sentence(person.noun),
        "wie_l": person.noun,
        "zijn": person.zijn,
        "hij": person.hij,
        "goods": goods,
        "bergplaats": rng.choice(HIDING_PLACES),
        "richting": rng.choice(DIRECTIONS),
    }
    police_called = rng.random() < (
        0.65 if caught else {K.AGGRESSION: 0.7, K.BAN_VIOLATION: 0.8}.get(kind, 0.1)
    )
    value, recovered, seen = None, False, True
    if kind in (K.SHOPLIFTING, K.ATTEMPTED_SHOPLIFTING):
        stories = ATTEMPTED
        if kind == K.SHOPLIFTING:
            stories = SHOPLIFTING if shop_type in UNTAGGED_SHOPS else (*SHOPLIFTING, LABEL)
        story = rng.choice(stories)
        if kind == K.SHOPLIFTING:
            if caught:
                story += " " + rng.choice(CAUGHT if police_called else CAUGHT_NO_POLICE)
            else:
                story += " " + rng.choice(ESCAPED)
        value = _money(rng, low, high)
        recovered = kind == K.ATTEMPTED_SHOPLIFTING or (caught and rng.random() < 0.85)
    elif kind == K.VANDALISM:
        story, low, high = rng.choice(VANDALISM)
        value, seen = _money(rng, low, high), rng.random() < 0.3
    else:
        story = rng.choice(
            {K.NUISANCE: NUISANCE, K.AGGRESSION: AGGRESSION, K.BAN_VIOLATION: BAN_VIOLATION}.get(
                kind, OTHER
            )
        )
        seen = kind != K.OTHER or rng.random() < 0.5
    description = _sentence(story.format(**words))

    share = POLICE_REPORT_SHARE[0] + (POLICE_REPORT_SHARE[1] - POLICE_REPORT_SHARE[0]) * progress
    share += 0.08 if caught else -0.053  # caught in the act: more often reported
    recent = now - created < RECENT
    if rng.random() < share:
        police_report = PoliceReport.YES
    elif rng.random() < (0.6 if recent else 0.35):
        police_report = PoliceReport.WILL_DO
    else:
        police_report = PoliceReport.NO
    number = ""
    if police_report == PoliceReport.YES and rng.random() < 0.75:
        number = f"PL0600-{occurred.year}{rng.randint(100000, 999999)}"

    reporter = None
    if shop == world.owner_shop:
        reporter = rng.choice(world.shop_reporters)
    incident = Incident(
        partnership=world.partnership,
        shop=shop,
        area=shop.area,
        reporter=reporter,
        kind=kind,
        occurred_at=occurred,
        description=description,
        goods_value=value,
        goods_recovered=recovered,
        caught_in_act=caught,
        police_called=police_called,
        police_report=police_report,
        police_report_number=number,
        person_description=person.description if seen else "",
        person_age=person.age if seen and rng.random() < 0.8 else None,
        person_clothing=person.clothing if seen else "",
        person_name=person.name if seen else "",
        person_birth_date=person.birth_date if seen else None,
        witness=f"{rng.choice(INITIALS)}. {rng.choice(FAMILY_NAMES)} (collega)"
        if rng.random() < 0.15
        else "",
    )
    plan = Plan(incident=incident, created_at=created)
    _history(rng, world, plan, progress, recent=recent, named=bool(incident.person_name))
    return plan


def _reported_at(rng, world, kind, occurred):
    local = occurred.astimezone(world.tz)
    if kind == K.VANDALISM:  # found when the shop opens
        day = local.date() if local.hour < 6 else local.date() + timedelta(days=1)
        return _at(world, day, 8 * 60 + rng.randint(15, 150))
    chance = rng.random()
    if chance < 0.55:
        return occurred + timedelta(minutes=rng.randint(5, 60))
    if chance < 0.85:
        return occurred + timedelta(minutes=rng.randint(60, 360))
    return _at(world, local.date() + timedelta(days=1), 9 * 60 + rng.randint(0, 150))


def _at(world, day, minutes):
    return datetime.combine(day, time(minutes // 60, minutes % 60), tzinfo=world.tz)


def _next_working_day(day):
    day += timedelta(days=1)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def _first_contact(rng, world, created, progress):
    """The officer's first contact: 1-3 working days at the start, within a day at the end."""
    first, last = FIRST_CONTACT_DAYS
    mean = first + (last - first) * progress
    days = rng.triangular(0.35 * mean, 1.6 * mean, mean)
    whole, fraction = int(days), days - int(days)
    day = created.astimezone(world.tz).date()
    if day.weekday() >= 5:
        day = _next_working_day(day)
    for _ in range(whole):
        day = _next_working_day(day)
    moment = _at(world, day, 9 * 60 + int(fraction * 8 * 60) + rng.randrange(30))
    if moment <= created + timedelta(minutes=15):
        moment = created + timedelta(minutes=rng.randint(20, 90))
        local = moment.astimezone(world.tz)
        if local.hour >= 18 or local.hour < 8 or local.weekday() >= 5:
            moment = _at(world, _next_working_day(local.date()), 9 * 60 + rng.randrange(120))
    return moment


def _office_time(rng, world, after, *, working_days):
    """A moment during office hours (9-17, Monday to Friday) ``working_days`` after ``after``."""
    day = after.astimezone(world.tz).date()
    if day.weekday() >= 5:
        day = _next_working_day(day)
    for _ in range(working_days):
        day = _next_working_day(day)
    moment = _at(world, day, 9 * 60 + rng.randrange(8 * 60))
    if moment <= after:
        moment = after + timedelta(minutes=rng.randint(5, 60))
    return moment


def _history(rng, world, plan, progress, *, recent, named):
    """The case's status changes and contacts; recent cases stop early, older ones are closed."""
    now, created, officer = world.now, plan.created_at, world.officer
    kind = plan.incident.kind
    contact = _first_contact(rng, world, created, progress)
    how = rng.choices(list(CONTACT_NOTES), weights=(6, 3, 1))[0]
    steps = []
    if rng.random() < 0.65:
        # The officer opens the case shortly before getting in touch.
        review = contact - timedelta(minutes=rng.randint(5, 120))
        if review <= created:
            review = created + (contact - created) / 2
        steps.append((Status.IN_REVIEW, review))
    steps.append((Status.CONTACTED, contact))
    contacts = [(how, contact)]

    decided = _office_time(rng, world, contact, working_days=rng.randint(0, 4))
    police = plan.incident.police_report == PoliceReport.YES
    if kind in OFFENCES and named and rng.random() < 0.65:
        if police and rng.random() < 0.3:
            steps.append((Status.AWAITING_POLICE, decided))
            decided = _office_time(rng, world, decided, working_days=rng.randint(4, 18))
        steps.append((Status.MEASURE_PROPOSED, decided))
        closed = _office_time(rng, world, decided, working_days=rng.randint(1, 8))
    elif police and rng.random() < 0.35:
        steps.append((Status.AWAITING_POLICE, decided))
        closed = _office_time(rng, world, decided, working_days=rng.randint(4, 25))
    else:
        steps.append((Status.NO_ACTION, decided))
        closed = decided + timedelta(minutes=rng.randint(1, 30))
    steps.append((Status.CLOSED, closed))
    if rng.random() < 0.25:
        contacts.append((rng.choice((ContactKind.PHONE, ContactKind.EMAIL)), closed))

    if recent:
        # The open queue: reported, in review or contacted, whatever the officer got to so far.
        stage = rng.choices((Status.REPORTED, Status.IN_REVIEW, Status.CONTACTED), (2, 2.5, 5.5))[0]
        if stage == Status.REPORTED:
            steps = []
        elif stage == Status.IN_REVIEW:
            steps = [(Status.IN_REVIEW, created + (contact - created) * rng.uniform(0.2, 0.8))]
        else:
            steps = steps[: 1 + [status for status, _ in steps].index(Status.CONTACTED)]
        steps = [(status, at) for status, at in steps if at <= now]
        if Status.CONTACTED not in [status for status, _ in steps]:
            contacts = []
        contacts = contacts[:1]
    elif closed > now - timedelta(hours=1):
        # Squeeze what came after the first contact into the time there was.
        stretch = ((now - timedelta(hours=1)) - contact) / (closed - contact)

        def squeeze(at):
            return at if at <= contact else contact + (at - contact) * stretch

        steps = [(status, squeeze(at)) for status, at in steps]
        contacts = [(way, squeeze(at)) for way, at in contacts]

    previous = Status.REPORTED
    plan.steps = [(Status.REPORTED, created, plan.incident.reporter, "")]
    for status, at in steps:
        if not can_move(previous, status):
            raise ValueError(f"demo history breaks the workflow: {previous} → {status}")
        if status == Status.CONTACTED:
            note = rng.choice(("", CONTACTED_NOTES[how]))
        elif status == Status.MEASURE_PROPOSED:
            note = BAN_EXTENSION_NOTE if kind == K.BAN_VIOLATION else rng.choice(MEASURE_NOTES)
        else:
            note = rng.choice(PUBLIC_NOTES.get(status, ("",)))
        plan.steps.append((status, at, officer, note))
        previous = status
    plan.contacts = [
        (way, at, rng.choice(CONTACT_NOTES[way] if index == 0 else FOLLOW_UP_NOTES))
        for index, (way, at) in enumerate(contacts)
    ]
    incident = plan.incident
    incident.status = previous
    incident.assigned_to = officer if previous != Status.REPORTED else None
    incident.first_contact_at = plan.contacts[0][1] if plan.contacts else None
    incident.closed_at = plan.steps[-1][1] if previous == Status.CLOSED else None
    incident.updated_at = plan.steps[-1][1]


def _choose_photos(rng, plans, now):
    """About PHOTO_INCIDENTS incidents get one or two stills: only cases the retention job keeps
    (open, closed less than a year ago, or with a measure proposed)."""
    keep_after = now - RETENTION_AFTER_CLOSING + timedelta(days=60)
    candidates = [
        plan
        for plan in plans
        if plan.incident.kind in PHOTO_KINDS
        and plan.incident.person_description
        and (
            plan.incident.closed_at is None
            or plan.incident.closed_at > keep_after
            or any(step[0] == Status.MEASURE_PROPOSED for step in plan.steps)
        )
    ]
    for plan in rng.sample(candidates, min(PHOTO_INCIDENTS, len(candidates))):
        plan.photos = 1 if rng.random() < 0.65 else 2


# --- saving --------------------------------------------------------------------------------------


def _save(plans, world, stored):
    """bulk_create everything, then put back the times that auto_now_add overwrote."""
    incidents = [plan.incident for plan in plans]
    Incident.objects.bulk_create(incidents, batch_size=BATCH)
    for plan in plans:
        plan.incident.created_at = plan.created_at
        plan.incident.updated_at = plan.steps[-1][1]
    _restore_times(Incident, incidents, ["created_at", "updated_at"])

    changes, change_times = [], []
    contacts, contact_times = [], []
    for plan in plans:
        previous = ""
        for status, at, actor, note in plan.steps:
            changes.append(
                StatusChange(
                    incident=plan.incident,
                    from_status=previous,
                    to_status=status,
                    actor=actor,
                    public_note=note,
                )
            )
            change_times.append(at)
            previous = status
        for how, at, note in plan.contacts:
            contacts.append(
                ContactMoment(
                    incident=plan.incident,
                    kind=how,
                    contacted_at=at,
                    note=note,
                    actor=world.officer,
                )
            )
            contact_times.append(min(at + timedelta(minutes=5), world.now))
    _create_with_times(StatusChange, changes, change_times)
    _create_with_times(ContactMoment, contacts, contact_times)

    photos, photo_times = [], []
    for plan in plans:
        for number in range(plan.photos):
            incident = plan.incident
            still = cctv_still(
                random.Random(f"{incident.submission_key}:{number}"),  # noqa: S311
                when=incident.occurred_at + timedelta(seconds=7 * number),
                camera=number + 1,
            )
            processed = process_upload(still)
            original, thumbnail = store_image(default_storage, processed, "incidents", stored)
            photos.append(
                IncidentPhoto(
                    incident=incident,
                    original=original,
                    thumbnail=thumbnail,
                    width=processed.width,
                    height=processed.height,
                )
            )
            photo_times.append(plan.created_at)
    _create_with_times(IncidentPhoto, photos, photo_times)
    return {
        "incidents": len(incidents),
        "photos": len(photos),
        "status_changes": len(changes),
        "contacts": len(contacts),
        "skipped": False,
    }


def _create_with_times(model, rows, times):
    model.objects.bulk_create(rows, batch_size=BATCH)
    for row, at in zip(rows, times, strict=True):
        row.created_at = at
    _restore_times(model, rows, ["created_at"])


def _restore_times(model, rows, names):
    """Write back the time stamps that auto_now_add/auto_now overwrote in bulk_create.

    What ``bulk_update(rows, names)`` does, as one prepared UPDATE executed per row: bulk_update
    builds a CASE expression per batch and took a third of the whole seeding time.
    """
    connection = connections[router.db_for_write(model)]
    quote = connection.ops.quote_name
    fields = [model._meta.get_field(name) for name in names]
    assignments = ", ".join(f"{quote(field.column)} = %s" for field in fields)
    table, pk = quote(model._meta.db_table), quote(model._meta.pk.column)
    # Only quoted identifiers from the model's own metadata go into the text; values are params.
    sql = f"UPDATE {table} SET {assignments} WHERE {pk} = %s"  # noqa: S608
    params = [
        [field.get_db_prep_save(getattr(row, field.attname), connection) for field in fields]
        + [row.pk]
        for row in rows
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)


# --- pictures ------------------------------------------------------------------------------------


def cctv_still(rng, *, when, camera=1, width=640, height=480) -> bytes:
    """A grainy grey CCTV frame: shelves, a floor, one or two faceless silhouettes, a time stamp.
    Shapes only, so no real person can ever be in a demo photo."""
    wall = rng.randint(95, 130)
    image = Image.new("L", (width, height), wall)
    draw = ImageDraw.Draw(image)
    horizon = int(height * rng.uniform(0.45, 0.55))
    draw.rectangle([0, horizon, width, height], fill=wall + rng.randint(15, 35))
    for side in (-1, 1):  # shelves along both sides, in perspective
        outer = 0 if side < 0 else width
        inner = int(width * (0.3 if side < 0 else 0.7))
        draw.polygon(
            [(outer, 30), (inner, horizon - 120), (inner, horizon + 10), (outer, height)],
            fill=wall - rng.randint(30, 50),
        )
        for level in range(1, 6):
            y_outer = 30 + (height - 30) * level // 6
            y_inner = horizon - 120 + 130 * level // 6
            draw.line([(outer, y_outer), (inner, y_inner)], fill=wall + 40, width=3)
            for _ in range(6):  # products
                t = rng.uniform(0.05, 0.9)
                x = outer + (inner - outer) * t
                y = y_outer + (y_inner - y_outer) * t
                size = 22 * (1 - t) + 6
                shade = rng.randint(50, 200)
                draw.rectangle([x - size / 2, y - size * 1.4, x + size / 2, y - 2], fill=shade)
    for _ in range(rng.choice((1, 1, 2))):  # faceless silhouettes
        scale = rng.uniform(0.7, 1.1)
        cx = rng.randint(int(width * 0.35), int(width * 0.65))
        feet = int(horizon + (height - horizon) * rng.uniform(0.5, 0.95))
        tall = int(height * 0.55 * scale)
        head = int(tall * 0.13)
        shoulders = feet - tall + head * 2
        body = rng.randint(25, 60)
        draw.ellipse([cx - head // 2, feet - tall, cx + head // 2, feet - tall + head], fill=body)
        draw.rounded_rectangle(
            [cx - head, shoulders - head // 2, cx + head, feet - tall // 2 + head], 12, fill=body
        )
        draw.rectangle([cx - head + 4, feet - tall // 2 + head, cx - 3, feet], fill=body + 10)
        draw.rectangle([cx + 3, feet - tall // 2 + head, cx + head - 4, feet], fill=body + 10)
    grain = Image.frombytes("L", (width, height), rng.randbytes(width * height))
    image = Image.blend(image, grain, 0.12).filter(ImageFilter.GaussianBlur(0.9))
    frame = Image.merge("RGB", (image, image.point(lambda v: min(255, v + 6)), image))
    draw = ImageDraw.Draw(frame)
    draw.rectangle([0, 0, width, 26], fill=(0, 0, 0))
    local = timezone.localtime(when)
    font = ImageFont.load_default(size=15)
    draw.text((8, 5), f"CAM {camera:02d} {rng.choice(CAMERAS)}", fill=(255, 255, 255), font=font)
    stamp = f"{local:%d-%m-%Y %H:%M:%S}"
    draw.text((width - 8, 5), stamp, fill=(255, 255, 255), font=font, anchor="ra")
    draw.ellipse([width - 200, 8, width - 190, 18], fill=(200, 0, 0))  # "recording"
    buffer = io.BytesIO()
    frame.save(buffer, "JPEG", quality=80)
    return buffer.getvalue()
