"""The registry in the API: officers' transitions (authenticated) and the public check (no log-in)."""
from __future__ import annotations

import datetime

from django.shortcuts import get_object_or_404
from ninja import Router, Schema, Status

from audit import actions as audit
from registry import actions, public
from registry.models import Record

router = Router(tags=["registry"])


class TransitionIn(Schema):
    reason: str
    version: int
    name: str = ""
    address: str = ""


class ObjectIn(Schema):
    name: str
    address: str


class BranchIn(Schema):
    bin: str
    name: str
    address: str = ""


class RecordEventOut(Schema):
    kind: str
    status_before: str
    status_after: str
    reason: str
    actor: str | None
    document: str | None
    created_at: datetime.datetime
    data: dict = {}


class RecordOut(Schema):
    number: str
    kind: str
    service: str
    status: str
    version: int
    holder_name: str
    holder_iin: str
    holder_bin: str
    holder_address: str
    scope: dict
    issued_at: datetime.datetime
    valid_until: datetime.date | None
    current_document: str = ""
    documents: list[dict]
    branches: list[dict]
    objects: list[dict]
    history: list[RecordEventOut]


def _version_out(d) -> dict:
    return {"number": d.number, "version": d.version, "role": d.role,
            "issued_at": d.issued_at.isoformat() if d.issued_at else d.document.issued_at.isoformat(),
            "source": d.source.number if d.source_id else None, "holder_name": d.holder_name,
            "holder_address": d.holder_address, "scope": d.scope}


def record_out(record: Record) -> dict:
    record = Record.objects.select_related("holder", "current").get(pk=record.pk)
    current = record.current_version
    holder = record.holder  # the identity; the name and address are the current version's
    return {
        "number": record.number, "kind": record.kind, "service": record.service, "status": record.status,
        "version": record.version, "holder_name": (current.holder_name if current else "") or holder.name,
        "holder_iin": holder.iin, "holder_bin": holder.bin,
        "holder_address": (current.holder_address if current and current.holder_name else holder.address),
        "scope": record.scope, "issued_at": record.issued_at, "valid_until": record.valid_until,
        "current_document": current.number if current else "",
        "documents": [_version_out(d) for d in record.documents.select_related("document", "by_document", "source")
                      .order_by("version")],
        "branches": [{"bin": b.bin, "name": b.name, "address": b.address} for b in record.holder.branches.all()],
        "objects": [{"name": o.name, "address": o.address} for o in record.licensed_objects.all()],
        "history": [{"kind": e.kind, "status_before": e.status_before, "status_after": e.status_after,
                     "reason": e.reason, "actor": e.actor.username if e.actor else None,
                     "document": e.document.number if e.document else None, "created_at": e.created_at,
                     "data": e.data}
                    for e in record.events.select_related("actor", "document")],
    }


def _officer_record(request, number):
    user = request.auth
    record = get_object_or_404(Record, number=number)
    if user.kind not in (user.Kind.OFFICER, user.Kind.ADMINISTRATOR) and not user.is_superuser:
        get_object_or_404(Record, pk=None)  # applicants use the public endpoints
    return record


@router.get("/records/{number}", response=RecordOut, summary="A registry record with its versions and history")
def get_record(request, number: str):
    record = _officer_record(request, number)
    # the holder's full IIN: a view of personal data, audited (docs/audit.md)
    audit.record(audit.Kind.PERSONAL_DATA_VIEW, actor=request.auth, subject=record, request=request,
                 data={"via": "api", "number": record.number})
    return record_out(record)


@router.post("/records/{number}/objects", response={201: RecordOut}, summary="Add an object of the licensee")
def add_object(request, number: str, body: ObjectIn):
    _officer_record(request, number)
    actions.add_object(number, request.auth, name=body.name, address=body.address)
    return Status(201, record_out(Record.objects.get(number=number)))


@router.post("/records/{number}/branches", response={201: RecordOut}, summary="Add a branch of the holder")
def add_branch(request, number: str, body: BranchIn):
    _officer_record(request, number)
    actions.add_branch(number, request.auth, bin=body.bin, name=body.name, address=body.address)
    return Status(201, record_out(Record.objects.get(number=number)))


@router.post("/records/{number}/{action}", response=RecordOut,
             summary="suspend | resume | terminate | reissue | duplicate, with a reason and the version read")
def act(request, number: str, action: str, body: TransitionIn):
    _officer_record(request, number)
    record = actions.transition(number, action, request.auth, reason=body.reason, version=body.version,
                                name=body.name, address=body.address)
    return record_out(record)


@router.get("/public/{number}", auth=None, summary="Machine check of a document or registry number (no log-in)")
def public_check(request, number: str):
    return public.verification(number)
