"""Electronic digital signature (EDS) checks: regulation §3, step C3.

The portal checks the certificate's validity period, that it is not on the
revocation list, and that the IIN/BIN in the request matches the one in the
certificate. This module is the signature adapter the workflow engine uses
(``settings.ELICENSE_ADAPTERS["signatures"]``).

Public API::

    canonical_bytes(data: dict) -> bytes
    sign_detached(payload: bytes, cert, key) -> bytes        # DER CMS SignedData
    X509SignatureVerifier(trust_dir=None)
        .check_certificate(cert_pem, *, applicant_iin, applicant_bin="", purpose, at) -> CheckResult
        .verify(payload, cms_der, *, applicant_iin, applicant_bin="", at, purpose="sign") -> CheckResult
    signer_certificate(cms_der) -> x509.Certificate | None    # unverified: who claims to have signed
    CheckResult(valid, reason, subject_iin, subject_bin, details)
    REASONS, REASON_MESSAGES
    is_gost_oid(oid) -> bool, certificate_gost_oid(cert) -> str | None
    subject_identity(cert) -> (iin, bin)
    TrustStore.for_directory(path) -> TrustStore     # cached, reloaded on change

See docs/signatures.md for what is checked and the trust-store layout, and
docs/adr/0004-signatures.md for the choice of libraries (cryptography for all
cryptography and X.509, asn1crypto only to read the CMS envelope).
"""
from __future__ import annotations

import datetime as dt
import hmac
import json
import logging
import os
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from asn1crypto import cms as asn1_cms
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.serialization import pkcs7
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from django.utils.translation import gettext_lazy as _

log = logging.getLogger(__name__)
UTC = dt.timezone.utc

# --- reasons ------------------------------------------------------------------

REASON_MESSAGES = {
    "ok": _("The signature and the certificate are valid."),
    "malformed": _("The signature or the certificate could not be read."),
    "untrusted_chain": _("The certificate was not issued by a trusted certification authority."),
    "not_yet_valid": _("The certificate is not yet valid."),
    "expired": _("The certificate has expired."),
    "revoked": _("The certificate has been revoked."),
    "revocation_unavailable": _(
        "The certificate's revocation status cannot be checked now (no current revocation list). Try again later."
    ),
    "wrong_purpose": _(
        "This certificate is not meant for this use: sign with the signing key (RSA…), "
        "log in with the authentication key (AUTH_RSA…)."
    ),
    "no_signing_right": _("The certificate's holder has no right to sign on behalf of the organisation."),
    "identity_mismatch": _("The IIN/BIN in the certificate does not match the applicant's IIN/BIN."),
    "gost_not_supported": _("Certificates with GOST keys are not supported yet; use an RSA certificate."),
    "unsupported_algorithm": _("The signature uses an algorithm that is not supported."),
    "signature_invalid": _("The signature does not match the signed document."),
}
REASONS = tuple(REASON_MESSAGES)
Reason = Literal[
    "ok", "malformed", "untrusted_chain", "not_yet_valid", "expired", "revoked", "revocation_unavailable",
    "wrong_purpose", "no_signing_right", "identity_mismatch", "gost_not_supported", "unsupported_algorithm",
    "signature_invalid",
]


@dataclass(frozen=True)
class CheckResult:
    valid: bool
    reason: str
    subject_iin: str = ""
    subject_bin: str = ""
    details: dict = field(default_factory=dict)

    @property
    def message(self):
        """The localised text for ``reason`` (lazy)."""
        return REASON_MESSAGES[self.reason]

    def to_dict(self) -> dict:
        """JSON-safe form, e.g. for a workflow result variable."""
        return {
            "valid": self.valid,
            "reason": self.reason,
            "subject_iin": self.subject_iin,
            "subject_bin": self.subject_bin,
            "details": self.details,
        }


def _fail(reason: str, iin: str = "", bin_: str = "", **details) -> CheckResult:
    return CheckResult(False, reason, iin, bin_, details)


