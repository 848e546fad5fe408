"""The project's RFC 3161 timestamp authority, served at ``/tsa/``.

Backed by pyHanko's timestamper (the TSTInfo and the token's SignedData), with
the TSA certificate of ``documents.seal.tsa_identity`` (demo: issued from the
demo PKI with the critical ``timeStamping`` extended key usage). ``POST /tsa/``
with ``Content-Type: application/timestamp-query`` and a DER TimeStampReq
answers ``application/timestamp-reply``.
"""
from __future__ import annotations

import datetime as dt

from asn1crypto import keys as asn1_keys
from asn1crypto import tsp
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import serialization
from django.http import HttpResponse, HttpResponseNotAllowed
from django.views.decorators.csrf import csrf_exempt
from pyhanko.sign.timestamps import HTTPTimeStamper
from pyhanko.sign.timestamps.common_utils import get_nonce
from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper
from pyhanko_certvalidator.registry import SimpleCertificateStore

from documents import conf
from documents.keys import Identity
from documents.seal import tsa_identity

# A policy identifier under the ISO "example" arc (2.999): this is a demo TSA, not an accredited one.
TSA_POLICY = "2.999.1.3161.1"
MAX_REQUEST = 64 * 1024


def as_asn1_cert(cert) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))


def as_asn1_key(key) -> asn1_keys.PrivateKeyInfo:
    return asn1_keys.PrivateKeyInfo.load(
        key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                          serialization.NoEncryption()))


class ProjectTimeStamper(DummyTimeStamper):
    """pyHanko's in-process timestamper with our policy OID and UTC time, used by the view (and in-process)."""

    def __init__(self, identity: Identity):
        super().__init__(
            tsa_cert=as_asn1_cert(identity.cert), tsa_key=as_asn1_key(identity.key),
            certs_to_embed=SimpleCertificateStore.from_certs([as_asn1_cert(c) for c in identity.chain]),
        )
        self._key = identity.key

    def _sign_tst_info(self, tst_info_data, md_algorithm, dt_):
        # As pyHanko's, but with the loaded key (no DER re-parse per token).
        from asn1crypto import cms, core
        from cryptography.hazmat.primitives import hashes
        from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
        from pyhanko.sign import general
        from pyhanko.sign.general import simple_cms_attribute
        from pyhanko_certvalidator.util import get_pyca_cryptography_hash

        md = hashes.Hash(get_pyca_cryptography_hash(md_algorithm))
        md.update(tst_info_data)
        signed_attrs = cms.CMSAttributes([
            simple_cms_attribute("content_type", "tst_info"),
            simple_cms_attribute("signing_time", cms.Time({"utc_time": core.UTCTime(dt_)})),
            simple_cms_attribute("signing_certificate", general.as_signing_certificate(self.tsa_cert)),
            simple_cms_attribute("message_digest", md.finalize()),
        ])
        signature = self._key.sign(signed_attrs.dump(), PKCS1v15(), get_pyca_cryptography_hash(md_algorithm.upper()))
        return signature, signed_attrs

    def _build_tst_info(self, message_imprint, dt_, req):
        info = {
            "version": "v1", "policy": TSA_POLICY, "message_imprint": message_imprint,
            "serial_number": get_nonce(), "gen_time": dt.datetime.now(dt.UTC).replace(microsecond=0),
            "tsa": asn1_x509.GeneralName(name="directory_name", value=self.tsa_cert.subject),
        }
        if req["nonce"].native is not None:
            info["nonce"] = req["nonce"]
        return tsp.TSTInfo(info)


def timestamper():
    """The client signing uses: HTTP to ``ELICENSE_TSA_URL`` when set, else the same TSA in-process."""
    url = conf.tsa_url()
    if url:
        return HTTPTimeStamper(url, timeout=10)
    return ProjectTimeStamper(tsa_identity())


def tsa_certificates() -> list:
    """The certificates the audit chain's timestamp tokens must be signed with (audit.anchoring): the TSA's."""
    return [tsa_identity().cert]


class _RejectionResp(tsp.TimeStampResp):
    """TimeStampResp with the token OPTIONAL, as RFC 3161 §2.4.2 has it (asn1crypto makes it mandatory, so a
    rejection, which carries none, could not be encoded: every refused query was a 500)."""

    _fields = [("status", tsp.PKIStatusInfo), ("time_stamp_token", tsp.ContentInfo, {"optional": True})]


def _rejection() -> HttpResponse:
    response = _RejectionResp({"status": {"status": "rejection", "fail_info": tsp.PKIFailureInfo({"bad_request"})}})
    return HttpResponse(response.dump(), content_type="application/timestamp-reply")


@csrf_exempt
def tsa_view(request):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if request.content_type != "application/timestamp-query" or len(request.body) > MAX_REQUEST:
        return _rejection()
    try:
        req = tsp.TimeStampReq.load(request.body)
        req["message_imprint"]["hashed_message"].native  # noqa: B018 - force parsing
        algorithm = req["message_imprint"]["hash_algorithm"]["algorithm"].native
    except ValueError:
        return _rejection()
    if algorithm not in ("sha256", "sha384", "sha512"):
        return _rejection()
    response = ProjectTimeStamper(tsa_identity()).request_tsa_response(req)
    return HttpResponse(response.dump(), content_type="application/timestamp-reply")
