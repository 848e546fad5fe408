"""A test PKI shaped like Kazakhstan's National Certification Authority (NCA).

Used by the tests, by ``manage.py make_demo_pki`` and by the demo-data loader.
It is *not* a CA for production: CA keys are written unencrypted under
``private/`` so that a demo can issue more users later.

The folder written by :func:`make_pki` has the trust folder's layout: its
roots, intermediates and CRLs are imported into the trust store
(``manage.py import_trust_dir``; ``make_demo_pki`` and ``load_demo`` do it),
or read directly by ``X509SignatureVerifier(trust_dir=…)``::

    roots/root.pem               trusted root CA certificate (trust anchor)
    intermediates/issuing.pem    issuing CA certificate (signed by the root)
    crls/root.crl.pem            CRL signed by the root (covers the issuing CA)
    crls/issuing.crl.pem         CRL signed by the issuing CA (covers users)
    private/root.key.pem         DEMO ONLY: CA private keys, ignored by the verifier
    private/issuing.key.pem
    private/state.json           DEMO ONLY: revoked serials, CRL numbers
    users/IIN<iin>_<purpose>.p12 user keys as PKCS#12 (password protected)
    users/IIN<iin>_<purpose>.pem the user's certificate

Public API::

    make_pki(directory, now=None, *, crl_validity=timedelta(days=7)) -> DemoPki
    load_pki(directory) -> DemoPki
    issue(pki, *, iin, bin=None, org=None, surname, given_name, purpose, role,
          not_before=None, not_after=None, key=None, email=None) -> (cert, key)
    revoke(pki, cert, *, when=None) -> None          # re-issues the CRL
    write_crls(pki, now=None) -> None                # refresh both CRLs
    save_user(pki, cert, key, *, password, name=None) -> Path   # .p12 + .pem
    load_pkcs12(path, password) -> (cert, key, additional_certs)
    cert_pem(cert) -> bytes

Key generation (RSA-2048) is the slow part (tens of milliseconds to a few
hundred each): pass ``key=`` to :func:`issue` to reuse a key.
"""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

UTC = dt.UTC

# --- NCA object identifiers --------------------------------------------------
# Roles (carried in the extended key usage extension of NCA certificates).
OID_ROLE_INDIVIDUAL = x509.ObjectIdentifier("1.2.398.3.3.4.1.1")
OID_ROLE_LEGAL_ENTITY = x509.ObjectIdentifier("1.2.398.3.3.4.1.2")
OID_ROLE_FIRST_HEAD = x509.ObjectIdentifier("1.2.398.3.3.4.1.2.1")
OID_ROLE_SIGNING_RIGHT = x509.ObjectIdentifier("1.2.398.3.3.4.1.2.2")
OID_ROLE_EMPLOYEE = x509.ObjectIdentifier("1.2.398.3.3.4.1.2.5")

ROLE_OIDS = {
    "individual": (OID_ROLE_INDIVIDUAL,),
    "first_head": (OID_ROLE_LEGAL_ENTITY, OID_ROLE_FIRST_HEAD),
    "signing_right": (OID_ROLE_LEGAL_ENTITY, OID_ROLE_SIGNING_RIGHT),
    "employee": (OID_ROLE_LEGAL_ENTITY, OID_ROLE_EMPLOYEE),
}
PURPOSE_EKU = {
    "sign": ExtendedKeyUsageOID.EMAIL_PROTECTION,  # 1.3.6.1.5.5.7.3.4
    "auth": ExtendedKeyUsageOID.CLIENT_AUTH,  # 1.3.6.1.5.5.7.3.2
}
# Certificate policies. The NCA arc is 1.2.398.3.3.2; which sub-arc goes with
# which kind of certificate is this demo's own mapping (the verifier does not
# rely on policies, only on EKU and role OIDs):
#   .1 individual signing, .2 individual authentication,
#   .3 legal-entity signing, .4 legal-entity authentication.
POLICY_OIDS = {
    ("individual", "sign"): x509.ObjectIdentifier("1.2.398.3.3.2.1"),
    ("individual", "auth"): x509.ObjectIdentifier("1.2.398.3.3.2.2"),
    ("legal", "sign"): x509.ObjectIdentifier("1.2.398.3.3.2.3"),
    ("legal", "auth"): x509.ObjectIdentifier("1.2.398.3.3.2.4"),
}

