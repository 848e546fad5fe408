"""No two active allocations of one resource type and length overlap: on PostgreSQL an exclusion constraint over
the range of the number as an integer (btree_gist for the equalities), ADR 0017. SQLite has no exclusion
constraints: there the serialising lock and the check in numbering.actions keep the rule. Both operations do
nothing on another database."""
from django.contrib.postgres.operations import BtreeGistExtension
from django.db import migrations

CONSTRAINT = (
    "ALTER TABLE numbering_allocation ADD CONSTRAINT numbering_allocation_no_overlap EXCLUDE USING gist "
    "(resource_type WITH =, digits WITH =, int8range(low, high, '[]') WITH &&) WHERE (status = 'active')"
)
DROP = "ALTER TABLE numbering_allocation DROP CONSTRAINT IF EXISTS numbering_allocation_no_overlap"


def _on_postgresql(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)
    return run


class Migration(migrations.Migration):
    dependencies = [("numbering", "0001_initial")]

    operations = [
        BtreeGistExtension(),
        migrations.RunPython(_on_postgresql(CONSTRAINT), _on_postgresql(DROP)),
    ]
