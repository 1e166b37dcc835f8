"""The tables the demo claims are made from: the partnership's account and the periods, ``PLAN``
(how many claims end in each state, and by which way), the first and family names of the people
put in the register for a claim, the names of the damage lines, and the reasons, notes and bank
names the coordinator's bookings and the bank statements use.
"""

from decimal import Decimal

from claims.models import ClaimPayment, ClaimStatus
from demo.merchants import DEMO_USERS
from merchants.roles import Role

DEMO_SEED = 2003
BENEFICIARY = "Stichting Veilig Ondernemen Deventer"
ACCOUNT = "NL91ABNA0417164300"  # fictitious; valid check digits
COORDINATOR_EMAIL = next(row[0] for row in DEMO_USERS if row[2] == Role.COORDINATOR)
PERIOD_DAYS = 425  # about 14 months of claims
STATEMENTS = 3  # monthly bank statements; the last one runs up to yesterday
STATEMENT_DAYS = 30
EXPORT_EVERY = 30  # the coordinator hands claims over to the collection agency monthly
GROWTH = 1.5  # a month now has this much more claims than 14 months ago, on top of one
CENT = Decimal("0.01")
S = ClaimStatus

# How many claims end in each state, and the way each gets there (a ``_plan_<way>`` method).
PLAN = {
    S.DRAFT: {"draft": 10},
    S.CANCELLED: {"cancelled_draft": 6, "credited_in_full": 4},
    S.SENT: {"sent": 17, "partial_waiting": 1, "overpaid_waiting": 1, "unknown_waiting": 1},
    S.PARTIALLY_PAID: {"part_by_hand": 4, "part_by_bank": 6},
    S.REMINDED: {"reminded": 19, "reminded_after_part": 3},
    S.COLLECTION: {
        "collection": 17,
        "collection_after_part": 1,
        "collection_part_by_bank": 1,
        "collection_part_by_agency": 3,
    },
    S.WRITTEN_OFF: {"written_off_by_agency": 10, "written_off_reminded": 2},
    S.PAID: {
        "bank": 46,
        "bank_recent": 5,
        "by_hand": 7,
        "by_hand_recent": 2,
        "paid_twice": 1,
        "bank_after_reminder": 8,
        "bank_after_reminder_recent": 4,
        "instalments": 6,
        "agency": 6,
        "credit_then_paid": 5,
        "overpaid": 1,
        "no_reference": 1,
    },
}
# The ways whose claims were sent within the term to pay (``IN_TERM``; from so many days after
# sending), or were reminded and the reminder's term still runs (``IN_REMINDER``).
IN_TERM = {
    "sent": 0,
    "partial_waiting": 2,
    "overpaid_waiting": 2,
    "unknown_waiting": 3,
    "part_by_hand": 2,
    "part_by_bank": 2,
    "bank_recent": 2,
    "by_hand_recent": 3,
}
IN_REMINDER = {"reminded": 0, "reminded_after_part": 0, "bank_after_reminder_recent": 5}
# Sent (fewest, most) days ago, more of them recent; the others from 40 days to 14 months ago.
OLDER_SENT_DAYS_AGO = {
    "collection_part_by_agency": (100, 300),
    "collection": (40, 300),
    "collection_after_part": (40, 300),
    "written_off_by_agency": (150, PERIOD_DAYS),
    "agency": (120, PERIOD_DAYS),
}

# First names per initial (the reports say "K. Bakker"): men, women.
FIRST_NAMES = {
    "A": (("Arjen", "Ahmed", "Anton", "Alex"), ("Amber", "Aylin", "Anna", "Aisha")),
    "B": (("Bart", "Bram", "Bilal", "Boris"), ("Britt", "Bianca", "Berna")),
    "C": (("Chris", "Cor", "Cem"), ("Charlotte", "Cindy", "Carmen")),
    "D": (("Dirk", "Damian", "Donny", "Dave"), ("Daphne", "Dana", "Derya")),
    "E": (("Erik", "Edwin", "Elias"), ("Eva", "Elif", "Esmee")),
    "G": (("Gerrit", "Gijs", "Glenn"), ("Gwen", "Gina", "Gül")),
    "H": (("Hans", "Hasan", "Hugo"), ("Hanna", "Hatice", "Hilde")),
    "I": (("Ivo", "Ismail", "Ilias"), ("Iris", "Ilse", "Ivana")),
    "J": (("Jesse", "Jordi", "Jan", "Joey"), ("Julia", "Jasmijn", "Jamila")),
    "K": (("Koen", "Karim", "Kees"), ("Kirsten", "Kelly", "Kübra")),
    "L": (("Luuk", "Lars", "Levi"), ("Laura", "Lieke", "Layla")),
    "M": (("Martijn", "Mike", "Mustafa", "Max"), ("Marloes", "Mila", "Melissa")),
    "N": (("Nick", "Nordin", "Niek"), ("Nina", "Nadia", "Noor")),
    "P": (("Patrick", "Pieter", "Paweł"), ("Petra", "Patricia", "Pien")),
    "R": (("Robin", "Ramon", "Rachid", "Ruben"), ("Rianne", "Roos", "Rabia")),
    "S": (("Stijn", "Sven", "Sem", "Samir"), ("Sophie", "Selin", "Saskia")),
    "T": (("Tom", "Tygo", "Tarik", "Thomas"), ("Tessa", "Tamara", "Tülay")),
    "W": (("Wouter", "Willem", "Wessel"), ("Wendy", "Willemijn", "Wilma")),
}
MORE_FAMILY_NAMES = (
    "van den Berg",
    "Verbeek",
    "Postma",
    "Lansink",
    "Nijland",
    "Tuinman",
    "Oude Luttikhuis",
    "Yıldız",
    "El Idrissi",
    "Kowalczyk",
    "Aydın",
    "Smits",
    "Pieterse",
    "Hoogland",
    "Kleinjan",
)

