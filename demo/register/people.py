"""Who is in the demo register and where they live: the demo people's fixed full names and
genders (``PEOPLE``, also the idempotency marker), the streets (``_address``) and birth places
drawn for them, ``display_name`` as the gallery shows a name, and the demo officer's email address
(``OFFICER_EMAIL``), who decides on every measure.
"""

from demo.merchants import DEMO_USERS
from merchants.roles import Role

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


def display_name(full_name: str) -> str:
    """ "Mark Veenstra" → "Mark V.", "Kevin de Graaf" → "Kevin de G." (Dutch usage)."""
    first, *rest = full_name.split()
    particles = []
    while rest and rest[0].lower() in PARTICLES and len(rest) > 1:
        particles.append(rest.pop(0))
    initial = f"{rest[0][0].upper()}." if rest else ""
    return " ".join([first, *particles, initial]).strip()


def _address(rng):
    street, digits, town = rng.choice(STREETS)
    letters = rng.choice(POSTCODE_LETTERS) + rng.choice(POSTCODE_LETTERS)
    number = rng.randint(1, 140)
    suffix = rng.choice(("",) * 8 + ("A", "B", "-2"))
    return f"{street} {number}{suffix}, {digits} {letters} {town}", town
