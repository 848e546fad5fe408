"""``manage.py restore <archive> [--force]``: a ``manage.py backup`` archive into the configured database and
storage (docs/backup.md).

First every member is checked against the manifest's SHA-256 (and nothing is missing or extra); then the target
must be empty — a database without tables, a storage without files — unless ``--force``, which replaces what
is there. The database's engine must be the archive's (a PostgreSQL dump into PostgreSQL, SQLite into SQLite).
"""
from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from pathlib import Path

from django.core.files import File
from django.core.files.storage import storages
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.loader import MigrationLoader

from core.management.commands.backup import CHUNK, FORMAT, STORAGE, pg_environment, storage_files


def read_manifest(tar: tarfile.TarFile) -> dict:
    try:
        manifest = json.load(tar.extractfile("manifest.json"))
    except (KeyError, ValueError) as err:
        raise CommandError(f"not a backup archive: no readable manifest.json ({err})")
    if manifest.get("format") != FORMAT:
        raise CommandError(f"unknown archive format {manifest.get('format')!r} (expected {FORMAT})")
    return manifest


def verify_archive(tar: tarfile.TarFile, manifest: dict) -> None:
    """Every member is in the manifest with its hash and size, and every part of the manifest is there."""
    parts = manifest["parts"]
    seen = set()
    for member in tar.getmembers():
        if member.name == "manifest.json":
            continue
        if not member.isfile() or member.name not in parts:
            raise CommandError(f"{member.name}: not in the manifest")
        digest, size = hashlib.sha256(), 0
        f = tar.extractfile(member)
        for block in iter(lambda f=f: f.read(CHUNK), b""):
            digest.update(block)
            size += len(block)
        expected = parts[member.name]
        if digest.hexdigest() != expected["sha256"] or size != expected["size"]:
            raise CommandError(f"{member.name}: its SHA-256 is not the manifest's: the archive is damaged")
        seen.add(member.name)
    missing = sorted(set(parts) - seen)
    if missing:
        raise CommandError(f"missing from the archive: {', '.join(missing)}")


class Command(BaseCommand):
    help = "Restore a backup archive into the configured (empty) database and storage, after checking its hashes."

    def add_arguments(self, parser):
        parser.add_argument("archive")
        parser.add_argument("--force", action="store_true",
                            help="restore over a database with tables and a storage with files (they are replaced)")
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(self, *args, archive, force=False, database=DEFAULT_DB_ALIAS, **options):
        connection = connections[database]
        storage = storages[STORAGE]
        with tarfile.open(archive, "r") as tar:
            manifest = read_manifest(tar)
            verify_archive(tar, manifest)
            vendor = manifest["database"]["vendor"]
            if vendor != connection.vendor:
                raise CommandError(f"the archive holds a {vendor} database; this one is {connection.vendor}")
            self._check_migrations(connection, manifest, force)
            tables = connection.introspection.table_names()
            existing = storage_files(storage)
            if (tables or existing) and not force:
                raise CommandError(f"the target is not empty ({len(tables)} tables, {len(existing)} stored files): "
                                   "restore into a new database and storage, or give --force to replace them")
            with tempfile.TemporaryDirectory() as scratch:
                member = "database.pgdump" if vendor == "postgresql" else "database.sqlite3"
                dump = Path(scratch) / member
                with tar.extractfile(member) as src, open(dump, "wb") as out:
                    shutil.copyfileobj(src, out, CHUNK)
                if vendor == "postgresql":
                    self._restore_postgresql(connection, dump, clean=bool(tables))
                else:
                    self._restore_sqlite(connection, dump)
            for name in existing:
                storage.delete(name)
            count = 0
            for member in tar.getmembers():
                if not member.name.startswith("files/"):
                    continue
                name = member.name[len("files/"):]
                with tar.extractfile(member) as src:
                    saved = storage.save(name, File(src, name=name))
                if saved != name:
                    raise CommandError(f"{name} was stored as {saved}: the storage was not empty")
                count += 1
        self.stdout.write(f"restored {archive} (made {manifest['created_at']}): the {vendor} database and "
                          f"{count} stored files")

    def _check_migrations(self, connection, manifest: dict, force: bool) -> None:
        known = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
        unknown = sorted(tuple(m) for m in manifest["migrations"] if tuple(m) not in known)
        if unknown and not force:
            raise CommandError("the archive's schema is newer than this code (migrations it does not have: "
                               + ", ".join(f"{a}.{n}" for a, n in unknown[:10]) + "): restore with that code")

    def _restore_postgresql(self, connection, dump: Path, *, clean: bool) -> None:
        connection.close()
        args, env = pg_environment(connection.settings_dict)
        command = ["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction", *args,
                   "--dbname", str(connection.settings_dict["NAME"])]
        if clean:
            command += ["--clean", "--if-exists"]
        result = subprocess.run([*command, str(dump)], env=env, capture_output=True, text=True)
        if result.returncode != 0:
            raise CommandError(f"pg_restore failed: {result.stderr.strip()}")

    def _restore_sqlite(self, connection, dump: Path) -> None:
        connection.close()
        name = str(connection.settings_dict["NAME"])
        source = sqlite3.connect(dump)
        target = sqlite3.connect(name, uri=name.startswith("file:"))
        try:
            source.backup(target)  # replaces the target's pages with the archive's database
        finally:
            source.close()
            target.close()
