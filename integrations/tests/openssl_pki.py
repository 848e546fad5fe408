"""A PKI of the NCA's shape built with the ``openssl`` command line only — for tests that must not depend on the
project's own demo PKI (``integrations/pki.py``) nor on ``cryptography`` for issuing anything.

Every certificate, CRL, PKCS#12 bundle and CMS signature here is made by a subprocess ``openssl req``,
``openssl ca``, ``openssl crl``, ``openssl pkcs12`` or ``openssl cms``; ``cryptography`` is used only to
*read* what openssl wrote (so that a test can look at a serial or a subject). It is what a real CA's material
looks like to the system: a root, an issuing CA under it, DER CRLs of both (with an issuing distribution
point naming their URL), end-entity certificates with the NCA's subject, role and policy OIDs.

Usage::

    from integrations.tests.openssl_pki import OpensslPki

    p = OpensslPki.create(tmp_path / "nca", crl_base_url="http://127.0.0.1:8123/crl/")
    alice = p.issue("alice", iin="900101300123", surname="ALIEVA", given_name="ALIYA", role="individual")
    head = p.issue("head", iin="850505400456", bin="010140000143", org="TOO TEST", surname="B", given_name="C",
                   role="first_head")                      # purpose="sign" (default) or "auth"
    tsa = p.issue_tsa()                                    # critical EKU timeStamping
    p.write_identity(seal_entity, "seal.pem", "seal.key.pem")   # cert + chain, key: for documents.seal's settings
    cms = p.sign_detached(alice, b"payload")               # openssl cms -sign: detached, DER, SHA-256,
                                                           # the issuing CA's certificate inside the CMS
    p.revoke(alice)                                        # openssl ca -revoke + new CRLs of both CAs
    p.gen_crls(days=7)                                     # re-issue both CRLs (DER files below)
    p.gen_delta_crl("issuing")                             # a delta CRL (DER bytes), for refusal tests
    p.trust_folder(tmp_path / "trust")                     # roots/ + crls/ only (the issuing CA is *not* there)
    p.trust_folder(tmp_path / "trust2", intermediates=True)  # + intermediates/issuing.pem
    p.install(settings, tmp_path / "system")               # a fresh system on this PKI only: trust store (DB),
                                                           # system seal and TSA (ELICENSE_SEAL_*/TSA_* settings)

    p.root_pem, p.issuing_pem                              # CA certificates (PEM files)
    p.root_crl, p.issuing_crl                              # CRLs, DER (p.crl_der("root"|"issuing") -> bytes)
    alice.cert_pem, alice.key_pem, alice.p12               # Paths; alice.p12 password: p.password
    alice.cert                                             # the certificate, parsed (read only)
    p.crl_url("issuing")                                   # the CRL distribution point named in the certificates

Layout of ``directory`` (``openssl ca``'s own databases)::

    root/   root.key.pem root.pem index.txt serial crlnumber ca.cnf newcerts/ root.crl.pem root.crl (DER)
    issuing/ issuing.key.pem issuing.pem ... issuing.crl (DER)
    users/  <name>.key.pem <name>.pem <name>.p12 (+ <name>.ext, the extensions file given to openssl ca)

Profiles (what ``integrations/signatures/verify.py`` expects, docs/signatures.md):

| purpose | key usage (critical) | extended key usage |
|---|---|---|
| sign | digitalSignature, nonRepudiation | emailProtection + role OIDs |
| auth | digitalSignature, keyEncipherment | clientAuth + role OIDs |

role ``individual``: ``1.2.398.3.3.4.1.1``, subject ``CN, SN, serialNumber=IIN…, C=KZ, GN``;
``first_head`` / ``signing_right`` / ``employee``: ``1.2.398.3.3.4.1.2`` plus ``.2.1`` / ``.2.2`` / ``.2.5``,
subject also ``O=<org>, OU=BIN…``. Policy ``1.2.398.3.3.2.<n>`` (as the demo PKI). RSA-2048, SHA-256.
The CA names end in "- OPENSSL TEST" (never "E-licensing demo PKI": production's demo check does not see
them as demo material, which is the point — they stand for a real CA).
"""
from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509

