"""The clamd malware scanner over its socket: the INSTREAM command (a scanner for ELICENSE_MALWARE_SCANNER).

`ELICENSE_MALWARE_SCANNER=integrations.clamd.scan` and `ELICENSE_CLAMD_SOCKET` = a UNIX socket's path
(`/run/clamav/clamd.ctl`) or `host:port` (`127.0.0.1:3310`). `scan(content)` returns None when clamd answers
`stream: OK`, the signature's name on `… FOUND`, and raises core.errors.Unavailable when clamd cannot be
reached or answers anything else (an ERROR such as its StreamMaxLength): the upload then fails closed.
"""
from __future__ import annotations

import socket
import struct

from django.conf import settings

from core.errors import Unavailable

CHUNK = 64 * 1024


def _connect(address: str, timeout: float) -> socket.socket:
    if address.startswith("unix:"):
        address = address[len("unix:"):]
    if address.startswith("/") or ":" not in address:
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(timeout)
        try:
            sock.connect(address)
        except BaseException:
            sock.close()
            raise
        return sock
    host, _, port = address.rpartition(":")
    return socket.create_connection((host.strip("[]"), int(port)), timeout=timeout)


def scan(content: bytes, *, address: str | None = None, timeout: float | None = None) -> str | None:
    address = address or settings.ELICENSE_CLAMD_SOCKET
    timeout = timeout if timeout is not None else settings.ELICENSE_CLAMD_TIMEOUT
    if not address:
        raise Unavailable("clamd", "INSTREAM", "ELICENSE_CLAMD_SOCKET is not set")
    try:
        with _connect(address, timeout) as sock:
            sock.sendall(b"zINSTREAM\0")
            view = memoryview(content)
            for start in range(0, len(content), CHUNK):
                chunk = view[start:start + CHUNK]
                sock.sendall(struct.pack(">I", len(chunk)) + bytes(chunk))
            sock.sendall(struct.pack(">I", 0))
            reply = b""
            while not reply.endswith(b"\0"):
                data = sock.recv(4096)
                if not data:
                    break
                reply += data
                if len(reply) > 64 * 1024:
                    break
    except (OSError, ValueError) as err:
        raise Unavailable("clamd", "INSTREAM", str(err)) from err
    text = reply.rstrip(b"\0").decode("utf-8", "replace").strip()
    if text.endswith("FOUND"):
        return text.removeprefix("stream:").removesuffix("FOUND").strip() or "unknown"
    if text.endswith("OK"):
        return None
    raise Unavailable("clamd", "INSTREAM", text or "no answer")
