"""``manage.py import_trust_dir DIR [--replace]``: put a trust folder's material into the shared trust store.

DIR has the folder layout of docs/signatures.md — ``roots/``, ``intermediates/``, ``crls/`` (PEM or DER; a
PEM file may hold several); ``private/``, ``users/`` and other files are left out. Each file becomes one
trust item named by its file name: a new name is added, a changed file replaces its item, an unchanged one
is left as it is. ``--replace`` also deletes the imported items that DIR no longer holds (items uploaded
on the administration page stay). Every app server sees the change within
``ELICENSE_TRUST_REFRESH_SECONDS``. Run it, for example, from the timer that fetches the NCA's CRLs.
"""
from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from integrations import trust


class Command(BaseCommand):
    help = "Import a trust folder (roots/, intermediates/, crls/) into the trust store in the database."

    def add_arguments(self, parser):
        parser.add_argument("directory", help="the trust folder")
        parser.add_argument("--replace", action="store_true",
                            help="also delete imported items the folder no longer holds")

    def handle(self, *args, **options):
        directory = Path(options["directory"])
        if not directory.is_dir():
            raise CommandError(f"{directory} is not a folder")
        report = trust.import_directory(directory, replace=options["replace"])
        for problem in report.problems:
            self.stderr.write(f"  {problem}")
        self.stdout.write(f"trust store: {report} from {directory}")
        if options["verbosity"] > 1:
            for outcome in ("added", "replaced", "unchanged", "removed"):
                for name in getattr(report, outcome):
                    self.stdout.write(f"  {outcome:<9} {name}")
