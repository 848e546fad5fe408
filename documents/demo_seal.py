"""DEMO ONLY: issuing a demo system seal and a demo TSA certificate into the seal folder (``manage.py
make_demo_seal``; docs/signatures.md "The system seal and the TSA"). Production refuses what this writes.

    issue_demo_seal(directory=None, *, issuer_dir=None, force=False, crl_days=365) -> DemoSeal

* ``issuer_dir`` (default ELICENSE_TRUST_DIR) holds the demo PKI (``integrations/pki.py``, with its
  ``private/`` CA keys): the seal and the TSA certificate are issued by its issuing CA, so the demo's trust root
  covers them. This reads the demo PKI's CA key **now**, at set-up; the system reads only the seal's own files
  when it signs (documents.seal).
* Otherwise a CA of its own ("E-LICENSING DEMO SEAL CA - NOT NCA", organisation "E-licensing demo PKI"):
  self-signed, issues both certificates and one CRL (``crl_days``), then its private key is dropped — nothing
  can be issued from it again. Its certificate and CRL go into the trust store (a root and a CRL, audited)
  unless a root of that subject is there already.

Written (keys 0600): ``seal.pem`` (certificate + chain), ``seal.key.pem``, ``tsa.pem``, ``tsa.key.pem``, and in
the second case ``ca.pem``, ``ca.crl``. Existing files are kept unless ``force``.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from django.conf import settings

from core.identifiers import complete
from documents import conf, seal
from integrations import pki as demo_pki

SYSTEM_IIN = "000000000000"
DEMO_PROVIDER_BIN = complete("99024000001") or complete("99024000002")
OWN_CA_NAME = x509.Name([
    x509.NameAttribute(NameOID.COMMON_NAME, "E-LICENSING DEMO SEAL CA - NOT NCA"),
    x509.NameAttribute(NameOID.ORGANIZATION_NAME, "E-licensing demo PKI"),
    x509.NameAttribute(NameOID.COUNTRY_NAME, "KZ"),
])


@dataclass
class DemoSeal:
    directory: Path
    seal_cert: x509.Certificate
    tsa_cert: x509.Certificate
    issuer: str  # "demo PKI <dir>" or "own CA"
    created: bool
    trust_added: list[str]


def _tsa_certificate(ca: demo_pki.DemoPki, now: dt.datetime):
    key = demo_pki.new_key()
    name = x509.Name([
        x509.NameAttribute(NameOID.COMMON_NAME, "E-licensing demo TSA - NOT NCA"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, "E-licensing demo PKI"),
        x509.NameAttribute(NameOID.COUNTRY_NAME, "KZ"),
    ])
    builder = (
        x509.CertificateBuilder().subject_name(name).issuer_name(ca.ca_cert.subject)
        .public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(hours=1))
        .not_valid_after(min(now + dt.timedelta(days=365 * 5), ca.ca_cert.not_valid_after_utc))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=True, key_encipherment=False,
                                     data_encipherment=False, key_agreement=False, key_cert_sign=False,
                                     crl_sign=False, encipher_only=False, decipher_only=False), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca.ca_key.public_key()), critical=False)
    )
    if ca.ca_cert.subject != OWN_CA_NAME:  # the demo PKI's issuing CA publishes a CRL; the own CA does not
        builder = builder.add_extension(x509.CRLDistributionPoints([x509.DistributionPoint(
            [x509.UniformResourceIdentifier(ca.crl_url("issuing"))], None, None, None)]), critical=False)
    return builder.sign(ca.ca_key, hashes.SHA256()), key


def _own_ca(now: dt.datetime, directory: Path) -> demo_pki.DemoPki:
    key = demo_pki.new_key()
    cert = demo_pki._ca_cert(OWN_CA_NAME, OWN_CA_NAME, key.public_key(), key, key.public_key(),
                             now - dt.timedelta(days=1), now + dt.timedelta(days=365 * 10), 0, None)
    # One CA both "root" and "issuing" for demo_pki.issue; nothing of it is written but its certificate.
    return demo_pki.DemoPki(directory=directory, root_cert=cert, root_key=key, ca_cert=cert, ca_key=key, now=now)


def _demo_pki(issuer_dir: Path) -> demo_pki.DemoPki | None:
    if not (issuer_dir / "private" / "issuing.key.pem").is_file():
        return None
    return demo_pki.load_pki(issuer_dir)


def issue_demo_seal(directory: Path | str | None = None, *, issuer_dir: Path | str | None = None,
                    force: bool = False, crl_days: int = 365) -> DemoSeal:
    """See the module's docstring."""
    from integrations import actions, trust

    directory = Path(directory) if directory is not None else conf.seal_dir()
    seal_pem, seal_key = directory / "seal.pem", directory / "seal.key.pem"
    tsa_pem, tsa_key = directory / "tsa.pem", directory / "tsa.key.pem"
    if not force and all(p.is_file() for p in (seal_pem, seal_key, tsa_pem, tsa_key)):
        certs = [x509.load_pem_x509_certificate(p.read_bytes()) for p in (seal_pem, tsa_pem)]
        return DemoSeal(directory, certs[0], certs[1], "existing", False, [])
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    issuer_dir = Path(issuer_dir) if issuer_dir is not None else Path(settings.ELICENSE_TRUST_DIR)
    ca = _demo_pki(issuer_dir)
    own = ca is None
    if own:
        ca = _own_ca(now, directory)
        chain = [ca.ca_cert]
        issuer = "own CA"
    else:
        ca = dataclasses.replace(ca, now=now)
        chain = [ca.ca_cert, ca.root_cert]
        issuer = f"demo PKI {issuer_dir}"
    cert, key = demo_pki.issue(ca, iin=SYSTEM_IIN, bin=DEMO_PROVIDER_BIN, org=seal.DEMO_SEAL_ORGANISATION,
                               surname="E-LICENSING", given_name="SYSTEM SEAL", purpose="sign", role="signing_right",
                               not_after=min(now + dt.timedelta(days=365 * 3), ca.ca_cert.not_valid_after_utc))
    tsa_cert, tsa_private = _tsa_certificate(ca, now)
    seal.write_key(seal_key, key)
    seal.write_certificates(seal_pem, [cert, *chain])
    seal.write_key(tsa_key, tsa_private)
    seal.write_certificates(tsa_pem, [tsa_cert, *chain])
    added = []
    if own:
        crl = demo_pki._build_crl(dataclasses.replace(ca, crl_validity=dt.timedelta(days=crl_days)), "issuing", now)
        crl_der = crl.public_bytes(serialization.Encoding.DER)
        seal.write_certificates(directory / "ca.pem", [ca.ca_cert])
        (directory / "ca.crl").write_bytes(crl_der)
        store = trust.current_store()
        if not any(c.is_root and c.cert == ca.ca_cert for c in store.cas.values()):
            added.append(actions.add_trust_item(kind="root", content=ca.ca_cert.public_bytes(serialization.Encoding.PEM)))
            added.append(actions.add_trust_item(kind="crl", content=crl_der))
        del ca  # the CA's private key is not written anywhere
    return DemoSeal(directory, cert, tsa_cert, issuer, True, added)
