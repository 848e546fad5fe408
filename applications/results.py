"""The documents a request ends with (or receives on the way: PSC receipts).

A document is a row with its number, content and signer, written with the decision in its
transaction; for licences, permits and orders also its record in the registry
(``registry.actions``). Its signed PDF (PAdES, signed by the deciding officer) is made after that
transaction has committed, by a task (``documents.tasks.produce_document``, enqueued by
``documents.tasks.enqueue_pending``): nothing slow happens while the request is locked.
"""
from applications.models import ResultDocument
from applications.numbers import next_document_number


def issue_document(run, kind: str, **content) -> ResultDocument:
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
        application=app, kind=kind, number=next_document_number(kind, run.now), issued_at=run.now, content=body,
        signer=ResultDocument.signer_for(run.actor),
    )
    record_result(document, run.actor)
    return document
