"""The audit log's actions: recording an event (in the caller's transaction, no hashing, so nothing on the
submission path waits), extending the chain in batches (the periodic chainer) and anchoring its head with
the TSA."""
from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from audit import chain
from audit.models import Anchor, AuditEntry, ChainHead, ChainLink

log = logging.getLogger(__name__)
Kind = AuditEntry.Kind


def client_addr(request) -> str | None:
    """The client's address, by the rules of the log-in lockout (accounts.lockout.client_ip): REMOTE_ADDR, or
    behind the project's HTTPS proxy the last X-Forwarded-For entry (the one the proxy appended)."""
    if request is None:
        return None
    if getattr(settings, "ELICENSE_BEHIND_HTTPS_PROXY", False):
        forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if a.strip()]
        if forwarded:
            return forwarded[-1]
    return request.META.get("REMOTE_ADDR") or None


def _actor_fields(actor) -> dict:
    if actor is None or not getattr(actor, "is_authenticated", False):
        return {}
    name = getattr(actor, "organisation_name", "") or (actor.full_name() if hasattr(actor, "full_name") else "")
    cache = getattr(actor, "_prefetched_objects_cache", {}).get("groups")
    roles = sorted(g.name for g in cache) if cache is not None else sorted(actor.groups.values_list("name", flat=True))
    return {"actor_id": actor.pk, "actor_username": actor.get_username()[:150], "actor_name": name[:300],
            "actor_kind": getattr(actor, "kind", "") or "", "actor_roles": ",".join(roles)[:300]}


def _subject_fields(subject) -> dict:
    if subject is None:
        return {}
    if isinstance(subject, tuple):
        subject_type, subject_id = subject
    else:
        subject_type, subject_id = chain.label_of(type(subject)), subject.pk
    return {"subject_type": subject_type, "subject_id": str(subject_id)}


def record(kind: str, *, actor=None, subject=None, data: dict | None = None, request=None,
           address: str | None = None) -> AuditEntry:
    """One audit entry, inserted in the caller's transaction (it commits or rolls back with the change).
    ``subject``: a model instance or ``("app_label.model", id)``; ``data``: JSON-serialisable facts."""
    return AuditEntry.objects.create(
        kind=kind, client_addr=address or client_addr(request), data=chain._plain(data or {}),
        **_actor_fields(actor), **_subject_fields(subject))


# -- the chainer -------------------------------------------------------------------------------------------
def _head() -> ChainHead:
    ChainHead.objects.get_or_create(pk=1)
    return ChainHead.objects.select_for_update().get(pk=1)


def extend_chain(*, now=None, batch: int = 5000) -> int:
    """Append a link for every settled row of every covered table not chained yet, table by table in id
    order, ``batch`` rows per table per transaction, under the ChainHead lock (only the chainer waits on it).
    A table's rows are chained up to its first row younger than the settle time, so a row whose transaction
    is still open can never fall behind the mark. Returns the links added."""
    settle = dt.timedelta(seconds=chain.settle_seconds())
    total = 0
    while True:
        added = 0
        with transaction.atomic():
            head = _head()
            cutoff = (now or timezone.now()) - settle
            previous, seq, marks = head.chain_hash or chain.GENESIS.hex(), head.seq, dict(head.high_water)
            links, chained_at = [], timezone.now()
            for cov in chain.covered():
                mark = int(marks.get(cov.label, 0))
                rows = cov.model._default_manager.filter(pk__gt=mark).order_by("pk").values(*cov.fields)[:batch]
                for row in rows:
                    at = row.get(cov.time_field)
                    if at is not None and at > cutoff:
                        break
                    digest = chain.row_hash(row)
                    seq += 1
                    previous = chain.link_hash(previous, cov.label, row["id"], digest)
                    links.append(ChainLink(seq=seq, table=cov.label, row_id=row["id"], row_hash=digest,
                                           chain_hash=previous, chained_at=chained_at))
                    marks[cov.label] = row["id"]
                    added += 1
            if links:
                ChainLink.objects.bulk_create(links)
                ChainHead.objects.filter(pk=1).update(seq=seq, chain_hash=previous, high_water=marks,
                                                      updated_at=chained_at)
        total += added
        if added < batch:
            return total


def anchor_due(*, now=None) -> bool:
    last_link = ChainLink.objects.order_by("-seq").only("seq").first()
    if last_link is None:
        return False
    last = Anchor.objects.order_by("-seq").first()
    if last is None:
        return True
    if last_link.seq <= last.seq:
        return False
    every = int(getattr(settings, "ELICENSE_AUDIT_ANCHOR_EVERY", 1000))
    seconds = float(getattr(settings, "ELICENSE_AUDIT_ANCHOR_SECONDS", 600))
    return (last_link.seq - last.seq >= every
            or (now or timezone.now()) - last.created_at >= dt.timedelta(seconds=seconds))


def anchor_head() -> Anchor | None:
    """Timestamp the last link's chain hash with the TSA (outside any lock: the link is committed and never
    changes) and keep the token. None when there is no link or the last one is anchored already."""
    from audit import anchoring

    link = ChainLink.objects.order_by("-seq").first()
    if link is None or Anchor.objects.filter(seq=link.seq).exists():
        return None
    token, gen_time = anchoring.request_token(bytes.fromhex(link.chain_hash))
    return Anchor.objects.create(seq=link.seq, chain_hash=link.chain_hash, token=token, gen_time=gen_time)


def extend_and_anchor() -> dict:
    """The periodic job: extend the chain, then anchor its head when due (a TSA failure: next time)."""
    added = extend_chain()
    anchored = None
    if anchor_due():
        try:
            anchored = anchor_head()
        except Exception:  # noqa: BLE001 - the TSA is down: the chain is extended, anchored at the next run
            log.exception("audit: could not timestamp the chain head")
    return {"links": added, "anchored": anchored.seq if anchored else None}
