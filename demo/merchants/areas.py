"""The demo partnership and its areas: KVO Deventer's 16 shopping areas and 3 business parks, each
with how many shops it has, its town and its streets (street, postcode, highest house number).
``generate_shops`` (``demo.merchants.shops``) places the shops on these streets.
"""

from dataclasses import dataclass

from merchants.models import AreaKind

PARTNERSHIP = {
    "slug": "deventer",
    "name": "KVO Deventer",
    "code": "DEV",
    "municipality": "Deventer",
}

# Where a person objects to a notice or a claim (Partnership.objection_*): printed on every letter.
OBJECTION_CONTACT = {
    "objection_address": "Stichting KVO Deventer\nPostbus 5000\n7400 GC Deventer",
    "objection_email": "bezwaar@kvo-deventer.example.nl",
    "objection_phone": "0570 000 000",
    "objection_term_weeks": 6,
}


@dataclass(frozen=True)
class AreaSpec:
    name: str
    kind: str
    shops: int
    city: str
    streets: tuple  # (street, postcode, highest house number)


W, B = AreaKind.SHOPPING_AREA, AreaKind.BUSINESS_PARK

AREAS = (
    AreaSpec(
        "Binnenstad",
        W,
        150,
        "Deventer",
        (
            ("Brink", "7411 BT", 95),
            ("Lange Bisschopstraat", "7411 EA", 70),
            ("Korte Bisschopstraat", "7411 CV", 30),
            ("Walstraat", "7411 GK", 110),
            ("Sassenstraat", "7411 DA", 60),
            ("Grote Poot", "7411 KE", 40),
            ("Kleine Poot", "7411 KL", 20),
            ("Keizerstraat", "7411 HE", 40),
            ("Assenstraat", "7411 JC", 100),
            ("Stromarkt", "7411 PK", 30),
            ("Engestraat", "7411 HR", 30),
            ("Broederenstraat", "7411 CN", 50),
            ("Nieuwstraat", "7411 LJ", 90),
            ("Smedenstraat", "7411 RB", 40),
            ("Bergstraat", "7411 ET", 60),
            ("Golstraat", "7411 BP", 20),
            ("Grote Overstraat", "7411 JM", 60),
        ),
    ),
    AreaSpec(
        "Winkelhart Colmschate",
        W,
        18,
        "Colmschate",
        (
            ("Winkelhart", "7423 AA", 80),
            ("Bussloselaan", "7422 LC", 40),
            ("Oxersweg", "7423 HD", 40),
        ),
    ),
    AreaSpec(
        "Keizerslanden",
        W,
        14,
        "Deventer",
        (
            ("Karel de Grotestraat", "7416 CE", 80),
            ("Lodewijk de Vromestraat", "7416 AJ", 40),
            ("Ottolaan", "7416 GE", 40),
        ),
    ),
    AreaSpec(
        "Borgele",
        W,
        9,
        "Deventer",
        (("Laan van Borgele", "7415 DA", 120), ("Snipperlingsdijk", "7415 BD", 60)),
    ),
    AreaSpec(
        "Rivierenwijk",
        W,
        9,
        "Deventer",
        (
            ("Amstellaan", "7417 AB", 40),
            ("Rijnstraat", "7417 CJ", 60),
            ("Maasstraat", "7417 DH", 40),
        ),
    ),
    AreaSpec(
        "Zandweerd",
        W,
        9,
        "Deventer",
        (("Zwolseweg", "7412 AR", 250), ("Ceintuurbaan", "7413 EP", 120)),
    ),
    AreaSpec(
        "Voorstad",
        W,
        9,
        "Deventer",
        (("Hoge Hondstraat", "7412 BC", 150), ("Brinkgreverweg", "7413 AB", 60)),
    ),
    AreaSpec(
        "Vijfhoek",
        W,
        8,
        "Deventer",
        (("Rielerweg", "7414 EH", 100), ("Siemelinksweg", "7414 AA", 80)),
    ),
    AreaSpec(
        "De Hoven",
        W,
        8,
        "Deventer",
        (("Rijksstraatweg", "7413 AD", 120), ("Kapelstraat", "7413 BC", 30)),
    ),
    AreaSpec(
        "Diepenveen",
        W,
        8,
        "Diepenveen",
        (("Dorpsstraat", "7431 CD", 80), ("Oranjelaan", "7431 BJ", 30)),
    ),
    AreaSpec(
        "Schalkhaar",
        W,
        8,
        "Schalkhaar",
        (("Frieswijkerweg", "7433 RA", 100), ("Raalterweg", "7433 AA", 120)),
    ),
    AreaSpec(
        "Bathmen",
        W,
        8,
        "Bathmen",
        (
            ("Dorpsstraat", "7437 AK", 60),
            ("Brink", "7437 AB", 30),
            ("Larenseweg", "7437 AC", 40),
        ),
    ),
    AreaSpec(
        "Wezenland",
        W,
        8,
        "Deventer",
        (("Rembrandtlaan", "7415 CE", 60), ("Jan van Goyenstraat", "7415 CH", 40)),
    ),
    AreaSpec(
        "Platvoet",
        W,
        8,
        "Deventer",
        (("Roggestraat", "7415 GB", 60), ("Platvoetstraat", "7415 GD", 40)),
    ),
    AreaSpec(
        "Holterweg",
        W,
        8,
        "Deventer",
        (("Holterweg", "7415 AA", 150), ("Oranjelaan", "7415 AR", 40)),
    ),
    AreaSpec(
        "Flora",
        W,
        8,
        "Deventer",
        (("Floralaan", "7421 AB", 60), ("Tulpstraat", "7421 BE", 40)),
    ),
    AreaSpec(
        "Bedrijvenpark A1",
        B,
        10,
        "Deventer",
        (("Zweedsestraat", "7418 BG", 30), ("Finlandstraat", "7418 BL", 30)),
    ),
    AreaSpec(
        "Bergweide",
        B,
        10,
        "Deventer",
        (("Hanzeweg", "7418 AW", 50), ("Duurstedeweg", "7418 CK", 40)),
    ),
    AreaSpec(
        "Kloosterlanden",
        B,
        10,
        "Deventer",
        (("Handelsweg", "7421 CA", 40), ("Kloosterlanden", "7421 CE", 30)),
    ),
)
