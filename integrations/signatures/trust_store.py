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
from integrations.signatures.crls import CRL_SUFFIXES, _read_crls, unsupported_scope

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
    from_cms: bool = False  # an intermediate the signature carried: used for that check only, never stored
    issuer_ref: _CA | None = None  # for from_cms: its issuer (a CA of the store or another from_cms one)


MAX_PATH = 8  # CA certificates on a path, root included
LEARNED_MAX = 512  # intermediates from signatures remembered per store (their checks, not their trust)


def is_ca_certificate(cert: x509.Certificate) -> bool:
    """basicConstraints CA (critical or not) and, when a key usage is present, keyCertSign."""
    bc = _ext(cert, x509.BasicConstraints)
    if bc is None or not bc.ca:
        return False
    ku = _ext(cert, x509.KeyUsage)
    return ku is None or ku.key_cert_sign


def crl_is_newer(new: x509.CertificateRevocationList, old: x509.CertificateRevocationList | None) -> bool:
    """``new`` supersedes ``old`` of the same CA: a higher CRL number when both have one, else a later
    thisUpdate."""
    if old is None:
        return True
    numbers = [_crl_number(c) for c in (new, old)]
    if None not in numbers and numbers[0] != numbers[1]:
        return numbers[0] > numbers[1]
    return new.last_update_utc > old.last_update_utc


def _crl_number(crl: x509.CertificateRevocationList) -> int | None:
    try:
        return crl.extensions.get_extension_for_class(x509.CRLNumber).value.crl_number
    except (x509.ExtensionNotFound, ValueError):
        return None


def crl_signed_by(crl: x509.CertificateRevocationList, cert: x509.Certificate) -> bool:
    """The CRL names ``cert``'s subject as its issuer and ``cert``'s key signed it."""
    if crl.issuer != cert.subject:
        return False
    try:
        return crl.is_signature_valid(cert.public_key())
    except (UnsupportedAlgorithm, TypeError, ValueError):
        return False


class TrustStore:
    """The parsed contents of a trust directory (see docs/signatures.md)::

        <dir>/roots/          trusted root CA certificates (PEM or DER; a PEM file may hold several)
        <dir>/intermediates/  issuing CA certificates; used only if they chain to a root
        <dir>/crls/           CRLs (PEM or DER) of the roots and of the intermediates — also of intermediates the
                              store does not hold, for the CA certificates a signature carries (:meth:`chain`)

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
        # Every CRL read, by issuer name, newest first: those of a CA the store does not hold wait for that CA
        # to come inside a signature (its CRL is then matched by name and verified signature).
        self.crls_by_issuer: dict[x509.Name, list[x509.CertificateRevocationList]] = {}
        self._learned: dict[bytes, _CA] = {}  # DER fingerprint -> a verified CMS intermediate (with its CRL)

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
        # CRLs: attach each to the CA whose key signed it (issuer name and signature); keep the newest per CA.
        # A CRL whose issuer name is no CA of the store is kept for an intermediate a signature may carry.
        for crl in crls:
            scope = unsupported_scope(crl)
            if scope:
                store.problems.append(f"CRL of {crl.issuer.rfc4514_string()}: {scope}, not used")
                continue
            store.crls_by_issuer.setdefault(crl.issuer, []).append(crl)
            candidates = store.by_subject.get(crl.issuer, ())
            attached = False
            for ca in candidates:
                if crl_signed_by(crl, ca.cert):
                    attached = True
                    if crl_is_newer(crl, ca.crl):
                        ca.crl = crl
            if candidates and not attached:
                store.problems.append(f"CRL of {crl.issuer.rfc4514_string()}: no trusted CA signed it, skipped")
        for listed in store.crls_by_issuer.values():
            listed.sort(key=lambda c: (_crl_number(c) or -1, c.last_update_utc), reverse=True)
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
        while not path[-1].is_root and len(path) < MAX_PATH:
            last = path[-1]
            path.append(last.issuer_ref if last.from_cms else self.cas[last.issuer_fp])
        return path

    def chain(self, cert: x509.Certificate, extra: Iterable[x509.Certificate] = ()) -> list[_CA] | None:
        """The CAs from ``cert``'s issuer up to a trusted root, or None.

        The issuer is a CA of the store, or one of ``extra`` (the certificates a CMS carries): such an
        intermediate is used only if it is a CA certificate whose signature chains, through the store or
        through other ``extra`` certificates, to a trusted root — it is never trusted on its own and never
        added to the store. Its CRL is the newest CRL of the store with its subject as issuer and its key's
        signature. Path length constraints of every CA on the path are honoured."""
        extra = [c for c in extra if is_ca_certificate(c)]
        issuer = self._issuer_of(cert, extra, depth=0)
        if issuer is None:
            return None
        path = self.path_from(issuer)
        for below, ca in enumerate(path):  # `below`: CA certificates between this CA and the end entity
            bc = _ext(ca.cert, x509.BasicConstraints)
            if bc is not None and bc.path_length is not None and below > bc.path_length:
                return None
        return path

    def _issuer_of(self, cert: x509.Certificate, extra: list[x509.Certificate], depth: int) -> _CA | None:
        found = self._find_issuer(cert)
        if found is not None or depth >= MAX_PATH - 1:
            return found
        for candidate in extra:
            if candidate.subject != cert.issuer or candidate is cert:
                continue
            if certificate_gost_oid(candidate):
                continue
            try:
                cert.verify_directly_issued_by(candidate)
            except (ValueError, TypeError, InvalidSignature, UnsupportedAlgorithm):
                continue
            learned = self._learn(candidate, extra, depth)
            if learned is not None:
                return learned
        return None

    def _learn(self, candidate: x509.Certificate, extra: list[x509.Certificate], depth: int) -> _CA | None:
        """``candidate`` (a CA certificate from a signature) as a CA of this check, if it chains to a root."""
        fp = candidate.fingerprint(hashes.SHA256())
        if fp in self.cas:
            return self.cas[fp]
        known = self._learned.get(fp)
        if known is not None:
            return known
        issuer = self._issuer_of(candidate, [c for c in extra if c is not candidate], depth + 1)
        if issuer is None:
            return None
        crl = next((c for c in self.crls_by_issuer.get(candidate.subject, ()) if crl_signed_by(c, candidate)), None)
        ca = _CA(cert=candidate, fingerprint=fp, is_root=False, issuer_fp=issuer.fingerprint, crl=crl,
                 from_cms=True, issuer_ref=issuer)
        if len(self._learned) >= LEARNED_MAX:
            self._learned.clear()
        self._learned[fp] = ca
        return ca
