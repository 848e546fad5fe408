"""Idempotency keys (ADR 0016): a repeated state-changing call with the same key gets the first one's outcome.

A call with a key goes through four steps, none of them inside the call's own transactions:

1. ``claim``: the key's row is inserted ``in_progress`` in its own short transaction (the unique
   (scope, key) decides which of two concurrent calls runs); a key already there is answered from it —
   the stored answer (a replay), a mismatch (the same key, another request), still in progress, or, for a
   call whose process died, the truth about whether it took effect.
2. ``running``: while the call runs, a context variable holds the key; the call's own writes — the
   request's history (workflow.models.Event) and any row saved inside a transaction — mark the row
   ``committed`` with the first object changed (``note_change``), *in the same transaction as the change*.
   If the process dies after that transaction committed, the mark is there; if it dies before, neither is.
3. ``finish`` stores the answer (status, body); ``release`` forgets a key whose call changed nothing that
   matters (an answer saying "try again": 401, 429, 503, or an unexpected error before any change).
4. A key still ``in_progress`` after ``in_flight_limit()`` (longer than any request may run: the web
   worker's timeout kills it) belongs to a dead process: committed → its outcome is "applied, answer
   lost" (``APPLIED``); not committed → nothing took effect, and the next call with the key runs it again.

Keys expire after ``settings.ELICENSE_IDEMPOTENCY_KEY_HOURS`` (24) and are purged by the periodic task
``core.tasks.purge_idempotency_keys``.
"""
from __future__ import annotations

import contextlib
import datetime
import hashlib
from contextvars import ContextVar
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, connections, transaction
from django.utils import timezone

from core.models import IdempotencyKey

RUN, REPLAY, MISMATCH, IN_PROGRESS, APPLIED = "run", "replay", "mismatch", "in_progress", "applied"

# Rows whose writes say nothing about whether the call took effect: logs, audit, sessions, queued tasks and
# the keys themselves; the history (workflow.event) notes its request explicitly (workflow.models).
NOT_A_CHANGE = frozenset({
    "core.idempotencykey", "workflow.event", "workflow.processdefinition", "integrations.exchangelog",
    "sessions.session",
    "accounts.loginattempt", "axes.accessattempt", "axes.accessfailurelog", "axes.accesslog",
    "django_tasks_db.dbtaskresult",
})

_current: ContextVar[int | None] = ContextVar("elicense_idempotency_key", default=None)


def key_lifetime() -> datetime.timedelta:
    return datetime.timedelta(hours=float(getattr(settings, "ELICENSE_IDEMPOTENCY_KEY_HOURS", 24)))


def in_flight_limit() -> datetime.timedelta:
    """Past this a call still in progress is dead: longer than the web worker's timeout, which kills it."""
    return datetime.timedelta(seconds=float(getattr(settings, "ELICENSE_IDEMPOTENCY_IN_FLIGHT_SECONDS", 70)))


@dataclass(frozen=True)
class Claim:
    outcome: str  # RUN, REPLAY, MISMATCH, IN_PROGRESS or APPLIED
    row: IdempotencyKey
    rerun: bool = False  # RUN of a key whose first call died before changing anything


def fingerprint(*parts: bytes | str) -> str:
    digest = hashlib.sha256()
    for part in parts:
        data = part.encode() if isinstance(part, str) else part
        digest.update(len(data).to_bytes(8, "big"))
        digest.update(data)
    return digest.hexdigest()


