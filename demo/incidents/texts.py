"""What the demo reports say: the goods taken per kind of shop with their prices, the stories per
type of incident, the offender's build, hair and clothes (never a sensitive category), and the
officer's side: the notes of contacts, status changes and proposed measures.
"""

from demo.incidents.rates import K
from demo.merchants import BUSINESS_TYPES, RETAIL_TYPES
from incidents.models import ContactKind
from incidents.workflow import Status

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
