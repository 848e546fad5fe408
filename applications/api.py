"""REST endpoints for requests: one endpoint per step action (see docs/api.md)."""
from __future__ import annotations

import base64
import binascii

from cryptography import x509
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from ninja import File, Form, Query, Router, Status
from ninja.files import UploadedFile

from applications import actions
from applications.models import Application
from applications.queries import out, visible
from applications.schemas import (
    ApplicationOut,
    AttachmentOut,
    CertificateIn,
    CopyIn,
    CreateIn,
    DecisionIn,
    EventOut,
    ExchangeOut,
    ExecutorIn,
    FormIn,
    IdentityIn,
    IntakeIn,
    PayloadOut,
    PaymentOut,
    ScansIn,
    SignatureIn,
    SignatureOut,
    SurveyIn,
    SurveyOut,
    TaskOut,
    ViewOut,
    WithdrawalIn,
)
from applications.signing import current_revision, reason_message, reverify, signed_signature, signing_payload
from audit import actions as audit
from audit import queries as audit_queries
from integrations.models import ExchangeLog
from integrations.signatures import canonical_bytes
from workflow.models import Event, WorkTask

router = Router(tags=["applications"])


# -- helpers --------------------------------------------------------------------
def _get(request, application_id) -> Application:
    return get_object_or_404(visible(request.auth), pk=application_id)


def _b64(value: str) -> bytes:
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise actions.InvalidInput(_("The value is not valid base64."), code="base64_invalid") from None


# -- endpoints ------------------------------------------------------------------
@router.post("", response={200: ApplicationOut, 201: ApplicationOut})
def create(request, body: CreateIn):
    """Open a request. Repeating the same `client_request_id` returns the first request (200) instead of a new one."""
    app, created = actions.create_application(
        request.auth, service=body.service, sub_kind=body.sub_kind, channel=body.channel,
        region_code=body.region, client_request_id=body.client_request_id, power_of_attorney=body.power_of_attorney,
    )
    return Status(201 if created else 200, out(app))


@router.get("", response=list[ApplicationOut])
def list_applications(request, status: str = "", service: str = "", limit: int = Query(50, ge=0),
                      offset: int = Query(0, ge=0, le=1_000_000_000)):
    qs = visible(request.auth)
    if status:
        qs = qs.filter(status=status)
    if service:
        qs = qs.filter(service=service)
    return [out(a) for a in qs[offset: offset + min(limit, 200)]]


@router.get("/queue", response=list[TaskOut])
def queue(request):
    """Open steps the caller may complete now, soonest due first."""
    user = request.auth
    tasks = (
        WorkTask.objects.filter(state=WorkTask.State.OPEN)
        .select_related("application")
        .order_by("due_at", "id")
    )
    if user.kind == user.Kind.APPLICANT:
        tasks = tasks.filter(application__applicant_user=user)
    elif user.kind == user.Kind.PSC_OPERATOR:
        tasks = tasks.filter(lane="psc")
    else:  # the provider's lanes of the user's unit: one index range in due order (worktask_unit_due)
        tasks = tasks.filter(provider_unit_id=user.provider_unit_id, lane__in=actions.PROVIDER_LANES)
    return [t for t in tasks[:500] if actions.may_complete(user, t.application, t)]


@router.get("/{application_id}", response=ApplicationOut)
def detail(request, application_id: int):
    app = _get(request, application_id)
    if request.auth.kind != request.auth.Kind.APPLICANT:  # staff opening a request: audited (docs/audit.md)
        audit.record(audit.Kind.PERSONAL_DATA_VIEW, actor=request.auth, subject=app, request=request,
                     data={"via": "api", "number": app.number})
    return out(app)


@router.get("/{application_id}/views", response=list[ViewOut])
def views(request, application_id: int):
    """Who in the provider opened this request ("who looked at my file"): the officer's name, role and when."""
    return audit_queries.views_of(_get(request, application_id))


@router.get("/{application_id}/history", response=list[EventOut])
def history(request, application_id: int):
    app = _get(request, application_id)
    return [
        {"at": e.at, "kind": e.kind, "step": e.step, "bpmn_id": e.bpmn_id,
         "actor": e.actor.username if e.actor else None, "data": e.data}
        for e in Event.objects.filter(application=app).select_related("actor")
    ]


@router.get("/{application_id}/exchanges", response=list[ExchangeOut])
def exchanges(request, application_id: int):
    """The request's exchange log: every message to and from outside systems while processing it."""
    return list(ExchangeLog.objects.filter(application=_get(request, application_id)))


