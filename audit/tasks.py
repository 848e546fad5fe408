"""The audit chain's periodic job, run by the scheduler (settings.ELICENSE_PERIODIC_TASKS)."""
from __future__ import annotations

from django_tasks import task


@task()
def extend_chain() -> dict:
    from audit.actions import extend_and_anchor

    return extend_and_anchor()
