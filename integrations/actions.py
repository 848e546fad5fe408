"""The outside systems' actions: adding files to the trust store (the roots and CRLs the EDS checks use) from
the administrator's uploads."""
from __future__ import annotations

import hashlib
from pathlib import Path

from cryptography import x509
from django.conf import settings


def _trust_dir() -> Path:
    return Path(settings.ELICENSE_TRUST_DIR)


def add_trust_file(*, kind: str, pem: bytes) -> str:
    """Write one checked PEM (``kind`` "crl" or "root") into the trust store; returns its ``<folder>/<file>``.

    A newer CRL of the same issuer replaces its file (the trust store keeps the newest anyway); a root is named
    by its content. The file is written beside and renamed, so the trust store never reads half of it."""
    sub = "crls" if kind == "crl" else "roots"
    target = _trust_dir() / sub
    target.mkdir(parents=True, exist_ok=True)
    if kind == "crl":
        crl = x509.load_pem_x509_crl(pem)
        name = "uploaded-" + hashlib.sha256(crl.issuer.public_bytes()).hexdigest()[:16] + ".pem"
    else:
        name = "uploaded-" + hashlib.sha256(pem).hexdigest()[:16] + ".pem"
    tmp = target / (name + ".tmp")
    tmp.write_bytes(pem)
    tmp.replace(target / name)
    return f"{sub}/{name}"
