"""Reading a CMS/PKCS#7 SignedData envelope (asn1crypto) and checking its signer's raw signature (cryptography)."""
from __future__ import annotations

import functools

from asn1crypto import cms as asn1_cms
from asn1crypto import tsp as _asn1_tsp  # noqa: F401 - registers "tst_info" in ContentType before any CMS is read
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa

from integrations.signatures.certificates import _ext, is_gost_oid

_DIGESTS = {
    "1.2.840.113549.2.5": None,  # md5: refused
    "1.3.14.3.2.26": None,  # sha1: refused
    "2.16.840.1.101.3.4.2.1": hashes.SHA256,
    "2.16.840.1.101.3.4.2.2": hashes.SHA384,
    "2.16.840.1.101.3.4.2.3": hashes.SHA512,
}
_RSA_PKCS1 = {
    "1.2.840.113549.1.1.1",  # rsaEncryption (what CMS signers usually put)
    "1.2.840.113549.1.1.11",  # sha256WithRSAEncryption
    "1.2.840.113549.1.1.12",  # sha384WithRSAEncryption
    "1.2.840.113549.1.1.13",  # sha512WithRSAEncryption
}
_RSA_PSS = "1.2.840.113549.1.1.10"
_ECDSA = {"1.2.840.10045.2.1", "1.2.840.10045.4.3.2", "1.2.840.10045.4.3.3", "1.2.840.10045.4.3.4"}
_OID_DATA = "1.2.840.113549.1.7.1"


class _CmsError(Exception):
    def __init__(self, reason: str, **details):
        super().__init__(details.get("error", reason))
        self.reason = reason
        self.details = details


def _parse_cms(cms_der: bytes):
    """Read the CMS envelope (asn1crypto); returns the pieces to verify with cryptography, and the other
    certificates it carries (unverified). Nothing returned may be changed by the caller.

    The last few envelopes read are kept, by their exact bytes: a call that asks who signed a CMS and then
    verifies it (steps 6 and 8 in one call) reads it once. Only what was read is kept; no check's result."""
    if not isinstance(cms_der, (bytes, bytearray, memoryview)) or not cms_der:
        raise _CmsError("malformed", error="empty")
    return _read(bytes(cms_der))


@functools.lru_cache(maxsize=8)
def _read(cms_der: bytes):
    info = asn1_cms.ContentInfo.load(cms_der, strict=True)
    if info["content_type"].dotted != "1.2.840.113549.1.7.2":
        raise _CmsError("malformed", error="not_signed_data")
    signed = info["content"]
    signer_infos = signed["signer_infos"]
    if len(signer_infos) != 1:
        raise _CmsError("malformed", error=f"expected one signer, got {len(signer_infos)}")
    si = signer_infos[0]
    encap = signed["encap_content_info"]
    if encap["content_type"].dotted != _OID_DATA:
        raise _CmsError("malformed", error="content_type_not_data")
    attached = encap["content"].native if encap["content"].native is not None else None

    digest_oid = si["digest_algorithm"]["algorithm"].dotted
    sig_oid = si["signature_algorithm"]["algorithm"].dotted
    for oid in (digest_oid, sig_oid):
        if is_gost_oid(oid):
            raise _CmsError("gost_not_supported", algorithm=oid)
    digest_cls = _DIGESTS.get(digest_oid)
    if digest_cls is None:
        raise _CmsError("unsupported_algorithm", algorithm=digest_oid)

    cert = _signer_cert(signed, si)
    if cert is None:
        raise _CmsError("malformed", error="signer_certificate_missing")

    signed_attrs = si["signed_attrs"]
    if not signed_attrs or len(signed_attrs) == 0:
        raise _CmsError("malformed", error="no_signed_attributes")
    values = {}
    for attr in signed_attrs:
        name = attr["type"].native
        if name in values or len(attr["values"]) != 1:
            raise _CmsError("malformed", error=f"bad_attribute:{name}")
        values[name] = attr["values"][0]
    if "content_type" not in values or values["content_type"].dotted != _OID_DATA:
        raise _CmsError("malformed", error="content_type_attribute")
    if "message_digest" not in values:
        raise _CmsError("malformed", error="message_digest_attribute")
    message_digest = values["message_digest"].native
    signing_time = values["signing_time"].native if "signing_time" in values else None
    # The signature covers the DER of the attributes as a SET OF (tag 0x31), not as [0] IMPLICIT.
    raw = signed_attrs.dump()
    signed_attrs_der = b"\x31" + raw[1:]
    others = tuple(c for c in _certificates(signed) if c != cert)  # e.g. the signer's CA chain (kept: not a list)
    return cert, si, digest_cls, sig_oid, signed_attrs_der, message_digest, signing_time, attached, others


