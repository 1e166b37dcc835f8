"""National-scale data in PostgreSQL, fast: `manage.py seed_scale` and the benches use it.

The whole country as separate partnerships (DESIGN.md section 5): by default 100 partnerships
with 10 areas of 10 shops each (1,000 areas, 10,000 shops), 1,000,000 incidents over three years,
10,000 people with a measure in force and a photo, and 50,000 civil claims in every state. Small
tables go in with ``bulk_create``; incidents are generated inside PostgreSQL by one
``INSERT ... SELECT ... FROM generate_series`` per chunk, so a million rows take about a minute
instead of an hour of Python.

Accounts, all with the password SCALE_PASSWORD and verified addresses:
``medewerker<n>@scale.kvo.test`` is staff (owner) of shop n, with the protocol signed for
themselves and the shop; ``wijkagent<p>@`` (and ``wijkagent<p>-2@``... with more officers),
``beheerder<p>@``, ``coordinator<p>@`` and ``auditor<p>@`` have partnership p's roles, and those
who need it TOTP with SCALE_TOTP_SECRET.
Person photos are hard links to a few generated portraits: one file on disk, a name per person,
so deleting one person's photo never touches another's.
"""

from __future__ import annotations

import os
import random
import time
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.utils import timezone

SCALE_PASSWORD = "scale-kvo-2026"  # noqa: S105 (test data, documented)
SCALE_TOTP_SECRET = "KVOSCALEKVOSCALEKVOSCALEKVOSCALE"  # noqa: S105 (test data)
SCALE_DOMAIN = "scale.kvo.test"
SLUG_PREFIX = "scale-"
CHUNK = 100_000  # incidents per INSERT statement
SEED = 0.2003  # setseed(): the same incidents on every run


class ScaleError(Exception):
    """Why the data cannot be made here (wrong database, already there)."""


# Every column of incidents_incident, in the order the INSERT below gives them.
INCIDENT_COLUMNS = (
    "partnership_id",
    "shop_id",
    "area_id",
    "reporter_id",
    "kind",
    "occurred_at",
    "description",
    "goods_value",
    "goods_recovered",
    "caught_in_act",
    "police_called",
    "police_report",
    "police_report_number",
    "person_description",
    "person_age",
    "person_clothing",
    "person_name",
    "person_birth_date",
    "witness",
    "status",
    "assigned_to_id",
    "duplicate_of_id",
    "submission_key",
    "created_at",
    "updated_at",
    "first_contact_at",
    "closed_at",
    "personal_data_removed_at",
)

# By type: two for shoplifting, then attempted shoplifting, nuisance, aggression, ban violation,
# vandalism, other.
DESCRIPTIONS = (
    "Persoon pakte twee flessen sterke drank uit het schap en liep zonder te betalen langs de "
    "kassa naar buiten. Aangesproken bij de deur, goederen teruggegeven.",
    "Klant stopte verzorgingsproducten in een meegebrachte tas en probeerde via de uitgang te "
    "vertrekken. Poortje ging af, medewerker heeft de persoon staande gehouden.",
    "Groep jongeren veroorzaakte overlast bij de ingang, schreeuwde naar klanten en weigerde weg "
    "te gaan. Na tien minuten vertrokken richting de Brink.",
    "Man werd agressief toen hij werd aangesproken, duwde een medewerker en dreigde terug te "
    "komen. Politie gebeld, kwam na twintig minuten.",
    "Persoon met een geldend winkelverbod kwam de winkel binnen en werd herkend van de "
    "nieuwsbrief. Niet aangesproken, camerabeelden bewaard.",
    "Ruit van de zijdeur ingegooid buiten openingstijden; schade aan de deur en het kozijn. "
    "Beelden van de buurwinkel opgevraagd.",
    "Vrouw verwisselde prijsstickers op kleding en rekende het goedkopere artikel af. Bij "
    "controle achteraf ontdekt op de beelden.",
)

