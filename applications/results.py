"""The documents a request ends with (or receives on the way: PSC receipts).

Here a document is a registry row with its number and content; the signed PDF
form of each kind is built on this by the results issue.
"""
from applications.models import ResultDocument
from applications.numbers import next_document_number


def issue_document(run, kind: str, **content) -> ResultDocument:
    app = run.application
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
    return ResultDocument.objects.create(
        application=app, kind=kind, number=next_document_number(kind, run.now), issued_at=run.now, content=body
    )
