"""The trust store: trusted roots, intermediates chained to them, and their CRLs, read from a directory and cached."""
from __future__ import annotations

import logging
import os
import threading
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes

from integrations.signatures.certificates import _ext, certificate_gost_oid
from integrations.signatures.crls import CRL_SUFFIXES, _read_crls

log = logging.getLogger("integrations.signatures")  # the logger name of the former single module

CERT_SUFFIXES = (".pem", ".crt", ".cer", ".der")


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
    """

    _cache: dict[str, TrustStore] = {}
    _lock = threading.Lock()

    def __init__(self, directory: Path, stamp: tuple):
        self.directory = directory
        self.stamp = stamp
        self.cas: dict[bytes, _CA] = {}
        self.by_subject: dict[x509.Name, list[_CA]] = {}
        self.problems: list[str] = []

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
    def clear_cache(cls) -> None:
        with cls._lock:
            cls._cache.clear()

    # -- loading --
    @classmethod
    def _load(cls, directory: Path, stamp: tuple) -> TrustStore:
        store = cls(directory, stamp)
        roots: list[x509.Certificate] = []
        intermediates: list[x509.Certificate] = []
        crls: list[x509.CertificateRevocationList] = []
        for sub, name, _mtime, _size in stamp:
            path = directory / sub / name
            try:
                data = path.read_bytes()
                if sub == "crls":
                    if name.lower().endswith(CRL_SUFFIXES):
                        crls.extend(_read_crls(data))
                elif name.lower().endswith(CERT_SUFFIXES):
                    certs = (
                        x509.load_pem_x509_certificates(data)
                        if b"-----BEGIN" in data
                        else [x509.load_der_x509_certificate(data)]
                    )
                    (roots if sub == "roots" else intermediates).extend(certs)
            except (ValueError, OSError) as exc:
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
            log.warning("trust store %s: %s", directory, problem)
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