OPENSSL = shutil.which("openssl") or "openssl"
ROLE_OIDS = {
    "individual": ["1.2.398.3.3.4.1.1"],
    "first_head": ["1.2.398.3.3.4.1.2", "1.2.398.3.3.4.1.2.1"],
    "signing_right": ["1.2.398.3.3.4.1.2", "1.2.398.3.3.4.1.2.2"],
    "employee": ["1.2.398.3.3.4.1.2", "1.2.398.3.3.4.1.2.5"],
}
POLICY = {("individual", "sign"): "1.2.398.3.3.2.1", ("individual", "auth"): "1.2.398.3.3.2.2",
          ("legal", "sign"): "1.2.398.3.3.2.3", ("legal", "auth"): "1.2.398.3.3.2.4"}
ROOT_SUBJECT = "/CN=TEST ROOT CA (RSA) - OPENSSL TEST/O=Test national certification authority/C=KZ"
ISSUING_SUBJECT = "/CN=TEST ISSUING CA (RSA) - OPENSSL TEST/O=Test national certification authority/C=KZ"

_CA_CNF = """\
[ ca ]
default_ca = this_ca
[ this_ca ]
dir = {dir}
database = $dir/index.txt
new_certs_dir = $dir/newcerts
serial = $dir/serial
crlnumber = $dir/crlnumber
certificate = $dir/{name}.pem
private_key = $dir/{name}.key.pem
default_md = sha256
default_days = 365
default_crl_days = 7
policy = policy_any
unique_subject = no
copy_extensions = none
email_in_dn = no
name_opt = ca_default
cert_opt = ca_default
crl_extensions = crl_ext
[ policy_any ]
commonName = supplied
[ crl_ext ]
authorityKeyIdentifier = keyid:always
issuingDistributionPoint = @idp
[ idp ]
fullname = URI:{crl_url}
[ req ]
distinguished_name = dn
string_mask = utf8only
utf8 = yes
prompt = no
[ dn ]
CN = unused
[ v3_root ]
basicConstraints = critical,CA:TRUE,pathlen:1
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
[ v3_issuing ]
basicConstraints = critical,CA:TRUE,pathlen:0
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
crlDistributionPoints = URI:{root_crl_url}
certificatePolicies = 1.2.398.3.3.2
"""


def run(*args: str, input: bytes | None = None) -> bytes:  # noqa: A002 - subprocess's own word
    """One ``openssl`` call; raises with openssl's stderr on failure."""
    done = subprocess.run([OPENSSL, *args], input=input, capture_output=True, timeout=60,
                          env={**os.environ, "OPENSSL_CONF": "/dev/null"})
    if done.returncode != 0:
        raise RuntimeError(f"openssl {' '.join(args[:2])} failed: {done.stderr.decode(errors='replace')}")
    return done.stdout


def _stamp(when: dt.datetime) -> str:
    return when.astimezone(dt.UTC).strftime("%Y%m%d%H%M%SZ")


def _esc(value: str) -> str:
    return value.replace("\\", "\\\\").replace("/", "\\/").replace("=", "\\=").replace("+", "\\+")


@dataclass
class EndEntity:
    name: str
    cert_pem: Path
    key_pem: Path
    p12: Path
    iin: str
    bin: str
    role: str
    purpose: str

    @property
    def cert(self) -> x509.Certificate:
        return x509.load_pem_x509_certificate(self.cert_pem.read_bytes())

    @property
    def serial_hex(self) -> str:
        return format(self.cert.serial_number, "x")


