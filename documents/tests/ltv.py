"""Helpers of the long-term validation tests: a CA that lives through ten years as a real one does (a new
issuing CA generation, TSA certificates renewed), CRLs published at simulated dates into the trust store, and
the independent check — the pyhanko command line, run offline (no network at all) as a subprocess."""
from __future__ import annotations

import datetime as dt
import subprocess
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from documents import renewal
from integrations import pki as demo_pki
from integrations import trust

YEAR = dt.timedelta(days=365)
CRL_VALIDITY = dt.timedelta(days=7)  # as the demo PKI's
# What pyHanko 0.38's AdES validation needs at the date of the check (measured; docs/adr/0019): the TSA certificate
# of the first document timestamp still valid (an expired one's timestamp is not past-validated:
# REVOCATION_OUT_OF_BOUNDS_NO_POE), and every CA on every path still valid (an expired intermediate is
# CERTIFICATE_CHAIN_GENERAL_FAILURE, never improved). So, as real TSAs and CAs do for archives: TSA certificates
# of 11 years (the TSA's key is used for one, the certificate outlives the tokens it signed), issuing CAs of 15
# (they issue for four, then the next generation does).
TSA_LIFETIME = 11 * YEAR
CA_LIFETIME = 15 * YEAR


def _name(cn: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn),
                      x509.NameAttribute(NameOID.ORGANIZATION_NAME, "E-licensing demo PKI"),
                      x509.NameAttribute(NameOID.COUNTRY_NAME, "KZ")])


def _cdp(url):
    return x509.CRLDistributionPoints([x509.DistributionPoint([x509.UniformResourceIdentifier(url)], None, None, None)])


@dataclass
class Ca:
    name: str  # the CRL file's stem in the trust folder: root, issuing, issuing-2
    cert: x509.Certificate
    key: object


def _issuing_ca_cert(subject, key, root_cert, root_key, not_before, not_after, root_crl_url):
    return (x509.CertificateBuilder().subject_name(subject).issuer_name(root_cert.subject).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(not_before).not_valid_after(not_after)
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(x509.KeyUsage(digital_signature=False, content_commitment=False, key_encipherment=False,
                                         data_encipherment=False, key_agreement=False, key_cert_sign=True,
                                         crl_sign=True, encipher_only=False, decipher_only=False), critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(root_key.public_key()), critical=False)
            .add_extension(_cdp(root_crl_url), critical=False)
            .sign(root_key, hashes.SHA256()))


def with_long_lived_issuing_ca(pki: demo_pki.DemoPki) -> demo_pki.DemoPki:
    """A fresh demo PKI whose issuing CA (same name and key) is valid CA_LIFETIME instead of the demo's ten years:
    to be called before anything is issued from it."""
    ca = pki.ca_cert
    pki.ca_cert = _issuing_ca_cert(ca.subject, pki.ca_key, pki.root_cert, pki.root_key, ca.not_valid_before_utc,
                                   ca.not_valid_before_utc + CA_LIFETIME, pki.crl_url("root"))
    pki.ca_pem_path.write_bytes(pki.ca_cert.public_bytes(serialization.Encoding.PEM))
    return pki


