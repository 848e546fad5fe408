"""The one scheduler of periodic jobs (``manage.py run_scheduler``).

Every ``settings.ELICENSE_PERIODIC_TASKS`` entry (a task's dotted path, an interval in seconds) is
enqueued when its interval has passed. Only one scheduler enqueues at a time, however many are
started: on PostgreSQL the one holding a session-level advisory lock (the others stand by and take
over when it goes); on SQLite, the one holding an exclusive lock on a file beside the database.
"""
from __future__ import annotations

import contextlib
import fcntl
import logging
import time
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.utils.module_loading import import_string

log = logging.getLogger(__name__)

ADVISORY_LOCK_KEY = 0x454C4943  # "ELIC"


@contextlib.contextmanager
def leadership(wait: bool = True):
    """Hold the scheduler's lock for the block; yields whether it was taken (wait=False may fail)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            while True:
                cursor.execute("SELECT pg_try_advisory_lock(%s)", [ADVISORY_LOCK_KEY])
                if cursor.fetchone()[0]:
                    break
                if not wait:
                    yield False
                    return
                time.sleep(1.0)
        try:
            yield True
        finally:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [ADVISORY_LOCK_KEY])
        return
    path = Path(settings.VAR_DIR) / "scheduler.lock"
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w") as handle:
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if not wait:
                    yield False
                    return
                time.sleep(1.0)
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def due(schedule: list[tuple[str, float]], last: dict[str, float], now: float) -> list[str]:
    """The tasks whose interval has passed since they were last enqueued (never enqueued: due)."""
    return [path for path, every in schedule if now - last.get(path, float("-inf")) >= every]


def tick(schedule: list[tuple[str, float]], last: dict[str, float], now: float | None = None) -> list[str]:
    """Enqueue what is due; returns the dotted paths enqueued."""
    now = time.monotonic() if now is None else now
    enqueued = []
    for path in due(schedule, last, now):
        try:
            import_string(path).enqueue()
        except Exception:  # noqa: BLE001 - the queue is down: try again at the next tick
            log.exception("could not enqueue %s", path)
            continue
        last[path] = now
        enqueued.append(path)
    return enqueued


def run(schedule: list[tuple[str, float]] | None = None, *, resolution: float = 1.0, max_ticks: int | None = None):
    schedule = list(settings.ELICENSE_PERIODIC_TASKS if schedule is None else schedule)
    with leadership(wait=True):
        log.warning("scheduler: leading; %d periodic tasks", len(schedule))
        last: dict[str, float] = {}
        ticks = 0
        while max_ticks is None or ticks < max_ticks:
            tick(schedule, last)
            ticks += 1
            time.sleep(resolution)
