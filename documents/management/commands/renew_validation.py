"""manage.py renew_validation — renew the signed results' long-term validation material that is due
(documents.renewal): fresh CRLs into the DSS, or a new document timestamp before the last one's certificates
expire. --dry-run: only say what is due; --at ISO: judge what is due as of that time; --document NUMBER."""
import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from documents import renewal


class Command(BaseCommand):
    help = __doc__.split("\n")[0]

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="say what is due, change nothing")
        parser.add_argument("--at", default=None, help="ISO 8601 time to judge what is due at (default: now)")
        parser.add_argument("--document", action="append", default=None, help="only this document number")

    def handle(self, *args, dry_run=False, at=None, document=None, **options):
        now = None
        if at:
            try:
                now = dt.datetime.fromisoformat(at)
            except ValueError as exc:
                raise CommandError(f"--at: not an ISO 8601 time: {at!r}") from exc
            if now.tzinfo is None:
                now = now.replace(tzinfo=dt.UTC)
        report = renewal.renew_all(now=now, dry_run=dry_run, numbers=document)
        for outcome in report.outcomes:
            self.stdout.write(str(outcome))
        self.stdout.write(str(report))
        if report.failed:
            raise CommandError(f"{len(report.failed)} document(s) could not be renewed")
