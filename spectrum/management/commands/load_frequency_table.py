"""manage.py load_frequency_table [file.csv]: replace the national table of frequency allocations with a CSV's rows
(without a file: the demo extract spectrum/data/frequency-table-demo.csv, marked demo)."""
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.errors import DomainError
from spectrum import actions

DEMO = Path(__file__).resolve().parents[2] / "data" / "frequency-table-demo.csv"


class Command(BaseCommand):
    help = "Load the national table of frequency allocations from CSV (default: the demo extract)."

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", default=str(DEMO))

    def handle(self, *args, path, **options):
        try:
            text = Path(path).read_text(encoding="utf-8-sig")
        except OSError as exc:
            raise CommandError(f"{path}: {exc.strerror}") from None
        try:
            count = actions.load_frequency_table(text)
        except DomainError as err:
            raise CommandError(str(err.message)) from None
        if options["verbosity"]:
            self.stdout.write(f"{count} bands loaded from {path}")
