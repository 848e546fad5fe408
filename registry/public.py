"""What the public may see: the registry's published fields, never an individual's full IIN.

Published: record number, kind, service, status (since when, and why it is suspended or terminated), holder
name (as the version shown says), a legal entity's BIN, an individual's IIN masked to its last four digits, the
scope (what it permits), issue date, validity, the documents' numbers, the records a withdrawal links. Not
published: addresses of individuals, the request, officers' names, the reasons of other transitions.
"""
from __future__ import annotations

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from services import registry as services


def mask_iin(iin: str) -> str:
    return "********" + iin[-4:] if iin else ""


def holder_id(holder) -> str:
    return holder.bin if holder.bin else mask_iin(holder.iin)


def _scope_line(service, scope: dict) -> str:
    if service is None or service.scope_text is None:
        return ""
    pieces = scope.get("ranges")
    if pieces:  # a range reduced by a withdrawal from its middle: each piece it keeps
        return ", ".join(service.scope_text({**scope, "range_start": a, "range_end": b}) for a, b in pieces)
    return service.scope_text(scope)


def scope_text(record, scope: dict | None = None) -> str:
    """What the record (or one of its versions: ``scope``) permits, as one line of text."""
    scope = record.scope if scope is None else scope
    text = _scope_line(services.find(record.service), scope)
    if scope.get("withdraws"):
        return _("withdrawal of %(what)s from %(number)s") % {"what": text, "number": scope["withdraws"]}
    return text


def _public_scope(record, scope: dict | None = None) -> dict:
    """The scope as the public may see it: the keys its service publishes (services.registry)."""
    service = services.find(record.service)
    keys = service.public_scope_keys if service else ("region", "sub_kind")
    return {k: v for k, v in (record.scope if scope is None else scope).items() if k in keys}


def _service_title(code: str):
    service = services.find(code)
    return service.title if service else ""


def _holder_of(version, record) -> tuple[str, str, bool]:
    """Name, published identifier and "is an individual" of the holder as the version says."""
    if version is None or not version.holder_name:  # a version written without its snapshot
        holder = record.holder
        return holder.name, holder_id(holder), holder.is_individual
    individual = not version.holder_bin
    return version.holder_name, version.holder_bin or mask_iin(version.holder_iin), individual


def _date(value) -> str | None:
    if value is None:
        return None
    return timezone.localtime(value).date().isoformat() if hasattr(value, "hour") else value.isoformat()


def status_of(record, events=None) -> dict:
    """Since when and why the record is suspended or terminated (the event that made it so), and the
    records it is linked with (a withdrawal order and the order it withdrew from)."""
    events = list(record.events.order_by("id")) if events is None else events
    since = reason = by = None
    links = []
    for e in events:
        if e.data.get("withdraws"):
            links.append({"relation": "withdraws", "number": e.data["withdraws"]})
        if e.data.get("by_record"):
            links.append({"relation": "withdrawn_by", "number": e.data["by_record"],
                          "document": e.data.get("by_document"), "on": _date(e.created_at)})
        if e.status_before and e.status_before != e.status_after:
            since, reason, by = e.created_at, e.reason, e.data.get("by_record")
    out = {"status_since": None, "status_reason": "", "status_by": None, "terminated_on": None, "links": links}
    if record.status != "valid" and since is not None:
        out.update(status_since=_date(since), status_by=by,
                   status_reason=(_("withdrawn by order %(number)s") % {"number": by}) if by else reason)
        if record.status == "terminated":
            out["terminated_on"] = _date(since)
    return out


def version_public(record, version) -> dict:
    """One version as the public may see it: the holder as it then was, what it permitted, its date."""
    shown = version.content_version if version is not None else None
    name, published_id, individual = _holder_of(shown, record)
    scope = shown.scope if shown is not None and shown.scope else record.scope
    issued = version.issued_at if version is not None and version.issued_at else record.issued_at
    until = shown.valid_until if shown is not None and shown.issued_at else record.valid_until
    return {
        "document_number": version.number if version is not None else "", "version": version.version if version else None,
        "role": version.role if version is not None else "",
        "duplicate_of": version.source.number if version is not None and version.source_id else None,
        "holder_name": name, "holder_id": published_id, "holder_kind": "individual" if individual else "legal_entity",
        "scope": _public_scope(record, scope), "scope_text": scope_text(record, scope),
        "issued_on": _date(issued), "valid_until": until.isoformat() if until else None,
    }