Purpose = Literal["sign", "auth"]
Role = Literal["individual", "first_head", "signing_right", "employee"]

DEFAULT_CRL_BASE_URL = "http://crl.demo-pki.invalid/"
ROOT_NAME = x509.Name(
    [
        x509.NameAttribute(NameOID.COMMON_NAME, "DEMO ROOT CA (RSA) - NOT NCA"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, "E-licensing demo PKI"),
        x509.NameAttribute(NameOID.COUNTRY_NAME, "KZ"),
    ]
)
ISSUING_NAME = x509.Name(
    [
        x509.NameAttribute(NameOID.COMMON_NAME, "DEMO ISSUING CA (RSA) - NOT NCA"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, "E-licensing demo PKI"),
        x509.NameAttribute(NameOID.COUNTRY_NAME, "KZ"),
    ]
)


@dataclass
class DemoPki:
    directory: Path
    root_cert: x509.Certificate
    root_key: rsa.RSAPrivateKey
    ca_cert: x509.Certificate
    ca_key: rsa.RSAPrivateKey
    now: dt.datetime
    crl_validity: dt.timedelta = dt.timedelta(days=7)
    crl_base_url: str = DEFAULT_CRL_BASE_URL
    # serial -> ISO revocation time, per CA ("root" / "issuing")
    revoked: dict[str, dict[int, str]] = field(default_factory=lambda: {"root": {}, "issuing": {}})
    crl_number: dict[str, int] = field(default_factory=lambda: {"root": 0, "issuing": 0})

    # Paths of the trust-store files.
    @property
    def root_pem_path(self) -> Path:
        return self.directory / "roots" / "root.pem"

    @property
    def ca_pem_path(self) -> Path:
        return self.directory / "intermediates" / "issuing.pem"

    @property
    def root_crl_path(self) -> Path:
        return self.directory / "crls" / "root.crl.pem"

    @property
    def ca_crl_path(self) -> Path:
        return self.directory / "crls" / "issuing.crl.pem"

    @property
    def users_dir(self) -> Path:
        return self.directory / "users"

    def crl_url(self, which: str) -> str:
        return f"{self.crl_base_url}{which}.crl"


def new_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def cert_pem(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.PEM)


def _aware(value: dt.datetime | None) -> dt.datetime:
    if value is None:
        return dt.datetime.now(UTC).replace(microsecond=0)
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def _write(path: Path, data: bytes, mode: int | None = None) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(data)
    if mode is not None:
        tmp.chmod(mode)
    tmp.replace(path)  # atomic: a verifier never reads a half-written file


def _ca_cert(subject, issuer, public_key, signing_key, issuer_public_key, not_before, not_after, path_len, crl_url):
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=True, path_length=path_len), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False, content_commitment=False, key_encipherment=False,
                data_encipherment=False, key_agreement=False, key_cert_sign=True, crl_sign=True,
                encipher_only=False, decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_public_key), critical=False)
    )
    if crl_url:
        builder = builder.add_extension(
            x509.CRLDistributionPoints(
                [x509.DistributionPoint([x509.UniformResourceIdentifier(crl_url)], None, None, None)]
            ),
            critical=False,
        )
    return builder.sign(signing_key, hashes.SHA256())


def make_pki(
    directory: Path,
    now: dt.datetime | None = None,
    *,
    crl_validity: dt.timedelta = dt.timedelta(days=7),
    crl_base_url: str = DEFAULT_CRL_BASE_URL,
    root_key: rsa.RSAPrivateKey | None = None,
    ca_key: rsa.RSAPrivateKey | None = None,
) -> DemoPki:
    """Create a root CA, an issuing CA and both CRLs under ``directory``."""
    directory = Path(directory)
    now = _aware(now)
    root_key = root_key or new_key()
    ca_key = ca_key or new_key()
    root = _ca_cert(
        ROOT_NAME, ROOT_NAME, root_key.public_key(), root_key, root_key.public_key(),
        now - dt.timedelta(days=1), now + dt.timedelta(days=365 * 20), 1, None,
    )
    ca = _ca_cert(
        ISSUING_NAME, ROOT_NAME, ca_key.public_key(), root_key, root_key.public_key(),
        now - dt.timedelta(days=1), now + dt.timedelta(days=365 * 10), 0, f"{crl_base_url}root.crl",
    )
    pki = DemoPki(
        directory=directory, root_cert=root, root_key=root_key, ca_cert=ca, ca_key=ca_key,
        now=now, crl_validity=crl_validity, crl_base_url=crl_base_url,
    )
    _write(pki.root_pem_path, cert_pem(root))
    _write(pki.ca_pem_path, cert_pem(pki.ca_cert))
    for name, key in (("root", root_key), ("issuing", ca_key)):
        _write(
            directory / "private" / f"{name}.key.pem",
            key.private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            ),
            mode=0o600,
        )
    write_crls(pki, now)
    return pki


