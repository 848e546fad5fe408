"""Timestamping the chain head with the TSA (RFC 3161), and checking the tokens.

Which TSA: ``settings.ELICENSE_AUDIT_TIMESTAMPER``, the dotted path of a function returning a pyHanko
timestamper (default ``documents.tsa.timestamper``: the project's TSA, over HTTP when ELICENSE_TSA_URL is set);
the certificates a token must be signed with: ``settings.ELICENSE_AUDIT_TSA_CERTIFICATES``, the dotted path of
a function returning them (``cryptography`` certificates). Named by setting, not imported: this layer is below
the documents app.
"""
from __future__ import annotations

import asyncio
import datetime as dt
import hashlib

from asn1crypto import cms, tsp
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from django.conf import settings
from django.utils.module_loading import import_string

HASHES = {"sha256": hashes.SHA256, "sha384": hashes.SHA384, "sha512": hashes.SHA512}


def request_token(digest: bytes) -> tuple[bytes, dt.datetime]:
    """A timestamp token (DER ContentInfo) over the SHA-256 ``digest``, and its time."""
    timestamper = import_string(settings.ELICENSE_AUDIT_TIMESTAMPER)()
    token = asyncio.run(timestamper.async_timestamp(digest, "sha256"))
    der = token.dump()
    return der, _tst_info(cms.ContentInfo.load(der))["gen_time"].native


def trusted_certificates() -> list[x509.Certificate]:
    path = getattr(settings, "ELICENSE_AUDIT_TSA_CERTIFICATES", "")
    return list(import_string(path)()) if path else []


def _tst_info(content_info) -> tsp.TSTInfo:
    encap = content_info["content"]["encap_content_info"]
    if encap["content_type"].native != "tst_info":
        raise ValueError("not a timestamp token")
    return encap["content"].parsed


def check_token(token: bytes, digest: bytes, trusted: list[x509.Certificate]) -> str:
    """"" when ``token`` is a timestamp over exactly ``digest``, signed by one of ``trusted``; else why not."""
    try:
        content_info = cms.ContentInfo.load(token)
        signed = content_info["content"]
        info = _tst_info(content_info)
        imprint = info["message_imprint"]
        if imprint["hashed_message"].native != digest:
            return "the token timestamps another chain hash"
        (signer,) = list(signed["signer_infos"])
        sid = signer["sid"].chosen
        certs = [c.chosen for c in signed["certificates"] or [] if c.name == "certificate"]
        cert = next((c for c in certs if isinstance(sid, cms.IssuerAndSerialNumber)
                     and c.issuer == sid["issuer"] and c.serial_number == sid["serial_number"].native), None)
        if cert is None:
            return "the token carries no signer certificate"
        signer_cert = x509.load_der_x509_certificate(cert.dump())
        if trusted and not any(signer_cert.public_bytes(serialization.Encoding.DER)
                               == t.public_bytes(serialization.Encoding.DER) for t in trusted):
            return "the token is not signed by the TSA"
        algorithm = signer["digest_algorithm"]["algorithm"].native
        content = signed["encap_content_info"]["content"].contents
        attrs = signer["signed_attrs"]
        message_digest = next(a["values"][0].native for a in attrs if a["type"].native == "message_digest")
        if message_digest != hashlib.new(algorithm, content).digest():
            return "the token's signed content was altered"
        signed_bytes = b"\x31" + attrs.dump()[1:]  # the SET OF, not the [0] IMPLICIT tag (RFC 5652 §5.4)
        key = signer_cert.public_key()
        signature = signer["signature"].native
        if isinstance(key, rsa.RSAPublicKey):
            key.verify(signature, signed_bytes, padding.PKCS1v15(), HASHES[algorithm]())
        elif isinstance(key, ec.EllipticCurvePublicKey):
            key.verify(signature, signed_bytes, ec.ECDSA(HASHES[algorithm]()))
        else:
            return "the token's signature algorithm is not supported"
    except InvalidSignature:
        return "the token's signature does not verify"
    except (ValueError, KeyError, TypeError, StopIteration) as exc:
        return f"the token cannot be read ({type(exc).__name__})"
    return ""
