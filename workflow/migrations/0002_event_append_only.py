"""The history is append-only in the database too, not only in the model.

Updates are refused on both databases. Deletes are refused on PostgreSQL
(where the test runner empties tables with TRUNCATE, which row triggers do
not see); on SQLite, whose test runner empties tables with DELETE, only the
model refuses them.
"""
from django.db import migrations

SQLITE = [
    "CREATE TRIGGER workflow_event_no_update BEFORE UPDATE ON workflow_event "
    "BEGIN SELECT RAISE(ABORT, 'workflow_event is append-only'); END;",
]
SQLITE_REVERSE = ["DROP TRIGGER workflow_event_no_update;"]
POSTGRES = [
    "CREATE FUNCTION workflow_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
    "BEGIN RAISE EXCEPTION 'workflow_event is append-only'; END; $$;",
    "CREATE TRIGGER workflow_event_append_only BEFORE UPDATE OR DELETE ON workflow_event "
    "FOR EACH ROW EXECUTE FUNCTION workflow_event_append_only();",
]
POSTGRES_REVERSE = [
    "DROP TRIGGER workflow_event_append_only ON workflow_event;",
    "DROP FUNCTION workflow_event_append_only();",
]


def _run(statements):
    def run(apps, schema_editor):
        vendor = schema_editor.connection.vendor
        for sql in statements.get(vendor, []):
            schema_editor.execute(sql)
    return run


class Migration(migrations.Migration):
    dependencies = [("workflow", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE, "postgresql": POSTGRES}),
            _run({"sqlite": SQLITE_REVERSE, "postgresql": POSTGRES_REVERSE}),
        )
    ]
