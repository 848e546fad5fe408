"""PKI fixtures: one demo PKI per test session (RSA key generation is slow).

Keys made per session: root CA, issuing CA, one user key shared by every test
certificate (each certificate still has its own serial and subject).
"""
from __future__ import annotations

import datetime as dt
import os
import shutil
from dataclasses import dataclass, replace

import pytest
from cryptography import x509

from integrations import pki as demo_pki
from integrations.signatures import TrustStore

IIN = "900101300123"
IIN_OTHER = "850505400456"
BIN = "010140000143"
BIN_OTHER = "020240000249"


@dataclass
class Certs:
    pki: demo_pki.DemoPki
    key: object
    individual_sign: x509.Certificate
    individual_auth: x509.Certificate
    first_head_sign: x509.Certificate
    signing_right_sign: x509.Certificate
    employee_sign: x509.Certificate
    employee_auth: x509.Certificate
    expired: x509.Certificate
    not_yet_valid: x509.Certificate
    revoked: x509.Certificate
    rogue: x509.Certificate  # same issuer *name* as the trusted issuing CA, other key

    @property
    def now(self) -> dt.datetime:
        return self.pki.now


@pytest.fixture(scope="session")
def pki(tmp_path_factory) -> demo_pki.DemoPki:
    return demo_pki.make_pki(tmp_path_factory.mktemp("pki"))


@pytest.fixture(scope="session")
def certs(pki, tmp_path_factory) -> Certs:
    key = demo_pki.new_key()
    now = pki.now

    def issue(**kw):
        kw.setdefault("iin", IIN)
        kw.setdefault("surname", "ТЕСТОВ")
        kw.setdefault("given_name", "ТЕСТ")
        return demo_pki.issue(pki, key=key, **kw)[0]

    legal = {"bin": BIN, "org": "АО «ТЕСТ»"}
    revoked = issue(purpose="sign", role="individual")
    demo_pki.revoke(pki, revoked)
    # A look-alike PKI: same CA names, different keys (the user key, to save time).
    rogue_pki = demo_pki.make_pki(tmp_path_factory.mktemp("rogue"), now, root_key=key, ca_key=key)
    return Certs(
        pki=pki,
        key=key,
        individual_sign=issue(purpose="sign", role="individual"),
        individual_auth=issue(purpose="auth", role="individual"),
        first_head_sign=issue(purpose="sign", role="first_head", **legal),
        signing_right_sign=issue(purpose="sign", role="signing_right", **legal),
        employee_sign=issue(purpose="sign", role="employee", **legal),
        employee_auth=issue(purpose="auth", role="employee", **legal),
        expired=issue(
            purpose="sign", role="individual",
            not_before=now - dt.timedelta(days=400), not_after=now - dt.timedelta(days=35),
        ),
        not_yet_valid=issue(
            purpose="sign", role="individual",
            not_before=now + dt.timedelta(days=2), not_after=now + dt.timedelta(days=300),
        ),
        revoked=revoked,
        rogue=demo_pki.issue(
            rogue_pki, key=key, iin=IIN, surname="ТЕСТОВ", given_name="ТЕСТ", purpose="sign", role="individual"
        )[0],
    )


@pytest.fixture
def trust_dir(settings, pki):
    """Point ELICENSE_TRUST_DIR at the session PKI."""
    settings.ELICENSE_TRUST_DIR = pki.directory
    return pki.directory


@pytest.fixture
def trust_copy(settings, pki, certs, tmp_path):
    """A private copy of the session trust dir (for tests that change files);
    returns a DemoPki bound to the copy."""
    target = tmp_path / "trust"
    shutil.copytree(pki.directory, target)
    settings.ELICENSE_TRUST_DIR = target
    return replace(
        pki,
        directory=target,
        revoked={ca: dict(items) for ca, items in pki.revoked.items()},
        crl_number=dict(pki.crl_number),
    )


@pytest.fixture(autouse=True)
def _fresh_trust_cache(settings):
    # These tests check the trust store on the folder itself (files removed, replaced, re-issued), without a
    # database: the folder is read live. The database's trust store: test_trust_items.py.
    settings.ELICENSE_TRUST_STORE = "directory"
    TrustStore.clear_cache()
    yield
    TrustStore.clear_cache()


# --- a hand-built GOST certificate ---------------------------------------------------
# cryptography cannot create GOST keys or signatures, but it parses certificates
# with unknown algorithm OIDs, which is all the verifier needs to refuse them.


def _tlv(tag: int, content: bytes) -> bytes:
    n = len(content)
    if n < 0x80:
        length = bytes([n])
    else:
        raw = n.to_bytes((n.bit_length() + 7) // 8, "big")
        length = bytes([0x80 | len(raw)]) + raw
    return bytes([tag]) + length + content


def _oid(dotted: str) -> bytes:
    parts = [int(p) for p in dotted.split(".")]
    body = bytes([parts[0] * 40 + parts[1]])
    for part in parts[2:]:
        chunk = [part & 0x7F]
        part >>= 7
        while part:
            chunk.append(0x80 | (part & 0x7F))
            part >>= 7
        body += bytes(reversed(chunk))
    return _tlv(0x06, body)


def _seq(*items: bytes) -> bytes:
    return _tlv(0x30, b"".join(items))


def make_gost_certificate(
    issuer: x509.Name,
    now: dt.datetime,
    *,
    iin: str = IIN,
    key_oid: str = "1.2.398.3.10.1.1.1.1",  # GOST 34.310-2004 (Kazakhstan)
    params_oid: str = "1.2.398.3.10.1.1.1.1.1",
    sig_oid: str = "1.2.398.3.10.1.1.1.2",  # GOST 34.311-95 with GOST 34.310-2004
) -> x509.Certificate:
    """An X.509 v3 certificate with a GOST key OID and random key/signature bytes."""

    def utc_time(value: dt.datetime) -> bytes:
        return _tlv(0x17, value.strftime("%y%m%d%H%M%SZ").encode())

    subject = x509.Name(
        [
            x509.NameAttribute(x509.NameOID.COMMON_NAME, "ГОСТОВ ГОСТ"),
            x509.NameAttribute(x509.NameOID.SERIAL_NUMBER, f"IIN{iin}"),
            x509.NameAttribute(x509.NameOID.COUNTRY_NAME, "KZ"),
        ]
    ).public_bytes()
    algorithm = _seq(_oid(sig_oid))
    spki = _seq(_seq(_oid(key_oid), _oid(params_oid)), _tlv(0x03, b"\x00" + _tlv(0x04, os.urandom(64))))
    tbs = _seq(
        _tlv(0xA0, _tlv(0x02, b"\x02")),  # v3
        _tlv(0x02, b"\x01\x23\x45\x67"),
        algorithm,
        issuer.public_bytes(),
        _seq(utc_time(now - dt.timedelta(days=1)), utc_time(now + dt.timedelta(days=300))),
        subject,
        spki,
    )
    return x509.load_der_x509_certificate(_seq(tbs, algorithm, _tlv(0x03, b"\x00" + os.urandom(64))))