# Direct damage: what the report says was taken, as the shop itemises it. A pair of items may be
# itemised one by one.
LINE_NAMES = {
    "een testerflacon parfum": ("Testerflacon Dior Sauvage 100 ml",),
    "parfum": (
        "Parfum Hugo Boss Bottled 100 ml",
        "Eau de parfum Armani Code 75 ml",
        "Eau de parfum Lancôme La vie est belle 50 ml",
    ),
    "een fles whisky": (
        "Fles whisky Johnnie Walker Black Label 0,7 l",
        "Fles whisky Glenfiddich 12 jaar 0,7 l",
    ),
    "een fles gin": ("Fles gin Hendrick's 0,7 l",),
    "een fles champagne": ("Fles champagne Moët & Chandon Brut 0,75 l",),
    "een fles port": ("Fles port Taylor's 10 years 0,75 l",),
    "scheermesjes": ("Scheermesjes Gillette Fusion5 (8 stuks)",),
    "make-up": ("Make-up (foundation en mascara)",),
    "dagcrème": ("Dagcrème Clinique 50 ml",),
    "oordopjes": ("Draadloze oordopjes JBL Tune",),
    "sportschoenen": ("Sportschoenen Nike Air Max",),
    "een paar laarzen": ("Paar leren laarzen",),
    "vapes": ("Wegwerpvapes (4 stuks)",),
    "koffiebonen": ("Koffiebonen (3 pakken van 1 kg)",),
    "vlees uit de koeling": ("Vlees uit de koeling (biefstuk en kipfilet)",),
    "blikjes energiedrank": ("Energiedrank (twee trays)",),
    "babymelkpoeder": ("Babymelkpoeder (3 blikken)",),
    "een zonnebril": ("Zonnebril Ray-Ban Wayfarer",),
    "een horloge": ("Horloge Fossil Grant",),
    "een jas": ("Winterjas",),
    "een spijkerbroek": ("Spijkerbroek Levi's 501",),
    "een powerbank": ("Powerbank 20.000 mAh",),
}
PAIRS = {  # the pair, each item, the security tag broken off them
    "twee flessen wijn": (
        "Twee flessen wijn",
        "Fles wijn Chablis",
        "Fles wijn Rioja Reserva",
        ("Twee vernielde flessenbeveiligingen", Decimal("13.90")),
    ),
    "twee truien": (
        "Twee truien",
        "Trui merinowol, blauw",
        "Trui merinowol, grijs",
        ("Twee vernielde beveiligingslabels", Decimal("9.00")),
    ),
    "twee sloffen sigaretten": ("Twee sloffen sigaretten", "Slof sigaretten", "Slof shag", None),
}
LABEL_LINE = ("Vernield beveiligingslabel", Decimal("4.50"))
DAMAGED = "{name}: verpakking beschadigd, niet meer te verkopen"

CANCEL_DRAFT_REASONS = (
    "Aangifte is ingetrokken; de winkel ziet af van een claim.",
    "Betrokkene staat niet ingeschreven in de BRP: geen adres voor de brief.",
    "De winkel heeft de schade al rechtstreeks met betrokkene geregeld.",
    "Zaak wordt via Halt afgedaan; geen civiele claim.",
)
CANCEL_CREDIT_REASONS = (
    "Verkeerde persoon aangeschreven: de politie heeft de identiteit gecorrigeerd.",
    "OM heeft de zaak geseponeerd; de winkel ziet af van de claim.",
    "De winkel trekt de claim in na een gesprek met betrokkene.",
)
GOODS_BACK = "Goederen alsnog onbeschadigd terug in de winkel: de directe schade vervalt."
SETTLEMENT = ("Schikking na bezwaar van betrokkene: vast bedrag verlaagd.", Decimal("50.00"))
WRITE_OFF_AGENCY = (
    "Incassobureau: geen verhaal mogelijk, dossier gesloten.",
    "Incassobureau: inkomen onder de beslagvrije voet, geen verhaal.",
    "Vertrokken naar onbekend adres; het incassobureau stopt.",
    "Schuldenaar is toegelaten tot de WSNP (schuldsanering).",
)
WRITE_OFF_REMINDED = (
    "Schuldenaar is toegelaten tot de WSNP (schuldsanering).",
    "Kosten van verdere inning wegen niet op tegen de vordering.",
)
HAND_NOTES = {
    ClaimPayment.Method.CASH: "Contant betaald aan de balie van het KVO-secretariaat.",
    ClaimPayment.Method.CARD: "Gepind bij het KVO-secretariaat.",
    ClaimPayment.Method.BANK: "Overboeking; met de hand geboekt van het bankafschrift.",
}
INSTALMENT_NOTE = "Termijn van de betalingsregeling."
AGENCY = "Incassobureau Oost B.V."
AGENCY_IBAN = "NL20INGB0001234567"
BANK_NAME = "ABN AMRO BANK N.V."
BANKS = ("INGB", "INGB", "RABO", "RABO", "ABNA", "SNSB", "ASNB", "TRIO", "KNAB", "BUNQ")