# Layer 1 draws the random numbers, layer 2 derives type, dates and aangifte, layer 3 the status,
# the last layer contact and closing; OFFSET 0 keeps each layer from being folded into the next,
# so that every random() is drawn once per row.
INCIDENT_INSERT = f"""
INSERT INTO incidents_incident ({", ".join(INCIDENT_COLUMNS)})
SELECT
    %(partnership)s, shop_id, area_id, %(reporter)s, kind, occurred_at,
    (%(descriptions)s::text[])[CASE kind
        WHEN 'shoplifting' THEN 1 + floor(r_text * 2)::int
        WHEN 'attempted_shoplifting' THEN 2
        WHEN 'nuisance' THEN 3
        WHEN 'aggression' THEN 4
        WHEN 'ban_violation' THEN 5
        WHEN 'vandalism' THEN 6
        ELSE 7 END],
    CASE WHEN kind IN ('shoplifting', 'attempted_shoplifting')
        THEN round((5 + r_value ^ 3 * 495)::numeric, 2) END,
    kind = 'shoplifting' AND r_value < 0.6,
    r_value < 0.3,
    police_report = 'yes' OR kind = 'aggression',
    police_report,
    CASE WHEN police_report = 'yes' THEN 'PL0600-' || lpad(i::text, 8, '0') ELSE '' END,
    CASE WHEN removed THEN '' ELSE 'Man, ongeveer 1.80 m, slank, kort donker haar.' END,
    CASE WHEN removed OR r_value > 0.8 THEN NULL ELSE 16 + (r_value * 50)::int END,
    CASE WHEN removed THEN '' ELSE 'Zwarte jas, grijze joggingbroek, witte sneakers' END,
    '',
    NULL,
    CASE WHEN removed OR r_value > 0.2 THEN '' ELSE 'J. de Vries, 06-12345678' END,
    status,
    CASE WHEN status <> 'reported' THEN %(officer)s END,
    NULL,
    gen_random_uuid(),
    created_at,
    COALESCE(closed_at, first_contact_at, created_at),
    first_contact_at,
    closed_at,
    CASE WHEN removed THEN created_at + interval '400 days' END
FROM (
    SELECT *,
        CASE WHEN status = 'reported' OR r_contact > 0.9 THEN NULL
            ELSE least(%(now)s, created_at + r_delay ^ 2 * interval '6 days') END
            AS first_contact_at,
        CASE WHEN status = 'closed'
            THEN least(%(now)s, created_at + interval '1 day' + r_close * interval '45 days') END
            AS closed_at,
        status = 'closed' AND created_at < %(now)s - interval '400 days' AS removed
    FROM (
        SELECT *,
            CASE WHEN created_at > %(now)s - interval '30 days' THEN
                CASE WHEN r_status < 0.25 THEN 'reported'
                    WHEN r_status < 0.40 THEN 'in_review'
                    WHEN r_status < 0.55 THEN 'contacted'
                    WHEN r_status < 0.65 THEN 'awaiting_police'
                    WHEN r_status < 0.70 THEN 'measure_proposed'
                    WHEN r_status < 0.75 THEN 'no_action'
                    ELSE 'closed' END
            ELSE
                CASE WHEN r_status < 0.95 THEN 'closed'
                    WHEN r_status < 0.97 THEN 'no_action'
                    WHEN r_status < 0.99 THEN 'awaiting_police'
                    ELSE 'reported' END
            END AS status
        FROM (
            SELECT *,
                (%(shops)s::bigint[])[s] AS shop_id,
                (%(areas)s::bigint[])[s] AS area_id,
                CASE WHEN r_kind < 0.55 THEN 'shoplifting'
                    WHEN r_kind < 0.70 THEN 'attempted_shoplifting'
                    WHEN r_kind < 0.80 THEN 'nuisance'
                    WHEN r_kind < 0.87 THEN 'aggression'
                    WHEN r_kind < 0.91 THEN 'vandalism'
                    WHEN r_kind < 0.97 THEN 'ban_violation'
                    ELSE 'other' END AS kind,
                CASE WHEN r_report < 0.35 THEN 'yes'
                    WHEN r_report < 0.42 THEN 'will_do'
                    ELSE 'no' END AS police_report,
                least(%(now)s, occurred_at + r_delay * interval '8 hours') AS created_at
            FROM (
                SELECT i,
                    -- the busy shops report most: a skew towards the first ones (Binnenstad)
                    1 + floor(random() ^ 2 * %(n_shops)s)::int AS s,
                    -- nine in ten in the last 23 months, the rest in the year before
                    %(now)s - CASE WHEN random() < 0.9 THEN random() * interval '700 days'
                        ELSE interval '700 days' + random() * interval '365 days' END
                        AS occurred_at,
                    random() AS r_kind, random() AS r_report, random() AS r_status,
                    random() AS r_contact, random() AS r_delay, random() AS r_close,
                    random() AS r_value, random() AS r_text
                FROM generate_series(%(first)s, %(last)s) AS i
                OFFSET 0
            ) AS draws
            OFFSET 0
        ) AS facts
        OFFSET 0
    ) AS with_status
    OFFSET 0
) AS incidents
"""  # noqa: S608 (constant column names; the values are parameters)