def claim(scope: str, key: str, request_fingerprint: str, method: str, path: str, now=None) -> Claim:
    """Take the key for this call, or say what an earlier call with it came to."""
    for _attempt in range(3):
        now = now or timezone.now()
        try:
            with transaction.atomic():
                row = IdempotencyKey.objects.create(
                    scope=scope, key=key, fingerprint=request_fingerprint, method=method, path=path[:300],
                    created_at=now, started_at=now, expires_at=now + key_lifetime())
            return Claim(RUN, row)
        except IntegrityError:
            pass
        row = IdempotencyKey.objects.filter(scope=scope, key=key).first()
        if row is None:  # released or purged meanwhile
            continue
        if row.expires_at <= now:  # expired, not purged yet: as if it were not there
            IdempotencyKey.objects.filter(pk=row.pk, expires_at__lte=now).delete()
            continue
        if row.fingerprint != request_fingerprint:
            return Claim(MISMATCH, row)
        if row.state == IdempotencyKey.State.DONE:
            return Claim(REPLAY if row.status else APPLIED, row)
        if now - row.started_at < in_flight_limit():
            return Claim(IN_PROGRESS, row)
        # The first call died: its mark, written with its change, says whether the change was made.
        if row.committed:
            IdempotencyKey.objects.filter(pk=row.pk, state=IdempotencyKey.State.IN_PROGRESS).update(
                state=IdempotencyKey.State.DONE)
            return Claim(APPLIED, row)
        taken = IdempotencyKey.objects.filter(pk=row.pk, state=IdempotencyKey.State.IN_PROGRESS, committed=False,
                                              started_at=row.started_at).update(started_at=now)
        if not taken:  # another retry took it over first, or the mark just arrived
            continue
        row.started_at = now
        return Claim(RUN, row, rerun=True)
    row = IdempotencyKey.objects.filter(scope=scope, key=key).first() or IdempotencyKey(
        scope=scope, key=key, fingerprint=request_fingerprint, started_at=now, created_at=now, expires_at=now)
    return Claim(IN_PROGRESS, row)


@contextlib.contextmanager
def running(row: IdempotencyKey):
    """The block is the call of ``row``'s key: its writes mark the key (note_change)."""
    token = _current.set(row.pk)
    try:
        yield
    finally:
        _current.reset(token)


def current() -> int | None:
    return _current.get()


def note_change(object_type: str, object_id, using: str = "default", *, subject: bool = False) -> None:
    """The running call changed ``object_type`` ``object_id``: mark its key committed, in the transaction
    the change is written in (nothing when no key is running). The object kept is the first changed, or the
    ``subject`` whose history the call wrote (the request: what a client reads to see the outcome)."""
    pk = _current.get()
    if pk is None:
        return
    rows = IdempotencyKey.objects.using(using).filter(pk=pk)
    rows = rows.exclude(object_type=object_type[:80], object_id=str(object_id)[:40]) if subject else rows.filter(
        committed=False)
    rows.update(committed=True, object_type=object_type[:80], object_id=str(object_id)[:40])


def saved(sender, instance, raw=False, using="default", **kwargs) -> None:
    """post_save of any model: a row saved inside a transaction while a key runs is the call's change."""
    if raw or _current.get() is None:
        return
    label = sender._meta.label_lower
    if label in NOT_A_CHANGE or not connections[using].in_atomic_block:
        return
    note_change(label, instance.pk, using)


def finish(row: IdempotencyKey, status: int, body: bytes, content_type: str = "", headers: dict | None = None) -> None:
    """Store the call's answer: the next call with the key gets it."""
    IdempotencyKey.objects.filter(pk=row.pk, started_at=row.started_at).update(
        state=IdempotencyKey.State.DONE, status=status, body=bytes(body), content_type=content_type[:100],
        headers=headers or {})


def settle_without_answer(row: IdempotencyKey) -> bool:
    """The call has no answer to store (it failed, or said "try again"). If it changed something, the key
    says so ("applied, answer lost"); if not, the key is forgotten and may be used again. Whether it
    changed something."""
    committed = IdempotencyKey.objects.filter(pk=row.pk, committed=True).update(state=IdempotencyKey.State.DONE)
    if not committed:
        release(row)
    return bool(committed)


def release(row: IdempotencyKey) -> None:
    """Forget the key of a call that answered "try again" (by the API's contract nothing was changed)."""
    IdempotencyKey.objects.filter(pk=row.pk, state=IdempotencyKey.State.IN_PROGRESS).delete()


def refresh(row: IdempotencyKey) -> IdempotencyKey | None:
    return IdempotencyKey.objects.filter(pk=row.pk).first()


def purge(now=None) -> int:
    """Delete the expired keys; how many. Idempotent."""
    deleted, _ = IdempotencyKey.objects.filter(expires_at__lte=now or timezone.now()).delete()
    return deleted