# --- canonical bytes and signing -------------------------------------------------


def canonical_bytes(data: dict) -> bytes:
    """The exact bytes an applicant signs: sorted keys, compact separators, UTF-8.

    ``data`` is the form data plus the attachments' SHA-256 hashes. NaN and
    infinities are refused (they are not JSON, and their text is not stable).
    """
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode(
        "utf-8"
    )


def sign_detached(payload: bytes, cert: x509.Certificate, key) -> bytes:
    """A detached CMS SignedData (DER) over ``payload``: SHA-256, RSA PKCS#1 v1.5.

    Signed attributes: content type, signing time, message digest, S/MIME
    capabilities; the signer's certificate is embedded. ``Binary`` keeps the
    bytes as they are (no MIME line-ending canonicalisation).
    """
    return (
        pkcs7.PKCS7SignatureBuilder()
        .set_data(payload)
        .add_signer(cert, key, hashes.SHA256())
        .sign(serialization.Encoding.DER, [pkcs7.PKCS7Options.DetachedSignature, pkcs7.PKCS7Options.Binary])
    )


# --- NCA certificate conventions ---------------------------------------------------

OID_ROLE_INDIVIDUAL = "1.2.398.3.3.4.1.1"
OID_ROLE_LEGAL_ENTITY = "1.2.398.3.3.4.1.2"
OID_ROLE_FIRST_HEAD = "1.2.398.3.3.4.1.2.1"
OID_ROLE_SIGNING_RIGHT = "1.2.398.3.3.4.1.2.2"
OID_ROLE_EMPLOYEE = "1.2.398.3.3.4.1.2.5"
SIGNING_ROLES = {OID_ROLE_FIRST_HEAD: "first_head", OID_ROLE_SIGNING_RIGHT: "signing_right"}

# GOST algorithm arcs: Kazakhstan's (GOST 34.310-2004, 34.311-95, 34.10-2015 …:
# 1.2.398.3.10.*) and Russia's (CryptoPro GOST R 34.10-2001: 1.2.643.2.2.*;
# TC26 GOST R 34.10/34.11-2012: 1.2.643.7.1.*).
GOST_OID_PREFIXES = ("1.2.398.3.10.", "1.2.643.2.2.", "1.2.643.7.1.")


def is_gost_oid(oid) -> bool:
    """True for an algorithm OID (str or ObjectIdentifier) of the GOST families."""
    dotted = getattr(oid, "dotted_string", None) or str(oid)
    return dotted.startswith(GOST_OID_PREFIXES)


def certificate_gost_oid(cert: x509.Certificate) -> str | None:
    """The GOST OID of the certificate's key or signature algorithm, if any."""
    for oid in (cert.public_key_algorithm_oid, cert.signature_algorithm_oid):
        if is_gost_oid(oid):
            return oid.dotted_string
    return None


def subject_identity(cert: x509.Certificate) -> tuple[str, str]:
    """(IIN, BIN) from an NCA subject: ``SERIALNUMBER=IIN…``, ``OU=BIN…``."""
    iin = bin_ = ""
    for attr in cert.subject.get_attributes_for_oid(NameOID.SERIAL_NUMBER):
        value = str(attr.value).strip()
        if value.upper().startswith("IIN"):
            iin = value[3:]
    for attr in cert.subject.get_attributes_for_oid(NameOID.ORGANIZATIONAL_UNIT_NAME):
        value = str(attr.value).strip()
        if value.upper().startswith("BIN"):
            bin_ = value[3:]
    return iin, bin_


def _ext(cert: x509.Certificate, cls):
    try:
        return cert.extensions.get_extension_for_class(cls).value
    except x509.ExtensionNotFound:
        return None


def _aware(at: dt.datetime) -> dt.datetime:
    if at.tzinfo is None:
        return at.replace(tzinfo=UTC)
    return at


