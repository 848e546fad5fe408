"""Background work: one API (Django's tasks, the django-tasks backport) over the configured backend.

Tasks are defined with ``django_tasks.task`` in each app's ``tasks.py`` and enqueued with
``.enqueue(...)`` after the transaction that made the work necessary has committed: a task never runs
inside a transaction that holds a request's lock. Every task is idempotent and derived from the
database's state, and the periodic sweeps (``settings.ELICENSE_PERIODIC_TASKS``, run by the one
scheduler, core.scheduler) find whatever a lost message left undone.

The backends (settings.ELICENSE_TASK_BACKEND): ``database`` (django-tasks-db; the embedded default,
SQLite or PostgreSQL) and ``rq`` (django-tasks-rq on Redis). ``run_worker`` runs this process as a
worker of the configured one; ``check_task_queue`` is the readiness check of /readyz.
"""
from __future__ import annotations

from django.conf import settings
from django_tasks import task, task_backends


def _backend():
    return task_backends["default"]


def backend_name() -> str:
    backend = type(_backend()).__module__
    if backend.startswith("django_tasks_db"):
        return "database"
    if backend.startswith("django_tasks_rq"):
        return "rq"
    return backend.rsplit(".", 1)[-1]


def check_task_queue() -> tuple[bool, str]:
    """Readiness (/readyz): can tasks be enqueued now? (the queue's store answers)"""
    name = backend_name()
    try:
        if name == "database":
            from django_tasks_db.models import DBTaskResult

            DBTaskResult.objects.exists()
        elif name == "rq":
            import django_rq

            django_rq.get_connection("default").ping()
    except Exception as exc:  # noqa: BLE001 - any failure means "not ready"; the detail says which
        return False, f"{name}: {type(exc).__name__}: {exc}"[:200]
    return True, name


def run_worker(*, burst: bool = False, max_tasks: int | None = None, interval: float = 1.0) -> int:
    """Work off the queue: forever, or (``burst``) until it is empty. Returns the tasks run (burst only)."""
    name = backend_name()
    if name == "database":
        from django_tasks.utils import get_random_id
        from django_tasks_db.management.commands.db_worker import Worker

        backend = _backend()
        worker = Worker(queue_names=sorted(backend.queues), interval=interval, batch=burst,
                        backend_name=backend.alias, startup_delay=not burst, max_tasks=max_tasks,
                        worker_id=get_random_id(), excluded_queue_names=[])
        if not burst:
            worker.configure_signals()
        worker.run()
        return worker._run_tasks
    if name == "rq":
        import django_rq
        from django_tasks_rq.backend import Job
        from rq import SimpleWorker

        # SimpleWorker runs each job in this process (no fork): a forked child would share the parent's
        # database connections.
        queues = [django_rq.get_queue(q, job_class=Job) for q in sorted(_backend().queues)]
        def done() -> int:
            return sum(q.finished_job_registry.count + q.failed_job_registry.count for q in queues)

        before = done()
        worker = SimpleWorker(queues, connection=queues[0].connection, job_class=Job)
        worker.work(burst=burst, max_jobs=max_tasks, with_scheduler=not burst, logging_level="WARNING")
        return done() - before
    raise RuntimeError(f"the task backend {name!r} has no worker (it runs tasks at once)")


def periodic_tasks() -> list[tuple[str, float]]:
    return list(settings.ELICENSE_PERIODIC_TASKS)


@task()
def purge_idempotency_keys() -> int:
    """Periodic (settings.ELICENSE_PERIODIC_TASKS): delete the expired idempotency keys (ADR 0016); how many.
    Idempotent."""
    from core import idempotency

    return idempotency.purge()
