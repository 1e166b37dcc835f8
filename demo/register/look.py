"""What a demo person looks like: the words of the description shops see (build, hair, clothes;
never ethnicity, religion or health, DESIGN.md section 3) and the colours the portrait
(``demo.register.portrait``) is drawn in, as a ``Look`` that ``draw_look`` draws from a generator.
"""

import colorsys
from dataclasses import dataclass

from demo.register.people import F, M

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
