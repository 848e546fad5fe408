"""``python -m documents.timestamp_check FILE.pdf`` — the integrity of a signed PDF's document timestamps, the
second half of the offline check (docs/documents.md "Validation that lasts").

``pyhanko sign adesverify`` judges the regular signatures only: a document timestamp whose bytes were changed
is dropped silently as a proof of existence, and when the signature still validates without it (its own
timestamp's TSA certificate still valid) the command passes. So a changed byte in a renewal's update (the DSS,
a later timestamp) would go unseen. This check, with pyHanko's own functions and nothing of the project (no
Django, no network), prints one line per document timestamp — its time, whether the file's bytes it covers
hash to the token's message imprint, whether the token's signature is sound — and exits 1 if any is not, or if
the file has none. It does not judge trust: that is adesverify's part."""
from __future__ import annotations

import hashlib
import sys


def check(data: bytes) -> tuple[bool, list[str]]:
    import io

    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation.generic_cms import validate_sig_integrity

    lines, ok = [], True
    reader = PdfFileReader(io.BytesIO(data))
    stamps = reader.embedded_timestamp_signatures
    if not stamps:
        return False, ["no document timestamp"]
    for stamp in stamps:
        signed_data = stamp.signed_data
        tst_info = signed_data["encap_content_info"]["content"].parsed
        algorithm = tst_info["message_imprint"]["hash_algorithm"]["algorithm"].native
        imprint_ok = tst_info["message_imprint"]["hashed_message"].native == stamp.compute_digest(algorithm)
        signer_info = signed_data["signer_infos"][0]
        content = signed_data["encap_content_info"]["content"].contents
        md = signer_info["digest_algorithm"]["algorithm"].native
        try:
            intact, valid = validate_sig_integrity(signer_info, stamp.signer_cert, "tst_info",
                                                   hashlib.new(md, content).digest())
        except Exception:  # noqa: BLE001 - a damaged token is a failed check, whatever pyHanko raises
            intact = valid = False
        good = imprint_ok and intact and valid
        ok &= good
        lines.append(f"{stamp.field_name}: {tst_info['gen_time'].native.isoformat()} "
                     f"{'INTACT' if good else 'BROKEN'} (covers the file: {imprint_ok}, token sound: {intact and valid})")
    return ok, lines


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python -m documents.timestamp_check FILE.pdf", file=sys.stderr)
        return 2
    try:
        with open(argv[0], "rb") as handle:
            ok, lines = check(handle.read())
    except Exception as exc:  # noqa: BLE001 - an unreadable PDF fails the check
        ok, lines = False, [f"cannot read the PDF's signatures: {type(exc).__name__}: {exc}"]
    print("\n".join(lines))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
