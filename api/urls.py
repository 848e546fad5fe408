"""The versioned REST API: /api/v1/..., described at /api/openapi.json."""
from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404
from django.utils.translation import gettext as _

from api.auth import AUTH
from api.input import StrictParser
from api.openapi import DocumentedApi
from core.errors import DomainError
from web import errors

api = DocumentedApi(  # its OpenAPI document lists every error answer (api/openapi.py)
    title="E-licensing API",
    version="1",
    description="Requests for the communications-sector state services S1–S4, driven step by step.",
    urls_namespace="api",
    auth=AUTH,
    parser=StrictParser(),  # NUL characters refused as invalid input (api/input.py)
)
errors.install(api)  # every error in the one shape (web/errors.py); the handlers below are the specific ones


@api.exception_handler(DomainError)
def domain_error(request, exc: DomainError):
    return api.create_response(
        request, {"code": exc.code, "message": str(exc.message), "details": exc.details}, status=exc.status
    )


@api.exception_handler(ObjectDoesNotExist)
def not_found(request, exc):
    return api.create_response(request, {"code": "not_found", "message": _("Not found."), "details": {}}, status=404)


@api.exception_handler(Http404)
def http_not_found(request, exc):
    return not_found(request, exc)


from accounts.api import router as accounts_router  # noqa: E402
from applications.api import router as applications_router  # noqa: E402
from documents.api import router as documents_router  # noqa: E402
from documents.api import signing_router as document_signing_router  # noqa: E402
from hearings.api import router as hearings_router  # noqa: E402
from integrations.api import router as integrations_router  # noqa: E402
from numbering.api import router as numbering_router  # noqa: E402
from registry.api import router as registry_router  # noqa: E402
from services.api import router as services_router  # noqa: E402
from spectrum.api import router as spectrum_router  # noqa: E402
from workflow.api import router as workflow_router  # noqa: E402

api.add_router("/v1/auth", accounts_router)
api.add_router("/v1/services", services_router)
api.add_router("/v1/applications", applications_router)
api.add_router("/v1/applications", documents_router)
api.add_router("/v1/applications", hearings_router)
api.add_router("/v1/documents", document_signing_router)
api.add_router("/v1/gateway", integrations_router)
api.add_router("/v1/registry", registry_router)
api.add_router("/v1/numbering", numbering_router)
api.add_router("/v1/spectrum", spectrum_router)
api.add_router("/v1/process-definitions", workflow_router)
