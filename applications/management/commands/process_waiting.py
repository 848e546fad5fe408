"""Resume requests waiting on an outside system, and reconcile payments whose callback never came.

    manage.py process_waiting            one pass
    manage.py process_waiting --loop     a pass every --interval seconds (the task-queue worker)

Each due request is taken under its row lock (SKIP LOCKED on PostgreSQL, so several workers share the
queue and an action holding the request is not waited for); its waiting service task runs again; if its
system is still unavailable the next attempt is put off (exponential backoff, workflow.engine.retry_delay).
"""
import time

from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.utils import timezone

from applications.actions import reconcile_payments
from applications.models import Application
from workflow import engine
from workflow.models import ProcessInstance


def process_waiting(now=None, limit: int = 100) -> dict:
    now = now or timezone.now()
    due = list(
        ProcessInstance.objects.filter(waiting_for__gt="", next_attempt_at__lte=now)
        .order_by("next_attempt_at").values_list("application_id", flat=True)[:limit]
    )
    resumed = still_waiting = 0
    for application_id in due:
        with transaction.atomic():
            qs = Application.objects.select_related("definition", "process").filter(
                pk=application_id, process__waiting_for__gt="", process__next_attempt_at__lte=now)
            if connection.features.has_select_for_update_skip_locked:
                qs = qs.select_for_update(of=("self",), skip_locked=True)
            app = qs.first()
            if app is None:  # another worker has it, or it moved on meanwhile
                continue
            run = engine.resume(app)
            if run.waiting is None:
                resumed += 1
            else:
                still_waiting += 1
    reconciled = reconcile_payments(now)
    return {"due": len(due), "resumed": resumed, "still_waiting": still_waiting, "payments_reconciled": reconciled}


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
