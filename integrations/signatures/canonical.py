"""The canonical bytes of a request that an applicant signs (:func:`canonical_bytes`)."""
from __future__ import annotations

import json


def canonical_bytes(data: dict) -> bytes:
    """The exact bytes an applicant signs: sorted keys, compact separators, UTF-8.

    ``data`` is the form data plus the attachments' SHA-256 hashes. NaN and
    infinities are refused (they are not JSON, and their text is not stable).
    """
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode(
        "utf-8"
    )
