"""manage.py run_scheduler — the one scheduler of periodic jobs (core.scheduler): enqueues each of
settings.ELICENSE_PERIODIC_TASKS every its interval; a second scheduler stands by."""
from django.core.management.base import BaseCommand

from core import scheduler


class Command(BaseCommand):
    help = __doc__.split("\n")[0]

    def add_arguments(self, parser):
        parser.add_argument("--max-ticks", type=int, default=None, help="stop after so many ticks (tests)")
        parser.add_argument("--resolution", type=float, default=1.0)

    def handle(self, *args, max_ticks=None, resolution=1.0, **options):
        scheduler.run(resolution=resolution, max_ticks=max_ticks)