def _load_cert(data: bytes | str) -> x509.Certificate:
    if isinstance(data, str):
        data = data.encode("ascii")
    if b"-----BEGIN" in data:
        return x509.load_pem_x509_certificate(data)
    return x509.load_der_x509_certificate(data)


# --- trust store ---------------------------------------------------------------------

CERT_SUFFIXES = (".pem", ".crt", ".cer", ".der")
CRL_SUFFIXES = (".pem", ".crl", ".der")


@dataclass
class _CA:
    cert: x509.Certificate
    fingerprint: bytes
    is_root: bool
    issuer_fp: bytes | None  # None for a root
    crl: x509.CertificateRevocationList | None = None


class TrustStore:
    """The parsed contents of a trust directory (see docs/signatures.md)::

        <dir>/roots/          trusted root CA certificates (PEM or DER; a PEM file may hold several)
        <dir>/intermediates/  issuing CA certificates; used only if they chain to a root
        <dir>/crls/           CRLs (PEM or DER) of the roots and of the intermediates

    Everything else (``private/``, ``users/``, other files) is ignored. Files
    whose names start with ``.`` or end with ``.tmp`` are ignored too.
    Instances are cached per directory and rebuilt when any file's
    (name, mtime, size) changes; :meth:`for_directory` stats the files on
    every call (a few microseconds) and parses only on change.
    """

    _cache: dict[str, TrustStore] = {}
    _lock = threading.Lock()

    def __init__(self, directory: Path, stamp: tuple):
        self.directory = directory
        self.stamp = stamp
        self.cas: dict[bytes, _CA] = {}
        self.by_subject: dict[x509.Name, list[_CA]] = {}
        self.problems: list[str] = []

    # -- cache --
    @staticmethod
    def _stamp(directory: Path) -> tuple:
        entries = []
        for sub in ("roots", "intermediates", "crls"):
            try:
                with os.scandir(directory / sub) as it:
                    for entry in it:
                        if entry.name.startswith(".") or entry.name.endswith(".tmp") or not entry.is_file():
                            continue
                        st = entry.stat()
                        entries.append((sub, entry.name, st.st_mtime_ns, st.st_size))
            except FileNotFoundError:
                continue
        entries.sort()
        return tuple(entries)

    @classmethod
    def for_directory(cls, directory: Path | str) -> TrustStore:
        directory = Path(directory)
        key = str(directory)
        stamp = cls._stamp(directory)
        store = cls._cache.get(key)
        if store is not None and store.stamp == stamp:
            return store
        with cls._lock:
            store = cls._cache.get(key)
            if store is None or store.stamp != stamp:
                store = cls._load(directory, stamp)
                cls._cache[key] = store
        return store

    @classmethod
    def clear_cache(cls) -> None:
        with cls._lock:
            cls._cache.clear()

    # -- loading --
    @classmethod
    def _load(cls, directory: Path, stamp: tuple) -> TrustStore:
        store = cls(directory, stamp)
        roots: list[x509.Certificate] = []
        intermediates: list[x509.Certificate] = []
        crls: list[x509.CertificateRevocationList] = []
        for sub, name, _mtime, _size in stamp:
            path = directory / sub / name
            try:
                data = path.read_bytes()
                if sub == "crls":
                    if name.lower().endswith(CRL_SUFFIXES):
                        crls.extend(_read_crls(data))
                elif name.lower().endswith(CERT_SUFFIXES):
                    certs = (
                        x509.load_pem_x509_certificates(data)
                        if b"-----BEGIN" in data
                        else [x509.load_der_x509_certificate(data)]
                    )
                    (roots if sub == "roots" else intermediates).extend(certs)
            except (ValueError, OSError) as exc:
                store.problems.append(f"{sub}/{name}: {exc}")
        for cert in roots:
            if certificate_gost_oid(cert):
                store.problems.append(f"root {cert.subject.rfc4514_string()}: GOST, skipped")
                continue
            store._add(cert, is_root=True, issuer_fp=None)
        # Intermediates: accept those whose signature chains to an accepted CA.
        pending = list(intermediates)
        progress = True
        while pending and progress:
            progress = False
            for cert in list(pending):
                issuer = store._find_issuer(cert)
                if issuer is not None:
                    store._add(cert, is_root=False, issuer_fp=issuer.fingerprint)
                    pending.remove(cert)
                    progress = True
        for cert in pending:
            store.problems.append(f"intermediate {cert.subject.rfc4514_string()}: does not chain to a root, skipped")
        # CRLs: attach each to the CA whose key signed it; keep the newest per CA.
        for crl in crls:
            attached = False
            for ca in store.by_subject.get(crl.issuer, ()):
                try:
                    ok = crl.is_signature_valid(ca.cert.public_key())
                except (UnsupportedAlgorithm, TypeError, ValueError):
                    ok = False
                if ok:
                    attached = True
                    if ca.crl is None or crl.last_update_utc > ca.crl.last_update_utc:
                        ca.crl = crl
            if not attached:
                store.problems.append(f"CRL of {crl.issuer.rfc4514_string()}: no trusted CA signed it, skipped")
        for problem in store.problems:
            log.warning("trust store %s: %s", directory, problem)
        return store

    def _add(self, cert: x509.Certificate, *, is_root: bool, issuer_fp: bytes | None) -> None:
        bc = _ext(cert, x509.BasicConstraints)
        if bc is None or not bc.ca:
            self.problems.append(f"{cert.subject.rfc4514_string()}: not a CA certificate, skipped")
            return
        fp = cert.fingerprint(hashes.SHA256())
        if fp in self.cas:
            return
        ca = _CA(cert=cert, fingerprint=fp, is_root=is_root, issuer_fp=issuer_fp)
        self.cas[fp] = ca
        self.by_subject.setdefault(cert.subject, []).append(ca)

    def _find_issuer(self, cert: x509.Certificate) -> _CA | None:
        for ca in self.by_subject.get(cert.issuer, ()):
            try:
                cert.verify_directly_issued_by(ca.cert)
            except (ValueError, TypeError, InvalidSignature, UnsupportedAlgorithm):
                continue
            return ca
        return None

    def path_from(self, ca: _CA) -> list[_CA]:
        """``ca`` and its issuers up to the root."""
        path = [ca]
        while not path[-1].is_root and len(path) < 8:
            path.append(self.cas[path[-1].issuer_fp])
        return path


