"""ProcessDefinition.text: the exact bytes of the BPMN file a request was filed under. Existing rows get the
bytes of the file on disk whose sha256 is theirs; a row no file matches is left empty (the start-up check,
workflow/checks.py, reports it)."""
import hashlib

from django.db import migrations, models


def backfill_texts(apps, schema_editor, files=None):
    """Give every row without its text the bytes of the file (``files``; default: every registered
    definition file) whose sha256 is the row's. Returns the rows left without a text."""
    from workflow import definitions

    ProcessDefinition = apps.get_model("workflow", "ProcessDefinition")
    by_hash = {}
    for path in definitions.iter_definition_files() if files is None else files:
        raw = path.read_bytes()
        by_hash[hashlib.sha256(raw).hexdigest()] = raw
    left = []
    for row in ProcessDefinition.objects.using(schema_editor.connection.alias).filter(text=b"").only("pk", "sha256"):
        raw = by_hash.get(row.sha256)
        if raw is None:
            left.append(row)
        else:
            ProcessDefinition.objects.using(schema_editor.connection.alias).filter(pk=row.pk).update(text=raw)
    return left


class Migration(migrations.Migration):

    dependencies = [
        ('workflow', '0003_waiting'),
    ]

    operations = [
        migrations.AddField(
            model_name='processdefinition',
            name='text',
            field=models.BinaryField(blank=True, default=b'', help_text="the BPMN file's exact bytes (sha256 is their hash)"),
        ),
        migrations.RunPython(backfill_texts, migrations.RunPython.noop),
    ]
