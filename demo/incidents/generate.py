"""The generator of the demo incidents: what it reads from the database once (``_World``), the
days and moments incidents happen on, the shop each happens in, and each incident as a ``Plan``:
the row with its story, offender, goods and police report, and (``demo.incidents.history``) its
case history.
"""

import math
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone

from demo.incidents.history import _at, _history
from demo.incidents.rates import (
    AREA_WEIGHT,
    DAYS_PER_MONTH,
    HOUR_WEIGHTS,
    KIND_WEIGHT,
    MONTHLY_RATES,
    MONTHS,
    NIGHT_HOURS,
    OPENING_HOURS,
    OWNER_SHOP_SHARE,
    POLICE_REPORT_SHARE,
    RECENT,
    SEASON,
    TYPE_WEIGHT,
    WEEKDAY,
    K,
)
from demo.incidents.texts import (
    _TOOLS,
    AGGRESSION,
    ATTEMPTED,
    BAN_VIOLATION,
    BEARDS,
    BOTTOMS,
    BUILD,
    CAUGHT,
    CAUGHT_NO_POLICE,
    COLOURS,
    DIRECTIONS,
    ESCAPED,
    EXTRAS,
    FIGURE,
    GENERIC_GOODS,
    GOODS,
    HAIR,
    HIDING_PLACES,
    INITIALS,
    LABEL,
    NUISANCE,
    OTHER,
    SHOP_TYPES,
    SHOPLIFTING,
    THINGS,
    TOPS,
    UNTAGGED_SHOPS,
    VANDALISM,
)
from demo.merchants import BUSINESS_TYPES, DEMO_USERS, FAMILY_NAMES, OWNER_SHOP
from incidents.models import Incident, PoliceReport
from merchants.models import Shop, User
from merchants.roles import Role


@dataclass
class Plan:
    """One incident before it is saved: the row, its history, contacts and number of photos."""

    incident: Incident
    created_at: datetime
    steps: list = field(default_factory=list)  # (to_status, at, actor, public note)
    contacts: list = field(default_factory=list)  # (kind, at, note)
    photos: int = 0


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
