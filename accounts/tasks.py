"""The accounts' background work: the periodic purge of log-in challenges that can serve no log-in any more
(used or expired), and of expired sessions (ADR 0014)."""
from __future__ import annotations

from importlib import import_module

from django.conf import settings
from django_tasks import task

from accounts import actions


@task()
def purge_login_challenges() -> int:
    """Periodic (settings.ELICENSE_PERIODIC_TASKS): delete used or expired challenges and expired sessions;
    the number of challenges deleted. Idempotent."""
    deleted = actions.purge_challenges()
    import_module(settings.SESSION_ENGINE).SessionStore.clear_expired()
    return deleted
