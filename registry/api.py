"""The registry in the API: officers' transitions (authenticated) and the public check (no log-in)."""
from __future__ import annotations

import datetime

from django.shortcuts import get_object_or_404
from ninja import Router, Schema, Status

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


class EventOut(Schema):
    kind: str
    status_before: str
    status_after: str
    reason: str
    actor: str | None
    document: str | None
    created_at: datetime.datetime


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
    documents: list[dict]
    branches: list[dict]
    objects: list[dict]
    history: list[EventOut]


def record_out(record: Record) -> dict:
    record = Record.objects.select_related("holder").get(pk=record.pk)
    return {
        "number": record.number, "kind": record.kind, "service": record.service, "status": record.status,
        "version": record.version, "holder_name": record.holder.name, "holder_iin": record.holder.iin,
        "holder_bin": record.holder.bin, "holder_address": record.holder.address, "scope": record.scope,
        "issued_at": record.issued_at, "valid_until": record.valid_until,
        "documents": [{"number": d.document.number, "version": d.version, "role": d.role,
                       "issued_at": d.document.issued_at.isoformat()}
                      for d in record.documents.select_related("document").order_by("version")],
        "branches": [{"bin": b.bin, "name": b.name, "address": b.address} for b in record.holder.branches.all()],
        "objects": [{"name": o.name, "address": o.address} for o in record.licensed_objects.all()],
        "history": [{"kind": e.kind, "status_before": e.status_before, "status_after": e.status_after,
                     "reason": e.reason, "actor": e.actor.username if e.actor else None,
                     "document": e.document.number if e.document else None, "created_at": e.created_at}
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
    return record_out(_officer_record(request, number))


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
