"""The audit log, its links and its anchors are append-only in the database too, as the history is
(workflow 0002): UPDATE refused on both databases, DELETE refused on PostgreSQL (whose test runner empties
tables with TRUNCATE, which row triggers do not see; SQLite's empties them with DELETE). The one chain head
row is created here."""
from django.db import migrations

TABLES = ["audit_auditentry", "audit_chainlink", "audit_anchor"]
SQLITE = [f"CREATE TRIGGER {t}_no_update BEFORE UPDATE ON {t} BEGIN SELECT RAISE(ABORT, '{t} is append-only'); END;"
          for t in TABLES]
SQLITE_REVERSE = [f"DROP TRIGGER {t}_no_update;" for t in TABLES]
POSTGRES = [
    "CREATE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
    "BEGIN RAISE EXCEPTION USING MESSAGE = TG_TABLE_NAME || ' is append-only'; END; $$;",
    *[f"CREATE TRIGGER {t}_append_only BEFORE UPDATE OR DELETE ON {t} FOR EACH ROW "
      "EXECUTE FUNCTION audit_append_only();" for t in TABLES],
]
POSTGRES_REVERSE = [*[f"DROP TRIGGER {t}_append_only ON {t};" for t in TABLES], "DROP FUNCTION audit_append_only();"]


def _run(statements):
    def run(apps, schema_editor):
        for sql in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)
    return run


def create_head(apps, schema_editor):
    apps.get_model("audit", "ChainHead").objects.get_or_create(pk=1)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [
        migrations.RunPython(_run({"sqlite": SQLITE, "postgresql": POSTGRES}),
                             _run({"sqlite": SQLITE_REVERSE, "postgresql": POSTGRES_REVERSE})),
        migrations.RunPython(create_head, migrations.RunPython.noop),
    ]
