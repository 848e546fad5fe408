"""The signature adapter :class:`X509SignatureVerifier`: checks a certificate (chain, validity, revocation, purpose,
identity, signing right) and a detached CMS signature, and returns a :class:`CheckResult`."""
from __future__ import annotations

import datetime as dt
import functools
import hmac
from pathlib import Path
from typing import Literal

from cryptography import x509
from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes
from cryptography.x509.oid import ExtendedKeyUsageOID

from integrations.signatures.certificates import (
    OID_ROLE_LEGAL_ENTITY,
    SIGNING_ROLES,
    _ext,
    certificate_gost_oid,
    subject_identity,
)
from integrations.signatures.cms import _CmsError, _parse_cms, _verify_raw
from integrations.signatures.reasons import CheckResult, _fail
from integrations.signatures.trust_store import TrustStore

UTC = dt.UTC


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


def _chain_after(data: bytes | str) -> list[x509.Certificate]:
    """The certificates after the first in a PEM text (the chain a client may send with its certificate):
    intermediates, used only if they chain to a trusted root."""
    if isinstance(data, str):
        data = data.encode("ascii")
    if data.count(b"-----BEGIN CERTIFICATE-----") < 2:
        return []
    return x509.load_pem_x509_certificates(data)[1:]


class X509SignatureVerifier:
    """Checks NCA-style certificates and detached CMS signatures against the trust store.

    Without ``trust_dir``, the trust store is the shared one (``integrations.trust.current_store()``:
    the database's trust items, cached and reloaded on change; with ``ELICENSE_TRUST_STORE=directory``
    the folder ``settings.ELICENSE_TRUST_DIR``), looked up per call so ``override_settings`` works.
    With ``trust_dir``, that folder, read as before, with no database access.
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
        if self._trust_dir is not None:
            return TrustStore.for_directory(self._trust_dir)
        from integrations.trust import current_store

        return current_store()

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
        """Step C3 for a certificate (PEM or DER) the applicant chose; a PEM text may carry its CA chain after it."""
        if purpose not in ("sign", "auth"):
            raise ValueError("purpose must be 'sign' or 'auth'")
        try:
            cert = _load_cert(cert_pem)
            extra = _chain_after(cert_pem)
        except (ValueError, TypeError, UnicodeError) as exc:
            return _fail("malformed", error=str(exc))
        return self._check(cert, applicant_iin, applicant_bin, purpose, _aware(at), extra)

    def _check(self, cert, applicant_iin, applicant_bin, purpose, at, extra=()) -> CheckResult:
        """``extra``: the other certificates the CMS carries (intermediates used only if they chain to a root)."""
        result = _checked(self.trust_store(), cert, tuple(extra), applicant_iin, applicant_bin, purpose, at)
        return CheckResult(result.valid, result.reason, result.subject_iin, result.subject_bin, dict(result.details))

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
        cert, signer_info, digest_cls, sig_oid, signed_attrs_der, message_digest, signing_time, attached, extra = parsed

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

        result = self._check(cert, applicant_iin, applicant_bin, purpose, at, extra)
        return CheckResult(result.valid, result.reason, result.subject_iin, result.subject_bin,
                           {**result.details, **details})


@functools.lru_cache(maxsize=4)
def _checked(store: TrustStore, cert, extra: tuple, applicant_iin, applicant_bin, purpose, at) -> CheckResult:
    """The certificate check proper. The last few answers are kept, keyed by everything an answer depends on:
    the trust store (a new object whenever its material changes), the certificate and the CMS's other
    certificates (by their bytes), the identity asked for, the purpose and the instant. So the same question
    asked twice at the same instant — step 6's certificate check and step 8's signature check in one call,
    both at that call's time — is worked out once; any other question is worked out anew. Callers get a copy."""
    try:
        iin, bin_ = subject_identity(cert)
    except ValueError as exc:  # an undecodable subject
        return _fail("malformed", error=str(exc))
    base = {"serial": format(cert.serial_number, "x")}

    gost = certificate_gost_oid(cert)
    if gost:
        return _fail("gost_not_supported", iin, bin_, algorithm=gost, **base)

    path = store.chain(cert, extra)
    if path is None:
        return _fail("untrusted_chain", iin, bin_, issuer=cert.issuer.rfc4514_string(), **base)
    issuer = path[0]
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
    subjects = [(cert, issuer)] + [(path[i].cert, path[i + 1]) for i in range(len(path) - 1)]
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
