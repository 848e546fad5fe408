"""Who signs a result and with what key; the timestamp service's key.

Production: the deciding officer signs with their own EDS through NCALayer
(the server never holds it). Demo and tests: the server issues each officer a
signing certificate from the demo PKI on first use (``SigningKey``), and
signs automatic results (refusals made by the system, e.g. non-payment) with
a "system seal" certificate. The timestamp authority's certificate and key are
kept in ``ELICENSE_TSA_DIR`` (demo: issued from the demo PKI on first use).
"""
from __future__ import annotations

import datetime as dt
import threading
from dataclasses import dataclass
from functools import lru_cache

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from django.db import IntegrityError, transaction

from core.identifiers import complete
from documents import conf
from integrations import pki as demo_pki
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


def _pem(key) -> str:
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption()).decode()


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


# -- the timestamp authority --------------------------------------------------------------
def _issue_tsa(pki: demo_pki.DemoPki):
    key = demo_pki.new_key()
    now = dt.datetime.now(dt.UTC)
    name = x509.Name([
        x509.NameAttribute(NameOID.COMMON_NAME, "E-licensing demo TSA - NOT NCA"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, "E-licensing demo PKI"),
        x509.NameAttribute(NameOID.COUNTRY_NAME, "KZ"),
    ])
    cert = (
        x509.CertificateBuilder().subject_name(name).issuer_name(pki.ca_cert.subject)
        .public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(hours=1))
        .not_valid_after(min(now + dt.timedelta(days=365 * 5), pki.ca_cert.not_valid_after_utc))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=True, key_encipherment=False,
                                     data_encipherment=False, key_agreement=False, key_cert_sign=False,
                                     crl_sign=False, encipher_only=False, decipher_only=False), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
        .add_extension(x509.CRLDistributionPoints([x509.DistributionPoint(
            [x509.UniformResourceIdentifier(pki.crl_url("issuing"))], None, None, None)]), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(pki.ca_key.public_key()), critical=False)
        .sign(pki.ca_key, hashes.SHA256())
    )
    return cert, key


@lru_cache(maxsize=8)
def _tsa_identity(directory: str) -> Identity:
    from pathlib import Path

    folder = Path(directory)
    cert_path, key_path = folder / "tsa.pem", folder / "tsa.key.pem"
    with _lock:
        if not cert_path.exists():
            if not conf.demo_officer_keys():
                raise RuntimeError(f"no TSA certificate in {folder}")
            cert, key = _issue_tsa(_demo_ca(str(conf.trust_dir())))
            folder.mkdir(parents=True, exist_ok=True)
            key_path.write_text(_pem(key))
            key_path.chmod(0o600)
            cert_path.write_bytes(demo_pki.cert_pem(cert))
    cert = x509.load_pem_x509_certificate(cert_path.read_bytes())
    key = serialization.load_pem_private_key(key_path.read_bytes(), None)
    return Identity(cert, key, _chain_for(cert))


def tsa_identity() -> Identity:
    return _tsa_identity(str(conf.tsa_dir()))


# -- officers and the system seal --------------------------------------------------------
DEMO_PROVIDER_BIN = complete("99024000001") or complete("99024000002")
SYSTEM_IIN = "000000000000"


@lru_cache(maxsize=8)
def _demo_ca(directory: str) -> demo_pki.DemoPki:
    return demo_pki.load_pki(directory)  # parsing the CA keys is slow: once per trust directory


def _issue_demo(label: str, user) -> tuple[str, str]:
    import dataclasses

    pki = dataclasses.replace(_demo_ca(str(conf.trust_dir())), now=dt.datetime.now(dt.UTC).replace(microsecond=0))
    if user is None:
        cert, key = demo_pki.issue(pki, iin=SYSTEM_IIN, bin=DEMO_PROVIDER_BIN, org="E-licensing (system seal)",
                                   surname="E-LICENSING", given_name="SYSTEM SEAL", purpose="sign",
                                   role="signing_right")
    else:
        iin = user.iin if (user.iin or "").isdigit() and len(user.iin) == 12 else f"{user.pk:012d}"
        unit = getattr(user, "provider_unit", None)
        org = unit.name_ru if unit else "ЦОН (PSC)"
        cert, key = demo_pki.issue(pki, iin=iin, bin=DEMO_PROVIDER_BIN, org=org,
                                   surname=(user.last_name or user.username).upper(),
                                   given_name=(user.first_name or "OFFICER").upper(), purpose="sign",
                                   role="signing_right")
    return demo_pki.cert_pem(cert).decode(), _pem(key)


def signing_identity(user) -> Identity:
    """The demo signing key of ``user`` (an officer or PSC operator), or the system seal for None."""
    from documents.models import SigningKey

    label = f"user:{user.pk}" if user is not None else "system-seal"
    row = SigningKey.objects.filter(label=label).first()
    if row is None:
        if not conf.demo_officer_keys():
            raise RuntimeError(f"no signing key for {label}: production officers sign through NCALayer")
        cert_pem, key_pem = _issue_demo(label, user)
        try:
            with transaction.atomic():
                row = SigningKey.objects.create(label=label, user=user, certificate_pem=cert_pem, key_pem=key_pem)
        except IntegrityError:
            row = SigningKey.objects.get(label=label)
    return _identity_from_pem(row.certificate_pem, row.key_pem)


@lru_cache(maxsize=256)
def _identity_from_pem(certificate_pem: str, key_pem: str) -> Identity:
    # Cached: loading an RSA key (with its consistency checks) costs tens of milliseconds.
    cert = x509.load_pem_x509_certificate(certificate_pem.encode())
    key = serialization.load_pem_private_key(key_pem.encode(), None)
    return Identity(cert, key, _chain_for(cert))
