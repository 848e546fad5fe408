"""What a download is called: RFC 6266 Content-Disposition with a name that cannot run or break the header.

`served_name(name, content_type)` keeps the uploader's name but gives it the extension of the stored content
type (`setup.exe` stored as a PDF is served as `setup.pdf`), without path parts, quotes, backslashes or control
characters; `content_disposition(name, content_type)` is the header value: `attachment; filename="<ASCII
fallback>"; filename*=UTF-8''<percent-encoded UTF-8>`.
"""
from __future__ import annotations

import unicodedata
from urllib.parse import quote

EXTENSIONS = {"application/pdf": ".pdf", "image/png": ".png", "image/jpeg": ".jpg"}
_DROP = set('"\\\'`/:*?<>|;')


def served_name(name: str, content_type: str, *, default: str = "document") -> str:
    extension = EXTENSIONS.get(content_type.split(";")[0].strip().lower(), ".bin")
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join("" if ch in _DROP or unicodedata.category(ch)[0] == "C" else
                   " " if unicodedata.category(ch)[0] == "Z" else ch for ch in base)
    stem = base.rsplit(".", 1)[0] if "." in base else base
    stem = " ".join(stem.split()).strip(" .")[:150].strip(" .")
    return (stem or default) + extension


def ascii_fallback(name: str) -> str:
    stem, dot, extension = name.rpartition(".")
    decomposed = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode("ascii")
    stem = "".join(ch if ch.isalnum() or ch in "-_. ()" else "_" for ch in decomposed).strip(" ._")
    return f"{stem or 'document'}{dot}{extension}"


def content_disposition(name: str, content_type: str, *, inline: bool = False) -> str:
    served = served_name(name, content_type)
    kind = "inline" if inline else "attachment"
    return f"{kind}; filename=\"{ascii_fallback(served)}\"; filename*=UTF-8''{quote(served, safe='')}"