class Timeline:
    """The demo PKI of the test (``integrations.pki``, its root and first issuing CA), living on: a second issuing
    CA generation, TSA certificates, CRLs published at a given date — each step written to the trust folder and
    mirrored into the trust store, as the CA's publication and the operator would."""

    def __init__(self, pki: demo_pki.DemoPki, tsa_root: Path):
        self.pki = pki
        self.tsa_root = tsa_root
        self.root = Ca("root", pki.root_cert, pki.root_key)
        self.cas = [Ca("issuing", pki.ca_cert, pki.ca_key)]
        self.numbers: dict[str, int] = {}
        self.tsa_dirs: list[Path] = []

    def new_issuing_ca(self, at: dt.datetime) -> Ca:
        """The root issues the next generation of the issuing CA (its CRL at ``issuing-<n>.crl``)."""
        n = len(self.cas) + 1
        key = demo_pki.new_key()
        name = f"issuing-{n}"
        cert = _issuing_ca_cert(_name(f"DEMO ISSUING CA {n} (RSA) - NOT NCA"), key, self.root.cert, self.root.key,
                                at - dt.timedelta(hours=1), at + CA_LIFETIME, self.pki.crl_url("root"))
        ca = Ca(name, cert, key)
        self.cas.append(ca)
        path = self.pki.directory / "intermediates" / f"{name}.pem"
        path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
        return ca

    def new_tsa(self, at: dt.datetime, ca: Ca | None = None) -> Path:
        """A TSA certificate from ``ca`` (default: the newest issuing CA), valid TSA_LIFETIME (capped by the CA),
        in a folder of its own for ``ELICENSE_TSA_DIR``."""
        ca = ca or self.cas[-1]
        key = demo_pki.new_key()
        cert = (x509.CertificateBuilder().subject_name(_name(f"E-licensing demo TSA {at:%Y-%m} - NOT NCA"))
                .issuer_name(ca.cert.subject).public_key(key.public_key()).serial_number(x509.random_serial_number())
                .not_valid_before(at - dt.timedelta(hours=1))
                .not_valid_after(min(at + TSA_LIFETIME, ca.cert.not_valid_after_utc))
                .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
                .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=True, key_encipherment=False,
                                             data_encipherment=False, key_agreement=False, key_cert_sign=False,
                                             crl_sign=False, encipher_only=False, decipher_only=False), critical=True)
                .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
                .add_extension(_cdp(self.pki.crl_url(ca.name)), critical=False)
                .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
                .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca.key.public_key()), critical=False)
                .sign(ca.key, hashes.SHA256()))
        folder = self.tsa_root / f"tsa-{len(self.tsa_dirs) + 1}"
        folder.mkdir(parents=True)
        (folder / "tsa.pem").write_bytes(b"".join(c.public_bytes(serialization.Encoding.PEM)
                                                  for c in (cert, ca.cert, self.root.cert)))
        (folder / "tsa.key.pem").write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                                               serialization.PrivateFormat.PKCS8,
                                                               serialization.NoEncryption()))
        self.tsa_dirs.append(folder)
        return folder

    def publish_crls(self, at: dt.datetime) -> list[str]:
        """Every CA still valid at ``at`` issues its CRL (valid seven days from ``at``); into the trust folder
        and the trust store. An expired CA publishes no more (its last CRL stays in the folder)."""
        published = []
        for ca in [self.root, *self.cas]:
            if ca.cert.not_valid_after_utc <= at:
                continue
            self.numbers[ca.name] = self.numbers.get(ca.name, self.pki.crl_number.get(ca.name, 0)) + 1
            crl = (x509.CertificateRevocationListBuilder().issuer_name(ca.cert.subject).last_update(at)
                   .next_update(at + CRL_VALIDITY).add_extension(x509.CRLNumber(self.numbers[ca.name]), critical=False)
                   .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca.key.public_key()),
                                  critical=False)
                   .sign(ca.key, hashes.SHA256()))
            (self.pki.directory / "crls" / f"{ca.name}.crl.pem").write_bytes(
                crl.public_bytes(serialization.Encoding.PEM))
            published.append(ca.name)
        trust.import_directory(self.pki.directory, replace=True)
        return published


@dataclass
class Check:
    """What the two commands of the check said about one PDF at one time: the pyhanko command line (the signature,
    long-term) and documents.timestamp_check (every document timestamp intact)."""

    returncode: int
    summary: str  # adesverify's summary line (field:fingerprint:status) or the error's last line
    seconds: float
    timestamps_returncode: int = 0
    timestamps: str = ""

    @property
    def passed(self) -> bool:
        return self.returncode == 0 and ":INTACT:TRUSTED," in self.summary and self.timestamps_returncode == 0

    def __str__(self) -> str:
        status = self.summary.split(":", 2)[-1] if self.summary.startswith("Signature:") else self.summary
        stamps = "timestamps " + ("intact" if self.timestamps_returncode == 0 else "BROKEN")
        return f"{'PASS' if self.passed else 'FAIL'} (exit {self.returncode}: {status[:100]}; {stamps})"


def validate(pdf: bytes, root_pem: Path, at: dt.datetime, folder: Path, name: str) -> Check:
    """``pyhanko sign adesverify --trust <root> --trust-replace --validation-time <at> <file>`` with no network
    (``documents.renewal.pyhanko_command``: ``unshare -rn``), in a process whose clock stands at ``at``
    (documents.tests.pyhanko_at: pyHanko's past validation reads the wall clock)."""
    import sys
    import time

    path = folder / f"{name}.pdf"
    path.write_bytes(pdf)
    started = time.perf_counter()
    launcher = [sys.executable, "-m", "documents.tests.pyhanko_at", at.isoformat()]
    project = Path(__file__).resolve().parents[2]
    result = subprocess.run(renewal.pyhanko_command(path, [root_pem], at=at, launcher=launcher), capture_output=True,
                            text=True, timeout=180, cwd=project)
    stamps = subprocess.run(renewal.timestamp_check_command(path), capture_output=True, text=True, timeout=60,
                            cwd=project)
    lines = [line for line in result.stdout.splitlines() if line.startswith("Signature:")]
    summary = lines[-1] if lines else (result.stderr.strip().splitlines() or ["(no output)"])[-1]
    return Check(result.returncode, summary, time.perf_counter() - started, stamps.returncode, stamps.stdout.strip())


def flipped(pdf: bytes, position: int) -> bytes:
    return pdf[:position] + bytes([pdf[position] ^ 0x01]) + pdf[position + 1:]


def signed_ranges(pdf: bytes) -> list[tuple[int, int]]:
    """The byte ranges the last document timestamp covers: the whole file except that timestamp's /Contents."""
    import io

    from pyhanko.pdf_utils.reader import PdfFileReader

    last = PdfFileReader(io.BytesIO(pdf)).embedded_signatures[-1]
    br = list(last.byte_range)
    return [(br[0], br[0] + br[1]), (br[2], br[2] + br[3])]
