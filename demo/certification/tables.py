"""What the demo dossiers are made from: per area how far it is (``PLANS``: stars, when the last
certificate was issued, by whom, and the gap the next audit will find), and the words of the
schouws, meetings, surveys and the measures matrix, per kind of area.
"""

from dataclasses import dataclass
from datetime import date

from certification.models import DossierItemKind, PartnerType, SafetyMeasure
from demo.merchants import AREAS
from merchants.models import AreaKind

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