@router.get("/{application_id}/tasks", response=list[TaskOut])
def tasks(request, application_id: int):
    return list(WorkTask.objects.filter(application=_get(request, application_id)))


@router.put("/{application_id}/form", response=ApplicationOut)
def save_form(request, application_id: int, body: FormIn):
    """Save the draft form; `version` must be the version last read (a stale form is refused)."""
    return out(actions.save_form(_get(request, application_id).pk, request.auth, body.data, body.version))


@router.post("/{application_id}/attachments", response={201: AttachmentOut})
def attach(request, application_id: int, document_code: Form[str], file: File[UploadedFile], is_scan: Form[bool] = False):
    attachment = actions.add_attachment(
        _get(request, application_id).pk, request.auth, document_code=document_code, uploaded=file, is_scan=is_scan
    )
    return Status(201, attachment)


@router.post("/{application_id}/fill", response=ApplicationOut)
def finish_filling(request, application_id: int):
    """Step 3: finish filling; the request is frozen as the revision to be signed."""
    return out(actions.finish_filling(_get(request, application_id).pk, request.auth))


@router.post("/{application_id}/payment", response=PaymentOut)
def start_payment(request, application_id: int):
    """Start paying the fee at the payment gateway (a repeated call returns the same payment)."""
    return actions.start_payment(_get(request, application_id).pk, request.auth)


@router.post("/{application_id}/payment/abandon", response=ApplicationOut)
def abandon_payment(request, application_id: int):
    return out(actions.abandon_payment(_get(request, application_id).pk, request.auth))


@router.get("/{application_id}/signing-payload", response=PayloadOut)
def payload(request, application_id: int):
    """The exact bytes to sign (detached CMS), base64, and their SHA-256."""
    app = _get(request, application_id)
    if current_revision(app) is None:
        raise actions.InvalidInput(_("The request has not been filled yet."), code="not_filled")
    data = signing_payload(app)
    return {"payload_b64": base64.b64encode(data).decode(), "sha256": current_revision(app).sha256}


@router.post("/{application_id}/certificate", response=ApplicationOut)
def choose_certificate(request, application_id: int, body: CertificateIn):
    return out(actions.choose_certificate(_get(request, application_id).pk, request.auth, body.certificate_pem))


@router.post("/{application_id}/signature", response=ApplicationOut)
def sign(request, application_id: int, body: SignatureIn):
    """Step 8: the detached CMS over the signing payload, made with the certificate chosen at step 6. While
    step 6 is still open, this one call completes steps 6 and 8: the certificate is the one the CMS
    carries (an NCALayer CMS carries its signer's certificate), checked as at step 6."""
    # The request's visibility is checked by the action, in the query that locks it.
    return out(actions.sign(application_id, request.auth, _b64(body.cms_b64), body.certificate_pem))


@router.post("/{application_id}/applicant", response=ApplicationOut)
def enter_application(request, application_id: int, body: IdentityIn):
    """P3 (staff channel): the officer enters the applicant and finishes the form."""
    return out(actions.enter_application(_get(request, application_id).pk, request.auth, iin=body.iin, bin=body.bin))


@router.post("/{application_id}/scans", response=ApplicationOut)
def attach_scans(request, application_id: int, body: ScansIn):
    from applications import paper_payments

    app_id = _get(request, application_id).pk
    if body.payment_reference:
        paper_payments.confirm_payment(app_id, request.auth, payer=body.payer, reference=body.payment_reference,
                                       request=request)
    return out(actions.attach_scans(app_id, request.auth, documents_presented=body.documents_presented))


@router.post("/{application_id}/decision", response=ApplicationOut)
def decide(request, application_id: int, body: DecisionIn):
    return out(actions.decide(_get(request, application_id).pk, request.auth, decision=body.decision,
                              checklist=body.checklist, documents_missing=body.documents_missing,
                              comment=body.comment, order_draft=body.order_draft))


@router.post("/{application_id}/intake", response=ApplicationOut)
def psc_intake(request, application_id: int, body: IntakeIn):
    return out(actions.psc_intake(_get(request, application_id).pk, request.auth, iin=body.iin, bin=body.bin,
                                  documents_presented=body.documents_presented))


@router.post("/{application_id}/incoming-registration", response=ApplicationOut)
def register_incoming(request, application_id: int):
    return out(actions.register_incoming(_get(request, application_id).pk, request.auth))


