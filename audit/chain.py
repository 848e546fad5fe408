"""The hash chain over the append-only tables (docs/audit.md, ADR 0015): which tables it covers, how a row
is hashed, and the check of the whole chain (``verify``) that ``manage.py verify_audit`` runs.

A covered table is named by the app that owns it, in its ``AppConfig.ready`` (``cover(model, time_field=…)``),
so this low layer imports none of them; an app may add a consistency check of its own (``add_check``), e.g.
the registry's "each record's status is the one its last chained event says".

    row_hash   = SHA-256(canonical JSON of the row: every concrete column, keys sorted)
    chain_hash = SHA-256(previous chain_hash ‖ table ‖ 0x00 ‖ row id ‖ 0x00 ‖ row_hash), the first link's
                 previous hash 32 zero bytes

A broken link is: a link whose chain hash does not follow from the previous one (the links were edited), a
link whose row is gone (a delete), a row that no longer hashes to its link (an edit), a row with an id below
the table's chained mark that is not in the chain (an insert behind the chainer's back), a row dated well
before the rows chained before it (a back-dated insert), a timestamp token that does not cover the link it
anchors (the chain rewritten since it was anchored), or a failed consistency check.
"""
from __future__ import annotations

import datetime as dt
import decimal
import hashlib
import json
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from django.conf import settings
from django.utils import timezone

GENESIS = bytes(32)
CHUNK = 2000


@dataclass(frozen=True)
class Covered:
    label: str
    model: type
    time_field: str
    fields: tuple[str, ...]


_COVERED: dict[str, Covered] = {}
_CHECKS: list[Callable] = []


def label_of(model) -> str:
    return f"{model._meta.app_label}.{model._meta.model_name}"


def cover(model, *, time_field: str, fields: Iterable[str] | None = None) -> None:
    """Chain every row of ``model`` (append-only by its own rules). ``fields``: the columns hashed (default:
    every concrete column; name them when a column is to be added later, or old rows would no longer hash)."""
    names = tuple(fields) if fields else tuple(f.attname for f in model._meta.concrete_fields)
    _COVERED[label_of(model)] = Covered(label_of(model), model, time_field, names)


def add_check(check: Callable) -> None:
    """``check(view: ChainView) -> Iterable[Problem]``, run by ``verify`` after the links are checked."""
    if check not in _CHECKS:
        _CHECKS.append(check)


def covered() -> list[Covered]:
    return [_COVERED[label] for label in sorted(_COVERED)]


def covered_model(label: str) -> Covered | None:
    return _COVERED.get(label)


def settle_seconds() -> float:
    """Rows younger than this are not chained yet: a row's transaction commits within it (docs/audit.md)."""
    return float(getattr(settings, "ELICENSE_AUDIT_SETTLE_SECONDS", 120))


def clock_tolerance() -> dt.timedelta:
    """How far a row may be dated before one chained ahead of it (concurrent transactions, clocks)."""
    return dt.timedelta(seconds=max(settle_seconds(), float(getattr(settings, "ELICENSE_AUDIT_CLOCK_TOLERANCE", 60))))