def check_incident_columns(cursor):
    """Fail loudly when incidents_incident has a required column the INSERT does not fill, or
    the INSERT names a column the table no longer has: generated data must follow the model."""
    cursor.execute(
        "SELECT column_name, is_nullable, column_default FROM information_schema.columns "
        "WHERE table_name = 'incidents_incident'"
    )
    table = {name: (nullable, default) for name, nullable, default in cursor.fetchall()}
    missing = [
        name
        for name, (nullable, default) in table.items()
        if nullable == "NO" and default is None and name not in INCIDENT_COLUMNS and name != "id"
    ]
    unknown = [name for name in INCIDENT_COLUMNS if name not in table]
    if missing or unknown:
        raise ScaleError(
            f"incidents_incident changed: not filled {missing}, no longer there {unknown}; "
            "update INCIDENT_COLUMNS and INCIDENT_INSERT in demo/scale.py"
        )


def insert_incidents(cursor, *, partnership_id, reporter_id, officer_id, shops, first, last, now):
    """Incidents first..last (1-based numbering within this call's series) for one partnership;
    ``shops`` is a list of (shop id, area id), the first ones reporting most."""
    params = {
        "partnership": partnership_id,
        "reporter": reporter_id,
        "officer": officer_id,
        "shops": [pk for pk, _area in shops],
        "areas": [area for _pk, area in shops],
        "n_shops": len(shops),
        "descriptions": list(DESCRIPTIONS),
        "now": now,
    }
    for start in range(first, last + 1, CHUNK):
        cursor.execute(
            INCIDENT_INSERT, {**params, "first": start, "last": min(last, start + CHUNK - 1)}
        )


@dataclass
class Scale:
    partnerships: int = 100
    areas_per_partnership: int = 10
    shops_per_area: int = 10
    incidents: int = 1_000_000
    people: int = 10_000
    claims: int = 50_000
    officers_per_partnership: int = 1

    def scaled(self, factor: float) -> Scale:
        """Everything times ``factor``, keeping at least one of each (for quick runs and tests)."""
        return Scale(
            partnerships=max(1, round(self.partnerships * factor)),
            areas_per_partnership=self.areas_per_partnership,
            shops_per_area=self.shops_per_area,
            incidents=max(1, round(self.incidents * factor)),
            people=max(1, round(self.people * factor)),
            claims=max(0, round(self.claims * factor)),
            officers_per_partnership=self.officers_per_partnership,
        )


def partnership_code(number: int) -> str:
    """S + three letters: SAAA, SAAB, ... (2 to 6 capital letters, never a real one's)."""
    letters = ""
    for _ in range(3):
        number, digit = divmod(number, 26)
        letters = chr(65 + digit) + letters
    return "S" + letters