@router.post("/{application_id}/put-on-portal", response=ApplicationOut)
def put_on_portal(request, application_id: int):
    return out(actions.put_on_portal(_get(request, application_id).pk, request.auth))


@router.post("/{application_id}/unit-assignment", response=ApplicationOut)
def assign_unit(request, application_id: int):
    return out(actions.assign_unit(_get(request, application_id).pk, request.auth))


@router.post("/{application_id}/executor-assignment", response=ApplicationOut)
def assign_executor(request, application_id: int, body: ExecutorIn):
    return out(actions.assign_executor(_get(request, application_id).pk, request.auth, executor_id=body.executor_id))


@router.post("/{application_id}/result-signature", response=ApplicationOut)
def sign_result(request, application_id: int):
    return out(actions.sign_result(_get(request, application_id).pk, request.auth))


@router.post("/{application_id}/withdrawal", response=ApplicationOut)
def withdraw(request, application_id: int, body: WithdrawalIn):
    """The applicant withdraws the request before its decision (409 `withdrawal_too_late` after it)."""
    return out(actions.withdraw(_get(request, application_id).pk, request.auth, reason=body.reason))


@router.post("/{application_id}/copy", response={201: ApplicationOut})
def copy(request, application_id: int, body: CopyIn):
    """A new request pre-filled from this one, which was refused or withdrawn (the applicant's own)."""
    app, _created = actions.create_application(request.auth, service="", sub_kind="", channel="portal",
                                               copy_from=_get(request, application_id).pk,
                                               client_request_id=body.client_request_id)
    return Status(201, out(app))


@router.post("/{application_id}/survey", response={201: SurveyOut})
def survey(request, application_id: int, body: SurveyIn):
    return Status(201, actions.answer_survey(_get(request, application_id).pk, request.auth,
                                             process_quality=body.process_quality,
                                             information_quality=body.information_quality))


# -- the stored signature: re-verification and export (docs/signatures.md) -------------------------
def _signed(request, application_id):
    app = _get(request, application_id)
    signature = signed_signature(app)
    if signature is None:
        raise actions.InvalidInput(_("The request has not been signed."), code="not_signed")
    return app, signature


@router.get("/{application_id}/signature", response=SignatureOut)
def signature(request, application_id: int):
    """The signer's certificate, the outcome stored at signing, and a fresh re-verification now
    (the CMS over the revision's bytes, the request unchanged since, the certificate checked today)."""
    app, sig = _signed(request, application_id)
    cert = x509.load_pem_x509_certificate(sig.certificate_pem.encode())
    outcome = sig.signature_check or sig.certificate_check
    checked = reverify(app, sig)
    audit.record(audit.Kind.SIGNATURE_CHECK, actor=request.auth, subject=app, request=request, data={
        "via": "api", "signature": sig.pk, "valid": checked["valid"], "reason": checked["reason"]})
    return {
        "revision_id": sig.revision_id, "revision_sha256": sig.revision.sha256, "signed_at": sig.signed_at,
        "certificate": {
            "pem": sig.certificate_pem, "subject": cert.subject.rfc4514_string(), "issuer": cert.issuer.rfc4514_string(),
            "serial": format(cert.serial_number, "x"), "not_before": cert.not_valid_before_utc,
            "not_after": cert.not_valid_after_utc, "iin": sig.signer_iin, "bin": sig.signer_bin,
        },
        "certificate_check": sig.certificate_check, "signature_check": sig.signature_check,
        "stored_outcome_message": str(reason_message(outcome)) if outcome else "",
        "reverification": checked,
    }


@router.get("/{application_id}/signature/payload")
def signature_payload(request, application_id: int):
    """The exact bytes that were signed (the revision's canonical form)."""
    app, sig = _signed(request, application_id)
    response = HttpResponse(canonical_bytes(sig.revision.content), content_type="application/octet-stream")
    response["Content-Disposition"] = f'attachment; filename="request-{app.pk}-revision-{sig.revision_id}.bin"'
    return response


@router.get("/{application_id}/signature/cms")
def signature_cms(request, application_id: int):
    """The detached CMS SignedData as received (DER)."""
    app, sig = _signed(request, application_id)
    response = HttpResponse(bytes(sig.cms), content_type="application/pkcs7-signature")
    response["Content-Disposition"] = f'attachment; filename="request-{app.pk}-revision-{sig.revision_id}.p7s"'
    return response
