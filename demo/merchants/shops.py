"""The demo shops: the kinds of shop and business, the family and trading names they are named
after, the demo owner's shop, and ``generate_shops``, which draws all 320 of them from a seeded
generator, the same on every run.
"""

import random
from dataclasses import dataclass
from datetime import date, timedelta

from demo.merchants.areas import AREAS, B

DEMO_SHOP_COUNT = 320

RETAIL_TYPES = (
    "Bakkerij",
    "Banketbakkerij",
    "Slagerij",
    "Drogisterij",
    "Boekhandel",
    "Juwelier",
    "Opticien",
    "Schoenenzaak",
    "Kapsalon",
    "Bloemenzaak",
    "Tweewielers",
    "Kaashandel",
    "Groente en Fruit",
    "Modehuis",
    "Herenmode",
    "Damesmode",
    "Speelgoedwinkel",
    "Sigarenmagazijn",
    "Wijnhandel",
    "Slijterij",
    "Vishandel",
    "IJzerhandel",
    "Huishoudzaak",
    "Parfumerie",
    "Lunchroom",
    "Koffiebranderij",
    "Reformwinkel",
    "Dierenspeciaalzaak",
    "Fotozaak",
    "Kinderkleding",
    "Woonwinkel",
    "Cadeauwinkel",
    "Apotheek",
    "Supermarkt",
    "Lederwaren",
    "Naaimachinehandel",
)
BUSINESS_TYPES = (
    "Autobedrijf",
    "Bouwmaterialen",
    "Installatiebedrijf",
    "Groothandel",
    "Transportbedrijf",
    "Tegelhandel",
    "Keukencentrum",
    "Sanitairhandel",
    "Drukkerij",
    "Metaalbewerking",
    "Houthandel",
    "Bandenservice",
    "Verhuurbedrijf",
)
FAMILY_NAMES = (
    "Jansen",
    "de Vries",
    "Bakker",
    "Visser",
    "Smit",
    "Meijer",
    "Mulder",
    "de Boer",
    "Bos",
    "Bosman",
    "Kolkman",
    "Wolters",
    "Hofman",
    "Brinkman",
    "Kamphuis",
    "Nijhof",
    "Nijenhuis",
    "Wessels",
    "ter Horst",
    "Oosterhof",
    "Kuipers",
    "Hendriks",
    "van Dam",
    "Koster",
    "Lubbers",
    "Bruggink",
    "Wolterink",
    "Huisman",
    "Scholten",
    "Stegeman",
    "Hulshof",
    "Rouwenhorst",
    "Haverkamp",
    "Veldhuis",
    "Eshuis",
    "Timmerman",
    "Lammers",
    "Schuurman",
    "Pot",
    "Groot Wassink",
    "ten Hove",
    "Beltman",
    "Harbers",
    "Reinders",
    "Dekker",
    "Kok",
    "Vos",
    "Prins",
)
TRADING_NAMES = (
    "De Waag",
    "Het Pakhuis",
    "De Gouden Leeuw",
    "'t Hanzehuys",
    "De Drie Haringen",
    "Het Bergkwartier",
    "De Boterwaag",
    "De IJsselkade",
    "'t Proeflokaal",
    "De Zandpoort",
    "Het Lebuinus",
    "De Wilhelminabrug",
)

# The shop the demo owner and staff member work in: the first Binnenstad shop.
OWNER_SHOP = ("Bakkerij Jansen", "Brink", 12)


@dataclass
class ShopRow:
    name: str
    address: str
    postcode: str
    city: str
    kvk_number: str
    bulletin_email: str
    participating_since: date


def generate_shops(rng: random.Random) -> dict[str, list[ShopRow]]:
    """The demo shops per area name: same input, same output, whatever is in the database."""
    used_names = {OWNER_SHOP[0]}
    start, end = date(2012, 1, 1), date(2026, 10, 31)
    span = (end - start).days
    number = 0
    result = {}
    for spec in AREAS:
        used_addresses = set()
        rows = []
        types = BUSINESS_TYPES if spec.kind == B else RETAIL_TYPES
        for index in range(spec.shops):
            number += 1
            if spec.name == "Binnenstad" and index == 0:
                name, street, house = OWNER_SHOP
                postcode = next(p for s, p, _ in spec.streets if s == street)
            else:
                name = None
                while name is None or name in used_names:
                    owner = (
                        rng.choice(TRADING_NAMES)
                        if rng.random() < 0.15
                        else rng.choice(FAMILY_NAMES)
                    )
                    name = f"{rng.choice(types)} {owner}"
                street, postcode, highest = rng.choice(spec.streets)
                house = rng.randint(1, highest)
                while (street, house) in used_addresses:
                    street, postcode, highest = rng.choice(spec.streets)
                    house = rng.randint(1, highest)
            used_names.add(name)
            used_addresses.add((street, house))
            kvk = str(rng.randint(10_000_000, 99_999_999)) if rng.random() < 2 / 3 else ""
            email = f"winkel{number:03d}@demo.kvo.nl" if rng.random() < 0.9 else ""
            since = start + timedelta(days=rng.randint(0, span))
            rows.append(ShopRow(name, f"{street} {house}", postcode, spec.city, kvk, email, since))
        result[spec.name] = rows
    if number != DEMO_SHOP_COUNT:
        raise ValueError(f"AREAS add up to {number} shops, not {DEMO_SHOP_COUNT}.")
    return result
