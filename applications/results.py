"""The documents a request ends with (or receives on the way: PSC receipts).

A document is a row with its number and content, its signed PDF (PAdES, signed
by the deciding officer: ``documents.produce``) and, for licences, permits and
orders, its record in the registry (``registry.actions``).
"""
from applications.models import ResultDocument
from applications.numbers import next_document_number


def issue_document(run, kind: str, **content) -> ResultDocument:
    from documents.produce import produce
    from registry.actions import record_result

    app = run.subject
    body = {
        "service": app.service,
        "sub_kind": app.sub_kind,
        "request_number": app.number,
        "applicant_iin": app.applicant_iin,
        "applicant_bin": app.applicant_bin,
        "applicant_name": app.applicant_name,
        **content,
    }
    if kind == "refusal":
        body["reasons"] = list(app.refusal_details or [])
    document = ResultDocument.objects.create(
        application=app, kind=kind, number=next_document_number(kind, run.now), issued_at=run.now, content=body
    )
    record = record_result(document, run.actor)
    produce(document, run.actor, licence_number=record.number if record is not None else None)
    return document
