"""The registry's actions: records created from results, and their lifecycle (one function per action).

Transitions (each by an authorised officer, with a reason, recorded in the history; re-issue and
duplicate produce a signed document):

| action | from | to | document |
| --- | --- | --- | --- |
| issue (a result) | — | valid | the result itself |
| reissue | valid | valid | a new version (new holder name / address), same record number |
| duplicate | valid | valid | a copy of the current version, marked DUPLICATE |
| suspend | valid | suspended | — |
| resume | suspended | valid | — |
| terminate | valid, suspended | terminated | — |

Anything else is refused (``transition_not_allowed``, 409). Two officers acting at once on one record:
the record row is locked (select_for_update) and the caller's ``version`` must still be the record's,
so the second gets ``stale_record`` (409) and nothing changes.
"""
from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.errors import DomainError
from registry.models import Branch, Holder, Record, RecordDocument, RecordEvent, RegistryObject
from services import registry as services

KINDS = {"licence", "permit", "order"}
PERMIT_YEARS = 5  # demo value, as printed on the permit (documents.context.PERMIT_YEARS)
PROVIDER_GROUPS = {"provider", "head"}


class TransitionRefused(DomainError):
    code = "transition_not_allowed"
    status = 409


class StaleRecord(DomainError):
    code = "stale_record"
    status = 409
    default_message = _("Another officer changed this record meanwhile; reload it and try again.")


class RegistryNotAllowed(DomainError):
    code = "not_allowed"
    status = 403
    default_message = _("Only an officer of the issuing provider may change this record.")


class ReasonRequired(DomainError):
    code = "reason_required"
    status = 422
    default_message = _("A reason is required.")


REFUSALS = {
    "suspend": _("Only a valid record can be suspended; this one is %(status)s."),
    "resume": _("Only a suspended record can be resumed; this one is %(status)s."),
    "terminate": _("This record is already terminated."),
    "reissue": _("Only a valid record can be re-issued; this one is %(status)s."),
    "duplicate": _("A duplicate is issued only for a valid record; this one is %(status)s."),
}
TRANSITIONS = {
    "suspend": ({Record.Status.VALID}, Record.Status.SUSPENDED, "suspended"),
    "resume": ({Record.Status.SUSPENDED}, Record.Status.VALID, "resumed"),
    "terminate": ({Record.Status.VALID, Record.Status.SUSPENDED}, Record.Status.TERMINATED, "terminated"),
    "reissue": ({Record.Status.VALID}, Record.Status.VALID, "reissued"),
    "duplicate": ({Record.Status.VALID}, Record.Status.VALID, "duplicate_issued"),
}


def refuse_unless_allowed(record: Record, action: str) -> None:
    allowed, _to, _event = TRANSITIONS[action]
    if record.status not in allowed:
        raise TransitionRefused(REFUSALS[action] % {"status": record.get_status_display()},
                                action=action, record_status=record.status)


# -- from results ---------------------------------------------------------------------------
def _scope(app) -> dict:
    form = app.form_data or {}
    keys = services.get(app.service).registry_scope
    scope = {k: form[k] for k in keys if k in form}
    if app.region_id:
        scope["region"] = app.region.code
    scope["sub_kind"] = app.sub_kind
    return scope


def _holder(app, registry_data: dict | None = None) -> Holder:
    data = registry_data or app.registry_data or {}
    holder, _created = Holder.objects.get_or_create(
        iin="" if app.applicant_bin else app.applicant_iin, bin=app.applicant_bin,
        defaults={"name": app.applicant_name, "address": data.get("address", "")},
    )
    for branch in data.get("branches", []) if app.applicant_bin else []:
        Branch.objects.get_or_create(holder=holder, bin=branch["bin"],
                                     defaults={"name": branch.get("name", ""), "address": branch.get("address", "")})
    return holder


def _valid_until(kind: str, issued_at) -> dt.date | None:
    if kind != "permit":
        return None
    day = timezone.localtime(issued_at).date()
    try:
        return day.replace(year=day.year + PERMIT_YEARS)
    except ValueError:
        return day.replace(year=day.year + PERMIT_YEARS, day=28)


def record_result(document, actor) -> Record | None:
    """Called by ``issue_document`` inside the issuing transaction. A sub-kind with a ``record_action``
    (a licence's re-issue or duplicate) acts on the record its ``licence_number`` names, when the registry
    has it."""
    if document.kind not in KINDS:
        return None
    app = document.application
    service = services.get(app.service)
    action = service.sub_kind(app.sub_kind).record_action
    if action:
        number = (app.form_data or {}).get("licence_number", "")
        record = Record.objects.select_for_update().filter(number=number, kind=service.result_kind).first()
        if record is not None:
            holder = record.holder
            holder_ids = (holder.bin, holder.iin if not holder.bin else "")
            if holder_ids != (app.applicant_bin, "" if app.applicant_bin else app.applicant_iin):
                raise RegistryNotAllowed(_("The licence named in the request belongs to another holder."),
                                         code="not_the_holder")
            _apply(record, action, actor, reason=(app.form_data or {}).get("reason", ""), document=document,
                   changes={"name": app.applicant_name, "address": (app.form_data or {}).get("new_address", "")},
                   data={"request": app.number})
            return record
    from documents.context import Context

    registry_data = Context(document, signer_name="").registry_data if app.applicant_bin else None
    record = Record.objects.create(
        number=document.number, kind=document.kind, service=app.service, holder=_holder(app, registry_data),
        provider_unit=app.provider_unit, application=app, scope=_scope(app), issued_at=document.issued_at,
        valid_until=_valid_until(document.kind, document.issued_at),
    )
    RecordDocument.objects.create(record=record, document=document, version=1, role=RecordDocument.Role.ORIGINAL)
    RecordEvent.objects.create(record=record, kind="issued", status_after=record.status, actor=actor,
                               reason="", document=document, data={"request": app.number})
    return record


