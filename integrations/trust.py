"""The EDS trust store that every app server shares: ``TrustItem`` rows (trusted roots, intermediate CAs,
CRLs — the PEM or DER bytes a trust folder's files hold) in the database, parsed into a
:class:`~integrations.signatures.trust_store.TrustStore` cached per process (docs/signatures.md, ADR 0012).

A process asks the database for the rows' version — count, highest id, latest ``added_at``: one aggregate
query — at most every ``ELICENSE_TRUST_REFRESH_SECONDS`` (default 5) and parses the rows again only when
it changed, so a CRL or root added on one server is in force on all of them within that time (at once on
the server that added it). Chain building, CRL checks and "revocation_unavailable" are the trust store's,
the same as for a folder.

``ELICENSE_TRUST_STORE=directory`` keeps the former behaviour, the folder ``ELICENSE_TRUST_DIR`` read
live (one server only: development and the trust store's own tests). Otherwise the folder is an import
source only: ``manage.py import_trust_dir``, ``make_demo_pki`` and ``load_demo`` put its material here.

    current_store() -> TrustStore             # what the verifier, the signed results and the CRL endpoint use
    material(folder) -> [(name, bytes)]       # "roots" | "intermediates" | "crls" of the current store
    entries() -> [dict]                       # the items as the administration page lists them
    import_directory(directory, *, replace=False, actor=None) -> ImportReport
    changed()                                 # after a write: this process looks again at its next check
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Max

from integrations.models import TrustItem
from integrations.signatures.trust_store import TrustStore

FOLDER = {TrustItem.Kind.ROOT: "roots", TrustItem.Kind.INTERMEDIATE: "intermediates", TrustItem.Kind.CRL: "crls"}
KIND = {folder: kind for kind, folder in FOLDER.items()}
DATABASE_KEY = "database:default"


def uses_database() -> bool:
    return getattr(settings, "ELICENSE_TRUST_STORE", "database") != "directory"


def _refresh_seconds() -> float:
    return float(getattr(settings, "ELICENSE_TRUST_REFRESH_SECONDS", 5))


def _version() -> tuple:
    found = TrustItem.objects.aggregate(n=Count("id"), last=Max("id"), at=Max("added_at"))
    return found["n"], found["last"], found["at"]


def _read() -> tuple[tuple, list[tuple[str, str, bytes]]]:
    rows = list(TrustItem.objects.order_by("kind", "name", "id").values_list("id", "kind", "name", "content",
                                                                              "added_at"))
    stamp = (len(rows), max((r[0] for r in rows), default=None), max((r[4] for r in rows), default=None))
    return stamp, [(FOLDER.get(kind, kind), name, bytes(content)) for _id, kind, name, content, _at in rows]


def database_store() -> TrustStore:
    return TrustStore.cached(DATABASE_KEY, _version, _read, max_age=_refresh_seconds())


def current_store() -> TrustStore:
    if not uses_database():
        return TrustStore.for_directory(Path(settings.ELICENSE_TRUST_DIR))
    return database_store()


def material(folder: str) -> list[tuple[str, bytes]]:
    return [(name, data) for sub, name, data in current_store().items if sub == folder]


def changed() -> None:
    """The trust items were changed by this process: its next check looks at the database again — at once
    (this transaction sees its change) and again once the change is committed, so that a check made
    meanwhile by another thread does not keep the store of before. The other servers see the change
    within ELICENSE_TRUST_REFRESH_SECONDS."""
    TrustStore.expire(DATABASE_KEY)
    transaction.on_commit(lambda: TrustStore.expire(DATABASE_KEY))


def entries() -> list[dict]:
    """Every item: ``id`` (None for a folder's file), ``folder``, ``name``, ``content``, ``added_at``, ``source``."""
    if not uses_database():
        return [{"id": None, "folder": sub, "name": name, "content": data, "added_at": None, "source": "directory"}
                for sub, name, data in current_store().items]
    return [{"id": row.pk, "folder": FOLDER.get(row.kind, row.kind), "name": row.name, "content": bytes(row.content),
             "added_at": row.added_at, "source": row.source} for row in TrustItem.objects.order_by("kind", "name")]


def put(*, kind: str, name: str, content: bytes, source: str, actor=None) -> tuple[TrustItem, str]:
    """Add an item, or replace the one of that kind and name (deleted and added anew: rows never change in
    place). Returns the row and "added", "replaced" or "unchanged"."""
    digest = hashlib.sha256(content).hexdigest()
    with transaction.atomic():
        row = TrustItem.objects.filter(kind=kind, name=name).first()
        if row is not None and row.sha256 == digest:
            return row, "unchanged"
        outcome = "added" if row is None else "replaced"
        if row is not None:
            row.delete()
        row = TrustItem.objects.create(kind=kind, name=name, content=content, sha256=digest, source=source,
                                       added_by=actor if getattr(actor, "pk", None) else None)
        changed()
    return row, outcome


@dataclass
class ImportReport:
    added: list[str] = field(default_factory=list)
    replaced: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        return (f"{len(self.added)} added, {len(self.replaced)} replaced, {len(self.unchanged)} unchanged, "
                f"{len(self.removed)} removed")


def import_directory(directory: Path | str, *, replace: bool = False, actor=None) -> ImportReport:
    """Put a trust folder's roots/, intermediates/ and crls/ (the files the folder store reads) into the
    database, each item named by its file. ``replace``: also delete the imported items (from any folder)
    that this folder does not hold — the folder becomes the imported set; uploaded and fetched items stay.
    An import that changed anything writes one audit row (what was added, replaced, removed)."""
    directory = Path(directory).absolute()
    folder_store = TrustStore.for_directory(directory)
    report = ImportReport(problems=list(folder_store.problems))
    source = f"import:{directory}"
    seen = set()
    with transaction.atomic():
        for sub, name, data in folder_store.items:
            seen.add((KIND[sub], name))
            _row, outcome = put(kind=KIND[sub], name=name, content=data, source=source, actor=actor)
            getattr(report, outcome).append(f"{sub}/{name}")
        if replace:
            for row in TrustItem.objects.filter(source__startswith="import:"):
                if (row.kind, row.name) not in seen:
                    report.removed.append(f"{FOLDER.get(row.kind, row.kind)}/{row.name}")
                    row.delete()
            if report.removed:
                changed()
        if report.added or report.replaced or report.removed:
            from audit import actions as audit

            audit.record(audit.Kind.ADMIN_CHANGE, actor=actor, subject=("integrations.trustitem", "import"), data={
                "change": "trust_items_imported", "folder": str(directory), "added": report.added,
                "replaced": report.replaced, "removed": report.removed})
    return report
