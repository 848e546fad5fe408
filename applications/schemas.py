"""The API's request and response schemas for requests (django-ninja / pydantic); their class names are the
OpenAPI document's schema names."""
from __future__ import annotations

import datetime

from ninja import Field, Schema


class CreateIn(Schema):
    service: str
    sub_kind: str
    channel: str = "portal"
    region: str = ""
    client_request_id: str = ""
    # File as a representative for the person or company this power of attorney names (docs/representatives.md).
    power_of_attorney: int | None = None


class TaskOut(Schema):
    id: int
    step: str
    name: str
    lane: str
    action_kind: str
    state: str
    created_at: datetime.datetime
    due_at: datetime.datetime | None
    completed_at: datetime.datetime | None
    duration_seconds: float | None
    within_norm: bool | None
    norm: str
    assignee_id: int | None


class DocumentOut(Schema):
    kind: str
    number: str
    issued_at: datetime.datetime
    content: dict
    signing_status: str = Field(description="`signed` (its PDF is ready); `awaiting_signature`: the deciding "
                                            "officer (`signer_id`) signs it (`GET/POST /api/v1/documents/{number}/"
                                            "signing`); `sealing`: the system seals it (a moment)")
    signer_id: int | None = Field(description="The officer who signs it with their own EDS; null: the system seal")

    @staticmethod
    def resolve_signing_status(obj) -> str:
        if obj.pdf_sha256:
            return "signed"
        return "awaiting_signature" if obj.signer_id is not None else "sealing"


class WaitingOut(Schema):
    system: str
    operation: str
    since: datetime.datetime | None
    attempts: int
    next_attempt_at: datetime.datetime | None
    message: str


class ExchangeOut(Schema):
    at: datetime.datetime
    system: str
    operation: str
    direction: str
    method: str
    url: str
    correlation_id: str
    attempt: int
    status_code: int | None
    outcome: str
    duration_ms: float
    request_sha256: str
    response_sha256: str
    request_body: dict | list | None
    response_body: dict | list | None
    error: str


class ApplicationOut(Schema):
    id: int
    number: str | None
    service: str
    sub_kind: str
    channel: str
    process_id: str
    version: str
    status: str
    applicant_iin: str
    applicant_bin: str
    applicant_name: str
    provider_unit: str | None
    region: str | None
    form: dict
    form_version: int
    refusal_step: str
    refusal_reason: str
    refusal_details: list
    result_kind: str
    created_at: datetime.datetime
    registered_at: datetime.datetime | None
    received_at: datetime.datetime | None  # the receipt the terms run from (PSC acceptance, else registration)
    deadline_at: datetime.datetime | None
    finished_at: datetime.datetime | None
    open_tasks: list[TaskOut]
    documents: list[DocumentOut]
    waiting: WaitingOut | None = None
    # Filed by a representative: the power of attorney acted under and the representative's IIN.
    power_of_attorney: int | None = None
    representative_iin: str = ""


class EventOut(Schema):
    at: datetime.datetime
    kind: str
    step: str
    bpmn_id: str
    actor: str | None
    data: dict


class ViewOut(Schema):
    """Someone in the provider who opened the request (the audit log's personal-data views)."""

    at: datetime.datetime
    name: str
    role: str


class WithdrawalIn(Schema):
    reason: str = ""


class CopyIn(Schema):
    client_request_id: str = ""


class FormIn(Schema):
    data: dict
    version: int


class AttachmentOut(Schema):
    id: int
    document_code: str
    original_name: str
    content_type: str
    size: int
    sha256: str
    is_scan: bool


class PaymentOut(Schema):
    reference: str
    amount_kzt: int
    status: str
    gateway_id: str
    next_url: str


class PayloadOut(Schema):
    payload_b64: str
    sha256: str


class CertificateIn(Schema):
    certificate_pem: str


class SignatureIn(Schema):
    cms_b64: str
    # Optional: while step 6 is open, the certificate is the one the CMS carries; if given, it must be that one.
    certificate_pem: str = ""


class VerificationOut(Schema):
    valid: bool
    reason: str
    message: str
    checked_at: datetime.datetime
    content_unchanged: bool
    details: dict


class SignerCertificateOut(Schema):
    pem: str
    subject: str
    issuer: str
    serial: str
    not_before: datetime.datetime
    not_after: datetime.datetime
    iin: str
    bin: str


class SignatureOut(Schema):
    revision_id: int
    revision_sha256: str
    signed_at: datetime.datetime | None
    certificate: SignerCertificateOut
    certificate_check: str
    signature_check: str
    stored_outcome_message: str
    reverification: VerificationOut


class IdentityIn(Schema):
    iin: str = ""
    bin: str = ""


class ScansIn(Schema):
    """P6 (staff): the documents presented on paper; for a paid service (S1, S3) also the fee paid at a bank,
    confirmed with the payment gateway first (the payer's IIN/BIN and the reference on the bank's receipt),
    unless it was confirmed already."""
    documents_presented: list[str]
    payer: str = ""
    payment_reference: str = ""


class DecisionIn(Schema):
    """The qualification check: every item of the service's checklist (`GET /services/{code}` lists them)
    answered `met` or `not_met`, the required documents found missing, and a comment."""
    decision: str
    checklist: dict[str, str] = {}
    documents_missing: list[str] = []
    comment: str = ""
    # The 2015 S2 executor's review (step 5): the order's content as drafted (the sub-kind's form fields; the
    # request's form when absent), which the head then signs (docs/backoffice.md, "The 2015 office chain").
    order_draft: dict | None = None


class IntakeIn(IdentityIn):
    documents_presented: list[str]


class ExecutorIn(Schema):
    executor_id: int


class SurveyIn(Schema):
    process_quality: int
    information_quality: int


class SurveyOut(Schema):
    process_quality: int
    information_quality: int
