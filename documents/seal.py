"""The system's own key material, configured on its own: the **system seal** (receipts, the portal's automatic
refusals, anything the system itself signs) and the **built-in timestamp authority** (RFC 3161 tokens).

Both are read from their own files, named by settings (documents/conf.py, docs/signatures.md "The system
seal and the TSA", ADR 0018) — never from the trust store, never from the demo PKI's private folder::

    ELICENSE_SEAL_CERT   <var>/seal/seal.pem       the seal's certificate, PEM, then its CA chain
    ELICENSE_SEAL_KEY    <var>/seal/seal.key.pem   its private key, PEM (ELICENSE_SEAL_KEY_PASSWORD if encrypted)
    ELICENSE_TSA_CERT    <TSA dir or seal dir>/tsa.pem      the TSA's certificate (critical EKU timeStamping) + chain
    ELICENSE_TSA_KEY     <TSA dir or seal dir>/tsa.key.pem  (ELICENSE_TSA_KEY_PASSWORD)
    ELICENSE_TSA_URL     an external RFC 3161 TSA instead of the built-in one (documents.tsa.timestamper)
    ELICENSE_SEAL_PKCS11_URI  the seal key in an HSM: the production alternative, NOT supported by this build
                              (pyHanko's PKCS#11 signer needs python-pkcs11, which is not installed): refused

    seal_identity() -> documents.keys.Identity   # cert, key, chain (issuing CA first, then the root)
    tsa_identity()  -> documents.keys.Identity
    is_demo(identity) -> bool                     # made by make_demo_seal / the demo PKI: refused in production
    production_problems() -> [(setting, message, hint)]   # what web/production.py refuses

Development and demos: ``manage.py make_demo_seal`` issues a demo seal and a demo TSA certificate into the seal
folder (files 0600) — from the demo PKI's issuing CA when ELICENSE_TRUST_DIR is one (so the demo's trust root
covers them), else from a CA of its own whose private key is discarded at once and whose certificate and CRL
it adds to the trust store as a root. Either way the certificates are marked as demo (the organisation "E-licensing
demo PKI" in their chain, "DEMO" in the seal's organisation), and production refuses them.
"""
from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from django.core.exceptions import ImproperlyConfigured

from documents import conf
from documents.keys import Identity

DEMO_ORGANISATIONS = ("E-licensing demo PKI",)  # integrations/pki.py's CAs and make_demo_seal's own CA
DEMO_SEAL_ORGANISATION = "E-licensing system seal (DEMO)"


class SealNotConfigured(ImproperlyConfigured):
    """The seal's or the TSA's files are missing, unreadable or do not fit their use."""


def _stamp(path: Path) -> tuple:
    st = path.stat()
    return str(path), st.st_mtime_ns, st.st_size


def _load(setting_cert: str, cert_path: Path, key_path: Path, password: str, *, tsa: bool) -> Identity:
    try:
        cert_stamp, key_stamp = _stamp(cert_path), _stamp(key_path)
    except OSError as exc:
        hint = "run manage.py make_demo_seal (development) or set " + (
            "ELICENSE_TSA_CERT/ELICENSE_TSA_KEY (or ELICENSE_TSA_URL)" if tsa else "ELICENSE_SEAL_CERT/ELICENSE_SEAL_KEY")
        raise SealNotConfigured(f"{setting_cert}: {exc.filename or cert_path} is missing ({hint})") from None
    return _cached(setting_cert, cert_stamp, key_stamp, password, tsa)


@lru_cache(maxsize=16)
def _cached(setting_cert: str, cert_stamp: tuple, key_stamp: tuple, password: str, tsa: bool) -> Identity:
    # Cached by path, mtime and size: loading an RSA key costs tens of milliseconds; a replaced file is reread.
    cert_path, key_path = Path(cert_stamp[0]), Path(key_stamp[0])
    try:
        certs = x509.load_pem_x509_certificates(cert_path.read_bytes())
    except (OSError, ValueError) as exc:
        raise SealNotConfigured(f"{setting_cert}: {cert_path} is not a PEM certificate ({exc})") from None
    try:
        key = serialization.load_pem_private_key(key_path.read_bytes(), password.encode() or None)
    except (OSError, ValueError, TypeError) as exc:
        raise SealNotConfigured(f"{setting_cert}: the key {key_path} cannot be read ({exc})") from None
    cert, chain = certs[0], tuple(certs[1:])
    pub = serialization.PublicFormat.SubjectPublicKeyInfo
    if key.public_key().public_bytes(serialization.Encoding.DER, pub) != \
            cert.public_key().public_bytes(serialization.Encoding.DER, pub):
        raise SealNotConfigured(f"{setting_cert}: the key {key_path} is not the key of {cert_path}")
    try:
        eku = {o.dotted_string for o in cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value}
    except x509.ExtensionNotFound:
        eku = set()
    if tsa and ExtendedKeyUsageOID.TIME_STAMPING.dotted_string not in eku:
        raise SealNotConfigured(f"{setting_cert}: {cert_path} has no timeStamping extended key usage")
    if not tsa:
        try:
            ku = cert.extensions.get_extension_for_class(x509.KeyUsage).value
            usable = ku.digital_signature and ku.content_commitment
        except x509.ExtensionNotFound:
            usable = False
        if not usable:
            raise SealNotConfigured(f"{setting_cert}: {cert_path} is not a signing certificate "
                                    "(key usage digitalSignature and nonRepudiation)")
    return Identity(cert, key, chain)


