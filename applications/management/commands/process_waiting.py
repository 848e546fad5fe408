"""Resume requests waiting on an outside system, and reconcile payments whose callback never came.

    manage.py process_waiting            one pass
    manage.py process_waiting --loop     a pass every --interval seconds (the task-queue worker)

Each due request is taken under its row lock (SKIP LOCKED on PostgreSQL, so several workers share the
queue and an action holding the request is not waited for); its waiting service task runs again; if its
system is still unavailable the next attempt is put off (exponential backoff, workflow.engine.retry_delay).
"""
import time

from django.core.management.base import BaseCommand

from applications.actions import process_waiting


class Command(BaseCommand):
    help = "Resume requests waiting on an outside system; reconcile payments without a callback."

    def add_arguments(self, parser):
        parser.add_argument("--loop", action="store_true", help="keep running, one pass every --interval seconds")
        parser.add_argument("--interval", type=float, default=10.0)

    def handle(self, *args, loop=False, interval=10.0, **options):
        while True:
            result = process_waiting()
            if options["verbosity"] > 1 or (not loop and options["verbosity"]):
                self.stdout.write(" ".join(f"{k}={v}" for k, v in result.items()))
            if not loop:
                return
            time.sleep(interval)
