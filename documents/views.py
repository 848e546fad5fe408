"""Public, unauthenticated endpoints of the signing infrastructure: the timestamp authority and the
CRL distribution point (the demo PKI's CRLs, as DER, from the trust store)."""
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from django.conf import settings
from django.http import Http404, HttpResponse

from documents import conf
from documents.tsa import tsa_view  # noqa: F401 - routed from documents.urls

CRL_NAMES = {"root": "root.crl.pem", "issuing": "issuing.crl.pem"}


def crl_view(request, name: str):
    """``GET /pki/crl/<root|issuing>.crl``. ``ELICENSE_CRL_ENDPOINT_ENABLED = False`` stops it (503)."""
    if not getattr(settings, "ELICENSE_CRL_ENDPOINT_ENABLED", True):
        return HttpResponse("CRL endpoint stopped", status=503, content_type="text/plain")
    if name not in CRL_NAMES:
        raise Http404
    path = conf.trust_dir() / "crls" / CRL_NAMES[name]
    if not path.exists():
        raise Http404
    crl = x509.load_pem_x509_crl(path.read_bytes())
    return HttpResponse(crl.public_bytes(serialization.Encoding.DER), content_type="application/pkix-crl")
