"""Public, unauthenticated endpoints of the signing infrastructure: the timestamp authority and the
CRL distribution point (the demo PKI's CRLs, as DER, from the trust store: integrations.trust)."""
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from django.conf import settings
from django.http import Http404, HttpResponse

from documents.tsa import tsa_view  # noqa: F401 - routed from documents.urls
from integrations import trust

CRL_NAMES = {"root": "root.crl.pem", "issuing": "issuing.crl.pem"}


def crl_view(request, name: str):
    """``GET /pki/crl/<root|issuing>.crl``. ``ELICENSE_CRL_ENDPOINT_ENABLED = False`` stops it (503)."""
    if not getattr(settings, "ELICENSE_CRL_ENDPOINT_ENABLED", True):
        return HttpResponse("CRL endpoint stopped", status=503, content_type="text/plain")
    if name not in CRL_NAMES:
        raise Http404
    found = [data for item, data in trust.material("crls") if item == CRL_NAMES[name]]
    if not found:
        raise Http404
    data = found[0]
    crl = x509.load_pem_x509_crl(data) if b"-----BEGIN" in data else x509.load_der_x509_crl(data)
    return HttpResponse(crl.public_bytes(serialization.Encoding.DER), content_type="application/pkix-crl")