def seed_scale(scale: Scale, *, out=print, now=None) -> dict:
    """Make the data; refuses on anything but PostgreSQL and when scale data is already there.
    Returns the counts and the seconds each step took."""
    if connection.vendor != "postgresql":
        raise ScaleError(
            "seed_scale needs PostgreSQL (set DATABASE_URL): it generates rows in SQL."
        )
    from merchants.models import Partnership

    if Partnership.objects.filter(slug__startswith=SLUG_PREFIX).exists():
        raise ScaleError("Scale data is already in this database; use a fresh one.")
    now = now or timezone.now()
    timings = {}

    def step(name, function, *args):
        started = time.perf_counter()
        result = function(*args)
        timings[name] = round(time.perf_counter() - started, 1)
        out(f"  {name}: {timings[name]} s")
        return result

    rng = random.Random(2003)  # noqa: S311 (reproducible test data)
    with transaction.atomic():
        world = step("partnerships, areas, shops", _merchants, scale, now)
        step("accounts, roles, protocols", _accounts, world, now)
    step("incidents", _incidents, world, scale, now)
    with transaction.atomic():
        step("people, measures, photos", _register, world, scale, now, rng)
        step("claims", _claims, world, scale, now, rng)
    step("vacuum analyze", _analyze)
    counts = _counts()
    return {"counts": counts, "seconds": timings}


# --- merchants ------------------------------------------------------------------------------------


@dataclass
class _World:
    partnerships: list
    shops: dict  # partnership id -> [(shop id, area id)]
    staff: dict  # partnership id -> [user id per shop, same order]
    officers: dict  # partnership id -> officer user id
    officers_per_partnership: int = 1


def _merchants(scale, now):
    from claims.models import ClaimSettings
    from merchants.models import AreaKind, Partnership, Shop, ShoppingArea

    partnerships = Partnership.objects.bulk_create(
        Partnership(
            name=f"KVO Schaal {i + 1:03d}",
            slug=f"{SLUG_PREFIX}{i + 1:03d}",
            code=partnership_code(i),
            municipality=f"Gemeente {i + 1:03d}",
        )
        for i in range(scale.partnerships)
    )
    ClaimSettings.objects.bulk_create(
        ClaimSettings(
            partnership=partnership,
            beneficiary=f"Stichting KVO Schaal {i + 1:03d}",
            iban="NL91ABNA0417164300",
        )
        for i, partnership in enumerate(partnerships)
    )
    areas = ShoppingArea.objects.bulk_create(
        ShoppingArea(
            partnership=partnership,
            name=f"Winkelgebied {j + 1}",
            kind=AreaKind.BUSINESS_PARK
            if j == scale.areas_per_partnership - 1
            else AreaKind.SHOPPING_AREA,
        )
        for partnership in partnerships
        for j in range(scale.areas_per_partnership)
    )
    number = iter(range(1, 10**9))
    shops = Shop.objects.bulk_create(
        Shop(
            area=area,
            name=f"Winkel {n}",
            address=f"Marktstraat {n % 200 + 1}",
            postcode="7411 BR",
            city="Deventer",
            bulletin_email=f"winkel{n}@{SCALE_DOMAIN}",
            participating_since=date(2021, 1, 1),
        )
        for area in areas
        for n in (next(number) for _ in range(scale.shops_per_area))
    )
    by_partnership = {p.pk: [] for p in partnerships}
    area_partnership = {a.pk: a.partnership_id for a in areas}
    for shop in shops:
        by_partnership[area_partnership[shop.area_id]].append((shop.pk, shop.area_id))
    return _World(partnerships, by_partnership, {}, {}, scale.officers_per_partnership)


