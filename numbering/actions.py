"""The numbering inventory's actions and its one computation, "what is free" (docs/resources.md).

Every action is atomic and writes its audit entry. Allocating locks the plan part's row first (``select_for_update``:
two orders for one part serialise; on SQLite the whole database is locked at BEGIN, ``transaction_mode IMMEDIATE``),
then checks that the range is free, then inserts; on PostgreSQL the exclusion constraint
``numbering_allocation_no_overlap`` is the last guard: its violation is the same clear ``range_taken`` refusal.

"Free" is a set difference, as NetBox computes a prefix's available prefixes: the part's interval minus the union of
its active allocations (``free_intervals``); the free blocks of an allowed size are the aligned blocks lying wholly in
one free interval (``free_blocks``).
"""
from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audit import actions as audit
from core.errors import DomainError
from numbering.models import (
    Allocation,
    Assignment,
    PlanPart,
    Reclamation,
    ReclamationPolicy,
    ResourceType,
    UtilisationLine,
    UtilisationReport,
)

MAX_BLOCKS = 50  # free blocks listed at once (a part of 10-digit numbers has millions of blocks of 100)


class NumberingError(DomainError):
    code = "numbering_invalid"
    status = 422


class NotInPlan(NumberingError):
    code = "not_in_plan"
    default_message = _("The range is not in the national numbering plan.")


class NotAllocatable(NumberingError):
    code = "not_allocatable"
    default_message = _("This part of the numbering plan is reserved and is never allocated.")


class BlockSizeNotAllowed(NumberingError):
    code = "block_size_not_allowed"


class RangeTaken(NumberingError):
    code = "range_taken"
    status = 409


class NotHeld(NumberingError):
    code = "not_held"


class NumberTaken(NumberingError):
    code = "number_taken"
    status = 409


class ReportInvalid(NumberingError):
    code = "report_invalid"


class PlanInvalid(NumberingError):
    code = "plan_invalid"


# -- numbers -------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Span:
    """A range of numbers of one length: ``low``–``high`` as integers."""

    digits: int
    low: int
    high: int

    @classmethod
    def of(cls, first: str, last: str | None = None) -> Span:
        first, last = str(first).strip(), str(last if last is not None else first).strip()
        if not (first.isdigit() and last.isdigit()) or len(first) != len(last) or not 1 <= len(first) <= 15:
            raise NumberingError(_("A number is 1 to 15 digits; the first and last numbers have the same length."),
                                 code="number_invalid")
        if int(first) > int(last):
            raise NumberingError(_("The first number must not be greater than the last."), code="range_order")
        return cls(len(first), int(first), int(last))

    @property
    def first(self) -> str:
        return str(self.low).zfill(self.digits)

    @property
    def last(self) -> str:
        return str(self.high).zfill(self.digits)

    @property
    def size(self) -> int:
        return self.high - self.low + 1


def _overlapping(qs, span: Span):
    return qs.filter(digits=span.digits, low__lte=span.high, high__gte=span.low)


def part_for(resource_type: str, span: Span) -> PlanPart | None:
    """The plan part of that type holding the whole span, if any."""
    return (PlanPart.objects.filter(resource_type=resource_type, digits=span.digits, low__lte=span.low,
                                    high__gte=span.high).order_by("high").first())


def plan_covers(resource_type: str) -> bool:
    """Whether the loaded plan describes this resource type at all (the inventory governs what the plan describes)."""
    return PlanPart.objects.filter(resource_type=resource_type).exists()


def conflicts(resource_type: str, span: Span):
    """Active allocations overlapping the span."""
    return _overlapping(Allocation.objects.filter(resource_type=resource_type, status=Allocation.Status.ACTIVE),
                        span).select_related("holder").order_by("low")


