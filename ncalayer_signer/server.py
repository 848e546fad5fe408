"""The protocol: what a page sends (as the ``ncalayer-js-client`` library does) and what we answer.

On connection the server speaks first: ``{"result": {"version": "..."}}`` (the
client's ``connect()`` waits for it). Then, per message:

* ``{"module": "kz.gov.pki.knca.basics", "method": "sign", "args": {allowedStorages,
  format: "cms", data: <base64>, signingParams: {decode, encapsulate, digested, tsaProfile},
  signerParams: {extKeyUsageOids, iin, bin, serialNumber, chain}, locale}}`` →
  ``{"status": true, "body": {"result": [<base64 detached CMS>]}}`` or
  ``{"status": false, "code": ..., "message": ..., "details": ...}``;
* ``kz.gov.pki.knca.commonUtils`` ``getActiveTokens`` → ``{"code": "200", "responseObject": ["PKCS12"]}``;
* anything else (e.g. the client's KAZTOKEN probe ``kz.digiflow.mobile.extensions``
  ``getVersion``) → ``{"status": false, "code": "module_not_supported", ...}``, which the
  client takes for "not KAZTOKEN" and ignores.
"""
from __future__ import annotations

import base64
import binascii
import json
import logging
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.serialization import pkcs7, pkcs12

log = logging.getLogger("ncalayer_signer")

VERSION = "1.4"  # what the handshake reports (the client only needs a non-empty version)
EKU_SIGN = "1.3.6.1.5.5.7.3.4"
EKU_AUTH = "1.3.6.1.5.5.7.3.2"


@dataclass(frozen=True)
class Key:
    name: str
    cert: x509.Certificate
    key: object
    iin: str
    bin: str
    eku: frozenset[str]

    @property
    def serial(self) -> str:
        return format(self.cert.serial_number, "x")


def _identity(cert: x509.Certificate) -> tuple[str, str]:
    iin = bin_ = ""
    for attr in cert.subject.get_attributes_for_oid(x509.NameOID.SERIAL_NUMBER):
        if str(attr.value).upper().startswith("IIN"):
            iin = str(attr.value)[3:]
    for attr in cert.subject.get_attributes_for_oid(x509.NameOID.ORGANIZATIONAL_UNIT_NAME):
        if str(attr.value).upper().startswith("BIN"):
            bin_ = str(attr.value)[3:]
    return iin, bin_


def load_keys(directory: Path | str, password: str) -> list[Key]:
    """Every ``*.p12`` in ``directory`` that opens with ``password`` (others are skipped, logged)."""
    keys = []
    for path in sorted(Path(directory).glob("*.p12")):
        try:
            key, cert, _ = pkcs12.load_key_and_certificates(path.read_bytes(), password.encode())
        except ValueError as exc:
            log.warning("%s: not loaded (%s)", path.name, exc)
            continue
        try:
            eku = frozenset(o.dotted_string for o in cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value)
        except x509.ExtensionNotFound:
            eku = frozenset()
        iin, bin_ = _identity(cert)
        keys.append(Key(path.stem, cert, key, iin, bin_, eku))
    return keys


class Refusal(Exception):
    def __init__(self, code: str, message: str, details: str = ""):
        super().__init__(message)
        self.code, self.message, self.details = code, message, details


def choose_key(keys: list[Key], signer_params: dict) -> Key:
    """The first key (by file name) meeting every restriction of ``signerParams``.

    NCALayer would show the user the matching keys to pick from; this signer
    picks the first. ``chain`` (trusted CA certificates) is not used.
    """
    params = signer_params or {}
    wanted_eku = set(params.get("extKeyUsageOids") or [])
    iin, bin_ = params.get("iin") or "", params.get("bin") or ""
    serial = (params.get("serialNumber") or "").lower().lstrip("0")
    for key in keys:
        if not wanted_eku <= key.eku:
            continue
        if iin and key.iin != iin or bin_ and key.bin != bin_:
            continue
        if serial and key.serial.lstrip("0") != serial:
            continue
        return key
    raise Refusal("no_matching_key", "No key matches the requested signer parameters.", json.dumps(params))


def sign(keys: list[Key], args: dict) -> list[str]:
    if not isinstance(args, dict):
        raise Refusal("bad_request", "args must be an object.")
    storages = args.get("allowedStorages")
    if storages is not None and "PKCS12" not in storages:
        raise Refusal("no_storage", "Only PKCS12 storage is available.")
    if args.get("format") != "cms":
        raise Refusal("format_not_supported", "Only format 'cms' is supported.")
    params = args.get("signingParams") or {}
    if params.get("encapsulate") or params.get("digested"):
        raise Refusal("params_not_supported", "Only detached CMS over the data itself is supported "
                      "(encapsulate: false, digested: false).")
    data = args.get("data")
    if not isinstance(data, str):
        raise Refusal("bad_request", "data must be a string (one document).")
    if params.get("decode", True):
        try:
            payload = base64.b64decode(data, validate=True)
        except (binascii.Error, ValueError):
            raise Refusal("bad_request", "data is not valid base64.") from None
    else:
        payload = data.encode("utf-8")
    key = choose_key(keys, args.get("signerParams") or {})
    cms = (
        pkcs7.PKCS7SignatureBuilder()
        .set_data(payload)
        .add_signer(key.cert, key.key, hashes.SHA256())
        .sign(serialization.Encoding.DER, [pkcs7.PKCS7Options.DetachedSignature, pkcs7.PKCS7Options.Binary])
    )
    log.info("signed %d bytes with %s", len(payload), key.name)
    return [base64.b64encode(cms).decode()]


def answer(keys: list[Key], message: str) -> dict:
    """The reply to one request message."""
    try:
        request = json.loads(message)
        module, method = request.get("module"), request.get("method")
    except (ValueError, AttributeError):
        return {"status": False, "code": "bad_request", "message": "The message is not a JSON object."}
    if module == "kz.gov.pki.knca.basics" and method == "sign":
        try:
            return {"status": True, "body": {"result": sign(keys, request.get("args"))}}
        except Refusal as refusal:
            return {"status": False, "code": refusal.code, "message": refusal.message, "details": refusal.details}
    if module == "kz.gov.pki.knca.commonUtils" and method == "getActiveTokens":
        return {"code": "200", "responseObject": ["PKCS12"]}
    return {"status": False, "code": "module_not_supported", "message": f"{module}.{method} is not supported.",
            "details": ""}


def handshake() -> dict:
    return {"result": {"version": VERSION}}


async def serve(keys: list[Key], host: str, port: int, ssl_context=None, origins=None, ready=None):
    """Serve until cancelled. ``ready(port)`` is called once listening (port 0 picks a free one)."""
    from websockets.asyncio.server import serve as ws_serve

    async def handler(connection):
        await connection.send(json.dumps(handshake()))
        async for message in connection:
            await connection.send(json.dumps(answer(keys, message)))

    async with ws_serve(handler, host, port, ssl=ssl_context, origins=origins, max_size=16 * 1024 * 1024) as server:
        actual = next(iter(server.sockets)).getsockname()[1]
        if ready:
            ready(actual)
        await server.serve_forever()
