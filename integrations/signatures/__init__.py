"""Electronic digital signature (EDS) checks: regulation §3, step C3.

The portal checks the certificate's validity period, that it is not on the
revocation list, and that the IIN/BIN in the request matches the one in the
certificate. This package is the signature adapter the workflow engine uses
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
    TrustStore.chain(cert, extra=()) -> [CA] | None  # issuer .. root; extra: a CMS's CA certificates
    cms_certificates(cms_der) -> [x509.Certificate]  # every certificate a CMS carries, unverified
    read_crls(data), distribution_points(cert), issuing_distribution_point(crl)   # crls: PEM or DER
    TrustStore.cached(key, stamp_of, items_of, max_age=0) -> TrustStore   # the same for another source
                                                     # (the database's: integrations.trust.current_store())

Modules, lowest first (a module imports only those above it)::

    reasons        REASON_MESSAGES, REASONS, CheckResult
    canonical      canonical_bytes
    signing        sign_detached
    certificates   NCA conventions: role OIDs, GOST OIDs, subject_identity
    crls           reading CRLs (PEM or DER), their distribution-point URLs
    trust_store    TrustStore (roots, intermediates, CRLs of a trust directory or of trust items)
    cms            reading the CMS SignedData envelope, signer_certificate
    verify         X509SignatureVerifier

See docs/signatures.md for what is checked and the trust-store layout, and
docs/adr/0004-signatures.md for the choice of libraries (cryptography for all
cryptography and X.509, asn1crypto only to read the CMS envelope).
"""
from __future__ import annotations

from integrations.signatures.canonical import canonical_bytes
from integrations.signatures.certificates import certificate_gost_oid, is_gost_oid, subject_identity
from integrations.signatures.cms import cms_certificates, signer_certificate
from integrations.signatures.crls import distribution_points, issuing_distribution_point, read_crls
from integrations.signatures.reasons import REASON_MESSAGES, REASONS, CheckResult
from integrations.signatures.signing import sign_detached
from integrations.signatures.trust_store import TrustStore
from integrations.signatures.verify import X509SignatureVerifier

__all__ = [
    "REASONS",
    "REASON_MESSAGES",
    "CheckResult",
    "TrustStore",
    "X509SignatureVerifier",
    "canonical_bytes",
    "certificate_gost_oid",
    "cms_certificates",
    "distribution_points",
    "issuing_distribution_point",
    "read_crls",
    "is_gost_oid",
    "sign_detached",
    "signer_certificate",
    "subject_identity",
]
