"""PostgreSQL only: statistics on the month of `occurred_at` as the dashboard groups by it, so the
planner expects 24 months instead of one group per row and hashes instead of sorting (measured in
bench/dashboard.py at a million incidents: the monthly query 0.69 s → 0.35 s). SQLite: nothing."""

from django.db import migrations

CREATE = (
    "CREATE STATISTICS IF NOT EXISTS incidents_incident_month_stx "
    "ON (date_trunc('month', occurred_at AT TIME ZONE 'Europe/Amsterdam')) "
    "FROM incidents_incident"
)
DROP = "DROP STATISTICS IF EXISTS incidents_incident_month_stx"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("incidents", "0001_initial")]

    operations = [migrations.RunPython(create, drop)]