# -- what is free ----------------------------------------------------------------------------------------------
def subtract(low: int, high: int, taken: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """[low, high] minus the union of the ``taken`` intervals (inclusive ends), as sorted disjoint intervals."""
    free, cursor = [], low
    for a, b in sorted(taken):
        if b < cursor:
            continue
        if a > high:
            break
        if a > cursor:
            free.append((cursor, a - 1))
        cursor = max(cursor, b + 1)
        if cursor > high:
            break
    if cursor <= high:
        free.append((cursor, high))
    return free


def free_intervals(part: PlanPart) -> list[tuple[int, int]]:
    """The part's free numbers as sorted disjoint intervals: the part minus its active allocations. A reserved part
    has none."""
    if not part.allocatable:
        return []
    taken = conflicts(part.resource_type, Span(part.digits, part.low, part.high)).values_list("low", "high")
    return subtract(part.low, part.high, list(taken))


def free_blocks(part: PlanPart, size: int, *, limit: int = MAX_BLOCKS, after: int | None = None) -> list[Span]:
    """Up to ``limit`` free blocks of ``size`` numbers (one of the part's block sizes), aligned to multiples of
    ``size``, wholly in one free interval; ``after``: only blocks starting after that number."""
    if size not in part.sizes:
        return []
    blocks = []
    for low, high in free_intervals(part):
        start = max(low, (after + 1) if after is not None else low)
        start = -(-start // size) * size  # the first aligned start in the interval
        while start + size - 1 <= high and len(blocks) < limit:
            blocks.append(Span(part.digits, start, start + size - 1))
            start += size
        if len(blocks) >= limit:
            break
    return blocks


# -- checks (the same ones the request's submission, the decision and the order run) -------------------------------
def _taken_message(span: Span, taken: Allocation) -> str:
    return _("The numbers %(first)s–%(last)s are not free: %(taken_first)s–%(taken_last)s are allocated by order "
             "%(order)s.") % {"first": span.first, "last": span.last, "taken_first": taken.first,
                              "taken_last": taken.last, "order": taken.order_number or "—"}


def check_allocation(resource_type: str, span: Span) -> PlanPart:
    """The part an allocation of the span would come from, or the refusal: not in the plan, reserved, a block size
    or alignment the part does not allow, or numbers already allocated."""
    if resource_type not in ResourceType.values:
        raise NumberingError(_("Unknown kind of numbering resource."), code="resource_type_unknown")
    part = part_for(resource_type, span)
    if part is None:
        raise NotInPlan(first=span.first, last=span.last)
    if not part.sizes:
        raise NotAllocatable(part=part.code)
    if span.size not in part.sizes or span.low % span.size:
        raise BlockSizeNotAllowed(
            _("A block of this part holds %(sizes)s numbers and starts at a multiple of its size.")
            % {"sizes": ", ".join(f"{s:,}".replace(",", " ") for s in part.sizes)}, sizes=part.sizes)
    taken = conflicts(resource_type, span).first()
    if taken is not None:
        raise RangeTaken(_taken_message(span, taken), order=taken.order_number, first=taken.first, last=taken.last)
    return part


def holder_allocation(holder, span: Span) -> Allocation | None:
    """The holder's active allocation holding the whole span."""
    if holder is None:
        return None
    return Allocation.objects.filter(holder=holder, status=Allocation.Status.ACTIVE, digits=span.digits,
                                     low__lte=span.low, high__gte=span.high).first()


def check_assignment(holder, numbers: list[str]) -> list[tuple[str, Allocation]]:
    """Each number inside an allocation of the holder's own and not assigned already, or the refusal."""
    found = []
    for number in numbers:
        span = Span.of(number)
        allocation = holder_allocation(holder, span)
        if allocation is None:
            raise NotHeld(_("The number %(number)s is not within numbering resource allocated to the applicant.")
                          % {"number": span.first}, number=span.first)
        if Assignment.objects.filter(status=Assignment.Status.ACTIVE, digits=span.digits, value=span.low).exists():
            raise NumberTaken(_("The number %(number)s is already assigned.") % {"number": span.first},
                              number=span.first)
        found.append((span.first, allocation))
    return found


def _order_key(number: str) -> str:
    return (number or "").strip().upper()


def check_withdrawal(holder, resource_type: str, first: str, last: str, order_number: str = "") -> Allocation:
    """The holder's allocation the range is withdrawn from (allocated by the order named, when one is), or the
    refusal."""
    span = Span.of(first, last)
    allocation = Allocation.objects.filter(
        holder=holder, resource_type=resource_type, status=Allocation.Status.ACTIVE, digits=span.digits,
        low__lte=span.low, high__gte=span.high).first() if holder is not None else None
    if allocation is None or (_order_key(order_number) and _order_key(allocation.order_number)
                              and _order_key(order_number) != _order_key(allocation.order_number)):
        raise NotHeld(_("The numbers %(first)s–%(last)s are not within numbering resource allocated to the holder "
                        "by the order named.") % {"first": span.first, "last": span.last})
    return allocation


def governs_number(number: str) -> bool:
    """Whether a plan part describes this number (the inventory then decides about it)."""
    span = Span.of(number)
    return PlanPart.objects.filter(digits=span.digits, low__lte=span.low, high__gte=span.high).exists()


# -- allocating, assigning, withdrawing ------------------------------------------------------------------------------
def _locked_part(resource_type: str, span: Span) -> PlanPart:
    part = part_for(resource_type, span)
    if part is None:
        raise NotInPlan(first=span.first, last=span.last)
    return PlanPart.objects.select_for_update().get(pk=part.pk)


def allocate(*, holder, resource_type: str, first: str, last: str, record=None, order_number: str = "",
             actor=None, now=None) -> Allocation:
    """Allocate the range to the holder by the order (its registry record, if any): under the part's lock, checked,
    then inserted; the database's exclusion constraint (PostgreSQL) is the last guard."""
    span = Span.of(first, last)
    now = now or timezone.now()
    with transaction.atomic():
        _locked_part(resource_type, span)
        part = check_allocation(resource_type, span)
        try:
            with transaction.atomic():
                allocation = Allocation.objects.create(
                    part=part, resource_type=resource_type, digits=span.digits, low=span.low, high=span.high,
                    holder=holder, record=record, order_number=order_number, allocated_at=now)
        except IntegrityError:
            taken = conflicts(resource_type, span).first()
            if taken is None:
                raise
            raise RangeTaken(_taken_message(span, taken), order=taken.order_number) from None
        audit.record(audit.Kind.ADMIN_CHANGE, actor=actor, subject=allocation, data={
            "change": "numbers_allocated", "resource_type": resource_type, "first": span.first, "last": span.last,
            "order": order_number, "holder_bin": holder.bin, "holder_iin": holder.iin})
    return allocation


def assign(*, holder, numbers: list[str], record=None, order_number: str = "", actor=None, now=None) -> list[Assignment]:
    now = now or timezone.now()
    with transaction.atomic():
        # The holder's allocations are locked (ordered by id) so that a withdrawal cannot slip in between.
        list(Allocation.objects.select_for_update().filter(holder=holder, status=Allocation.Status.ACTIVE)
             .order_by("pk").values_list("pk", flat=True))
        checked = check_assignment(holder, numbers)
        if len({n for n, _a in checked}) != len(checked):
            raise NumberingError(_("A number is named twice."), code="number_repeated")
        try:
            with transaction.atomic():
                rows = [Assignment.objects.create(allocation=allocation, number=number, digits=len(number),
                                                  value=int(number), holder=holder, record=record,
                                                  order_number=order_number, assigned_at=now)
                        for number, allocation in checked]
        except IntegrityError:
            raise NumberTaken(_("A number of the request was assigned meanwhile.")) from None
        audit.record(audit.Kind.ADMIN_CHANGE, actor=actor, subject=holder, data={
            "change": "numbers_assigned", "numbers": [n for n, _a in checked], "order": order_number})
    return rows


def withdraw(*, holder, resource_type: str, first: str, last: str, by_number: str = "", order_number: str = "",
             actor=None, now=None) -> list[Allocation]:
    """Withdraw the range from the holder's allocation holding it (by the order ``order_number``, when given): that
    allocation ends; what it keeps either side becomes new allocations (``parent``: the one cut); the numbers
    assigned in the range are withdrawn too. Returns the pieces kept."""
    span = Span.of(first, last)
    now = now or timezone.now()
    with transaction.atomic():
        _locked_part(resource_type, span)
        found = check_withdrawal(holder, resource_type, span.first, span.last, order_number)
        allocation = Allocation.objects.select_for_update().get(pk=found.pk)
        Allocation.objects.filter(pk=allocation.pk).update(status=Allocation.Status.WITHDRAWN, ended_at=now,
                                                           ended_by=by_number)
        kept = []
        for low, high in ((allocation.low, span.low - 1), (span.high + 1, allocation.high)):
            if low <= high:
                kept.append(Allocation.objects.create(
                    part=allocation.part, resource_type=allocation.resource_type, digits=allocation.digits, low=low,
                    high=high, holder=allocation.holder, record=allocation.record,
                    order_number=allocation.order_number, parent=allocation, allocated_at=allocation.allocated_at))
        assignments = Assignment.objects.filter(allocation=allocation, status=Assignment.Status.ACTIVE)
        Assignment.objects.filter(pk__in=assignments.filter(value__gte=span.low, value__lte=span.high)).update(
            status=Assignment.Status.WITHDRAWN, ended_at=now, ended_by=by_number)
        for piece in kept:  # the assignments outside the range move to the piece that holds them
            assignments.filter(value__gte=piece.low, value__lte=piece.high).update(allocation=piece)
        Reclamation.objects.filter(allocation=allocation).exclude(status=Reclamation.Status.DONE).update(
            status=Reclamation.Status.DONE)
        audit.record(audit.Kind.ADMIN_CHANGE, actor=actor, subject=allocation, data={
            "change": "numbers_withdrawn", "first": span.first, "last": span.last, "order": by_number,
            "kept": [[p.first, p.last] for p in kept]})
    return kept


# -- the plan from CSV -----------------------------------------------------------------------------------------------
PLAN_COLUMNS = ("code", "resource_type", "first", "last", "block_sizes", "allocatable", "name_en", "name_ru",
                "name_kk", "note", "source")


def load_plan(text: str, *, actor=None) -> dict:
    """Load (add or update) the plan's parts from CSV text (docs/resources.md: the columns). All or nothing: a bad
    row refuses the file with its line number. A part that holds allocations keeps its span."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    missing = [c for c in PLAN_COLUMNS[:6] if c not in (reader.fieldnames or [])]
    if missing:
        raise PlanInvalid(_("The plan's CSV lacks the columns: %(columns)s.") % {"columns": ", ".join(missing)})
    rows = []
    for line, row in enumerate(reader, start=2):
        row = {k: (v or "").strip() for k, v in row.items() if k}
        if not row.get("code") or row["code"].startswith("#"):
            continue
        try:
            rows.append(_plan_row(row))
        except (NumberingError, ValueError) as err:
            raise PlanInvalid(_("Line %(line)d of the plan: %(error)s") % {
                "line": line, "error": getattr(err, "message", _("a value cannot be read."))}, line=line) from None
    counts = {"added": 0, "updated": 0}
    with transaction.atomic():
        for values in rows:
            part = PlanPart.objects.select_for_update().filter(code=values["code"]).first()
            if part is None:
                PlanPart.objects.create(**values)
                counts["added"] += 1
                continue
            held = Allocation.objects.filter(part=part, status=Allocation.Status.ACTIVE)
            if held.filter(Q(low__lt=values["low"]) | Q(high__gt=values["high"]) | ~Q(digits=values["digits"])
                           | ~Q(resource_type=values["resource_type"])).exists():
                raise PlanInvalid(_("The part %(code)s holds allocations outside its new span.") % {
                    "code": part.code}, part=part.code)
            for key, value in values.items():
                setattr(part, key, value)
            part.save()
            counts["updated"] += 1
        audit.record(audit.Kind.ADMIN_CHANGE, actor=actor, subject=("numbering.planpart", None), data={
            "change": "numbering_plan_loaded", **counts, "parts": [r["code"] for r in rows]})
    return counts


def _plan_row(row: dict) -> dict:
    if row["resource_type"] not in ResourceType.values:
        raise NumberingError(_("Unknown kind of numbering resource."))
    span = Span.of(row["first"], row["last"])
    sizes = sorted({int(s) for s in row.get("block_sizes", "").replace(";", " ").split() if s})
    allocatable = row.get("allocatable", "yes").lower() in ("yes", "true", "1", "")
    if any(s < 1 or s > span.size for s in sizes):
        raise NumberingError(_("A block size must fit in the part."))
    return {"code": row["code"], "resource_type": row["resource_type"], "first": span.first, "last": span.last,
            "digits": span.digits, "low": span.low, "high": span.high, "block_sizes": sizes if allocatable else [],
            "allocatable": allocatable, "name_en": row.get("name_en", "")[:200],
            "name_ru": row.get("name_ru", "")[:200] or row.get("name_en", "")[:200],
            "name_kk": row.get("name_kk", "")[:200] or row.get("name_ru", "")[:200] or row.get("name_en", "")[:200],
            "note": row.get("note", "")[:300], "source": row.get("source", "")[:300]}


# -- utilisation reports and reclamation -----------------------------------------------------------------------------
def current_half(today: dt.date | None = None) -> tuple[int, int]:
    today = today or timezone.localdate()
    return today.year, 1 if today.month <= 6 else 2


def file_report(*, holder, actor, year: int, half: int, lines: list[dict], now=None) -> UtilisationReport:
    """An operator's utilisation report for a half-year: per active allocation of theirs (by its first and last
    number), the numbers assigned and in service. Filed once per half-year; every line is checked."""
    now = now or timezone.now()
    if half not in (1, 2) or not 2000 <= year <= 2100:
        raise ReportInvalid(_("The period is a year and its half, 1 or 2."))
    if (year, half) > current_half(timezone.localdate(now)):
        raise ReportInvalid(_("A report is filed for a period that has begun."))
    if not lines:
        raise ReportInvalid(_("A report names at least one block."))
    with transaction.atomic():
        if UtilisationReport.objects.filter(holder=holder, year=year, half=half).exists():
            raise ReportInvalid(_("The report for this period has been filed already."), code="report_filed",
                                status=409)
        checked = []
        for line in lines:
            try:
                span = Span.of(str(line.get("first", "")), str(line.get("last", "")))
                assigned, in_service = int(line.get("assigned", -1)), int(line.get("in_service", -1))
            except (TypeError, ValueError):
                raise ReportInvalid(_("Each line gives the block's first and last number and two counts.")) from None
            allocation = Allocation.objects.filter(holder=holder, status=Allocation.Status.ACTIVE, digits=span.digits,
                                                   low=span.low, high=span.high).first()
            if allocation is None:
                raise ReportInvalid(_("The block %(first)s–%(last)s is not allocated to you.") % {
                    "first": span.first, "last": span.last}, first=span.first)
            if not 0 <= in_service <= assigned <= allocation.size:
                raise ReportInvalid(_("For %(first)s–%(last)s: numbers in service ≤ numbers assigned ≤ the block's "
                                      "size.") % {"first": span.first, "last": span.last})
            checked.append((allocation, assigned, in_service))
        if len({a.pk for a, _x, _y in checked}) != len(checked):
            raise ReportInvalid(_("A block is named twice."))
        report = UtilisationReport.objects.create(holder=holder, year=year, half=half, filed_at=now, filed_by=actor)
        UtilisationLine.objects.bulk_create(
            [UtilisationLine(report=report, allocation=a, assigned=x, in_service=y) for a, x, y in checked])
        audit.record(audit.Kind.ADMIN_CHANGE, actor=actor, subject=report, data={
            "change": "utilisation_reported", "year": year, "half": half, "lines": len(checked)})
    return report


def set_policy(*, months_unused: int, actor) -> ReclamationPolicy:
    require_officer(actor)
    if not 1 <= int(months_unused) <= 120:
        raise NumberingError(_("The period is 1 to 120 months."), code="policy_invalid")
    with transaction.atomic():
        policy = ReclamationPolicy.objects.select_for_update().order_by("pk").first() or ReclamationPolicy()
        before = policy.months_unused if policy.pk else None
        policy.months_unused = int(months_unused)
        policy.save()
        audit.record(audit.Kind.ADMIN_CHANGE, actor=actor, subject=policy, data={
            "change": "reclamation_policy", "before": before, "after": policy.months_unused})
    return policy


def _months_before(now, months: int):
    year, month = divmod(now.year * 12 + now.month - 1 - months, 12)
    return now.replace(year=year, month=month + 1, day=min(now.day, 28))


def flag_unused(*, actor=None, now=None) -> list[Reclamation]:
    """Flag the active allocations allocated longer ago than the policy's months whose latest report shows no
    number in service (or that no report covers at all) — once each while the flag is open."""
    if actor is not None:
        require_officer(actor)
    now = now or timezone.now()
    months = ReclamationPolicy.current().months_unused
    cutoff = _months_before(now, months)
    flagged = []
    with transaction.atomic():
        candidates = (Allocation.objects.select_for_update().filter(status=Allocation.Status.ACTIVE,
                                                                    allocated_at__lte=cutoff)
                      .exclude(reclamations__status__in=[Reclamation.Status.FLAGGED, Reclamation.Status.DRAFTED])
                      .order_by("pk"))
        for allocation in candidates:
            latest = (UtilisationLine.objects.filter(allocation__in=_lineage(allocation))
                      .order_by("-report__year", "-report__half").select_related("report").first())
            if latest is not None and latest.in_service > 0:
                continue
            flagged.append(Reclamation.objects.create(allocation=allocation, flagged_at=now, months_unused=months,
                                                      report=latest.report if latest else None))
        if flagged:
            audit.record(audit.Kind.ADMIN_CHANGE, actor=actor, subject=("numbering.reclamation", None), data={
                "change": "reclamation_flagged", "allocations": [r.allocation_id for r in flagged],
                "months_unused": months})
    return flagged


def _lineage(allocation: Allocation) -> list[int]:
    ids, current = [allocation.pk], allocation
    while current.parent_id is not None:
        current = current.parent
        ids.append(current.pk)
    return ids


class NotAllowed(NumberingError):
    code = "not_allowed"
    status = 403
    default_message = _("Only an officer may do this.")


def require_officer(actor) -> None:
    if actor is None or not (actor.is_superuser or actor.kind in (actor.Kind.OFFICER, actor.Kind.ADMINISTRATOR)):
        raise NotAllowed()


def holder_for(iin: str, bin_: str):
    """The registry identity of an applicant (IIN, or BIN for a legal entity), or None before their first order."""
    from registry.models import Holder

    if not (iin or bin_):
        return None
    return Holder.objects.filter(iin="" if bin_ else iin, bin=bin_ or "").first()


def _withdrawing_kind():
    """The service and sub-kind whose order withdraws numbering resource (its ``record_action``)."""
    from services import registry

    for service in registry.all_services():
        for sub_kind in service.sub_kinds:
            if sub_kind.record_action == "withdraw":
                return service, sub_kind
    raise NumberingError(_("No service withdraws numbering resource."), code="no_withdrawal_service", status=503)


def draft_withdrawal(reclamation_id: int, *, actor):
    """Draft the withdrawal request for a flagged block, in the officers' channel, for the holder: the form filled
    (the range, the allocating order, the reason). An officer confirms it (enters it, decides and signs) through
    the service's usual steps. Returns the request."""
    from applications import actions as requests

    require_officer(actor)
    service, sub_kind = _withdrawing_kind()
    with transaction.atomic():
        reclamation = (Reclamation.objects.select_for_update().select_related("allocation__holder", "allocation__part")
                       .filter(pk=reclamation_id).first())
        if reclamation is None:
            raise NumberingError(_("Not found."), code="not_found", status=404)
        if reclamation.status != Reclamation.Status.FLAGGED:
            raise NumberingError(_("A withdrawal has been drafted for this block already."), code="already_drafted",
                                 status=409)
        allocation = reclamation.allocation
        app, _created = requests.create_application(actor, service=service.code, sub_kind=sub_kind.code,
                                                    channel="staff")
        form = {"resource_kind": allocation.resource_type, "range_start": allocation.first,
                "range_end": allocation.last, "order_number": allocation.order_number,
                "purpose": str(_("Reclamation: the block was not in service within %(months)d months.")
                               % {"months": reclamation.months_unused})}
        requests.save_form(app.pk, actor, form, app.form_version)
        reclamation.application, reclamation.status = app, Reclamation.Status.DRAFTED
        reclamation.save(update_fields=["application", "status"])
        audit.record(audit.Kind.ADMIN_CHANGE, actor=actor, subject=reclamation, data={
            "change": "reclamation_drafted", "allocation": allocation.pk, "request_id": app.pk})
    return app
