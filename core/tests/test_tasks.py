"""Background work on the real backends: the database queue (the embedded default, on SQLite or
PostgreSQL) and RQ on Redis (production). Each test runs against both, with a real worker
(core.tasks.run_worker, as `manage.py run_worker --burst` runs it):

- a result document's PDF is not made inside the decision's request but by the worker, after the commit;
- a second run, or a second message for the same document, changes nothing (idempotent);
- a lost message (the queue emptied before the worker ran) is found by the sweep and the PDF made once;
- the scheduler enqueues each periodic task when its interval has passed, and only one scheduler leads.

The rest of the suite runs tasks at once (the immediate backend, conftest.py), so that a test sees a
result's PDF right after the action that issued it.
"""
from __future__ import annotations

import time

import pytest
from django.db import connection

from applications.models import ResultDocument
from applications.tests.journeys import create, decide, fill, sign
from core import scheduler, tasks

BACKENDS = {
    "database": {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}},
    "rq": {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}},
}


def _redis_up() -> bool:
    try:
        import redis

        return bool(redis.Redis.from_url("redis://127.0.0.1:6379/15", socket_connect_timeout=1).ping())
    except Exception:  # noqa: BLE001
        return False


@pytest.fixture(params=sorted(BACKENDS))
def backend(request, settings):
    """The task backend under test, with an empty queue."""
    if request.param == "rq":
        if not _redis_up():
            pytest.fail("Redis must run on 127.0.0.1:6379 for the production task backend's tests")
        settings.RQ_QUEUES = {"default": {"URL": "redis://127.0.0.1:6379/15", "DEFAULT_TIMEOUT": 300}}
        import django_rq

        django_rq.get_connection("default").flushdb()
    settings.TASKS = BACKENDS[request.param]
    assert tasks.backend_name() == request.param
    yield request.param
    if request.param == "rq":
        import django_rq

        django_rq.get_connection("default").flushdb()


def _approved_permit(world):
    """An S4 request decided by the Inspection's officer: a permit issued, not yet prepared for their signature."""
    api = world.api["person"]
    app = sign(world, api, fill(api, create(api, "S4", "device"), "S4", "device"))
    app = decide(world.api["inspection_officer"], app, sign=False)
    assert app["status"] == "completed"
    return ResultDocument.objects.get(application_id=app["id"], kind="permit")


def _queued(backend) -> int:
    if backend == "database":
        from django_tasks_db.models import DBTaskResult

        return DBTaskResult.objects.ready().count()
    import django_rq

    return django_rq.get_queue("default").count


@pytest.mark.django_db(transaction=True)
def test_the_pdf_is_made_by_the_worker_after_the_decision_once(world, backend):
    document = _approved_permit(world)
    assert document.pdf_sha256 == "" and not document.pdf  # the decision's request did not make it
    assert document.signer is not None and document.signer.username == world.inspection_officer.username
    assert _queued(backend) == 1

    from documents.models import SigningSession

    assert tasks.run_worker(burst=True) == 1  # the worker prepares it for the inspector's signature
    prepared = SigningSession.objects.get(document=document)
    with prepared.prepared_pdf.open("rb") as handle:
        assert handle.read(5) == b"%PDF-"
    made = (prepared.pk, prepared.prepared_pdf.name, prepared.digest)

    # A second message for the same document (a retry, the sweep) changes nothing.
    from documents.tasks import produce_document

    produce_document.enqueue(document.pk)
    assert tasks.run_worker(burst=True) == 1
    prepared = SigningSession.objects.get(document=document)
    assert (prepared.pk, prepared.prepared_pdf.name, prepared.digest) == made
    # The inspector signs it with their own EDS: the signed PDF.
    world.api["inspection_officer"].sign_document(document.number)
    document.refresh_from_db()
    assert len(document.pdf_sha256) == 64 and document.signer_name


@pytest.mark.django_db(transaction=True)
def test_a_lost_message_is_found_by_the_sweep(world, backend, settings):
    document = _approved_permit(world)
    # The message is lost (the queue's store emptied before any worker took it).
    if backend == "database":
        from django_tasks_db.models import DBTaskResult

        DBTaskResult.objects.all().delete()
    else:
        import django_rq

        django_rq.get_connection("default").flushdb()
    assert tasks.run_worker(burst=True) == 0
    assert ResultDocument.objects.get(pk=document.pk).pdf_sha256 == ""

    from documents.tasks import produce_missing_documents

    settings.ELICENSE_DOCUMENT_SWEEP_AFTER = 3600  # not yet overdue: the sweep leaves it
    produce_missing_documents.enqueue()
    assert tasks.run_worker(burst=True) == 1
    assert ResultDocument.objects.get(pk=document.pk).pdf_sha256 == ""
    settings.ELICENSE_DOCUMENT_SWEEP_AFTER = 0
    produce_missing_documents.enqueue()
    assert tasks.run_worker(burst=True) == 2  # the sweep, then the document it enqueued (prepared)
    from documents.models import SigningSession

    assert SigningSession.objects.filter(document=document).exists()
    produce_missing_documents.enqueue()  # a prepared document waits for its officer: the sweep leaves it
    assert tasks.run_worker(burst=True) == 1