def load_pki(directory: Path, now: dt.datetime | None = None) -> DemoPki:
    """Re-open a PKI written by :func:`make_pki` (to issue or revoke more)."""
    directory = Path(directory)

    def key(name):
        return serialization.load_pem_private_key((directory / "private" / f"{name}.key.pem").read_bytes(), None)

    state = json.loads((directory / "private" / "state.json").read_text())
    pki = DemoPki(
        directory=directory,
        root_cert=x509.load_pem_x509_certificate((directory / "roots" / "root.pem").read_bytes()),
        root_key=key("root"),
        ca_cert=x509.load_pem_x509_certificate((directory / "intermediates" / "issuing.pem").read_bytes()),
        ca_key=key("issuing"),
        now=_aware(now),
        crl_validity=dt.timedelta(seconds=state["crl_validity_seconds"]),
        crl_base_url=state["crl_base_url"],
        revoked={ca: {int(s): t for s, t in items.items()} for ca, items in state["revoked"].items()},
        crl_number=state["crl_number"],
    )
    return pki


def _save_state(pki: DemoPki) -> None:
    state = {
        "crl_validity_seconds": int(pki.crl_validity.total_seconds()),
        "crl_base_url": pki.crl_base_url,
        "revoked": {ca: {str(s): t for s, t in items.items()} for ca, items in pki.revoked.items()},
        "crl_number": pki.crl_number,
    }
    _write(pki.directory / "private" / "state.json", json.dumps(state, indent=1).encode())


def _build_crl(pki: DemoPki, which: str, now: dt.datetime) -> x509.CertificateRevocationList:
    cert, key = (pki.root_cert, pki.root_key) if which == "root" else (pki.ca_cert, pki.ca_key)
    pki.crl_number[which] = pki.crl_number.get(which, 0) + 1
    builder = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(cert.subject)
        .last_update(now)
        .next_update(now + pki.crl_validity)
        .add_extension(x509.CRLNumber(pki.crl_number[which]), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(key.public_key()), critical=False)
    )
    for serial, when in sorted(pki.revoked.get(which, {}).items()):
        builder = builder.add_revoked_certificate(
            x509.RevokedCertificateBuilder()
            .serial_number(serial)
            .revocation_date(dt.datetime.fromisoformat(when))
            .add_extension(x509.CRLReason(x509.ReasonFlags.key_compromise), critical=False)
            .build()
        )
    return builder.sign(key, hashes.SHA256())


def write_crls(pki: DemoPki, now: dt.datetime | None = None) -> None:
    """(Re-)issue both CRLs, valid from ``now`` for ``pki.crl_validity``."""
    now = _aware(now or pki.now)
    for which, path in (("root", pki.root_crl_path), ("issuing", pki.ca_crl_path)):
        crl = _build_crl(pki, which, now)
        _write(path, crl.public_bytes(serialization.Encoding.PEM))
    _save_state(pki)


