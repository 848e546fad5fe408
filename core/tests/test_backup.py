"""``manage.py backup`` / ``restore`` (docs/backup.md): signed requests with issued results are backed up, restored
into a NEW database and storage by another process, and there every signature re-verifies, every result PDF
validates with pyHanko, the public verification by number answers the same and the audit chain verifies.

PostgreSQL (CI's second pass): pg_dump of the test database, restored into a database made for the test. SQLite:
the online backup API, restored into a new file. Both: a damaged archive and a non-empty target are refused."""
from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import tarfile
import uuid
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import connection

from applications.tests.journeys import decide, portal_until_registered
from core.tests.restore_check import facts

ROOT = Path(__file__).resolve().parents[2]
PYHANKO = str(Path(sys.executable).with_name("pyhanko"))
pytestmark = pytest.mark.django_db(transaction=True)  # what pg_dump and the other processes read is committed


def _signed_results(w) -> list[str]:
    """Two requests through the portal to a signed result: an S4 permit and an S1 licence (paid)."""
    numbers = []
    for service, sub_kind, officer in (("S4", "device", "inspection_officer"), ("S1", "issue", "committee_officer")):
        app = portal_until_registered(w, w.api["person"], service, sub_kind)
        app = decide(w.api[officer], app)
        assert app["status"] == "completed", app
        numbers += [d["number"] for d in app["documents"]]
    if apps.is_installed("audit"):
        call_command("verify_audit", stdout=io.StringIO())  # chain what the journeys wrote; intact before the backup
    return numbers


def _backup(tmp_path) -> Path:
    call_command("backup", str(tmp_path / "backups") + os.sep, stdout=io.StringIO())
    (archive,) = (tmp_path / "backups").glob("elicense-backup-*.tar")
    return archive


def _environment(pki, database_url: str, var_dir: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ELICENSE_", "DATABASE_URL"))}
    env.update({"DATABASE_URL": database_url, "ELICENSE_VAR_DIR": str(var_dir), "ELICENSE_STORAGE": "local",
                "ELICENSE_TRUST_DIR": str(pki.directory), "DJANGO_SETTINGS_MODULE": "elicense.settings",
                "ELICENSE_DB_POOL": "0"})
    return env


def _run(env, *args):
    return subprocess.run([sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)


def _restored_facts(env, tmp_path) -> tuple[dict, Path]:
    pdfs = tmp_path / "restored-pdfs"
    pdfs.mkdir()
    result = _run(env, "-m", "core.tests.restore_check", str(pdfs))
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1]), pdfs


def _assert_same(before: dict, after: dict, numbers: list[str], pdfs: Path, pki, tmp_path):
    assert after["counts"] == before["counts"] and after["counts"]["Signature"] >= 2, (before, after)
    # Every signed request re-verifies on the restored database: its CMS over its revision, unchanged since.
    assert after["signatures"] and after["signatures"] == before["signatures"], (before, after)
    assert all(valid and reason == "ok" and unchanged for valid, reason, unchanged in after["signatures"].values()), after
    # Every stored file came back byte for byte (the hash each row keeps).
    assert after["attachments"] == before["attachments"] and all(a == b for a, b in after["attachments"].values())
    assert after["documents"] == before["documents"] and set(numbers) <= set(after["documents"])
    assert all(a == b for a, b in after["documents"].values()), after["documents"]
    # The public verification by number answers the same.
    assert after["verifications"] == before["verifications"]
    assert all(v.get("found", True) for v in after["verifications"].values()), after["verifications"]
    # The audit chain verifies on the restored database (audit app: docs/audit.md).
    if before["audit"] is not None:
        assert before["audit"][0] and after["audit"][0], (before["audit"], after["audit"])
    # Every restored result PDF: its signatures intact and trusted (pyHanko, from what the PDF carries).
    root = str(pki.root_pem_path)
    for pdf in sorted(pdfs.glob("*.pdf")):
        result = subprocess.run([PYHANKO, "sign", "adesverify", "--trust", root, "--trust-replace", str(pdf)],
                                capture_output=True, text=True, timeout=120, cwd=tmp_path)
        assert result.returncode == 0 and ":INTACT:TRUSTED," in result.stdout, (pdf.name, result.stdout,
                                                                               result.stderr[-2000:])
    assert len(list(pdfs.glob("*.pdf"))) == len(after["documents"])


def _assert_refusals(archive: Path, tmp_path):
    """A damaged archive is refused before anything is touched; so is a target that is not empty."""
    damaged = tmp_path / "damaged.tar"
    with tarfile.open(archive) as src, tarfile.open(damaged, "w") as out:
        for member in src.getmembers():
            data = src.extractfile(member).read()
            if member.name.startswith("files/") and member.name.endswith(".pdf"):
                data = data.replace(b"%%EOF", b"%%EOG")
            member.size = len(data)
            out.addfile(member, io.BytesIO(data))
    with pytest.raises(CommandError, match="SHA-256"):
        call_command("restore", str(damaged), stdout=io.StringIO())
    with pytest.raises(CommandError, match="not empty"):
        call_command("restore", str(archive), stdout=io.StringIO())  # the test's own database and storage


def test_postgresql_backup_restores_into_a_new_database(world, pki, tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("pg_dump / pg_restore into a new database: PostgreSQL only (the SQLite path is tested below)")
    import psycopg

    numbers = _signed_results(world)
    before = facts()
    archive = _backup(tmp_path)
    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    server = f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
    name = f"elicense_restore_{uuid.uuid4().hex[:10]}"
    admin = psycopg.connect(f"{server}/postgres", autocommit=True)
    admin.execute(f'CREATE DATABASE "{name}"')
    try:
        env = _environment(pki, f"{server}/{name}", tmp_path / "restored")
        result = _run(env, "manage.py", "restore", str(archive))
        assert result.returncode == 0, result.stderr[-3000:]
        after, pdfs = _restored_facts(env, tmp_path)
        _assert_same(before, after, numbers, pdfs, pki, tmp_path)
        again = _run(env, "manage.py", "restore", str(archive))  # the new database is not empty any more
        assert again.returncode != 0 and "not empty" in again.stderr, again.stderr[-2000:]
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()
    _assert_refusals(archive, tmp_path)


def test_sqlite_backup_restores_into_a_new_file(world, pki, tmp_path):
    if connection.vendor != "sqlite":
        pytest.skip("the SQLite path (the online backup API); PostgreSQL is tested above")
    numbers = _signed_results(world)
    before = facts()
    archive = _backup(tmp_path)
    with tarfile.open(archive) as tar:
        manifest = json.load(tar.extractfile("manifest.json"))
        assert set(manifest["parts"]) == {m.name for m in tar.getmembers()} - {"manifest.json"}
    assert "database.sqlite3" in manifest["parts"] and manifest["migrations"]
    assert any(name.startswith("files/results/") for name in manifest["parts"]), manifest["parts"]
    env = _environment(pki, f"sqlite:///{tmp_path / 'restored.sqlite3'}", tmp_path / "restored")
    result = _run(env, "manage.py", "restore", str(archive))
    assert result.returncode == 0, result.stderr[-3000:]
    after, pdfs = _restored_facts(env, tmp_path)
    _assert_same(before, after, numbers, pdfs, pki, tmp_path)
    _assert_refusals(archive, tmp_path)