@pytest.mark.django_db(transaction=True)
def test_the_scheduler_enqueues_each_periodic_task_when_due(backend):
    schedule = [("applications.tasks.resume_waiting_requests", 10.0), ("applications.tasks.reconcile_payments", 60.0)]
    last: dict[str, float] = {}
    assert scheduler.tick(schedule, last, now=1000.0) == [p for p, _every in schedule]  # never run: both due
    assert scheduler.tick(schedule, last, now=1005.0) == []
    assert scheduler.tick(schedule, last, now=1010.0) == ["applications.tasks.resume_waiting_requests"]
    assert scheduler.tick(schedule, last, now=1060.0) == [p for p, _every in schedule]
    assert _queued(backend) == 5
    assert tasks.run_worker(burst=True) == 5  # nothing waiting, nothing to reconcile: each runs and ends
    assert _queued(backend) == 0


@pytest.mark.django_db(transaction=True)
def test_only_one_scheduler_leads():
    if connection.vendor == "postgresql":
        # A second scheduler is another database session: its try-lock fails while the first holds it.
        from django.db import connections

        other = connections.create_connection("default")
        try:
            with scheduler.leadership(wait=False) as leading:
                assert leading
                with other.cursor() as cursor:
                    cursor.execute("SELECT pg_try_advisory_lock(%s)", [scheduler.ADVISORY_LOCK_KEY])
                    assert cursor.fetchone()[0] is False
            with other.cursor() as cursor:  # released: the stand-by takes over
                cursor.execute("SELECT pg_try_advisory_lock(%s)", [scheduler.ADVISORY_LOCK_KEY])
                assert cursor.fetchone()[0] is True
                cursor.execute("SELECT pg_advisory_unlock(%s)", [scheduler.ADVISORY_LOCK_KEY])
        finally:
            other.close()
        return
    import subprocess
    import sys

    with scheduler.leadership(wait=False) as leading:
        assert leading
        # Another process cannot take the lock while this one holds it.
        code = ("import django,os;os.environ.setdefault('DJANGO_SETTINGS_MODULE','elicense.settings');django.setup();"
                "from core import scheduler\nwith scheduler.leadership(wait=False) as l: print(l)")
        started = time.monotonic()
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
        assert out.stdout.strip() == "False", out.stderr[-2000:]
        assert time.monotonic() - started < 60


def test_the_queue_is_ready_or_says_why(settings, db):
    settings.TASKS = BACKENDS["database"]
    assert tasks.check_task_queue() == (True, "database")
    settings.TASKS = BACKENDS["rq"]
    settings.RQ_QUEUES = {"default": {"URL": "redis://127.0.0.1:1/0", "DEFAULT_TIMEOUT": 5}}  # nothing listens
    ok, detail = tasks.check_task_queue()
    assert not ok and detail.startswith("rq: ")


def test_the_overdue_sweep_notes_each_late_step_once(world):
    import datetime

    from django.utils import timezone

    from applications.tasks import sweep_overdue
    from workflow import engine
    from workflow.models import Event, WorkTask

    api = world.api["person"]
    late = create(api, "S4", "device")
    on_time = create(api, "S4", "device")
    WorkTask.objects.filter(application_id=late["id"], state="open").update(
        due_at=timezone.now() - datetime.timedelta(hours=1))
    WorkTask.objects.filter(application_id=on_time["id"], state="open").update(
        due_at=timezone.now() + datetime.timedelta(hours=1))
    assert sweep_overdue.enqueue().return_value == 1  # the immediate backend runs it at once
    (event,) = Event.objects.filter(kind="step_overdue")
    assert event.application_id == late["id"] and event.bpmn_id == "fill" and event.data["action_kind"] == "fill"
    assert engine.note_overdue() == 0  # noted once: the next sweep finds nothing
    assert Event.objects.filter(kind="step_overdue").count() == 1
    history = api.get(f"/applications/{late['id']}/history")
    assert [e["kind"] for e in history][-1] == "step_overdue"
