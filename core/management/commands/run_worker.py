"""manage.py run_worker [--burst] — run this process as a worker of the configured task backend
(core.tasks; settings.ELICENSE_TASK_BACKEND): the database queue or RQ on Redis."""
from django.core.management.base import BaseCommand

from core import tasks


class Command(BaseCommand):
    help = __doc__.split("\n")[0]

    def add_arguments(self, parser):
        parser.add_argument("--burst", action="store_true", help="run what is queued, then exit")
        parser.add_argument("--max-tasks", type=int, default=None)
        parser.add_argument("--interval", type=float, default=1.0, help="seconds between polls (database)")

    def handle(self, *args, burst=False, max_tasks=None, interval=1.0, **options):
        ran = tasks.run_worker(burst=burst, max_tasks=max_tasks, interval=interval)
        if burst and options["verbosity"]:
            self.stdout.write(f"{tasks.backend_name()}: {ran} tasks run")
