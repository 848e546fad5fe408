"""A released definition is immutable: the requests filed under a BPMN file run from the copy stored when the
first of them was filed, whatever later happens to the file on disk (a comment added, the file deleted); the
start-up check refuses a file changed after requests were filed under it, and says nothing of the others; the
migration gives the rows from before it their file's bytes.

The released definition is the fake service's (services/tests/fake_service/), copied into a temporary service
folder so that the test may change it; the requests are driven through the API."""
from __future__ import annotations

import dataclasses
import hashlib
import importlib
import shutil
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.apps import apps as django_apps
from django.db import connection

from applications.tests.journeys import create, decide, open_kinds, sign, step_sequence
from services import registry
from services.reference_data import load_service_reference_data
from services.tests.fake_service.service import SERVICE as FAKE
from workflow import checks, definitions
from workflow.models import ProcessDefinition

FAKE_FILE = FAKE.definitions_dir / "portal-2026.bpmn"
PROCESS_ID = "S6_portal_2026"
FORM = {"call_sign": "UN7ABC", "place": "Астана, ул. Сығанақ, 6"}
FAKE_STEPS = ["T1", "T3", "T4", "T6", "T7", "T9"]
backfill_texts = importlib.import_module("workflow.migrations.0004_definition_text").backfill_texts


@dataclasses.dataclass(frozen=True)
class FolderService(registry.Service):
    """The fake service with its definitions in another folder."""

    folder: Path | None = None

    @property
    def definitions_dir(self) -> Path:
        return self.folder


@pytest.fixture
def released(tmp_path):
    """The fake service, its definition copied into a temporary folder, known for the test."""
    folder = tmp_path / "definitions"
    folder.mkdir()
    shutil.copyfile(FAKE_FILE, folder / FAKE_FILE.name)
    fields = {f.name: getattr(FAKE, f.name) for f in dataclasses.fields(FAKE)}
    service = FolderService(**fields, folder=folder)
    with registry.registered(service):
        load_service_reference_data(service)
        yield folder / FAKE_FILE.name
    definitions.clear_caches()


def fill(api, app):
    app = api.put(f"/applications/{app['id']}/form", {"data": FORM, "version": app["form_version"]})
    api.upload(app["id"], "application")
    return api.post(f"/applications/{app['id']}/fill")


def ours(messages) -> list:
    """The check's messages about the fake process (the database may hold other tests' rows)."""
    return [m for m in messages if PROCESS_ID in m.msg or "portal-2026.bpmn" in m.msg]


def bpmn(api, sha256=None):
    query = f"?sha256={sha256}" if sha256 else ""
    return api._call("get", f"/process-definitions/{PROCESS_ID}/bpmn{query}", expect=200).content


@pytest.mark.parametrize("change", ["comment", "deleted"])
def test_open_requests_of_a_released_version_complete_after_its_file_changed(world, released, change):
    api, officer = world.api["person"], world.api["committee_officer"]
    original = released.read_bytes()
    sha = hashlib.sha256(original).hexdigest()

    # Two requests filed under the released file: one waiting for the Committee's decision, one for its form.
    deciding = sign(world, api, fill(api, create(api, "S6", "club")))
    assert deciding["status"] == "registered" and open_kinds(deciding) == ["decide"], deciding
    filling = create(api, "S6", "club")
    assert open_kinds(filling) == ["fill"] and filling["process_id"] == PROCESS_ID
    row = ProcessDefinition.objects.get(process_id=PROCESS_ID)
    assert row.sha256 == sha and bytes(row.text) == original  # the file's exact bytes, stored at the first use
    assert ours(checks.check_released_definitions()) == []  # an unchanged file: nothing to say
    histories = {app["id"]: api.get(f"/applications/{app['id']}/history") for app in (deciding, filling)}

    # The released file changes on disk, and the system restarts (every parsed definition forgotten).
    if change == "comment":
        released.write_bytes(original.replace(b"<bpmn:process ", b"<!-- a harmless comment -->\n<bpmn:process ", 1))
        assert hashlib.sha256(released.read_bytes()).hexdigest() != sha
    else:
        released.unlink()
    definitions.clear_caches()

    messages = ours(checks.check_released_definitions())
    if change == "comment":
        (error,) = messages
        assert error.id == "workflow.E001" and error.level == checks.checks.ERROR
        assert f"{released} changed after requests were filed under it (sha256 {sha})" in error.msg
        assert "give the change a new version with its valid_from, or restore the file" in error.msg
    else:
        assert messages == []  # nothing on disk to compare; the requests have their copy

    # The open requests run on from the stored copy: no error, their history goes on from where it was.
    decided = decide(officer, deciding)
    assert decided["status"] == "completed" and decided["result_kind"] == "permit", decided
    filled = sign(world, api, fill(api, filling))
    assert filled["status"] == "registered" and open_kinds(filled) == ["decide"], filled
    done = decide(officer, filling)
    assert done["status"] == "completed", done
    for app in (decided, done):
        history = api.get(f"/applications/{app['id']}/history")
        assert history[:len(histories[app["id"]])] == histories[app["id"]]  # the same history, continued
        assert step_sequence(api, app) == FAKE_STEPS

    # The diagram of the version a request was filed under is the stored copy, byte for byte.
    assert bpmn(api, sha) == original
    assert bpmn(api) == (released.read_bytes() if change == "comment" else original)
    assert api._call("get", f"/process-definitions/{PROCESS_ID}/bpmn?sha256={'0' * 64}", expect=404)
    rows = api.get(f"/process-definitions/{PROCESS_ID}/step-table?sha256={sha}")
    assert [r["step"] for r in rows] == [f"T{n}" for n in range(1, 10)]


def test_a_released_version_without_its_stored_copy_is_reported(world, released):
    api = world.api["person"]
    create(api, "S6", "club")
    ProcessDefinition.objects.filter(process_id=PROCESS_ID).update(text=b"")  # as a row from before 0004

    (warning,) = ours(checks.check_released_definitions())
    assert warning.id == "workflow.W001" and warning.level == checks.checks.WARNING  # the file still has its bytes
    released.unlink()
    definitions.clear_caches()
    (error,) = ours(checks.check_released_definitions())
    assert error.id == "workflow.E002" and "neither a stored copy nor a file" in error.msg


def test_the_check_needs_no_migrated_database(db, monkeypatch):
    monkeypatch.setattr(connection.introspection, "table_names", lambda *a, **k: [])
    assert checks.released_definitions() is None
    assert checks.check_released_definitions() == []


def test_the_migration_gives_existing_rows_the_bytes_of_their_file(db):
    path = FAKE_FILE
    raw = path.read_bytes()
    common = dict(service="S6", channel="portal", version="2026", process_id=PROCESS_ID, valid_from="2026-01-01")
    matching = ProcessDefinition.objects.create(sha256=hashlib.sha256(raw).hexdigest(), **common)
    changed = ProcessDefinition.objects.create(sha256="f" * 64, **common)
    assert bytes(matching.text) == b"" and bytes(changed.text) == b""

    left = backfill_texts(django_apps, SimpleNamespace(connection=connection), files=[path])

    assert [r.pk for r in left] == [changed.pk]
    matching.refresh_from_db()
    changed.refresh_from_db()
    assert bytes(matching.text) == raw and bytes(changed.text) == b""
    # A row already holding its text is left as it is; the default files are the registered folders'.
    assert backfill_texts(django_apps, SimpleNamespace(connection=connection)) == [changed]
