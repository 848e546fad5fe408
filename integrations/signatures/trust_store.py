"""The trust store: trusted roots, intermediates chained to them, and their CRLs, cached.

The material comes from a directory (:meth:`TrustStore.for_directory`) or from any other source as
``(folder, name, bytes)`` items (:meth:`TrustStore.cached`; the shared database source is
``integrations.trust``). Parsing, chain building and CRL attachment are the same for both."""
from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes

from integrations.signatures.certificates import _ext, certificate_gost_oid
from integrations.signatures.crls import CRL_SUFFIXES, _read_crls

log = logging.getLogger("integrations.signatures")  # the logger name of the former single module

CERT_SUFFIXES = (".pem", ".crt", ".cer", ".der")


def _now() -> float:
    return time.monotonic()


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

    :meth:`cached` is the same for another source: ``stamp_of()`` gives a cheap version of the source,
    ``items_of()`` that version and the material, as ``(folder, name, bytes)`` items with folder
    ``roots``, ``intermediates`` or ``crls`` (every item is read; names are labels only); at most
    every ``max_age`` seconds is ``stamp_of`` asked. ``items`` keeps the material the store was
    parsed from (what the signed results embed and the CRL endpoint serves).
    """

    _cache: dict[str, TrustStore] = {}
    _checked: dict[str, float] = {}  # key -> time.monotonic() of the last stamp check (cached sources)
    _lock = threading.Lock()

    def __init__(self, directory: Path | None, stamp: tuple, source: str = ""):
        self.directory = directory
        self.stamp = stamp
        self.source = source or str(directory)
        self.cas: dict[bytes, _CA] = {}
        self.by_subject: dict[x509.Name, list[_CA]] = {}
        self.problems: list[str] = []
        self.items: list[tuple[str, str, bytes]] = []

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
    def cached(
        cls,
        key: str,
        stamp_of: Callable[[], tuple],
        items_of: Callable[[], tuple[tuple, Iterable[tuple[str, str, bytes]]]],
        *,
        max_age: float = 0.0,
    ) -> TrustStore:
        """The store cached under ``key``: rebuilt when ``stamp_of()`` differs from the cached store's stamp,
        which is checked at most every ``max_age`` seconds. ``items_of()`` returns ``(stamp, items)`` read
        together, so that the cached stamp is that of the material parsed."""
        now = _now()
        store = cls._cache.get(key)
        if store is not None and now - cls._checked.get(key, float("-inf")) < max_age:
            return store
        stamp = stamp_of()
        if store is not None and store.stamp == stamp:
            cls._checked[key] = now
            return store
        with cls._lock:
            store = cls._cache.get(key)
            if store is None or store.stamp != stamp:
                stamp, items = items_of()
                store = cls._build(None, stamp, items, source=key)
                cls._cache[key] = store
            cls._checked[key] = now
        return store

    @classmethod
    def expire(cls, key: str) -> None:
        """Check the source of ``key`` again at the next call (after a change made by this process)."""
        cls._checked.pop(key, None)

    @classmethod
    def clear_cache(cls) -> None:
        with cls._lock:
            cls._cache.clear()
            cls._checked.clear()

    # -- loading --
    @classmethod
    def _load(cls, directory: Path, stamp: tuple) -> TrustStore:
        items, problems = [], []
        for sub, name, _mtime, _size in stamp:
            suffixes = CRL_SUFFIXES if sub == "crls" else CERT_SUFFIXES
            if not name.lower().endswith(suffixes):
                continue
            try:
                items.append((sub, name, (directory / sub / name).read_bytes()))
            except OSError as exc:
                problems.append(f"{sub}/{name}: {exc}")
        return cls._build(directory, stamp, items, problems=problems)

    @classmethod
    def _build(
        cls,
        directory: Path | None,
        stamp: tuple,
        items: Iterable[tuple[str, str, bytes]],
        *,
        source: str = "",
        problems: list[str] | None = None,
    ) -> TrustStore:
        store = cls(directory, stamp, source)
        store.problems.extend(problems or ())
        roots: list[x509.Certificate] = []
        intermediates: list[x509.Certificate] = []
        crls: list[x509.CertificateRevocationList] = []
        for sub, name, data in items:
            store.items.append((sub, name, data))
            try:
                if sub == "crls":
                    crls.extend(_read_crls(data))
                elif sub in ("roots", "intermediates"):
                    certs = (
                        x509.load_pem_x509_certificates(data)
                        if b"-----BEGIN" in data
                        else [x509.load_der_x509_certificate(data)]
                    )
                    (roots if sub == "roots" else intermediates).extend(certs)
            except ValueError as exc:
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
            log.warning("trust store %s: %s", store.source, problem)
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
