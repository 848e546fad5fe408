"""PAdES signing of a result with pyHanko: the officer's signature with a visible stamp, a signature
timestamp, the validation material (chain + CRLs at signing time, in the DSS) and a document timestamp
(PAdES B-LTA), so that the document still verifies offline after the certificate has expired."""
from __future__ import annotations

import io

from asn1crypto import crl as asn1_crl
from asn1crypto import pem
from pyhanko.pdf_utils.content import ImportedPdfPage
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.stamp import StaticStampStyle
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.registry import SimpleCertificateStore

from documents.keys import Identity, trust_certificates, tsa_identity
from documents.pdf import SIGNATURE_BOX, render_stamp
from documents.tsa import as_asn1_cert, as_asn1_key, timestamper
from integrations import trust

FIELD_NAME = "Signature"


class ImportedPdfBytes(ImportedPdfPage):
    """pyHanko's imported-page content, from bytes instead of a file: the stamp drawn by reportlab
    (Cyrillic in DejaVu Sans, subset by reportlab: much faster than subsetting at stamping time)."""

    def __init__(self, data: bytes):
        self.data = data
        super().__init__(file_name=None)

    def render(self) -> bytes:
        import binascii
        import uuid

        from pyhanko.pdf_utils.layout import BoxConstraints

        w = self._ensure_writer
        xobj = w.import_page_as_xobject(PdfFileReader(io.BytesIO(self.data)), page_ix=0)
        name = b"/Import" + binascii.hexlify(uuid.uuid4().bytes)
        self.resources.xobject[name.decode("ascii")] = xobj
        x1, y1, x2, y2 = xobj.get_object()["/BBox"]
        self.box = BoxConstraints(width=abs(x1 - x2), height=abs(y1 - y2))
        return name + b" Do"


def _crls() -> list:
    found = []
    for _name, data in trust.material("crls"):
        if pem.detect(data):
            found.extend(asn1_crl.CertificateList.load(der) for _, _, der in pem.unarmor(data, multiple=True))
        else:
            found.append(asn1_crl.CertificateList.load(data))
    return found


def validation_context() -> ValidationContext:
    """Trust and revocation material at signing time, from the trust store (integrations.trust: the database's
    trust items); no fetching."""
    roots, others = [], []
    for sub, bucket in (("roots", roots), ("intermediates", others)):
        for _name, data in trust.material(sub):
            bucket.extend(as_asn1_cert(c) for c in trust_certificates(data))
    others.append(as_asn1_cert(tsa_identity().cert))
    return ValidationContext(trust_roots=roots, other_certs=others, crls=_crls(), allow_fetching=False,
                             revocation_mode="hard-fail")


class KeySigner(signers.SimpleSigner):
    """SimpleSigner that signs with the loaded key (pyHanko re-parses the DER key at every signature,
    which with RSA key validation costs ~40 ms each time)."""

    def __init__(self, identity: Identity):
        super().__init__(
            signing_cert=as_asn1_cert(identity.cert), signing_key=as_asn1_key(identity.key),
            cert_registry=SimpleCertificateStore.from_certs([as_asn1_cert(c) for c in identity.chain]),
        )
        self._key = identity.key

    def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
        from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
        from pyhanko_certvalidator.util import get_pyca_cryptography_hash

        mechanism = self.get_signature_mechanism_for_digest(digest_algorithm)
        if mechanism.signature_algo != "rsassa_pkcs1v15":
            return super().sign_raw(data, digest_algorithm)
        return self._key.sign(data, PKCS1v15(), get_pyca_cryptography_hash(digest_algorithm))


def sign_pdf(pdf: bytes, identity: Identity, *, number: str, reason: str, location: str,
             signer_name: str = "") -> bytes:
    signer = KeySigner(identity)
    meta = signers.PdfSignatureMetadata(
        field_name=FIELD_NAME, md_algorithm="sha256", subfilter=fields.SigSeedSubFilter.PADES,
        embed_validation_info=True, use_pades_lta=True, validation_context=validation_context(),
        reason=reason, location=location, name=identity.common_name,
    )
    stamp = render_stamp(signer=signer_name or identity.common_name, serial=format(identity.cert.serial_number, "x"),
                         number=number)
    style = StaticStampStyle(background=ImportedPdfBytes(stamp), border_width=0)
    pdf_signer = signers.PdfSigner(
        meta, signer=signer, timestamper=timestamper(), stamp_style=style,
        new_field_spec=fields.SigFieldSpec(FIELD_NAME, box=SIGNATURE_BOX, on_page=0),
    )
    out = pdf_signer.sign_pdf(IncrementalPdfFileWriter(io.BytesIO(pdf)))
    return out.getvalue()
