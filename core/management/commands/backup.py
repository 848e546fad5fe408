"""``manage.py backup <dir or file>``: the database and every stored file in one archive (docs/backup.md).

The archive is a tar file:

    manifest.json        when, the database (vendor, name), the applied migrations, and the SHA-256 and size of
                         every other member
    database.pgdump      PostgreSQL: ``pg_dump --format=custom`` of the configured database
    database.sqlite3     SQLite: a copy made with SQLite's online backup API (consistent while others write)
    files/<name>         every file of Django's default storage (attachments, scans, result PDFs), read through
                         the storage API: the local folder or the S3 bucket alike

Given a folder, the archive is ``<folder>/elicense-backup-<UTC time>.tar``. ``manage.py restore`` reads it.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import sqlite3
import subprocess
import tarfile
import tempfile
from pathlib import Path

from django.core.files.storage import storages
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.recorder import MigrationRecorder

FORMAT = "elicense-backup/1"
STORAGE = "default"  # the stored files (elicense/storage.py); "staticfiles" ships with the code
CHUNK = 1024 * 1024


def pg_environment(settings_dict: dict) -> tuple[list[str], dict]:
    """The libpq connection options and environment (the password) for the pg_* tools."""
    args = []
    for option, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if settings_dict.get(key):
            args += [option, str(settings_dict[key])]
    env = dict(os.environ)
    if settings_dict.get("PASSWORD"):
        env["PGPASSWORD"] = str(settings_dict["PASSWORD"])
    return args, env


def storage_files(storage, directory: str = "") -> list[str]:
    """Every file name in ``storage`` (depth first, sorted), through the storage API only."""
    try:
        directories, files = storage.listdir(directory)
    except FileNotFoundError:  # a local folder not made yet: no files
        return []
    found = [f"{directory}/{f}" if directory else f for f in sorted(files)]
    for sub in sorted(directories):
        found += storage_files(storage, f"{directory}/{sub}" if directory else sub)
    return found


class _Hashing(io.RawIOBase):
    """Reads through ``raw``, keeping the SHA-256 and the size of what was read."""

    def __init__(self, raw):
        self.raw, self.sha256, self.size = raw, hashlib.sha256(), 0

    def readable(self):
        return True

    def readinto(self, buffer):
        data = self.raw.read(len(buffer))
        self.sha256.update(data)
        self.size += len(data)
        buffer[: len(data)] = data
        return len(data)


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(CHUNK), b""):
            digest.update(block)
    return digest.hexdigest()


def applied_migrations(connection) -> list[list[str]]:
    return sorted([app, name] for app, name in MigrationRecorder(connection).applied_migrations())


class Command(BaseCommand):
    help = "Back up the database and the stored files into one archive with a manifest of SHA-256 hashes."

    def add_arguments(self, parser):
        parser.add_argument("target", help="a folder (the archive is named by the time) or the archive's file name")
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(self, *args, target, database, **options):
        connection = connections[database]
        now = dt.datetime.now(dt.UTC).replace(microsecond=0)
        path = Path(target)
        if path.is_dir() or target.endswith(os.sep):
            path.mkdir(parents=True, exist_ok=True)
            path = path / f"elicense-backup-{now:%Y%m%dT%H%M%SZ}.tar"
        if path.exists():
            raise CommandError(f"{path} exists: give a new file name or a folder")
        path.parent.mkdir(parents=True, exist_ok=True)
        manifest = {
            "format": FORMAT, "created_at": now.isoformat(),
            "database": {"vendor": connection.vendor, "name": str(connection.settings_dict["NAME"])},
            "migrations": applied_migrations(connection), "storage": STORAGE, "parts": {},
        }
        partial = path.with_name(path.name + ".partial")
        try:
            with tarfile.open(partial, "w") as tar, tempfile.TemporaryDirectory() as scratch:
                member, dump = self._dump_database(connection, Path(scratch))
                manifest["parts"][member] = {"sha256": sha256_of(dump), "size": dump.stat().st_size}
                tar.add(dump, arcname=member)
                count = self._add_files(tar, manifest["parts"])
                data = json.dumps(manifest, indent=1, sort_keys=True).encode()
                info = tarfile.TarInfo("manifest.json")
                info.size, info.mtime = len(data), int(now.timestamp())
                tar.addfile(info, io.BytesIO(data))
            partial.rename(path)  # a complete archive or none
        finally:
            partial.unlink(missing_ok=True)
        self.stdout.write(f"{path}: the {connection.vendor} database and {count} stored files")

    def _dump_database(self, connection, scratch: Path) -> tuple[str, Path]:
        if connection.vendor == "postgresql":
            out = scratch / "database.pgdump"
            args, env = pg_environment(connection.settings_dict)
            result = subprocess.run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges", *args,
                                     "--file", str(out), str(connection.settings_dict["NAME"])],
                                    env=env, capture_output=True, text=True)
            if result.returncode != 0:
                raise CommandError(f"pg_dump failed: {result.stderr.strip()}")
            return "database.pgdump", out
        if connection.vendor == "sqlite":
            out = scratch / "database.sqlite3"
            connection.ensure_connection()
            target = sqlite3.connect(out)
            try:
                connection.connection.backup(target)  # the online backup API: a consistent copy
            finally:
                target.close()
            return "database.sqlite3", out
        raise CommandError(f"backup of a {connection.vendor} database is not supported")

    def _add_files(self, tar: tarfile.TarFile, parts: dict) -> int:
        storage = storages[STORAGE]
        names = storage_files(storage)
        for name in names:
            info = tarfile.TarInfo(f"files/{name}")
            info.size = storage.size(name)
            with storage.open(name, "rb") as f:
                reader = _Hashing(f)
                tar.addfile(info, io.BufferedReader(reader, CHUNK))
            if reader.size != info.size:
                raise CommandError(f"{name} changed while it was copied ({info.size} → {reader.size} bytes)")
            parts[f"files/{name}"] = {"sha256": reader.sha256.hexdigest(), "size": reader.size}
        return len(names)