# -- hashing -------------------------------------------------------------------------------------------
def _plain(value):
    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            value = value.astimezone(dt.UTC)
        return value.isoformat(timespec="microseconds")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value).hex()
    if isinstance(value, (decimal.Decimal, uuid.UUID)):
        return str(value)
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def canonical(values: dict) -> bytes:
    return json.dumps(_plain(values), sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def row_hash(values: dict) -> str:
    return hashlib.sha256(canonical(values)).hexdigest()


def link_hash(previous: str | bytes, table: str, row_id: int, row_digest: str) -> str:
    previous = bytes.fromhex(previous) if isinstance(previous, str) else previous
    return hashlib.sha256(previous + table.encode() + b"\x00" + str(row_id).encode() + b"\x00"
                          + bytes.fromhex(row_digest)).hexdigest()


def rows(cov: Covered, ids: Iterable[int]) -> dict[int, dict]:
    return {r["id"]: r for r in cov.model._default_manager.filter(pk__in=list(ids)).values(*cov.fields)}


# -- the state of one row (the registry's /verify/ page) ---------------------------------------------------
def row_state(model, pk: int) -> str:
    """"intact" (chained, hashing to its link), "altered", "pending" (above the chained mark: too young yet,
    or the chainer has not run) or "unchained" (below the mark and not in the chain: inserted behind it)."""
    from audit.models import ChainHead, ChainLink

    cov = _COVERED[label_of(model)]
    link = ChainLink.objects.filter(table=cov.label, row_id=pk).first()
    if link is not None:
        row = rows(cov, [pk]).get(pk)
        return "intact" if row is not None and row_hash(row) == link.row_hash else "altered"
    head = ChainHead.objects.filter(pk=1).first()
    mark = int((head.high_water if head else {}).get(cov.label, 0))
    return "pending" if pk > mark else "unchained"


# -- verification ------------------------------------------------------------------------------------------
@dataclass(order=True)
class Problem:
    seq: int | None  # the first link it breaks (None: not at a link, e.g. a row no link names)
    table: str
    row_id: int | None
    reason: str

    def sort_key(self):
        return (self.seq is None, self.seq or 0, self.table, self.row_id or 0)

    def __str__(self):
        where = f"link #{self.seq}" if self.seq is not None else "no link"
        return f"audit chain broken at {where} ({self.table}, row {self.row_id}): {self.reason}"


@dataclass
class Report:
    links: int = 0
    anchors: int = 0
    pending: int = 0
    problems: list[Problem] = field(default_factory=list)

    @property
    def intact(self) -> bool:
        return not self.problems

    @property
    def first(self) -> Problem | None:
        return min(self.problems, key=Problem.sort_key) if self.problems else None

    def __str__(self):
        if self.intact:
            pending = f", {self.pending} rows not chained yet" if self.pending else ""
            return f"audit chain: {self.links} links, {self.anchors} anchors, intact{pending}"
        more = len(self.problems) - 1
        return str(self.first) + (f" (and {more} more problem{'s' if more > 1 else ''})" if more else "")


@dataclass
class ChainView:
    """What the checks of other apps may ask about the chain just verified."""

    high_water: dict[str, int]

    def seq_of(self, table: str, row_id: int) -> int | None:
        from audit.models import ChainLink

        return ChainLink.objects.filter(table=table, row_id=row_id).values_list("seq", flat=True).first()

    def chained(self, table: str, row_id: int) -> bool:
        return row_id <= self.high_water.get(table, 0)


def _links() -> Iterator[list]:
    from audit.models import ChainLink

    last = 0
    while True:
        chunk = list(ChainLink.objects.filter(seq__gt=last).order_by("seq")[:CHUNK])
        if not chunk:
            return
        yield chunk
        last = chunk[-1].seq


def verify(*, now=None) -> Report:
    """Check the whole chain from its first link: every problem found, the first broken link first."""
    from audit import anchoring
    from audit.models import Anchor, ChainHead, ChainLink

    now = now or timezone.now()
    report = Report()
    problems = report.problems
    tolerance = clock_tolerance()
    previous, expected = GENESIS.hex(), 1
    high_water: dict[str, int] = {}
    last_time: dict[str, dt.datetime] = {}
    last_link = None
    for chunk in _links():
        by_table: dict[str, list] = {}
        for link in chunk:
            by_table.setdefault(link.table, []).append(link.row_id)
        fetched = {t: rows(_COVERED[t], ids) for t, ids in by_table.items() if t in _COVERED}
        for link in chunk:
            report.links += 1
            if link.seq != expected:
                problems.append(Problem(expected, link.table, link.row_id,
                                        f"links #{expected}…#{link.seq - 1} are missing"))
            expected = link.seq + 1
            if link_hash(previous, link.table, link.row_id, link.row_hash) != link.chain_hash:
                problems.append(Problem(link.seq, link.table, link.row_id,
                                        "the link was altered: its hash does not follow from the link before"))
            previous, last_link = link.chain_hash, link
            cov = _COVERED.get(link.table)
            if cov is None:
                problems.append(Problem(link.seq, link.table, link.row_id, "a table the chain does not cover"))
                continue
            high_water[link.table] = max(high_water.get(link.table, 0), link.row_id)
            row = fetched[link.table].get(link.row_id)
            if row is None:
                problems.append(Problem(link.seq, link.table, link.row_id, "the row was deleted"))
                continue
            if row_hash(row) != link.row_hash:
                problems.append(Problem(link.seq, link.table, link.row_id,
                                        "the row was altered: it no longer hashes to its link"))
            at = row.get(cov.time_field)
            before = last_time.get(link.table)
            if at is not None and before is not None and at < before - tolerance:
                problems.append(Problem(link.seq, link.table, link.row_id,
                                        f"the row is dated {at.isoformat()}, before rows chained ahead of it "
                                        "(a back-dated insert)"))
            if at is not None and (before is None or at > before):
                last_time[link.table] = at

    head = ChainHead.objects.filter(pk=1).first()
    if last_link is not None and (head is None or head.seq != last_link.seq or head.chain_hash != last_link.chain_hash):
        problems.append(Problem(last_link.seq, last_link.table, last_link.row_id,
                                "the chain head does not name the last link (links at the end were removed)"))
    elif last_link is None and head is not None and head.seq:
        problems.append(Problem(1, "audit.chainlink", None, "the chain's links are gone"))

    for cov in covered():
        mark = high_water.get(cov.label, 0)
        manager = cov.model._default_manager
        chained_ids = ChainLink.objects.filter(table=cov.label).values("row_id")
        for row_id in manager.filter(pk__lte=mark).exclude(pk__in=chained_ids).order_by("pk").values_list(
                "pk", flat=True)[:100]:
            seq = (ChainLink.objects.filter(table=cov.label, row_id__gt=row_id).order_by("row_id")
                   .values_list("seq", flat=True).first())
            problems.append(Problem(seq, cov.label, row_id,
                                    "the row was inserted below the chained mark: it is not in the chain"))
        pending = manager.filter(pk__gt=mark)
        report.pending += pending.count()
        for row_id, at in pending.filter(**{f"{cov.time_field}__gt": now + tolerance}).values_list(
                "pk", cov.time_field)[:100]:
            problems.append(Problem(None, cov.label, row_id, f"the row is dated in the future ({at.isoformat()})"))

    links_by_seq = {}
    anchors = list(Anchor.objects.order_by("seq", "id"))
    if anchors:
        links_by_seq = {link.seq: link for link in ChainLink.objects.filter(seq__in=[a.seq for a in anchors])}
    trusted = anchoring.trusted_certificates() if anchors else []
    for anchor in anchors:
        report.anchors += 1
        link = links_by_seq.get(anchor.seq)
        if link is None:
            problems.append(Problem(anchor.seq, "audit.anchor", anchor.pk, "the anchored link is gone"))
            continue
        reason = anchoring.check_token(bytes(anchor.token), bytes.fromhex(link.chain_hash), trusted)
        if reason:
            problems.append(Problem(anchor.seq, link.table, link.row_id,
                                    f"anchor {anchor.pk} (TSA timestamp): {reason} — the chain was rewritten at or "
                                    "before this link since it was timestamped"))

    view = ChainView(high_water)
    for check in _CHECKS:
        problems.extend(check(view))
    return report
