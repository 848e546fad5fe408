"""The start-up check of the process definitions: a released definition is immutable.

A released version is a ProcessDefinition row with requests filed under it (a ProcessInstance). A file on
disk with that row's process id but other bytes was changed after requests were filed under it: an Error —
the change must be a new version (its own file, process id and valid_from) or the file restored. The
requests already filed run from the copy stored in the row whatever this check says; a file whose process
id has no row is a new version, nothing to refuse. A released row without its stored copy (the migration
found no file with its bytes) is reported too.

Two cheap queries on the definitions table (a handful of rows; an index probe on the instances per row),
none of them reading the stored texts; nothing if the table is not there yet (before `migrate`).
"""
from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core import checks
from django.db import DatabaseError, connection
from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q

from workflow import definitions


def _shown(path: Path | None) -> str:
    if path is None:
        return "(no file)"
    try:
        return str(path.resolve().relative_to(Path(settings.BASE_DIR).resolve()))
    except ValueError:
        return str(path)


def released_definitions() -> list[tuple[str, str, bool]] | None:
    """(process_id, sha256, has its stored text) of every definition with requests filed under it; None
    when the tables are not migrated (or there is no database to ask)."""
    from workflow.models import ProcessDefinition, ProcessInstance

    table = ProcessDefinition._meta.db_table
    try:
        with connection.cursor() as cursor:
            if table not in connection.introspection.table_names(cursor):
                return None
            columns = {c.name for c in connection.introspection.get_table_description(cursor, table)}
        rows = ProcessDefinition.objects.filter(Exists(ProcessInstance.objects.filter(definition=OuterRef("pk"))))
        if "text" not in columns:  # before workflow 0004 (the migration fills the texts)
            return [(pid, sha, True) for pid, sha in rows.values_list("process_id", "sha256")]
        rows = rows.annotate(has_text=ExpressionWrapper(~Q(text=b""), output_field=BooleanField()))
        return list(rows.values_list("process_id", "sha256", "has_text"))
    except DatabaseError:
        return None


def check_released_definitions(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    released = released_definitions()
    if not released:
        return []
    errors = []
    files = {}  # process_id → [(sha256, path)]
    for path in definitions.iter_definition_files():
        try:
            d = definitions.read_definition(path)
        except Exception as exc:  # the conventions' tests catch a broken file; say which one here
            errors.append(checks.Error(f"{_shown(path)} cannot be read: {exc}", id="workflow.E003"))
            continue
        files.setdefault(d.process_id, []).append((d.sha256, path))
    shas = {}
    for process_id, sha256, _ in released:
        shas.setdefault(process_id, []).append(sha256)
    for process_id, on_disk in files.items():
        for sha256, path in on_disk:
            if process_id in shas and sha256 not in shas[process_id]:
                filed = ", ".join(shas[process_id])
                errors.append(checks.Error(
                    f"{_shown(path)} changed after requests were filed under it (sha256 {filed}); give the change "
                    f"a new version with its valid_from, or restore the file",
                    hint=f"process {process_id}: the file's sha256 is now {sha256}; the requests filed under it run "
                         f"from the stored copy, new requests would get the changed file",
                    id="workflow.E001",
                ))
    for process_id, sha256, has_text in released:
        if has_text:
            continue
        matching = [path for sha, path in files.get(process_id, []) if sha == sha256]
        if matching:
            errors.append(checks.Warning(
                f"{process_id} (sha256 {sha256}) has no stored copy; its requests run from {_shown(matching[0])}",
                hint="keep the file as it is: the copy is stored when the next request is filed under it",
                id="workflow.W001",
            ))
        else:
            errors.append(checks.Error(
                f"{process_id} (sha256 {sha256}) has requests filed under it but neither a stored copy nor a file "
                f"with those bytes: they cannot move",
                hint="restore the file as it was when the requests were filed (same sha256) and run migrate",
                id="workflow.E002",
            ))
    return errors
