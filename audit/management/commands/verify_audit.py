"""``manage.py verify_audit``: extend the audit chain, then check it whole; exit status 1 naming the first
broken link."""
from django.core.management.base import BaseCommand, CommandError

from audit import actions, chain


class Command(BaseCommand):
    help = "Check the whole audit chain (docs/audit.md); exit status 1 and the first broken link if it is broken."

    def add_arguments(self, parser):
        parser.add_argument("--no-extend", action="store_true", help="check the links as they are, chain nothing")
        parser.add_argument("--anchor", action="store_true", help="timestamp the chain head with the TSA first")

    def handle(self, *args, no_extend=False, anchor=False, **options):
        if not no_extend:
            actions.extend_chain()
        if anchor:
            actions.anchor_head()
        report = chain.verify()
        if not report.intact:
            if options["verbosity"] > 1:
                for problem in sorted(report.problems, key=chain.Problem.sort_key)[1:]:
                    self.stderr.write(str(problem))
            raise CommandError(str(report), returncode=1)
        self.stdout.write(str(report))
