"""The national-scale incidents, generated inside PostgreSQL: one ``INSERT ... SELECT ... FROM
generate_series`` per chunk of ``CHUNK`` rows (``insert_incidents``, which bench/dashboard.py uses
too), after ``check_incident_columns`` has made sure the INSERT still fills every column the table
requires.
"""

from django.db import connection

from demo.scale.common import ScaleError

CHUNK = 100_000  # incidents per INSERT statement
SEED = 0.2003  # setseed(): the same incidents on every run


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
    "police_report_channel",
    "police_stage",
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
    CASE WHEN police_report = 'yes' THEN 'online' ELSE '' END,
    CASE WHEN police_report = 'yes' THEN 'filed' ELSE '' END,
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
            "update INCIDENT_COLUMNS and INCIDENT_INSERT in demo/scale/incidents.py"
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