def _accounts(world, now):
    from allauth.account.models import EmailAddress
    from allauth.mfa.models import Authenticator
    from allauth.mfa.utils import encrypt

    from merchants.models import (
        Membership,
        ProtocolDeclaration,
        ProtocolVersion,
        ShopAssignment,
        User,
    )
    from merchants.roles import MFA_REQUIRED_ROLES, Role

    password = make_password(SCALE_PASSWORD)
    users, memberships, assignments = [], [], []
    for index, partnership in enumerate(world.partnerships, start=1):
        roles = [
            (Role.OFFICER, f"wijkagent{index}" + (f"-{k}" if k > 1 else ""))
            for k in range(1, world.officers_per_partnership + 1)
        ]
        roles += [
            (Role.ADMINISTRATOR, f"beheerder{index}"),
            (Role.COORDINATOR, f"coordinator{index}"),
            (Role.AUDITOR, f"auditor{index}"),
        ]
        for role, name in roles:
            user = User(email=f"{name}@{SCALE_DOMAIN}", password=password)
            users.append(user)
            memberships.append((user, Membership(partnership=partnership, role=role), None))
        for shop_id, _area in world.shops[partnership.pk]:
            user = User(email=f"medewerker{shop_id}@{SCALE_DOMAIN}", password=password)
            users.append(user)
            memberships.append(
                (user, Membership(partnership=partnership, role=Role.PARTICIPANT), shop_id)
            )
    User.objects.bulk_create(users, batch_size=5000)
    EmailAddress.objects.bulk_create(
        (EmailAddress(user=u, email=u.email, verified=True, primary=True) for u in users),
        batch_size=5000,
    )
    for user, membership, _shop in memberships:
        membership.user = user
    Membership.objects.bulk_create([m for _u, m, _s in memberships], batch_size=5000)
    for user, membership, shop_id in memberships:
        if shop_id is not None:
            assignments.append(
                ShopAssignment(membership=membership, shop_id=shop_id, is_owner=True)
            )
            world.staff.setdefault(membership.partnership_id, []).append(user.pk)
        elif membership.role == Role.OFFICER:
            # The first officer is the one who decides in the generated data.
            world.officers.setdefault(membership.partnership_id, user.pk)
    ShopAssignment.objects.bulk_create(assignments, batch_size=5000)
    secret = encrypt(SCALE_TOTP_SECRET)
    Authenticator.objects.bulk_create(
        Authenticator(user=user, type=Authenticator.Type.TOTP, data={"secret": secret})
        for user, membership, _shop in memberships
        if membership.role in MFA_REQUIRED_ROLES
    )
    versions = ProtocolVersion.objects.bulk_create(
        ProtocolVersion(
            partnership=partnership,
            version="1.0",
            title="Protocol collectieve winkelontzegging",
            body="Deelnemers gebruiken de gegevens alleen om personen de toegang te weigeren.",
            published_at=now - timedelta(days=400),
        )
        for partnership in world.partnerships
    )
    version_of = {v.partnership_id: v for v in versions}
    declarations = []
    for user, membership, shop_id in memberships:
        if shop_id is None:
            continue
        version = version_of[membership.partnership_id]
        declarations.append(ProtocolDeclaration(version=version, user=user, signed_at=now))
        declarations.append(
            ProtocolDeclaration(version=version, user=user, shop_id=shop_id, signed_at=now)
        )
    ProtocolDeclaration.objects.bulk_create(declarations, batch_size=5000)


# --- incidents ------------------------------------------------------------------------------------


def _incidents(world, scale, now):
    per, extra = divmod(scale.incidents, len(world.partnerships))
    with connection.cursor() as cursor:
        check_incident_columns(cursor)
        cursor.execute("SELECT setseed(%s)", [SEED])
        for index, partnership in enumerate(world.partnerships):
            count = per + (1 if index < extra else 0)
            if not count:
                continue
            insert_incidents(
                cursor,
                partnership_id=partnership.pk,
                reporter_id=world.staff[partnership.pk][0],
                officer_id=world.officers[partnership.pk],
                shops=world.shops[partnership.pk],
                first=1,
                last=count,
                now=now,
            )


# --- register -------------------------------------------------------------------------------------

CLAIMS_PER_PERSON = 5