def _read_crls(data: bytes) -> list[x509.CertificateRevocationList]:
    if b"-----BEGIN" not in data:
        return [x509.load_der_x509_crl(data)]
    out = []
    marker = b"-----END X509 CRL-----"
    for chunk in data.split(marker):
        if b"-----BEGIN X509 CRL-----" in chunk:
            out.append(x509.load_pem_x509_crl(chunk[chunk.index(b"-----BEGIN") :] + marker + b"\n"))
    return out


# --- the verifier --------------------------------------------------------------------

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


class X509SignatureVerifier:
    """Checks NCA-style certificates and detached CMS signatures against a trust dir.

    ``trust_dir`` defaults to ``settings.ELICENSE_TRUST_DIR`` (read per call, so
    ``override_settings`` works). No database access.
    """

    def __init__(self, trust_dir: Path | str | None = None):
        self._trust_dir = Path(trust_dir) if trust_dir is not None else None

    @property
    def trust_dir(self) -> Path:
        if self._trust_dir is not None:
            return self._trust_dir
        from django.conf import settings

        return Path(settings.ELICENSE_TRUST_DIR)

    def trust_store(self) -> TrustStore:
        return TrustStore.for_directory(self.trust_dir)

    # -- certificate ---------------------------------------------------------------
    def check_certificate(
        self,
        cert_pem: bytes | str,
        *,
        applicant_iin: str,
        applicant_bin: str = "",
        purpose: Literal["sign", "auth"],
        at: dt.datetime,
    ) -> CheckResult:
        """Step C3 for a certificate (PEM or DER) the applicant chose."""
        if purpose not in ("sign", "auth"):
            raise ValueError("purpose must be 'sign' or 'auth'")
        try:
            cert = _load_cert(cert_pem)
        except (ValueError, TypeError, UnicodeError) as exc:
            return _fail("malformed", error=str(exc))
        return self._check(cert, applicant_iin, applicant_bin, purpose, _aware(at))

    def _check(self, cert, applicant_iin, applicant_bin, purpose, at) -> CheckResult:
        try:
            iin, bin_ = subject_identity(cert)
        except ValueError as exc:  # an undecodable subject
            return _fail("malformed", error=str(exc))
        base = {"serial": format(cert.serial_number, "x")}

        gost = certificate_gost_oid(cert)
        if gost:
            return _fail("gost_not_supported", iin, bin_, algorithm=gost, **base)

        store = self.trust_store()
        issuer = store._find_issuer(cert)
        if issuer is None:
            return _fail("untrusted_chain", iin, bin_, issuer=cert.issuer.rfc4514_string(), **base)
        path = store.path_from(issuer)
        for ca in path:
            if not ca.cert.not_valid_before_utc <= at <= ca.cert.not_valid_after_utc:
                return _fail(
                    "untrusted_chain", iin, bin_, ca=ca.cert.subject.rfc4514_string(), error="ca_not_valid_at", **base
                )

        if at < cert.not_valid_before_utc:
            return _fail("not_yet_valid", iin, bin_, not_before=cert.not_valid_before_utc.isoformat(), **base)
        if at > cert.not_valid_after_utc:
            return _fail("expired", iin, bin_, not_after=cert.not_valid_after_utc.isoformat(), **base)

        # Revocation: the leaf against its issuer's CRL, each intermediate against its issuer's.
        subjects = [(cert, issuer)] + [(ca.cert, store.cas[ca.issuer_fp]) for ca in path if not ca.is_root]
        for subject, ca in subjects:
            crl = ca.crl
            if crl is None:
                return _fail("revocation_unavailable", iin, bin_, crl_issuer=ca.cert.subject.rfc4514_string(),
                             error="no_crl", **base)
            next_update = crl.next_update_utc
            if next_update is None or at > next_update:
                return _fail(
                    "revocation_unavailable", iin, bin_, crl_issuer=ca.cert.subject.rfc4514_string(),
                    error="crl_stale", next_update=next_update.isoformat() if next_update else None, **base,
                )
            entry = crl.get_revoked_certificate_by_serial_number(subject.serial_number)
            if entry is not None:
                # Fail closed: listed means revoked, whatever the revocation date.
                return _fail(
                    "revoked", iin, bin_, revoked_serial=format(subject.serial_number, "x"),
                    revocation_date=entry.revocation_date_utc.isoformat(), **base,
                )

        bc = _ext(cert, x509.BasicConstraints)
        ku = _ext(cert, x509.KeyUsage)
        eku = _ext(cert, x509.ExtendedKeyUsage)
        eku_oids = {oid.dotted_string for oid in eku} if eku is not None else set()
        if bc is not None and bc.ca:
            return _fail("wrong_purpose", iin, bin_, error="ca_certificate", **base)
        if purpose == "sign":
            purpose_ok = (
                ExtendedKeyUsageOID.EMAIL_PROTECTION.dotted_string in eku_oids
                and ku is not None and ku.digital_signature and ku.content_commitment
            )
        else:
            purpose_ok = (
                ExtendedKeyUsageOID.CLIENT_AUTH.dotted_string in eku_oids and ku is not None and ku.digital_signature
            )
        if not purpose_ok:
            return _fail("wrong_purpose", iin, bin_, wanted=purpose, eku=sorted(eku_oids), **base)

        applicant_iin = (applicant_iin or "").strip()
        applicant_bin = (applicant_bin or "").strip()
        if not iin or applicant_iin != iin or applicant_bin != bin_:
            return _fail("identity_mismatch", iin, bin_, applicant_iin=applicant_iin, applicant_bin=applicant_bin,
                         **base)

        legal = bool(bin_) or OID_ROLE_LEGAL_ENTITY in eku_oids
        role = "individual"
        if legal:
            role = next((SIGNING_ROLES[o] for o in SIGNING_ROLES if o in eku_oids), "employee")
            if purpose == "sign" and role == "employee":
                return _fail("no_signing_right", iin, bin_, **base)

        return CheckResult(True, "ok", iin, bin_, {**base, "role": role, "issuer": issuer.cert.subject.rfc4514_string()})

    # -- signature -----------------------------------------------------------------
    def verify(
        self,
        payload: bytes,
        cms_der: bytes,
        *,
        applicant_iin: str,
        applicant_bin: str = "",
        at: dt.datetime,
        purpose: Literal["sign", "auth"] = "sign",
    ) -> CheckResult:
        """Verify a detached CMS SignedData over ``payload``, then check its signer's certificate for
        ``purpose`` (``"auth"``: a log-in challenge signed with the authentication key)."""
        if purpose not in ("sign", "auth"):
            raise ValueError("purpose must be 'sign' or 'auth'")
        at = _aware(at)
        try:
            parsed = _parse_cms(cms_der)
        except _CmsError as exc:
            return _fail(exc.reason, **exc.details)
        except Exception as exc:  # noqa: BLE001 - any parse failure of untrusted input is "malformed"
            return _fail("malformed", error=f"{type(exc).__name__}: {exc}")
        cert, signer_info, digest_cls, sig_oid, signed_attrs_der, message_digest, signing_time, attached = parsed

        try:
            iin, bin_ = subject_identity(cert)
        except ValueError as exc:
            return _fail("malformed", error=str(exc))
        details = {"signing_time": signing_time.isoformat() if signing_time else None}
        gost = certificate_gost_oid(cert)
        if gost:
            return _fail("gost_not_supported", iin, bin_, algorithm=gost, **details)

        if attached is not None and attached != payload:
            return _fail("signature_invalid", iin, bin_, error="attached_content_differs", **details)
        digest = hashes.Hash(digest_cls())
        digest.update(payload)
        if not hmac.compare_digest(digest.finalize(), message_digest):
            return _fail("signature_invalid", iin, bin_, error="message_digest", **details)
        try:
            _verify_raw(cert.public_key(), signer_info, sig_oid, digest_cls, signed_attrs_der)
        except InvalidSignature:
            return _fail("signature_invalid", iin, bin_, error="signature", **details)
        except (UnsupportedAlgorithm, _CmsError) as exc:
            return _fail("unsupported_algorithm", iin, bin_, error=str(exc), **details)

        result = self._check(cert, applicant_iin, applicant_bin, purpose, at)
        return CheckResult(result.valid, result.reason, result.subject_iin, result.subject_bin,
                           {**result.details, **details})


class _CmsError(Exception):
    def __init__(self, reason: str, **details):
        super().__init__(details.get("error", reason))
        self.reason = reason
        self.details = details


def _parse_cms(cms_der: bytes):
    """Read the CMS envelope (asn1crypto); returns the pieces to verify with cryptography."""
    if not isinstance(cms_der, (bytes, bytearray, memoryview)) or not cms_der:
        raise _CmsError("malformed", error="empty")
    info = asn1_cms.ContentInfo.load(bytes(cms_der), strict=True)
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
    return cert, si, digest_cls, sig_oid, signed_attrs_der, message_digest, signing_time, attached


def signer_certificate(cms_der: bytes) -> x509.Certificate | None:
    """The signer's certificate embedded in a CMS SignedData, or None if it cannot be read.

    Nothing is verified: use it only to learn who *claims* to have signed (e.g. the IIN/BIN
    to check a log-in against), then :meth:`X509SignatureVerifier.verify`.
    """
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