# -- officers' transitions ---------------------------------------------------------------------
def _check_actor(record: Record, actor) -> None:
    if actor is None:
        raise RegistryNotAllowed()
    if actor.is_superuser or actor.kind == actor.Kind.ADMINISTRATOR:
        return
    groups = set(actor.groups.values_list("name", flat=True))
    if (actor.kind != actor.Kind.OFFICER or not groups & PROVIDER_GROUPS
            or actor.provider_unit_id != record.provider_unit_id):
        raise RegistryNotAllowed()


def _new_document(record: Record, action: str, actor, changes: dict):
    from applications.models import ResultDocument
    from applications.numbers import next_document_number

    now = timezone.now()
    current = record.current_document.document
    content = dict(current.content, variant=action, registry_number=record.number,
                   subtypes=record.scope.get("subtypes", []), previous_document=current.number)
    for key in ("holder_name", "address"):
        if current.content.get(key):
            content[key] = current.content[key]
    if changes.get("name"):
        content["holder_name"] = changes["name"]
    if changes.get("address"):
        content["address"] = changes["address"]
    return ResultDocument.objects.create(application=record.application, kind=record.kind,
                                         number=next_document_number(record.kind, now), issued_at=now, content=content,
                                         signer=ResultDocument.signer_for(actor))


def _apply(record: Record, action: str, actor, *, reason: str, document=None, changes=None, data=None) -> Record:
    """The transition on a locked record; ``document`` is given when a request produced it (S1)."""
    refuse_unless_allowed(record, action)
    _allowed, to, event = TRANSITIONS[action]
    before = record.status
    changes = changes or {}
    if action == "reissue":
        holder = record.holder
        holder.name = changes.get("name") or holder.name
        holder.address = changes.get("address") or holder.address
        holder.save(update_fields=["name", "address"])
    if action in ("reissue", "duplicate"):
        if document is None:
            document = _new_document(record, action, actor, changes)
        else:
            current = record.current_document.document
            document.content = dict(document.content, variant=action, registry_number=record.number,
                                    subtypes=record.scope.get("subtypes", []), previous_document=current.number,
                                    holder_name=record.holder.name, address=record.holder.address)
            document.save(update_fields=["content"])
        version = record.documents.count() + 1
        role = RecordDocument.Role.REISSUE if action == "reissue" else RecordDocument.Role.DUPLICATE
        RecordDocument.objects.create(record=record, document=document, version=version, role=role)
    updated = Record.objects.filter(pk=record.pk, version=record.version).update(
        status=to, version=record.version + 1, updated_at=timezone.now())
    if updated != 1:
        raise StaleRecord()
    record.status, record.version = to, record.version + 1
    RecordEvent.objects.create(record=record, kind=event, status_before=before, status_after=to, actor=actor,
                               reason=reason, document=document, data=data or {})
    return record


def transition(number: str, action: str, actor, *, reason: str, version: int | None = None,
               name: str = "", address: str = "") -> Record:
    if action not in TRANSITIONS:
        raise TransitionRefused(_("Unknown action."), action=action)
    if not (reason or "").strip():
        raise ReasonRequired()
    with transaction.atomic():
        record = Record.objects.select_for_update().select_related("holder").get(number=number)
        _check_actor(record, actor)
        if version is not None and version != record.version:
            raise StaleRecord(current_version=record.version)
        record = _apply(record, action, actor, reason=reason.strip(), changes={"name": name, "address": address})
    from documents.tasks import enqueue_pending

    enqueue_pending(record.application_id)  # a re-issue's or duplicate's PDF, made after the commit
    return record


def add_object(number: str, actor, *, name: str, address: str) -> RegistryObject:
    with transaction.atomic():
        record = Record.objects.select_for_update().get(number=number)
        _check_actor(record, actor)
        if record.status == Record.Status.TERMINATED:
            raise TransitionRefused(REFUSALS["terminate"], action="add_object", record_status=record.status)
        obj = RegistryObject.objects.create(record=record, name=name, address=address)
        RecordEvent.objects.create(record=record, kind="object_added", status_before=record.status,
                                   status_after=record.status, actor=actor, reason=name, data={"address": address})
        return obj


def add_branch(number: str, actor, *, bin: str, name: str, address: str) -> Branch:  # noqa: A002
    from core.identifiers import parse_bin

    parse_bin(bin)
    with transaction.atomic():
        record = Record.objects.select_for_update().select_related("holder").get(number=number)
        _check_actor(record, actor)
        branch, _created = Branch.objects.get_or_create(holder=record.holder, bin=bin,
                                                        defaults={"name": name, "address": address})
        RecordEvent.objects.create(record=record, kind="branch_added", status_before=record.status,
                                   status_after=record.status, actor=actor, reason=name, data={"bin": bin})
        return branch
