"""What a portal page does through ``ncalayer-js-client``, in Python (tests, scripts).

``connect()`` reads the server's version greeting and sends the client's
KAZTOKEN probe; ``basics_sign_cms()`` sends the ``kz.gov.pki.knca.basics``
``sign`` message exactly as ``basicsSignCMS`` does. Also starts a signer as a
subprocess on a free loopback port (``running``).
"""
from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
from pathlib import Path

from websockets.sync.client import connect as ws_connect

# The client library's constants (NCALayerClient.basicsCMSParamsDetached, basicsSigner*).
CMS_PARAMS_DETACHED = {"decode": True, "encapsulate": False, "digested": False, "tsaProfile": {}}
SIGNER_SIGN_ANY = {"extKeyUsageOids": ["1.3.6.1.5.5.7.3.4"]}
SIGNER_AUTH_ANY = {"extKeyUsageOids": ["1.3.6.1.5.5.7.3.2"]}


class NCALayerError(Exception):
    pass


class Session:
    def __init__(self, url: str, **kw):
        self.sent: list[str] = []
        self._connection = ws_connect(url, **kw)
        self.ws = self._connection.__enter__()
        greeting = json.loads(self.ws.recv(timeout=10))
        if not (greeting.get("result") or {}).get("version"):
            raise NCALayerError(f"no version greeting: {greeting}")
        self.version = greeting["result"]["version"]
        # The client then probes for KAZTOKEN mobile/desktop; an error answer means "plain NCALayer".
        probe = self._call({"module": "kz.digiflow.mobile.extensions", "method": "getVersion"}, raw=True)
        self.is_kaztoken = probe.get("status") is True

    def _call(self, request: dict, raw=False):
        text = json.dumps(request)
        self.sent.append(text)
        self.ws.send(text)
        response = json.loads(self.ws.recv(timeout=30))
        if raw:
            return response
        if "status" in response:  # the basics module's answer
            if not response["status"]:
                raise NCALayerError(f"{response.get('code')}: {response.get('message')} ({response.get('details')})")
            if "result" not in response.get("body", {}):
                raise NCALayerError("cancelled by user")
            return response["body"]["result"]
        if response.get("code") != "200":
            raise NCALayerError(f"{response.get('code')}: {response.get('message')}")
        return response["responseObject"]

    def basics_sign_cms(self, allowed_storages, data_b64: str, signing_params: dict, signer_params: dict,
                        locale: str = "ru"):
        return self._call({
            "module": "kz.gov.pki.knca.basics",
            "method": "sign",
            "args": {"allowedStorages": allowed_storages, "format": "cms", "data": data_b64,
                     "signingParams": signing_params, "signerParams": signer_params, "locale": locale},
        })

    def close(self):
        self._connection.__exit__(None, None, None)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


@contextlib.contextmanager
def running(keys: Path | str, password: str, *extra: str):
    """Start ``python -m ncalayer_signer`` on a free loopback port; yields its ws:// URL."""
    root = Path(__file__).resolve().parent.parent
    process = subprocess.Popen(
        [sys.executable, "-m", "ncalayer_signer", "--keys", str(keys), "--password", password, "--port", "0", *extra],
        cwd=root, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
        env={**os.environ, "PYTHONPATH": str(root)},
    )
    try:
        line = process.stdout.readline()
        if not line.startswith("listening on "):
            raise RuntimeError(f"signer did not start: {line!r}")
        yield line.split()[2]
    finally:
        process.terminate()
        process.wait(timeout=10)
