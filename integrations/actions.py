"""The outside systems' actions: adding items to the trust store (the roots and CRLs the EDS checks use) from
the administrator's uploads, and removing them."""
from __future__ import annotations

import hashlib
from pathlib import Path

from cryptography import x509
from django.conf import settings

from audit import actions as audit
from integrations import trust
from integrations.models import TrustItem


def _trust_dir() -> Path:
    return Path(settings.ELICENSE_TRUST_DIR)


def add_trust_file(*, kind: str, pem: bytes, actor=None) -> str:
    """Add one checked PEM (``kind`` "crl" or "root") to the trust store; returns its ``<folder>/<name>``.

    A newer CRL of the same issuer replaces the one uploaded before (the trust store keeps the newest anyway);
    a root is named by its content. The store is the database's trust items (every app server sees the new
    item at its next check); with ``ELICENSE_TRUST_STORE=directory`` a file in the folder, written beside
    and renamed, so the trust store never reads half of it."""
    sub = "crls" if kind == "crl" else "roots"
    if kind == "crl":
        crl = x509.load_pem_x509_crl(pem)
        name = "uploaded-" + hashlib.sha256(crl.issuer.public_bytes()).hexdigest()[:16] + ".pem"
    else:
        name = "uploaded-" + hashlib.sha256(pem).hexdigest()[:16] + ".pem"
    if trust.uses_database():
        trust.put(kind=trust.KIND[sub], name=name, content=pem, source="upload", actor=actor)
    else:
        target = _trust_dir() / sub
        target.mkdir(parents=True, exist_ok=True)
        tmp = target / (name + ".tmp")
        tmp.write_bytes(pem)
        tmp.replace(target / name)
    audit.record(audit.Kind.ADMIN_CHANGE, actor=actor, subject=("integrations.trustitem", f"{sub}/{name}"), data={
        "change": "trust_item_added", "item": f"{sub}/{name}", "sha256": hashlib.sha256(pem).hexdigest()})
    return f"{sub}/{name}"


def remove_trust_item(item_id: int, actor=None) -> str | None:
    """Delete one trust item (database store); returns its ``<folder>/<name>``, None if it was gone already."""
    item = TrustItem.objects.filter(pk=item_id).first()
    if item is None:
        return None
    item.delete()
    trust.changed()
    audit.record(audit.Kind.ADMIN_CHANGE, actor=actor, subject=("integrations.trustitem", item_id), data={
        "change": "trust_item_removed", "item": f"{trust.FOLDER.get(item.kind, item.kind)}/{item.name}",
        "sha256": item.sha256})
    return f"{trust.FOLDER.get(item.kind, item.kind)}/{item.name}"