def record_public(record, events=None) -> dict:
    """The record as it stands: its current version, status (since when, why), documents, links."""
    current = record.current_version
    shown = version_public(record, current)
    status = status_of(record, events)
    return {
        "number": record.number, "kind": record.kind, "kind_label": str(record.get_kind_display()),
        "service": record.service, "service_title": str(_service_title(record.service)),
        "status": record.status, "status_label": str(record.get_status_display()),
        "holder_name": shown["holder_name"], "holder_id": shown["holder_id"], "holder_kind": shown["holder_kind"],
        "scope": shown["scope"], "scope_text": shown["scope_text"],
        "issued_on": _date(record.issued_at), "valid_until": shown["valid_until"],
        "current_document": current.number if current is not None else "",
        "current_since": shown["issued_on"],
        **status,
        "documents": [{"number": d.number, "version": d.version, "role": d.role, "issued_on": _date(d.issued_at)}
                      for d in record.documents.select_related("document", "by_document").order_by("version")],
    }


def _successor(record, version):
    """The version that replaced ``version`` (a re-issue, or a range reduced by a withdrawal)."""
    from registry.models import RecordDocument

    return (RecordDocument.objects.filter(record=record, version__gt=version.version)
            .exclude(role=RecordDocument.Role.DUPLICATE).select_related("document", "by_document")
            .order_by("version").first())


def verification(number: str) -> dict:
    """By a document number (from the QR code): that document's version, current or superseded (by which
    document, when). A number that is only a record's (no document has it): the record's current version.
    Answers are kept in the shared cache until the registry changes them (registry/cache.py)."""
    from registry import cache

    return cache.answer((number or "").strip().upper(), _verification)


def _verification(number: str) -> dict:
    from applications.models import ResultDocument
    from registry.models import Record, RecordDocument

    # Indexed look-ups, one after the other, never one OR across the joined tables (which scans them).
    entry = (RecordDocument.objects.select_related("record__holder", "record__current", "document", "source")
             .filter(document__number=number).first())
    if entry is None:
        record = Record.objects.select_related("holder", "current").filter(number=number).first()
        entry = record.current_version if record is not None else None
        if entry is not None:
            entry.record = record
    if entry is not None:
        record = entry.record
        current = record.current_version
        shown = entry.content_version
        is_current = current is not None and shown.pk == current.pk
        successor = None if is_current else _successor(record, shown)
        from registry.backing import status_backed

        backed = status_backed(record)  # the status is the one the audit chain backs (docs/audit.md)
        document = entry.document if entry.document_id is not None else entry.by_document
        return {
            "found": True, "number": number, "document_number": entry.number,
            "document_sha256": document.pdf_sha256 if document is not None else "", "document_version": entry.version,
            "document_role": entry.role, "document_current": is_current,
            "superseded_by": successor.number if successor is not None else None,
            "superseded_on": _date(successor.issued_at) if successor is not None else None,
            "valid": record.status == Record.Status.VALID and is_current and backed, "status_backed": backed,
            "document": version_public(record, entry),
            "record": record_public(record),
        }
    document = ResultDocument.objects.filter(number=number).first()
    if document is not None:  # a refusal or a receipt: authentic, but not a registry entry (no personal data)
        return {"found": True, "number": number, "document_number": document.number,
                "document_sha256": document.pdf_sha256, "document_kind": document.kind,
                "issued_on": document.issued_at.date().isoformat(), "valid": None, "record": None}
    return {"found": False, "number": number, "message": _("No document or registry entry has this number.")}


def search(params):
    from registry.models import Record

    qs = Record.objects.select_related("holder", "current").order_by("-issued_at", "-id")
    if params.get("number"):
        number = params["number"].strip().upper()
        qs = qs.filter(Q(number__icontains=number) | Q(documents__document__number=number)).distinct()
    if params.get("holder"):
        name = params["holder"].strip()  # the name the record's current version says (the holder row is the identity)
        qs = qs.filter(Q(current__holder_name__icontains=name) | Q(current__isnull=True, holder__name__icontains=name))
    if params.get("bin"):
        qs = qs.filter(Q(holder__bin=params["bin"].strip()) | Q(holder__branches__bin=params["bin"].strip())).distinct()
    if params.get("service"):
        qs = qs.filter(service=params["service"])
    if params.get("status"):
        qs = qs.filter(status=params["status"])
    return qs


CSV_HEADERS = ["number", "kind", "service", "status", "holder_name", "holder_id", "scope", "issued_on",
               "valid_until", "current_document"]


def csv_row(record) -> list[str]:
    current = record.current_version
    name, published_id, _individual = _holder_of(current, record)
    until = current.valid_until if current is not None and current.issued_at else record.valid_until
    if record.status == "terminated":  # its validity ended when it was terminated
        ended = status_of(record)["terminated_on"]
        until = ended or until
    until = until.isoformat() if hasattr(until, "isoformat") else (until or "")
    return [record.number, record.kind, record.service, record.status, name, published_id,
            scope_text(record, current.scope if current is not None and current.scope else None),
            record.issued_at.date().isoformat(), until, current.number if current is not None else ""]
