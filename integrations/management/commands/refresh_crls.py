"""``manage.py refresh_crls [--url URL ...] [--timeout S]``: fetch the trust store's CRLs from the CAs'
distribution points now (what the periodic task ``integrations.tasks.refresh_crls`` does).

The URLs: ``--url`` ones, ``ELICENSE_CRL_URLS``, those earlier fetches came from, each CRL's issuing
distribution point and the CRL distribution points of the store's CA certificates. A fetched CRL is kept only
if a CA of the store signed it and it is newer than the one held; a failed fetch keeps the last good copy.
Exit status 1 when a URL failed (the report says which), 0 otherwise.
"""
from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from integrations import actions


class Command(BaseCommand):
    help = "Fetch the trust store's CRLs from their distribution points; keep the newer, verified ones."

    def add_arguments(self, parser):
        parser.add_argument("--url", action="append", default=[], help="also fetch this CRL URL (repeatable)")
        parser.add_argument("--timeout", type=float, default=None, help="seconds per fetch (default 10)")

    def handle(self, *args, **options):
        report = actions.refresh_crls(urls=options["url"], timeout=options["timeout"])
        for outcome in ("updated", "unchanged", "failed"):
            for line in getattr(report, outcome):
                (self.stderr if outcome == "failed" else self.stdout).write(f"  {outcome:<9} {line}")
        self.stdout.write(f"CRL refresh: {report}")
        if report.failed:
            raise CommandError(f"{len(report.failed)} CRL URL(s) failed; the CRLs held stay in force")
