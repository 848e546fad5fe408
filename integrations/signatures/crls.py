"""Reading certificate revocation lists (CRLs) from trust-store files: DER, or PEM holding one or several."""
from __future__ import annotations

from cryptography import x509

CRL_SUFFIXES = (".pem", ".crl", ".der")


def _read_crls(data: bytes) -> list[x509.CertificateRevocationList]:
    if b"-----BEGIN" not in data:
        return [x509.load_der_x509_crl(data)]
    out = []
    marker = b"-----END X509 CRL-----"
    for chunk in data.split(marker):
        if b"-----BEGIN X509 CRL-----" in chunk:
            out.append(x509.load_pem_x509_crl(chunk[chunk.index(b"-----BEGIN") :] + marker + b"\n"))
    return out
