"""GET /api/v1/applications/{id}/documents/{number}.pdf: the signed result, for whoever may see the request."""
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from ninja import Router

from applications.api import visible
from applications.models import ResultDocument
from core.downloads import content_disposition

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
