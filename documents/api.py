"""GET /api/v1/applications/{id}/documents/{number}.pdf: the signed result, for whoever may see the request;
GET/POST /api/v1/documents/{number}/signing: the deciding officer's signature of a result."""
import base64

from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema

from applications.api import visible
from applications.models import ResultDocument
from core.downloads import content_disposition
from documents import actions

router = Router(tags=["documents"])


@router.get("/{application_id}/documents/{number}.pdf", response={200: None},
            summary="The signed PDF of a result (licence, permit, order, refusal, receipt)")
def document_pdf(request, application_id: int, number: str):
    app = get_object_or_404(visible(request.auth), pk=application_id)
    document = get_object_or_404(ResultDocument, application=app, number=number)
    if not document.pdf:
        raise Http404  # not produced (documents issued before results were signed)
    response = FileResponse(document.pdf.open("rb"), content_type="application/pdf")
    response["Content-Disposition"] = content_disposition(document.number, "application/pdf", inline=True)
    response["X-Content-SHA256"] = document.pdf_sha256
    return response


# -- the officer's signature of a result (docs/signatures.md "Officers sign results") -------------------------
signing_router = Router(tags=["documents"])


class SigningOut(Schema):
    number: str
    status: str = Field(description="`awaiting_signature` (sign `bytes_b64`), `signed`")
    bytes_b64: str = Field(description="What to sign (base64): the PDF's /ByteRange content. Sign it as NCALayer's "
                                       "`basics.sign` does: CMS, detached, over the decoded bytes, with your sign key")
    sha256: str = Field(description="SHA-256 (hex) of those bytes: the CMS's messageDigest")
    signer_iin: str = Field(description="The IIN the certificate must carry (yours)")
    signer_bin: str = Field(description="The BIN the certificate must carry (the provider's)")
    serial: str = Field(description="The serial of the certificate you chose in this log-in: sign with it")


class SigningIn(Schema):
    cms_b64: str = Field(description="The detached CMS SignedData (DER, base64) over the bytes of `bytes_b64`")


class SignedDocumentOut(Schema):
    number: str
    kind: str
    status: str
    signer_name: str
    pdf_sha256: str


def _document_for_signer(request, number: str) -> ResultDocument:
    document = (ResultDocument.objects.select_related("application", "signer__provider_unit", "registry_entry__record")
                .filter(number=number).first())
    if document is None or not visible(request.auth).filter(pk=document.application_id).exists():
        raise Http404
    return document


@signing_router.get("/{number}/signing", response=SigningOut,
                    summary="What the deciding officer signs for a result document")
def signing_request(request, number: str):
    """The bytes the deciding officer signs (with the certificate chosen in this log-in) for a result they
    decided: prepared by pyHanko's interrupted signing; only the document's signer gets them."""
    document = _document_for_signer(request, number)
    session, payload = actions.signing_request(document, request.auth)
    return {"number": document.number, "status": "awaiting_signature",
            "bytes_b64": base64.b64encode(payload).decode("ascii"), "sha256": session.digest,
            "signer_iin": request.auth.iin, "signer_bin": actions.provider_bin(request.auth), "serial": session.serial}


def _signing_body(request) -> SigningIn:
    """The body, read once the caller is known to be the document's signer (a caller who may not sign is refused
    whatever the body: 403/404 first, then 422 for a bad body)."""
    import json

    from ninja.errors import ValidationError
    from pydantic import ValidationError as PydanticError

    try:
        return SigningIn.model_validate(json.loads(request.body or b"null"))
    except (ValueError, TypeError) as exc:
        if isinstance(exc, PydanticError):
            raise ValidationError([{**e, "loc": ("body", "body", *e["loc"])} for e in exc.errors(
                include_url=False, include_context=False, include_input=False)]) from None
        raise ValidationError([{"loc": ("body",), "msg": "the body is not JSON", "type": "json_invalid"}]) from None


@signing_router.post("/{number}/signing", response=SignedDocumentOut,
                     summary="Sign a result document (the officer's detached CMS over its bytes)",
                     openapi_extra={"requestBody": {"required": True, "content": {"application/json": {
                         "schema": SigningIn.model_json_schema()}}}})
def sign_document(request, number: str):
    """The officer's signature: checked like an applicant's (chain, validity, revocation, purpose) and as an
    officer's (the provider's BIN, a head's or signing-right role, your IIN, the certificate chosen in this
    log-in), then embedded with a signature timestamp, the validation data and a document timestamp.

    Body: `{"cms_b64": "<detached CMS SignedData, DER, base64, over the bytes of GET …/signing>"}`."""
    document = _document_for_signer(request, number)
    actions.check_signer(document, request.auth)
    body = _signing_body(request)
    document = actions.sign_document(document, request.auth, actions.decode_cms(body.cms_b64))
    return {"number": document.number, "kind": document.kind, "status": "signed", "signer_name": document.signer_name,
            "pdf_sha256": document.pdf_sha256}
