"""The registry's actions: records created from results, and their lifecycle (one function per action).

Transitions (each by an authorised officer, with a reason, recorded in the history; re-issue and
duplicate produce a signed document):

| action | from | to | document |
| --- | --- | --- | --- |
| issue (a result) | — | valid | the result itself |
| reissue | valid | valid | a new version (the current one plus the new holder name / address), same record number |
| duplicate | valid | valid | a copy of the current version, marked DUPLICATE (a version reproducing it) |
| suspend | valid | suspended | — |
| resume | suspended | valid | — |
| terminate | valid, suspended | terminated | — |

A withdrawal order (S2) terminates the order it withdraws from, or records a version of it with the ranges
it keeps; both records' histories name each other. Anything else is refused (``transition_not_allowed``, 409). Two officers acting at once on one record:
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
def _signed_form(app) -> tuple[dict, object]:
    """The form as the applicant signed it (the request's current revision), with that revision; the live
    form only for a request that has none (a request made before revisions, or a test's)."""
    revision = app.current_revision if app.current_revision_id else None
    if revision is not None and isinstance(revision.content.get("form"), dict):
        return dict(revision.content["form"]), revision
    return dict(app.form_data or {}), None


def _scope(app, form: dict) -> dict:
    keys = services.get(app.service).registry_scope
    scope = {k: form[k] for k in keys if k in form}
    if app.region_id:
        scope["region"] = app.region.code
    scope["sub_kind"] = app.sub_kind
    return scope


def _holder(app, registry_data: dict | None = None) -> Holder:
    """The holder's identity (IIN / BIN), created with its first record; never renamed afterwards."""
    data = registry_data or app.registry_data or {}
    holder, _created = Holder.objects.get_or_create(
        iin="" if app.applicant_bin else app.applicant_iin, bin=app.applicant_bin,
        defaults={"name": app.applicant_name, "address": data.get("address", "")},
    )
    for branch in data.get("branches", []) if app.applicant_bin else []:
        Branch.objects.get_or_create(holder=holder, bin=branch["bin"],
                                     defaults={"name": branch.get("name", ""), "address": branch.get("address", "")})
    return holder


def _snapshot(app, registry_data: dict | None) -> dict:
    """The holder as the request and the registries gave it when the version was made (never read again)."""
    data = registry_data or app.registry_data or {}
    requisites = {k: v for k, v in data.items() if k not in ("branches", "address") and isinstance(v, (str, int))}
    return {"holder_name": app.applicant_name, "holder_iin": "" if app.applicant_bin else app.applicant_iin,
            "holder_bin": app.applicant_bin, "holder_address": data.get("address", ""), "holder_requisites": requisites}


def _copied_snapshot(version: RecordDocument) -> dict:
    return {"holder_name": version.holder_name, "holder_iin": version.holder_iin, "holder_bin": version.holder_bin,
            "holder_address": version.holder_address, "holder_requisites": dict(version.holder_requisites)}


def _valid_until(kind: str, issued_at) -> dt.date | None:
    if kind != "permit":
        return None
    day = timezone.localtime(issued_at).date()
    try:
        return day.replace(year=day.year + PERMIT_YEARS)
    except ValueError:
        return day.replace(year=day.year + PERMIT_YEARS, day=28)


def _record_action(service, app) -> str:
    """What the request does to an existing record: "reissue" / "duplicate" (its sub-kind's record_action),
    "withdraw" (a withdrawal order names the allocating order it withdraws from)."""
    return service.sub_kind(app.sub_kind).record_action


def _check_same_holder(record: Record, app, message) -> None:
    holder = record.holder
    holder_ids = (holder.bin, holder.iin if not holder.bin else "")
    if holder_ids != (app.applicant_bin, "" if app.applicant_bin else app.applicant_iin):
        raise RegistryNotAllowed(message, code="not_the_holder")


def record_result(document, actor) -> Record | None:
    """Called by ``issue_document`` inside the issuing transaction. A sub-kind with a ``record_action``
    (a licence's re-issue or duplicate) acts on the record its ``licence_number`` names, when the registry
    has it; a withdrawal order also changes the order it withdraws from (its ``order_number``)."""
    if document.kind not in KINDS:
        return None
    app = document.application
    service = services.get(app.service)
    action = _record_action(service, app)
    form, revision = _signed_form(app)
    if action in ("reissue", "duplicate"):
        number = form.get("licence_number", "")
        record = Record.objects.select_for_update().filter(number=number, kind=service.result_kind).first()
        if record is not None:
            _check_same_holder(record, app, _("The licence named in the request belongs to another holder."))
            _apply(record, action, actor, reason=form.get("reason", ""), document=document,
                   request={"app": app, "form": form, "revision": revision}, data={"request": app.number})
            return record
    withdrawal = _withdrawal_target(app, form, service) if action == "withdraw" else None
    from documents.context import Context

    registry_data = Context(document, signer_name="").registry_data if app.applicant_bin else None
    scope = _scope(app, form)
    if withdrawal is not None:
        scope["withdraws"] = withdrawal[0].number
    valid_until = _valid_until(document.kind, document.issued_at)
    record = Record.objects.create(
        number=document.number, kind=document.kind, service=app.service, holder=_holder(app, registry_data),
        provider_unit=app.provider_unit, application=app, scope=scope, issued_at=document.issued_at,
        valid_until=valid_until,
    )
    version = RecordDocument.objects.create(
        record=record, document=document, version=1, role=RecordDocument.Role.ORIGINAL, revision=revision,
        issued_at=document.issued_at, sub_kind=app.sub_kind, scope=scope, content=form, valid_until=valid_until,
        **_snapshot(app, registry_data))
    Record.objects.filter(pk=record.pk).update(current=version)
    record.current = version
    data = {"request": app.number}
    if withdrawal is not None:
        data["withdraws"] = withdrawal[0].number
    RecordEvent.objects.create(record=record, kind="issued", status_after=record.status, actor=actor,
                               reason="", document=document, data=data)
    if withdrawal is not None:
        _withdraw(*withdrawal, by=record, document=document, actor=actor, reason=form.get("purpose", ""))
    services.result_recorded(record, form, document)  # the service's resource registry (services/<s>/results.py)
    return record


# -- withdrawal of numbering resource ------------------------------------------------------------
def ranges_of(scope: dict) -> list[tuple[str, str]]:
    """The ranges a version allocates: the pieces left by earlier withdrawals, else its one range."""
    if scope.get("ranges"):
        return [(str(a), str(b)) for a, b in scope["ranges"]]
    if scope.get("range_start") and scope.get("range_end"):
        return [(str(scope["range_start"]), str(scope["range_end"]))]
    return []


def _withdrawal_target(app, form: dict, service):
    """The record of the order a withdrawal names, locked, and the ranges it keeps after the withdrawal;
    None when the registry does not know that number (an order made before the system)."""
    number = (form.get("order_number") or "").strip().upper()
    if not number:
        return None
    record_id = RecordDocument.objects.filter(document__number=number).values_list("record_id", flat=True).first()
    records = Record.objects.select_for_update().select_related("holder").filter(kind=service.result_kind)
    record = records.filter(pk=record_id).first() if record_id else records.filter(number=number).first()
    if record is None:
        return None
    _check_same_holder(record, app, _("The order named in the request belongs to another holder."))
    if record.status == Record.Status.TERMINATED:
        raise TransitionRefused(_("The order named in the request is terminated; nothing is left to withdraw."),
                                action="withdraw", record_status=record.status)
    start, end = str(form.get("range_start", "")), str(form.get("range_end", ""))
    pieces = ranges_of(record.current_version.scope)
    for i, (low, high) in enumerate(pieces):
        if len(low) == len(start) == len(end) and int(low) <= int(start) <= int(end) <= int(high):
            width = len(low)
            kept = pieces[:i]
            if int(start) > int(low):
                kept.append((low, str(int(start) - 1).zfill(width)))
            if int(end) < int(high):
                kept.append((str(int(end) + 1).zfill(width), high))
            return record, kept + pieces[i + 1:], (start, end)
    raise TransitionRefused(_("The range to withdraw is not within the ranges the order named in the request "
                              "allocates."), code="range_not_allocated", action="withdraw", record_status=record.status)


def _withdraw(record: Record, kept: list, withdrawn: tuple, *, by: Record, document, actor, reason: str) -> None:
    """The withdrawn order's side: terminated when nothing is left, else a new version with the ranges it keeps;
    its history names the withdrawal order (and the withdrawal's names this one)."""
    before = record.status
    current = record.current_version
    fields = {"status": before, "version": record.version + 1, "updated_at": timezone.now()}
    if kept:
        scope = {k: v for k, v in current.scope.items() if k != "ranges"}
        scope["range_start"], scope["range_end"] = kept[0][0], kept[-1][1]
        if len(kept) > 1:
            scope["ranges"] = [list(r) for r in kept]
        version = RecordDocument.objects.create(
            record=record, version=_next_number(record), role=RecordDocument.Role.REDUCED, by_document=document,
            issued_at=document.issued_at, sub_kind=current.sub_kind, scope=scope, content=dict(current.content),
            valid_until=current.valid_until, **_copied_snapshot(current))
        fields.update(current=version, scope=scope)
        kind = "range_reduced"
    else:
        fields["status"] = Record.Status.TERMINATED
        kind = "withdrawn"
    updated = Record.objects.filter(pk=record.pk, version=record.version).update(**fields)
    if updated != 1:
        raise StaleRecord()
    RecordEvent.objects.create(record=record, kind=kind, status_before=before, status_after=fields["status"],
                               actor=actor, reason=reason, document=document,
                               data={"by_record": by.number, "by_document": document.number,
                                     "withdrawn": list(withdrawn), "kept": [list(r) for r in kept]})


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


def _next_number(record: Record) -> int:
    last = record.documents.order_by("-version").values_list("version", flat=True).first()
    return (last or 0) + 1


def _new_document(record: Record, action: str, actor):
    from applications.models import ResultDocument
    from applications.numbers import next_document_number

    now = timezone.now()
    base = record.current_document
    content = dict(base.document.content) if base is not None else {}
    return ResultDocument.objects.create(application=record.application, kind=record.kind,
                                         number=next_document_number(record.kind, now), issued_at=now, content=content,
                                         signer=ResultDocument.signer_for(actor))


REQUEST_KEYS = ("licence_number", "reason", "new_name", "new_address")  # what a re-issue request says, not the licence


def _new_version_fields(action: str, current: RecordDocument, changes: dict, request: dict | None) -> dict:
    """What the new version says: a duplicate reproduces ``current``; a re-issue is ``current`` plus the
    changes its request (or the officer) made."""
    if action == "duplicate":
        return {"role": RecordDocument.Role.DUPLICATE, "source": current, "sub_kind": current.sub_kind,
                "scope": dict(current.scope), "content": dict(current.content), "valid_until": current.valid_until,
                "revision": (request or {}).get("revision"), **_copied_snapshot(current)}
    content = {k: v for k, v in current.content.items() if k not in REQUEST_KEYS}
    snapshot = _copied_snapshot(current)
    if request is not None:
        form = request["form"]
        content.update({k: v for k, v in form.items() if k in REQUEST_KEYS and k != "licence_number" and v})
        changes = {"name": form.get("new_name", ""), "address": form.get("new_address", "")}
        sub_kind = request["app"].sub_kind
    else:
        sub_kind = current.sub_kind
    if changes.get("name"):
        snapshot["holder_name"] = changes["name"]
    if changes.get("address"):
        snapshot["holder_address"] = changes["address"]
    return {"role": RecordDocument.Role.REISSUE, "sub_kind": sub_kind, "scope": dict(current.scope),
            "content": content, "valid_until": current.valid_until,
            "revision": (request or {}).get("revision"), **snapshot}


def _apply(record: Record, action: str, actor, *, reason: str, document=None, changes=None, request=None,
           data=None) -> Record:
    """The transition on a locked record; ``document`` (and ``request``: the request, its signed form and
    revision) are given when a request produced it (S1)."""
    refuse_unless_allowed(record, action)
    _allowed, to, event = TRANSITIONS[action]
    before = record.status
    fields = {"status": to, "version": record.version + 1, "updated_at": timezone.now()}
    if action in ("reissue", "duplicate"):
        current = record.current_version
        if document is None:
            document = _new_document(record, action, actor)
        values = _new_version_fields(action, current, changes or {}, request)
        document.content = dict(document.content, variant=action, registry_number=record.number,
                                subtypes=values["content"].get("subtypes", []), previous_document=current.number,
                                holder_name=values["holder_name"], address=values["holder_address"])
        document.save(update_fields=["content"])
        version = RecordDocument.objects.create(record=record, document=document, version=_next_number(record),
                                                issued_at=document.issued_at, **values)
        if action == "reissue":
            fields.update(current=version, scope=version.scope)
    updated = Record.objects.filter(pk=record.pk, version=record.version).update(**fields)
    if updated != 1:
        raise StaleRecord()
    record.status, record.version = to, record.version + 1
    if "current" in fields:
        record.current, record.scope = fields["current"], fields["scope"]
    RecordEvent.objects.create(record=record, kind=event, status_before=before, status_after=to, actor=actor,
                               reason=reason, document=document, data=data or {})
    return record


def transition(number: str, action: str, actor, *, reason: str, version: int | None = None,
               name: str = "", address: str = "") -> Record:
    with transaction.atomic():
        record = Record.objects.select_for_update().select_related("holder").get(number=number)
        _check_actor(record, actor)  # who may, before what they sent is read (the access matrix)
        if action not in TRANSITIONS:
            raise TransitionRefused(_("Unknown action."), action=action)
        if not (reason or "").strip():
            raise ReasonRequired()
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
    from core.identifiers import IdentifierError, parse_bin

    with transaction.atomic():
        record = Record.objects.select_for_update().select_related("holder").get(number=number)
        _check_actor(record, actor)  # who may, before what they sent is read
        try:
            bin = parse_bin(bin).value  # noqa: A001 - the 12 digits, as every action stores an identifier
        except IdentifierError as err:
            raise DomainError(err.message, code=f"identifier_{err.code}", status=422) from None
        branch, _created = Branch.objects.get_or_create(holder=record.holder, bin=bin,
                                                        defaults={"name": name, "address": address})
        RecordEvent.objects.create(record=record, kind="branch_added", status_before=record.status,
                                   status_after=record.status, actor=actor, reason=name, data={"bin": bin})
        return branch