@dataclass
class OpensslPki:
    directory: Path
    crl_base_url: str
    password: str = "Qwerty12"

    # -- paths --
    def _ca_dir(self, which: str) -> Path:
        return self.directory / which

    @property
    def root_pem(self) -> Path:
        return self.directory / "root" / "root.pem"

    @property
    def issuing_pem(self) -> Path:
        return self.directory / "issuing" / "issuing.pem"

    @property
    def root_crl(self) -> Path:
        return self.directory / "root" / "root.crl"

    @property
    def issuing_crl(self) -> Path:
        return self.directory / "issuing" / "issuing.crl"

    def crl_der(self, which: str) -> bytes:
        return (self.directory / which / f"{which}.crl").read_bytes()

    def crl_url(self, which: str) -> str:
        return f"{self.crl_base_url}{which}.crl"

    @property
    def root_cert(self) -> x509.Certificate:
        return x509.load_pem_x509_certificate(self.root_pem.read_bytes())

    @property
    def issuing_cert(self) -> x509.Certificate:
        return x509.load_pem_x509_certificate(self.issuing_pem.read_bytes())

    def _cnf(self, which: str) -> Path:
        return self._ca_dir(which) / "ca.cnf"

    # -- building --
    @classmethod
    def create(cls, directory: Path | str, *, crl_base_url: str = "http://crl.openssl-test.invalid/",
               crl_days: int = 7, password: str = "Qwerty12") -> OpensslPki:
        """A root CA (self-signed with ``openssl req -x509``), an issuing CA (``openssl ca`` under the root) and
        the first DER CRLs of both."""
        p = cls(Path(directory), crl_base_url, password)
        for which in ("root", "issuing"):
            folder = p._ca_dir(which)
            (folder / "newcerts").mkdir(parents=True, exist_ok=True)
            (folder / "index.txt").write_text("")
            (folder / "serial").write_text(os.urandom(8).hex().upper() + "\n")
            (folder / "crlnumber").write_text("01\n")
            p._cnf(which).write_text(_CA_CNF.format(dir=folder, name=which, crl_url=p.crl_url(which),
                                                    root_crl_url=p.crl_url("root")))
        (p.directory / "users").mkdir(exist_ok=True)
        root = p._ca_dir("root")
        run("req", "-x509", "-new", "-newkey", "rsa:2048", "-nodes", "-sha256", "-days", "7300",
            "-config", str(p._cnf("root")), "-extensions", "v3_root", "-subj", ROOT_SUBJECT, "-set_serial", "1",
            "-keyout", str(root / "root.key.pem"), "-out", str(p.root_pem))
        issuing = p._ca_dir("issuing")
        csr = issuing / "issuing.csr"
        run("req", "-new", "-newkey", "rsa:2048", "-nodes", "-config", str(p._cnf("issuing")),
            "-subj", ISSUING_SUBJECT, "-keyout", str(issuing / "issuing.key.pem"), "-out", str(csr))
        run("ca", "-batch", "-notext", "-config", str(p._cnf("root")), "-extensions", "v3_issuing",
            "-days", "3650", "-in", str(csr), "-out", str(p.issuing_pem))
        for path in (root / "root.key.pem", issuing / "issuing.key.pem"):
            path.chmod(0o600)
        p.gen_crls(days=crl_days)
        return p

    def gen_crls(self, *, days: int = 7, which: tuple[str, ...] = ("root", "issuing")) -> None:
        """``openssl ca -gencrl`` for each CA, then ``openssl crl -outform DER``: ``<ca>/<ca>.crl``."""
        for name in which:
            folder = self._ca_dir(name)
            run("ca", "-gencrl", "-config", str(self._cnf(name)), "-crldays", str(days),
                "-out", str(folder / f"{name}.crl.pem"))
            run("crl", "-in", str(folder / f"{name}.crl.pem"), "-outform", "DER", "-out", str(folder / f"{name}.crl"))

    def gen_delta_crl(self, which: str = "issuing", *, base: int = 1, days: int = 1) -> bytes:
        """A delta CRL (critical deltaCRLIndicator ``base``) of ``which``, DER — a CRL the trust store must not
        take for the full one."""
        cnf = self._cnf(which)
        if "[ delta_ext ]" not in cnf.read_text():
            cnf.write_text(cnf.read_text() + "[ delta_ext ]\nauthorityKeyIdentifier = keyid:always\n"
                           f"2.5.29.27 = critical,ASN1:INTEGER:{base}\n")
        folder = self._ca_dir(which)
        run("ca", "-gencrl", "-config", str(cnf), "-crlexts", "delta_ext", "-crldays", str(days),
            "-out", str(folder / f"{which}.delta.crl.pem"))
        return run("crl", "-in", str(folder / f"{which}.delta.crl.pem"), "-outform", "DER")

    def issue(self, name: str, *, iin: str, surname: str, given_name: str, role: str = "individual",
              purpose: str = "sign", bin: str = "", org: str = "",  # noqa: A002 - the NCA's own word
              not_before: dt.datetime | None = None, not_after: dt.datetime | None = None,
              key: Path | None = None) -> EndEntity:
        """An end-entity certificate from the issuing CA (``openssl req`` + ``openssl ca``) and its PKCS#12
        (key, certificate, issuing CA, root; ``openssl pkcs12 -export``, password ``self.password``).
        ``key``: reuse a private key file (RSA generation is the slow part)."""
        if role not in ROLE_OIDS or purpose not in ("sign", "auth"):
            raise ValueError(f"role {role!r} / purpose {purpose!r}")
        legal = role != "individual"
        if legal != bool(bin):
            raise ValueError("a legal-entity role needs a BIN, an individual has none")
        users = self.directory / "users"
        key_path, cert_path, csr = users / f"{name}.key.pem", users / f"{name}.pem", users / f"{name}.csr"
        subject = f"/CN={_esc(surname)} {_esc(given_name)}/SN={_esc(surname)}/serialNumber=IIN{iin}/C=KZ"
        if legal:
            subject += f"/O={_esc(org or 'ORGANISATION ' + bin)}/OU=BIN{bin}"
        subject += f"/GN={_esc(given_name)}"
        if key is not None:
            shutil.copyfile(key, key_path)
            run("req", "-new", "-key", str(key_path), "-config", str(self._cnf("issuing")), "-utf8",
                "-subj", subject, "-out", str(csr))
        else:
            run("req", "-new", "-newkey", "rsa:2048", "-nodes", "-config", str(self._cnf("issuing")), "-utf8",
                "-subj", subject, "-keyout", str(key_path), "-out", str(csr))
        key_path.chmod(0o600)
        usage = "digitalSignature,nonRepudiation" if purpose == "sign" else "digitalSignature,keyEncipherment"
        eku = ["emailProtection" if purpose == "sign" else "clientAuth", *ROLE_OIDS[role]]
        ext = users / f"{name}.ext"
        ext.write_text(
            "[ ee ]\nbasicConstraints = critical,CA:FALSE\n"
            f"keyUsage = critical,{usage}\nextendedKeyUsage = {','.join(eku)}\n"
            f"certificatePolicies = {POLICY[('legal' if legal else 'individual', purpose)]}\n"
            f"crlDistributionPoints = URI:{self.crl_url('issuing')}\n"
            "subjectKeyIdentifier = hash\nauthorityKeyIdentifier = keyid:always\n")
        now = dt.datetime.now(dt.UTC)
        start = not_before or now - dt.timedelta(hours=1)
        end = not_after or now + dt.timedelta(days=365)
        run("ca", "-batch", "-notext", "-utf8", "-preserveDN", "-config", str(self._cnf("issuing")),
            "-extfile", str(ext), "-extensions", "ee", "-startdate", _stamp(start), "-enddate", _stamp(end),
            "-in", str(csr), "-out", str(cert_path))
        chain = users / f"{name}.chain.pem"
        chain.write_bytes(self.issuing_pem.read_bytes() + self.root_pem.read_bytes())
        p12 = users / f"{name}.p12"
        run("pkcs12", "-export", "-inkey", str(key_path), "-in", str(cert_path), "-certfile", str(chain),
            "-name", name, "-passout", f"pass:{self.password}", "-out", str(p12))
        p12.chmod(0o600)
        return EndEntity(name, cert_path, key_path, p12, iin, bin, role, purpose)

    def issue_tsa(self, name: str = "tsa", *, key: Path | None = None) -> EndEntity:
        """A timestamp authority's certificate from the issuing CA: key usage digitalSignature +
        nonRepudiation, critical EKU timeStamping (RFC 3161), CRL distribution point."""
        users = self.directory / "users"
        key_path, cert_path, csr = users / f"{name}.key.pem", users / f"{name}.pem", users / f"{name}.csr"
        subject = "/CN=TEST TSA - OPENSSL TEST/O=Test national certification authority/C=KZ"
        if key is not None:
            shutil.copyfile(key, key_path)
            run("req", "-new", "-key", str(key_path), "-config", str(self._cnf("issuing")), "-subj", subject,
                "-out", str(csr))
        else:
            run("req", "-new", "-newkey", "rsa:2048", "-nodes", "-config", str(self._cnf("issuing")),
                "-subj", subject, "-keyout", str(key_path), "-out", str(csr))
        key_path.chmod(0o600)
        ext = users / f"{name}.ext"
        ext.write_text("[ tsa ]\nbasicConstraints = critical,CA:FALSE\nkeyUsage = critical,digitalSignature,"
                       "nonRepudiation\nextendedKeyUsage = critical,timeStamping\n"
                       f"crlDistributionPoints = URI:{self.crl_url('issuing')}\n"
                       "subjectKeyIdentifier = hash\nauthorityKeyIdentifier = keyid:always\n")
        run("ca", "-batch", "-notext", "-preserveDN", "-config", str(self._cnf("issuing")), "-extfile", str(ext),
            "-extensions", "tsa", "-days", "1825", "-in", str(csr), "-out", str(cert_path))
        return EndEntity(name, cert_path, key_path, users / f"{name}.p12", "", "", "tsa", "tsa")

    def write_identity(self, entity: EndEntity, cert_path: Path | str, key_path: Path | str) -> None:
        """``entity``'s certificate followed by the issuing CA and the root (PEM), and its key (0600): the files
        ``ELICENSE_SEAL_CERT``/``ELICENSE_SEAL_KEY`` or ``ELICENSE_TSA_CERT``/``ELICENSE_TSA_KEY`` name
        (documents.seal)."""
        cert_path, key_path = Path(cert_path), Path(key_path)
        cert_path.parent.mkdir(parents=True, exist_ok=True)
        key_path.parent.mkdir(parents=True, exist_ok=True)
        cert_path.write_bytes(entity.cert_pem.read_bytes() + self.issuing_pem.read_bytes() + self.root_pem.read_bytes())
        shutil.copyfile(entity.key_pem, key_path)
        key_path.chmod(0o600)

    def revoke(self, entity: EndEntity, *, reason: str = "keyCompromise") -> None:
        """``openssl ca -revoke`` on the issuing CA, then new CRLs of both CAs."""
        run("ca", "-config", str(self._cnf("issuing")), "-revoke", str(entity.cert_pem), "-crl_reason", reason)
        self.gen_crls()

    def revoke_issuing_ca(self) -> None:
        """The root revokes the issuing CA (everything under it is then refused)."""
        run("ca", "-config", str(self._cnf("root")), "-revoke", str(self.issuing_pem), "-crl_reason",
            "CACompromise")
        self.gen_crls()

    def copy(self, target: Path | str) -> OpensslPki:
        """The same CAs in another folder (a test that revokes or re-issues CRLs works on its own copy)."""
        target = Path(target)
        shutil.copytree(self.directory, target)
        for which in ("root", "issuing"):
            cnf = target / which / "ca.cnf"
            cnf.write_text(cnf.read_text().replace(f"dir = {self.directory / which}", f"dir = {target / which}"))
        return OpensslPki(target, self.crl_base_url, self.password)

    def entity(self, name: str) -> EndEntity:
        """An end entity issued before (in this folder or the one copied from), by name."""
        users = self.directory / "users"
        cert = x509.load_pem_x509_certificate((users / f"{name}.pem").read_bytes())
        from integrations.signatures.certificates import subject_identity

        iin, bin_ = subject_identity(cert)
        eku = {o.dotted_string for o in cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value}
        role = next((r for r, oids in ROLE_OIDS.items() if set(oids) <= eku and (r == "individual") != bool(bin_)),
                    "individual")
        purpose = "sign" if "1.3.6.1.5.5.7.3.4" in eku else "auth"
        return EndEntity(name, users / f"{name}.pem", users / f"{name}.key.pem", users / f"{name}.p12", iin, bin_,
                         role, purpose)

    # -- using --
    def sign_detached(self, entity: EndEntity, payload: bytes, *, with_issuing_ca: bool = True) -> bytes:
        """A detached CMS SignedData over ``payload`` (``openssl cms -sign -binary``, DER, SHA-256, signed
        attributes), the signer's certificate and (``with_issuing_ca``) the issuing CA's inside."""
        args = ["cms", "-sign", "-binary", "-md", "sha256", "-outform", "DER", "-signer", str(entity.cert_pem),
                "-inkey", str(entity.key_pem)]
        if with_issuing_ca:
            args += ["-certfile", str(self.issuing_pem)]
        return run(*args, input=payload)

    def install(self, settings, target: Path | str, *, intermediates: bool = False) -> dict[str, EndEntity]:
        """Point a fresh system at this PKI (a test with the database and pytest-django's ``settings``): the
        trust store becomes this PKI's root and DER CRLs only (every other item deleted; ``intermediates``: the
        issuing CA too), the system seal and the built-in TSA are issued by this PKI's issuing CA and named by
        ELICENSE_SEAL_CERT/KEY and ELICENSE_TSA_CERT/KEY (files under ``target``). Returns ``{"seal", "tsa"}``."""
        from integrations import trust
        from integrations.models import TrustItem
        from integrations.signatures import TrustStore

        target = Path(target)
        settings.ELICENSE_TRUST_STORE = "database"
        settings.ELICENSE_TRUST_DIR = self.trust_folder(target / "trust", intermediates=intermediates)
        TrustItem.objects.all().delete()
        trust.import_directory(target / "trust")
        TrustStore.clear_cache()
        from documents.demo_seal import DEMO_PROVIDER_BIN, SYSTEM_IIN

        seal = self.issue("system_seal", iin=SYSTEM_IIN, bin=DEMO_PROVIDER_BIN, org="E-licensing",
                          surname="E-LICENSING", given_name="SYSTEM SEAL", role="signing_right")
        tsa = self.issue_tsa("system_tsa", key=seal.key_pem)
        self.write_identity(seal, target / "seal" / "seal.pem", target / "seal" / "seal.key.pem")
        self.write_identity(tsa, target / "seal" / "tsa.pem", target / "seal" / "tsa.key.pem")
        settings.ELICENSE_SEAL_CERT, settings.ELICENSE_SEAL_KEY = str(target / "seal" / "seal.pem"), str(
            target / "seal" / "seal.key.pem")
        settings.ELICENSE_TSA_CERT, settings.ELICENSE_TSA_KEY = str(target / "seal" / "tsa.pem"), str(
            target / "seal" / "tsa.key.pem")
        return {"seal": seal, "tsa": tsa}

    def trust_folder(self, target: Path | str, *, intermediates: bool = False) -> Path:
        """A trust folder (docs/signatures.md layout) holding only this PKI's public material: ``roots/root.pem``,
        ``crls/root.crl`` and ``crls/issuing.crl`` (DER), and with ``intermediates`` ``intermediates/issuing.pem``."""
        target = Path(target)
        (target / "roots").mkdir(parents=True, exist_ok=True)
        (target / "crls").mkdir(exist_ok=True)
        shutil.copyfile(self.root_pem, target / "roots" / "root.pem")
        for which in ("root", "issuing"):
            shutil.copyfile(self.directory / which / f"{which}.crl", target / "crls" / f"{which}.crl")
        if intermediates:
            (target / "intermediates").mkdir(exist_ok=True)
            shutil.copyfile(self.issuing_pem, target / "intermediates" / "issuing.pem")
        return target
