"""The hearing's periodic job (settings.ELICENSE_PERIODIC_TASKS): hearings whose term has passed are closed."""
from __future__ import annotations

from django_tasks import task


@task()
def close_expired_hearings() -> int:
    from hearings.actions import close_expired

    return close_expired()