def _linked_incidents(partnership_id, count):
    """Shoplifting incidents of the partnership with aangifte, oldest first, for people and
    claims (a claim needs one)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id, occurred_at, shop_id FROM incidents_incident WHERE partnership_id = %s "
            "AND kind = 'shoplifting' ORDER BY occurred_at LIMIT %s",
            [partnership_id, count],
        )
        return cursor.fetchall()


def _portrait_files(count=12):
    """A few generated portraits stored once; returns (original, thumbnail, width, height)."""
    from demo.register import F, M, draw_look, portrait
    from plumbing.files import store_image
    from plumbing.images import process_upload

    stored: list[str] = []
    rng = random.Random(181)  # noqa: S311 (reproducible test data)
    files = []
    for i in range(count):
        data = portrait(rng, draw_look(rng, M if i % 2 else F, 20 + i * 3))
        processed = process_upload(data)
        original, thumbnail = store_image(default_storage, processed, "people", stored)
        files.append((original, thumbnail, processed.width, processed.height))
    return files


def _linked_name(name: str, number: int) -> str:
    """A new name for the same file, as a hard link (no copy, and its own directory entry)."""
    folder, base = name.rsplit("/", 1)
    stem, extension = base.rsplit(".", 1)
    new = f"{folder}/{stem[:20]}{number:012d}.{extension}"
    os.link(default_storage.path(name), default_storage.path(new))
    return new


def _register(world, scale, now, rng):
    from bans.models import (
        Measure,
        MeasureChange,
        MeasureKind,
        MeasureStatus,
        Person,
        PersonIncident,
        PersonPhoto,
        search_key,
    )

    today = timezone.localdate(now)
    portraits = _portrait_files()
    per, extra = divmod(scale.people, len(world.partnerships))
    first_names = ["Mark", "Kees", "Sanne", "Ahmed", "Lisa", "Tom", "Eva", "Joost", "Fatima"]
    last_names = ["Visser", "de Jong", "Bakker", "Jansen", "Smit", "Meijer", "de Boer", "Mulder"]
    people, links, plans = [], [], []
    for index, partnership in enumerate(world.partnerships):
        count = per + (1 if index < extra else 0)
        incidents = _linked_incidents(partnership.pk, count * CLAIMS_PER_PERSON)
        for n in range(count):
            first, last = rng.choice(first_names), rng.choice(last_names)
            full_name = f"{first} {last}"
            display = f"{first} {last[0].upper()}."
            person = Person(
                partnership=partnership,
                display_name=display,
                description="Lang, slank, meestal een donkere jas.",
                full_name=full_name,
                birth_date=date(1970, 1, 1) + timedelta(days=rng.randrange(40 * 365)),
                address=f"Kerkstraat {rng.randrange(1, 200)}, 7411 AB Deventer",
                residence="Deventer",
                search_name=search_key(f"{display} {full_name}"),
            )
            own = incidents[n * CLAIMS_PER_PERSON : (n + 1) * CLAIMS_PER_PERSON]
            people.append(person)
            plans.append((person, partnership, own))
    Person.objects.bulk_create(people, batch_size=5000)
    measures, photos = [], []
    for number, (person, partnership, own) in enumerate(plans):
        for incident_id, _occurred, _shop in own:
            links.append(PersonIncident(person=person, incident_id=incident_id))
        starts = today - timedelta(days=rng.randrange(330))
        red = number % 5 < 2
        measures.append(
            Measure(
                partnership=partnership,
                person=person,
                kind=MeasureKind.RED if red else MeasureKind.YELLOW,
                status=MeasureStatus.ACTIVE,
                incident_id=own[0][0] if own else None,
                starts_on=starts,
                ends_on=starts + timedelta(days=(730 if red else 365) - 1),
                decided_by_id=world.officers[partnership.pk],
                decided_at=now - timedelta(days=(today - starts).days),
            )
        )
        original, thumbnail, width, height = portraits[number % len(portraits)]
        photos.append(
            PersonPhoto(
                person=person,
                original=_linked_name(original, number),
                thumbnail=_linked_name(thumbnail, number),
                width=width,
                height=height,
                added_by_id=world.officers[partnership.pk],
            )
        )
    PersonIncident.objects.bulk_create(links, batch_size=5000)
    Measure.objects.bulk_create(measures, batch_size=5000)
    MeasureChange.objects.bulk_create(
        (
            MeasureChange(measure=m, from_status="", to_status=MeasureStatus.ACTIVE)
            for m in measures
        ),
        batch_size=5000,
    )
    PersonPhoto.objects.bulk_create(photos, batch_size=5000)
    world.plans = plans


# --- claims ---------------------------------------------------------------------------------------

# Share of claims per state, as a partnership's books look after a few years.
CLAIM_STATES = [
    ("paid", 0.46),
    ("sent", 0.14),
    ("partially_paid", 0.06),
    ("reminded", 0.08),
    ("collection", 0.07),
    ("written_off", 0.05),
    ("cancelled", 0.04),
    ("draft", 0.10),
]


def _claims(world, scale, now, rng):
    from claims.models import Claim, ClaimCounter, ClaimLine, ClaimStatusChange
    from claims.services import rf_reference

    today = timezone.localdate(now)
    pairs = [
        (person, partnership, incident_id, occurred, shop_id)
        for person, partnership, own in world.plans
        for incident_id, occurred, shop_id in own
    ][: scale.claims]
    states = [state for state, _share in CLAIM_STATES]
    weights = [share for _state, share in CLAIM_STATES]
    sequences: dict[tuple[int, int], int] = {}
    claims, lines = [], []
    fixed = Decimal("181.00")
    for person, partnership, incident_id, occurred, _shop in sorted(pairs, key=lambda p: p[3]):
        year = timezone.localtime(occurred).year
        key = (partnership.pk, year)
        sequences[key] = sequence = sequences.get(key, 0) + 1
        state = rng.choices(states, weights)[0]
        damage = Decimal(rng.randrange(0, 6000)) / 100 if rng.random() < 0.3 else Decimal(0)
        total = fixed + damage
        sent_on = None if state == "draft" else timezone.localdate(occurred) + timedelta(days=7)
        sent_on = min(sent_on, today) if sent_on else None
        paid = {"paid": total, "partially_paid": (total / 2).quantize(Decimal("0.01"))}.get(
            state, Decimal(0)
        )
        claim = Claim(
            partnership=partnership,
            incident_id=incident_id,
            person=person,
            year=year,
            sequence=sequence,
            number=f"{partnership.code}-{year}-{sequence:05d}",
            payment_reference=rf_reference(f"{partnership.code}{year}{sequence:05d}"),
            fixed_amount=fixed,
            status=state,
            snapshot={
                "full_name": person.full_name,
                "address": person.address,
                "residence": person.residence,
                "birth_date": person.birth_date.isoformat(),
            },
            total=total,
            paid=paid,
            sent_on=sent_on,
            due_on=sent_on + timedelta(days=15) if sent_on else None,
            created_by_id=world.officers[partnership.pk],
        )
        claims.append(claim)
        if damage:
            lines.append((claim, damage))
    Claim.objects.bulk_create(claims, batch_size=5000)
    ClaimLine.objects.bulk_create(
        (ClaimLine(claim=c, description="Directe schade", amount=a) for c, a in lines),
        batch_size=5000,
    )
    ClaimStatusChange.objects.bulk_create(
        (ClaimStatusChange(claim=c, old_status="", new_status=c.status) for c in claims),
        batch_size=5000,
    )
    ClaimCounter.objects.bulk_create(
        ClaimCounter(partnership_id=p, year=y, last=last) for (p, y), last in sequences.items()
    )


# --- finishing ------------------------------------------------------------------------------------


def _analyze():
    # VACUUM also sets the visibility map (index-only scans), as autovacuum would in time; it
    # cannot run inside a transaction (a test's), where ANALYZE alone has to do.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE")


def _counts() -> dict:
    from bans.models import Measure, Person
    from claims.models import Claim
    from incidents.models import Incident
    from merchants.models import Partnership, Shop, ShoppingArea, User

    return {
        "partnerships": Partnership.objects.filter(slug__startswith=SLUG_PREFIX).count(),
        "areas": ShoppingArea.objects.filter(partnership__slug__startswith=SLUG_PREFIX).count(),
        "shops": Shop.objects.filter(area__partnership__slug__startswith=SLUG_PREFIX).count(),
        "users": User.objects.filter(email__endswith=f"@{SCALE_DOMAIN}").count(),
        "incidents": Incident.objects.filter(partnership__slug__startswith=SLUG_PREFIX).count(),
        "people": Person.objects.filter(partnership__slug__startswith=SLUG_PREFIX).count(),
        "measures in force": Measure.objects.filter(
            partnership__slug__startswith=SLUG_PREFIX, status="active"
        ).count(),
        "claims": Claim.objects.filter(partnership__slug__startswith=SLUG_PREFIX).count(),
    }
