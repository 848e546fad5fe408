"""``manage.py load_numbering_plan FILE.csv``: add or update the national numbering plan's parts (docs/resources.md:
the columns). ``--demo`` loads the demo plan shipped with the system (numbering/data/demo-plan.csv)."""
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.errors import DomainError
from numbering import actions

DEMO_PLAN = Path(actions.__file__).resolve().parent / "data" / "demo-plan.csv"


class Command(BaseCommand):
    help = "Load the national numbering plan from CSV (adds new parts, updates the others)."

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", help="the plan's CSV (UTF-8)")
        parser.add_argument("--demo", action="store_true", help="load the demo plan shipped with the system")

    def handle(self, *args, file=None, demo=False, **options):
        if not file and not demo:
            raise CommandError("name the plan's CSV file, or --demo")
        path = DEMO_PLAN if demo else Path(file)
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as err:
            raise CommandError(f"cannot read {path}: {err}") from None
        try:
            counts = actions.load_plan(text)
        except DomainError as err:
            raise CommandError(str(err.message)) from None
        self.stdout.write(f"numbering plan: {counts['added']} parts added, {counts['updated']} updated")
