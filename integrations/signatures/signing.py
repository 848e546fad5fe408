"""Making a detached CMS signature (:func:`sign_detached`), for the demo PKI, tests and benchmarks."""
from __future__ import annotations

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.serialization import pkcs7


def sign_detached(payload: bytes, cert: x509.Certificate, key) -> bytes:
    """A detached CMS SignedData (DER) over ``payload``: SHA-256, RSA PKCS#1 v1.5.

    Signed attributes: content type, signing time, message digest, S/MIME
    capabilities; the signer's certificate is embedded. ``Binary`` keeps the
    bytes as they are (no MIME line-ending canonicalisation).
    """
    return (
        pkcs7.PKCS7SignatureBuilder()
        .set_data(payload)
        .add_signer(cert, key, hashes.SHA256())
        .sign(serialization.Encoding.DER, [pkcs7.PKCS7Options.DetachedSignature, pkcs7.PKCS7Options.Binary])
    )