def cms_certificates(cms_der: bytes) -> list[x509.Certificate]:
    """Every X.509 certificate a CMS SignedData carries (the signer's and, from NCALayer or ``openssl cms
    -certfile``, its CA chain), unverified; [] if it cannot be read."""
    try:
        info = asn1_cms.ContentInfo.load(bytes(cms_der), strict=True)
        if info["content_type"].dotted != "1.2.840.113549.1.7.2":
            return []
        return _certificates(info["content"])
    except Exception:  # noqa: BLE001 - untrusted input: unreadable is none
        return []


def _certificates(signed) -> list[x509.Certificate]:
    out = []
    for choice in signed["certificates"] or ():
        if choice.name == "certificate":
            try:
                out.append(x509.load_der_x509_certificate(choice.chosen.dump()))
            except ValueError:
                continue
    return out


def signer_certificate(cms_der: bytes) -> x509.Certificate | None:
    """The signer's certificate embedded in a CMS SignedData, or None if it cannot be read.

    Nothing is verified: use it only to learn who *claims* to have signed (e.g. the IIN/BIN
    to check a log-in against), then :meth:`X509SignatureVerifier.verify`.
    """
    try:  # a well-formed envelope: read as verify reads it (and kept for it); else the lenient read below
        return _parse_cms(cms_der)[0]
    except Exception:  # noqa: BLE001 - untrusted input: fall back to the lenient read
        pass
    try:
        info = asn1_cms.ContentInfo.load(bytes(cms_der), strict=True)
        if info["content_type"].dotted != "1.2.840.113549.1.7.2":
            return None
        signer_infos = info["content"]["signer_infos"]
        if len(signer_infos) != 1:
            return None
        return _signer_cert(info["content"], signer_infos[0])
    except Exception:  # noqa: BLE001 - untrusted input: unreadable is None
        return None


def _signer_cert(signed, si) -> x509.Certificate | None:
    """The signer's certificate, from the CMS, by issuer+serial or subject key identifier.

    Candidates are parsed by cryptography (fast) rather than asn1crypto (pure Python).
    """
    sid = si["sid"]
    if sid.name == "issuer_and_serial_number":
        want_serial = sid.chosen["serial_number"].native
        want_issuer = sid.chosen["issuer"].dump()
    else:
        want_ski = sid.chosen.native
    cert = None
    for choice in signed["certificates"] or ():
        if choice.name != "certificate":
            continue
        candidate = x509.load_der_x509_certificate(choice.chosen.dump())
        if sid.name == "issuer_and_serial_number":
            if candidate.serial_number == want_serial and (
                candidate.issuer.public_bytes() == want_issuer
                # Same name, other encoding (string types, case): RFC 5280 comparison, slow path.
                or asn1_x509.Name.load(candidate.issuer.public_bytes()) == sid.chosen["issuer"]
            ):
                cert = candidate
                break
        else:
            ski = _ext(candidate, x509.SubjectKeyIdentifier)
            if ski is not None and ski.digest == want_ski:
                cert = candidate
                break
    return cert


def _verify_raw(public_key, si, sig_oid, digest_cls, data: bytes) -> None:
    signature = si["signature"].native
    if isinstance(public_key, rsa.RSAPublicKey):
        if sig_oid in _RSA_PKCS1:
            public_key.verify(signature, data, padding.PKCS1v15(), digest_cls())
            return
        if sig_oid == _RSA_PSS:
            params = si["signature_algorithm"]["parameters"]
            pss_hash = _DIGESTS.get(params["hash_algorithm"]["algorithm"].dotted)
            mgf_hash = _DIGESTS.get(params["mask_gen_algorithm"]["parameters"]["algorithm"].dotted)
            if pss_hash is None or mgf_hash is None:
                raise _CmsError("unsupported_algorithm", error="pss_hash")
            public_key.verify(
                signature, data, padding.PSS(mgf=padding.MGF1(mgf_hash()), salt_length=params["salt_length"].native),
                pss_hash(),
            )
            return
    elif isinstance(public_key, ec.EllipticCurvePublicKey) and sig_oid in _ECDSA:
        public_key.verify(signature, data, ec.ECDSA(digest_cls()))
        return
    raise _CmsError("unsupported_algorithm", error=f"signature algorithm {sig_oid} with {type(public_key).__name__}")
