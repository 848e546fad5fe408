"""The requests' periodic background work, run by the scheduler (settings.ELICENSE_PERIODIC_TASKS):
resuming steps that wait on an outside system, reconciling payments whose callback never came, and ending
the requests whose fee was not paid in its term."""
from __future__ import annotations

from django_tasks import task


@task()
def resume_waiting_requests() -> dict:
    from applications.actions import process_waiting

    return process_waiting(reconcile=False)


@task()
def sweep_overdue() -> int:
    """Note every open step past its due time in its request's history (once); batches until none is left."""
    from workflow import engine

    total = 0
    while (noted := engine.note_overdue()) and total < 100_000:
        total += noted
    return total


@task()
def reconcile_payments() -> int:
    from applications.actions import reconcile_payments as reconcile

    return reconcile()


@task()
def end_unpaid_requests() -> dict:
    """Remind applicants whose fee is due soon; refuse for non-payment the requests whose term has passed."""
    from applications.actions import end_unpaid

    return end_unpaid()