def issue(
    pki: DemoPki,
    *,
    iin: str,
    bin: str | None = None,  # noqa: A002 - the NCA's own word
    org: str | None = None,
    surname: str,
    given_name: str,
    purpose: Purpose,
    role: Role,
    not_before: dt.datetime | None = None,
    not_after: dt.datetime | None = None,
    key: rsa.RSAPrivateKey | None = None,
    email: str | None = None,
) -> tuple[x509.Certificate, rsa.RSAPrivateKey]:
    """Issue an end-entity certificate from the issuing CA, NCA-style."""
    if purpose not in PURPOSE_EKU:
        raise ValueError(f"purpose must be 'sign' or 'auth', not {purpose!r}")
    if role not in ROLE_OIDS:
        raise ValueError(f"unknown role {role!r}")
    if len(iin) != 12 or not iin.isdigit():
        raise ValueError("iin must be 12 digits")
    legal = role != "individual"
    if legal and not (bin and len(bin) == 12 and bin.isdigit()):
        raise ValueError("a legal-entity role needs a 12-digit bin")
    if not legal and bin:
        raise ValueError("an individual's certificate carries no BIN")
    key = key or new_key()
    not_before = _aware(not_before) if not_before else pki.now - dt.timedelta(hours=1)
    not_after = _aware(not_after) if not_after else pki.now + dt.timedelta(days=365)

    attrs = [
        x509.NameAttribute(NameOID.COMMON_NAME, f"{surname} {given_name}"),
        x509.NameAttribute(NameOID.SURNAME, surname),
        x509.NameAttribute(NameOID.SERIAL_NUMBER, f"IIN{iin}"),
        x509.NameAttribute(NameOID.COUNTRY_NAME, "KZ"),
    ]
    if legal:
        attrs.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, org or f"ORGANISATION {bin}"))
        attrs.append(x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, f"BIN{bin}"))
    attrs.append(x509.NameAttribute(NameOID.GIVEN_NAME, given_name))
    if email:
        attrs.append(x509.NameAttribute(NameOID.EMAIL_ADDRESS, email))

    signing = purpose == "sign"
    builder = (
        x509.CertificateBuilder()
        .subject_name(x509.Name(attrs))
        .issuer_name(pki.ca_cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True, content_commitment=signing, key_encipherment=not signing,
                data_encipherment=False, key_agreement=False, key_cert_sign=False, crl_sign=False,
                encipher_only=False, decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.ExtendedKeyUsage([PURPOSE_EKU[purpose], *ROLE_OIDS[role]]), critical=False)
        .add_extension(
            x509.CertificatePolicies(
                [x509.PolicyInformation(POLICY_OIDS[("legal" if legal else "individual", purpose)], None)]
            ),
            critical=False,
        )
        .add_extension(
            x509.CRLDistributionPoints(
                [x509.DistributionPoint([x509.UniformResourceIdentifier(pki.crl_url("issuing"))], None, None, None)]
            ),
            critical=False,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(pki.ca_key.public_key()), critical=False)
    )
    if email:
        builder = builder.add_extension(x509.SubjectAlternativeName([x509.RFC822Name(email)]), critical=False)
    return builder.sign(pki.ca_key, hashes.SHA256()), key


def revoke(pki: DemoPki, cert: x509.Certificate, *, when: dt.datetime | None = None) -> None:
    """Put ``cert`` on its CA's CRL and re-issue the CRLs."""
    if cert.issuer == pki.ca_cert.subject:
        which = "issuing"
    elif cert.issuer == pki.root_cert.subject:
        which = "root"
    else:
        raise ValueError("certificate was not issued by this PKI")
    when = _aware(when or pki.now)
    pki.revoked.setdefault(which, {})[cert.serial_number] = when.isoformat()
    write_crls(pki, max(when, pki.now))


def save_user(
    pki: DemoPki,
    cert: x509.Certificate,
    key: rsa.RSAPrivateKey,
    *,
    password: str | bytes,
    name: str | None = None,
) -> Path:
    """Write ``users/<name>.p12`` (key + cert + CA chain) and ``users/<name>.pem``.

    Default name: ``IIN<iin>_<purpose>`` (or ``..._BIN<bin>_...`` for legal entities).
    """
    if name is None:
        from integrations.signatures import subject_identity  # local: avoid import cycle at module load

        iin, bin_ = subject_identity(cert)
        eku = cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
        purpose = "sign" if ExtendedKeyUsageOID.EMAIL_PROTECTION in eku else "auth"
        name = f"IIN{iin}" + (f"_BIN{bin_}" if bin_ else "") + f"_{purpose}"
    if isinstance(password, str):
        password = password.encode()
    p12 = pkcs12.serialize_key_and_certificates(
        name.encode(), key, cert, [pki.ca_cert, pki.root_cert],
        serialization.BestAvailableEncryption(password),
    )
    path = pki.users_dir / f"{name}.p12"
    _write(path, p12, mode=0o600)
    _write(pki.users_dir / f"{name}.pem", cert_pem(cert))
    return path


def load_pkcs12(path: Path, password: str | bytes):
    """Read a PKCS#12 file: returns (cert, key, additional_certs)."""
    if isinstance(password, str):
        password = password.encode()
    key, cert, extra = pkcs12.load_key_and_certificates(Path(path).read_bytes(), password)
    return cert, key, extra
