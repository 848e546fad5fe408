"""The requests' periodic background work, run by the scheduler (settings.ELICENSE_PERIODIC_TASKS):
resuming steps that wait on an outside system, and reconciling payments whose callback never came."""
from __future__ import annotations

from django_tasks import task


@task()
def resume_waiting_requests() -> dict:
    from applications.actions import process_waiting

    return process_waiting(reconcile=False)


@task()
def reconcile_payments() -> int:
    from applications.actions import reconcile_payments as reconcile

    return reconcile()