def seal_identity() -> Identity:
    """The system seal: certificate, key and CA chain from ELICENSE_SEAL_CERT / ELICENSE_SEAL_KEY."""
    if conf.seal_pkcs11_uri():
        raise SealNotConfigured("ELICENSE_SEAL_PKCS11_URI: a PKCS#11 seal key is not supported by this build "
                                "(python-pkcs11 is not installed); use ELICENSE_SEAL_CERT/ELICENSE_SEAL_KEY")
    return _load("ELICENSE_SEAL_CERT", conf.seal_cert_path(), conf.seal_key_path(), conf.seal_key_password(),
                 tsa=False)


def tsa_identity() -> Identity:
    """The built-in TSA's certificate, key and chain from ELICENSE_TSA_CERT / ELICENSE_TSA_KEY."""
    return _load("ELICENSE_TSA_CERT", conf.tsa_cert_path(), conf.tsa_key_path(), conf.tsa_key_password(), tsa=True)


def _organisations(name: x509.Name) -> list[str]:
    return [str(a.value) for a in name.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)]


def is_demo(identity: Identity) -> bool:
    """Made for demos: issued by (or chained to) a demo CA, or the demo seal's own marker."""
    for cert in (identity.cert, *identity.chain):
        names = _organisations(cert.subject) + _organisations(cert.issuer)
        if any(n in DEMO_ORGANISATIONS or n == DEMO_SEAL_ORGANISATION for n in names):
            return True
    return False


def production_problems() -> list[tuple[str, str, str]]:
    """What production refuses about the seal and the TSA: (setting, message, hint) each."""
    problems = []
    try:
        seal = seal_identity()
        if is_demo(seal):
            problems.append(("ELICENSE_SEAL_CERT", f"the system seal {conf.seal_cert_path()} is demo material "
                             "(manage.py make_demo_seal / the demo PKI)",
                             "set ELICENSE_SEAL_CERT and ELICENSE_SEAL_KEY to the seal issued to the system by the CA"))
    except SealNotConfigured as exc:
        setting, _sep, message = str(exc).partition(": ")
        problems.append((setting, message or str(exc), "set ELICENSE_SEAL_CERT and ELICENSE_SEAL_KEY to the seal "
                         "issued to the system by the CA (docs/deployment.md)"))
    if not conf.tsa_url():
        try:
            tsa = tsa_identity()
            if is_demo(tsa):
                problems.append(("ELICENSE_TSA_CERT", f"the TSA certificate {conf.tsa_cert_path()} is demo material",
                                 "set ELICENSE_TSA_CERT/ELICENSE_TSA_KEY to the TSA's own, or ELICENSE_TSA_URL"))
        except SealNotConfigured as exc:
            setting, _sep, message = str(exc).partition(": ")
            problems.append((setting, message or str(exc), "set ELICENSE_TSA_CERT/ELICENSE_TSA_KEY, or ELICENSE_TSA_URL "
                             "for an external RFC 3161 timestamp authority"))
    return problems


def write_key(path: Path, key, password: str = "") -> None:
    """A private key as PEM PKCS#8, mode 0600 from its creation (written beside and renamed)."""
    encryption = (serialization.BestAvailableEncryption(password.encode()) if password
                  else serialization.NoEncryption())
    data = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(data)
    os.chmod(tmp, 0o600)
    tmp.replace(path)


def write_certificates(path: Path, certs) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(b"".join(c.public_bytes(serialization.Encoding.PEM) for c in certs))
    tmp.replace(path)
