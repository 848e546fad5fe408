"""A signing identity (certificate, key, chain) and the CA chains of certificates, from the trust store.

The deciding officer signs with their own EDS through NCALayer, in every mode (the server never holds an
officer's key: ``documents.actions``). The server signs only what the system itself issues (receipts, its
automatic refusals) with the system seal, and timestamps with its TSA: both are key material of their own,
configured apart from the trust store (``documents.seal``, ADR 0018).
"""
from __future__ import annotations

import threading
from dataclasses import dataclass

from cryptography import x509
from cryptography.x509.oid import NameOID

from integrations import trust

_lock = threading.Lock()


@dataclass(frozen=True)
class Identity:
    cert: x509.Certificate
    key: object
    chain: tuple[x509.Certificate, ...]  # issuing CA first, then the root

    @property
    def common_name(self) -> str:
        return self.cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value


def trust_certificates(data: bytes) -> list[x509.Certificate]:
    """The certificates of one trust item (PEM, maybe several, or DER)."""
    if b"-----BEGIN" in data:
        return x509.load_pem_x509_certificates(data)
    return [x509.load_der_x509_certificate(data)]


def _load_chain() -> tuple[x509.Certificate, ...]:
    """The CA certificates of the trust store (integrations.trust), intermediates first."""
    certs = []
    for sub in ("intermediates", "roots"):
        for _name, data in trust.material(sub):
            certs.extend(trust_certificates(data))
    return tuple(certs)


def _chain_for(cert: x509.Certificate) -> tuple[x509.Certificate, ...]:
    by_subject = {c.subject: c for c in _load_chain()}
    chain, current = [], cert
    while current.issuer != current.subject and current.issuer in by_subject:
        current = by_subject[current.issuer]
        chain.append(current)
    return tuple(chain)
