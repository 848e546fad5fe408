"""Certificate revocation lists (CRLs): reading them from trust-store files and downloads — DER, or PEM holding
one or several — and the URLs they are published at (a certificate's CRL distribution points, a CRL's own
issuing distribution point)."""
from __future__ import annotations

from cryptography import x509

CRL_SUFFIXES = (".pem", ".crl", ".der")
_BEGIN = b"-----BEGIN X509 CRL-----"
_END = b"-----END X509 CRL-----"


def read_crls(data: bytes) -> list[x509.CertificateRevocationList]:
    """The CRLs of one file or download: a DER CRL, or PEM text with one or more ``X509 CRL`` blocks.
    Raises ``ValueError`` when ``data`` is neither (or a block does not parse)."""
    data = bytes(data)
    if b"-----BEGIN" not in data:
        return [x509.load_der_x509_crl(data)]
    out = []
    for chunk in data.split(_END):
        if _BEGIN in chunk:
            out.append(x509.load_pem_x509_crl(chunk[chunk.index(_BEGIN):] + _END + b"\n"))
    if not out:
        raise ValueError("no X509 CRL block in the PEM text")
    return out


_read_crls = read_crls  # the former name


def _uris(names) -> list[str]:
    return [n.value for n in names or () if isinstance(n, x509.UniformResourceIdentifier)]


def distribution_points(cert: x509.Certificate) -> list[str]:
    """The http(s) URLs of ``cert``'s CRL distribution points (where its issuer's CRL is published)."""
    try:
        points = cert.extensions.get_extension_for_class(x509.CRLDistributionPoints).value
    except (x509.ExtensionNotFound, ValueError):
        return []
    return [u for point in points for u in _uris(point.full_name) if u.lower().startswith(("http://", "https://"))]


def issuing_distribution_point(crl: x509.CertificateRevocationList) -> list[str]:
    """The http(s) URLs a CRL names as its own (issuing distribution point extension)."""
    try:
        idp = crl.extensions.get_extension_for_class(x509.IssuingDistributionPoint).value
    except (x509.ExtensionNotFound, ValueError):
        return []
    return [u for u in _uris(idp.full_name) if u.lower().startswith(("http://", "https://"))]


def unsupported_scope(crl: x509.CertificateRevocationList) -> str | None:
    """Why this CRL cannot stand for *every* certificate its CA issued, or None. A delta CRL lists only the
    changes since a full one; a CRL whose issuing distribution point limits it to user or CA certificates,
    to some reasons, or to an indirect CRL covers only part. Using such a CRL as "the CA's CRL" could pass a
    certificate revoked on the full list, so the trust store does not use them (status unknown instead:
    fail closed)."""
    try:
        crl.extensions.get_extension_for_class(x509.DeltaCRLIndicator)
        return "delta CRL"
    except (x509.ExtensionNotFound, ValueError):
        pass
    try:
        idp = crl.extensions.get_extension_for_class(x509.IssuingDistributionPoint).value
    except (x509.ExtensionNotFound, ValueError):
        return None
    if idp.only_contains_user_certs or idp.only_contains_ca_certs or idp.only_contains_attribute_certs \
            or idp.only_some_reasons or idp.indirect_crl:
        return "partitioned CRL (issuing distribution point scope)"
    return None
