"""How many demo incidents happen, when and where: the period, the monthly rates per type at its
start and end (thefts down), the share with a police report (aangifte up), the officer's first
contact, the season, weekday and hour, and how much more often some areas and kinds of shop report.
"""

from datetime import timedelta

from incidents.models import IncidentType
from merchants.models import AreaKind

MONTHS = 24  # the current month and the 23 before it
RECENT = timedelta(days=14)  # younger cases are still open
DAYS_PER_MONTH = 365.25 / 12

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
