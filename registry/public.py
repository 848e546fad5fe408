"""What the public may see: the registry's published fields, never an individual's full IIN.

Published: record number, kind, service, status, holder name, a legal entity's BIN, an individual's IIN
masked to its last four digits, the scope (what it permits), issue date, validity, the documents'
numbers. Not published: addresses of individuals, the request, officers' names, reasons.
"""
from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext as _

from services import registry as services


def mask_iin(iin: str) -> str:
    return "********" + iin[-4:] if iin else ""


def holder_id(holder) -> str:
    return holder.bin if holder.bin else mask_iin(holder.iin)


def scope_text(record) -> str:
    service = services.find(record.service)
    if service is None or service.scope_text is None:
        return ""
    return service.scope_text(record.scope)


def _public_scope(record) -> dict:
    """The record's scope as the public may see it: the keys its service publishes (services.registry)."""
    service = services.find(record.service)
    keys = service.public_scope_keys if service else ("region", "sub_kind")
    return {k: v for k, v in record.scope.items() if k in keys}


def _service_title(code: str):
    service = services.find(code)
    return service.title if service else ""


def record_public(record) -> dict:
    holder = record.holder
    return {
        "number": record.number, "kind": record.kind, "kind_label": str(record.get_kind_display()),
        "service": record.service, "service_title": str(_service_title(record.service)),
        "status": record.status, "status_label": str(record.get_status_display()),
        "holder_name": holder.name, "holder_id": holder_id(holder),
        "holder_kind": "individual" if holder.is_individual else "legal_entity",
        "scope": _public_scope(record), "scope_text": scope_text(record),
        "issued_on": record.issued_at.date().isoformat(),
        "valid_until": record.valid_until.isoformat() if record.valid_until else None,
        "documents": [{"number": d.document.number, "version": d.version, "role": d.role}
                      for d in record.documents.select_related("document").order_by("version")],
    }


def verification(number: str) -> dict:
    """By a document number (from the QR code) or a record number."""
    from applications.models import ResultDocument
    from registry.models import Record, RecordDocument

    number = (number or "").strip().upper()
    # Two indexed look-ups, not one OR across the joined tables (which scans them: ~1 s at 1,000,000 records).
    entries = RecordDocument.objects.select_related("record__holder", "document")
    entry = (entries.filter(document__number=number).first()
             or entries.filter(record__number=number).order_by("-version").first())
    if entry is not None:
        record = entry.record
        if record.number == number:
            entry = record.documents.select_related("document").order_by("-version").first()
        latest = record.documents.exclude(role="duplicate").order_by("-version").first()
        current = entry.role == "duplicate" or entry.pk == latest.pk
        return {
            "found": True, "number": number, "document_number": entry.document.number,
            "document_sha256": entry.document.pdf_sha256, "document_version": entry.version,
            "document_role": entry.role, "document_current": current,
            "superseded_by": None if current else latest.document.number,
            "valid": record.status == Record.Status.VALID and current,
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

    qs = Record.objects.select_related("holder").order_by("-issued_at", "-id")
    if params.get("number"):
        number = params["number"].strip().upper()
        qs = qs.filter(Q(number__icontains=number) | Q(documents__document__number=number)).distinct()
    if params.get("holder"):
        qs = qs.filter(holder__name__icontains=params["holder"].strip())
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
    current = record.documents.select_related("document").exclude(role="duplicate").order_by("-version").first()
    return [record.number, record.kind, record.service, record.status, record.holder.name, holder_id(record.holder),
            scope_text(record), record.issued_at.date().isoformat(),
            record.valid_until.isoformat() if record.valid_until else "", current.document.number if current else ""]
