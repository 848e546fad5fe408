"""The numbering plan and inventory in the API: the plan and what is free (no log-in: the plan is public), an
operator's allocations and utilisation reports, the officers' reclamations."""
from __future__ import annotations

import datetime

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from ninja import Router, Schema, Status

from numbering import actions
from numbering.models import Allocation, PlanPart, Reclamation, UtilisationReport

router = Router(tags=["numbering"])


class PartOut(Schema):
    code: str
    resource_type: str
    first: str
    last: str
    block_sizes: list[int]
    allocatable: bool
    name: dict
    note: str
    source: str


class SpanOut(Schema):
    first: str
    last: str
    size: int


class FreeOut(Schema):
    part: str
    intervals: list[SpanOut]
    size: int | None
    blocks: list[SpanOut]


class AllocationOut(Schema):
    id: int
    resource_type: str
    part: str
    first: str
    last: str
    order_number: str
    status: str
    allocated_at: datetime.datetime
    ended_at: datetime.datetime | None
    ended_by: str


class LineIn(Schema):
    first: str
    last: str
    assigned: int
    in_service: int


class ReportIn(Schema):
    year: int
    half: int
    lines: list[LineIn]


class ReportOut(Schema):
    id: int
    year: int
    half: int
    filed_at: datetime.datetime
    lines: list[dict]


class ReclamationOut(Schema):
    id: int
    allocation_id: int
    holder_name: str
    holder_bin: str
    first: str
    last: str
    order_number: str
    months_unused: int
    flagged_at: datetime.datetime
    status: str
    application_id: int | None


class DraftOut(Schema):
    reclamation_id: int
    application_id: int


def _part_out(p: PlanPart) -> dict:
    return {"code": p.code, "resource_type": p.resource_type, "first": p.first, "last": p.last,
            "block_sizes": p.sizes, "allocatable": p.allocatable, "name": {"kk": p.name_kk, "ru": p.name_ru,
                                                                            "en": p.name_en},
            "note": p.note, "source": p.source}


def _span(digits: int, low: int, high: int) -> dict:
    return {"first": str(low).zfill(digits), "last": str(high).zfill(digits), "size": high - low + 1}


def _allocation_out(a: Allocation) -> dict:
    return {"id": a.pk, "resource_type": a.resource_type, "part": a.part.code, "first": a.first, "last": a.last,
            "order_number": a.order_number, "status": a.status, "allocated_at": a.allocated_at,
            "ended_at": a.ended_at, "ended_by": a.ended_by}


def _reclamation_out(r: Reclamation) -> dict:
    a = r.allocation
    return {"id": r.pk, "allocation_id": a.pk, "holder_name": a.holder.name, "holder_bin": a.holder.bin,
            "first": a.first, "last": a.last, "order_number": a.order_number, "months_unused": r.months_unused,
            "flagged_at": r.flagged_at, "status": r.status, "application_id": r.application_id}


def _report_out(r: UtilisationReport) -> dict:
    return {"id": r.pk, "year": r.year, "half": r.half, "filed_at": r.filed_at, "lines": [
        {"first": line.allocation.first, "last": line.allocation.last, "assigned": line.assigned,
         "in_service": line.in_service} for line in r.lines.select_related("allocation").order_by("allocation__low")]}


@router.get("/plan", response=list[PartOut], auth=None, summary="The national numbering plan's parts")
def plan(request):
    return [_part_out(p) for p in PlanPart.objects.all()]


@router.get("/plan/{code}/free", response=FreeOut, auth=None,
            summary="What is free in a part of the plan: its free intervals, and free aligned blocks of a size")
def free(request, code: str, size: int | None = None, after: str = ""):
    part = get_object_or_404(PlanPart, code=code)
    intervals = actions.free_intervals(part)
    start = int(after) if after.isdigit() else None
    blocks = actions.free_blocks(part, size, after=start) if size else []
    return {"part": part.code, "intervals": [_span(part.digits, a, b) for a, b in intervals[:actions.MAX_BLOCKS]],
            "size": size, "blocks": [_span(s.digits, s.low, s.high) for s in blocks]}


@router.get("/allocations", response=list[AllocationOut], summary="Allocations: an operator's own; officers: all")
def allocations(request, status: str = "active"):
    user = request.auth
    qs = Allocation.objects.select_related("part").filter(status=status)
    if not (user.is_superuser or user.kind in (user.Kind.OFFICER, user.Kind.ADMINISTRATOR)):
        holder = actions.holder_for(user.iin, user.bin)
        qs = qs.filter(holder=holder) if holder is not None else qs.none()
    return [_allocation_out(a) for a in qs[:1000]]


@router.post("/utilisation-reports", response={201: ReportOut},
             summary="File the half-year utilisation report of your allocations (numbers assigned, in service)")
def file_report(request, body: ReportIn):
    user = request.auth
    holder = actions.holder_for(user.iin, user.bin)
    if holder is None:
        raise actions.ReportInvalid(_("You hold no numbering resource."), code="no_allocations")
    report = actions.file_report(holder=holder, actor=user, year=body.year, half=body.half,
                                 lines=[line.dict() for line in body.lines])
    return Status(201, _report_out(report))


@router.get("/reclamations", response=list[ReclamationOut], summary="Blocks flagged for reclamation (officers)")
def reclamations(request, status: str = ""):
    actions.require_officer(request.auth)
    qs = Reclamation.objects.select_related("allocation__holder")
    if status:
        qs = qs.filter(status=status)
    return [_reclamation_out(r) for r in qs[:1000]]


@router.post("/reclamations/flag", response=list[ReclamationOut],
             summary="Flag the blocks not in service past the administrator's period (officers)")
def flag(request):
    return [_reclamation_out(r) for r in actions.flag_unused(actor=request.auth)]


@router.post("/reclamations/{reclamation_id}/withdrawal", response={201: DraftOut},
             summary="Draft the withdrawal request for a flagged block, for an officer to confirm (officers)")
def draft(request, reclamation_id: int):
    app = actions.draft_withdrawal(reclamation_id, actor=request.auth)
    return Status(201, {"reclamation_id": reclamation_id, "application_id": app.pk})
