"""A record's status as the audit chain backs it (docs/audit.md): the status on ``Record`` is a summary of its
history, so it must be the ``status_after`` of the record's last event, and that event must be in the chain
unaltered. ``check_statuses`` runs in ``manage.py verify_audit``; ``status_backed`` on the /verify/ page."""
from __future__ import annotations

from django.db.models import OuterRef, Subquery

from audit import chain
from registry.models import Record, RecordEvent

CHUNK = 2000


def _with_last_event(qs):
    last = RecordEvent.objects.filter(record=OuterRef("pk")).order_by("-id")
    return qs.annotate(last_event=Subquery(last.values("id")[:1]), last_status=Subquery(last.values("status_after")[:1]))


def check_statuses(view) -> list:
    """Every record whose status is not the one its last event says (or that has no event at all). The kept
    verification answers of each such record are forgotten: /verify/ says "not backed" from now on, not only
    once its kept answer has expired (registry/cache.py)."""
    from registry import cache

    problems, last_id = [], 0
    while True:
        chunk = list(_with_last_event(Record.objects.filter(pk__gt=last_id).order_by("pk"))
                     .values_list("pk", "number", "status", "last_event", "last_status")[:CHUNK])
        if not chunk:
            for problem in problems:
                cache.forget_record(problem.row_id)
            return problems
        for pk, number, status, event_id, event_status in chunk:
            if event_id is None:
                problems.append(chain.Problem(None, "registry.record", pk,
                                              f"record {number} has the status {status!r} and no event backs it"))
            elif event_status != status:
                problems.append(chain.Problem(view.seq_of("registry.recordevent", event_id), "registry.record", pk,
                                              f"record {number} has the status {status!r}, its last event "
                                              f"({event_id}) says {event_status!r}"))
        last_id = chunk[-1][0]


def status_backed(record: Record) -> bool:
    """The record's status is its last event's, and that event is in the chain unaltered (or too recent to be
    chained yet)."""
    event = RecordEvent.objects.filter(record=record).order_by("-id").first()
    return (event is not None and event.status_after == record.status
            and chain.row_state(RecordEvent, event.pk) in ("intact", "pending"))
