"""PAdES signing of a result with pyHanko: the officer's signature with a visible stamp, a signature
timestamp, the validation material (chain + CRLs at signing time, in the DSS) and a document timestamp
(PAdES B-LTA), so that the document still verifies offline after the certificate has expired."""
from __future__ import annotations

import io
from dataclasses import dataclass

from asn1crypto import crl as asn1_crl
from asn1crypto import pem
from pyhanko.pdf_utils.content import ImportedPdfPage
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.stamp import StaticStampStyle
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.registry import SimpleCertificateStore

from documents.keys import Identity, trust_certificates
from documents.pdf import SIGNATURE_BOX, render_stamp
from documents.seal import tsa_identity
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


def loop_free(fn, *args, **kwargs):
    """``fn(*args, **kwargs)`` where no event loop runs: pyHanko's synchronous API starts one of its own
    (``asyncio.run``), which a thread already running a loop refuses (a process that embeds an asynchronous
    framework; the browser tests' Playwright). Then fn runs in a thread of its own. Nothing given to fn may
    touch the database: the validation material is read before, in the caller's thread."""
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return fn(*args, **kwargs)
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(fn, *args, **kwargs).result()


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
    # The room for the CMS given, as for the officers' signatures: otherwise pyHanko sizes it by making a
    # whole trial signature first, with a trial timestamp.
    out = loop_free(pdf_signer.sign_pdf, IncrementalPdfFileWriter(io.BytesIO(pdf)), bytes_reserved=RESERVED_BYTES)
    return out.getvalue()


# -- officers: interrupted signing (the officer's NCALayer signs; the server never holds the key) ---------
# Room for the officer's CMS (its certificates, the signature) plus the signature timestamp the server adds,
# hex-encoded in the PDF: 48 KiB of hex = 24 KiB of DER.
RESERVED_BYTES = 49152


@dataclass(frozen=True)
class Prepared:
    """A document in its final pre-signing state: the PDF with the signature field, stamp and an empty
    /Contents of the reserved region [start, end), and the SHA-256 of its byte range (what the CMS's
    messageDigest must be)."""

    pdf: bytes
    start: int
    end: int
    digest: bytes

    def to_be_signed(self) -> bytes:
        return to_be_signed(self.pdf, self.start, self.end)


def to_be_signed(pdf: bytes, start: int, end: int) -> bytes:
    """The bytes the officer signs: the PDF's /ByteRange content (everything but the reserved /Contents)."""
    return pdf[:start] + pdf[end:]


def _external_signer(cert) -> signers.ExternalSigner:
    from documents.keys import _chain_for

    return signers.ExternalSigner(
        signing_cert=as_asn1_cert(cert), signature_value=256,
        cert_registry=SimpleCertificateStore.from_certs([as_asn1_cert(c) for c in _chain_for(cert)]),
    )


def _metadata(cert, *, reason: str = "", location: str = "") -> signers.PdfSignatureMetadata:
    from cryptography.x509.oid import NameOID

    names = cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    return signers.PdfSignatureMetadata(
        field_name=FIELD_NAME, md_algorithm="sha256", subfilter=fields.SigSeedSubFilter.PADES,
        embed_validation_info=True, use_pades_lta=True, validation_context=validation_context(),
        reason=reason, location=location, name=names[0].value if names else "",
        signer_key_usage={"non_repudiation"},
    )


def prepare_pdf(pdf: bytes, cert, *, number: str, reason: str, location: str, signer_name: str,
                position: str = "") -> Prepared:
    """pyHanko's interrupted signing, first half: the signature field with the stamp naming ``cert``'s holder
    and serial, the placeholder, and the byte-range digest (``PdfSigner.async_digest_doc_for_signing``)."""
    stamp = render_stamp(signer=signer_name, serial=format(cert.serial_number, "x"), number=number, position=position)
    style = StaticStampStyle(background=ImportedPdfBytes(stamp), border_width=0)
    pdf_signer = signers.PdfSigner(
        _metadata(cert, reason=reason, location=location), signer=_external_signer(cert), stamp_style=style,
        new_field_spec=fields.SigFieldSpec(FIELD_NAME, box=SIGNATURE_BOX, on_page=0),
    )
    import asyncio

    prepared, _tbs, output = loop_free(asyncio.run, pdf_signer.async_digest_doc_for_signing(
        IncrementalPdfFileWriter(io.BytesIO(pdf)), bytes_reserved=RESERVED_BYTES))
    return Prepared(output.getvalue(), prepared.reserved_region_start, prepared.reserved_region_end,
                    prepared.document_digest)


def _with_signature_timestamp(cms_der: bytes):
    """The officer's CMS with the signature timestamp (RFC 3161 token over the signature value) as its
    unsigned attribute ``signature_time_stamp_token`` (CAdES-T / PAdES B-T)."""
    import asyncio
    import hashlib

    from asn1crypto import cms

    info = cms.ContentInfo.load(cms_der)
    signer_info = info["content"]["signer_infos"][0]
    digest = hashlib.sha256(signer_info["signature"].native).digest()
    token = loop_free(asyncio.run, timestamper().async_timestamp(digest, "sha256"))
    unsigned = list(signer_info["unsigned_attrs"]) if signer_info["unsigned_attrs"].native else []
    unsigned.append(cms.CMSAttribute({"type": "signature_time_stamp_token", "values": [token]}))
    signer_info["unsigned_attrs"] = cms.CMSAttributes(unsigned)
    return cms.ContentInfo.load(info.dump(force=True))


async def _presign_validation(cert, vc):
    """The validation paths and revocation data to embed (what pyHanko collects before a signature: the
    signer's path, the TSA's paths, the CRLs)."""
    from pyhanko.sign.signers.pdf_signer import PreSignValidationStatus
    from pyhanko_certvalidator import CertificateValidator

    signer = _external_signer(cert)
    validator = CertificateValidator(signer.signing_cert, intermediate_certs=signer.cert_registry,
                                     validation_context=vc)
    signer_path = await validator.async_validate_usage({"non_repudiation"})
    ts_paths = [path async for path in timestamper().validation_paths(vc)]
    return PreSignValidationStatus(signer_path=signer_path, validation_paths=[signer_path, *ts_paths],
                                   ts_validation_paths=ts_paths, ocsps_to_embed=vc.ocsps, crls_to_embed=vc.crls)


def finish_pdf(prepared: Prepared, cert, cms_der: bytes) -> bytes:
    """pyHanko's interrupted signing, second half (``PdfTBSDocument.finish_signing``): the officer's CMS, with
    the signature timestamp added, into the reserved region; then the DSS (chain, CRLs) and a document
    timestamp (PAdES B-LTA) as the post-sign instructions."""
    import asyncio

    from pyhanko.sign.signers.pdf_byterange import PreparedByteRangeDigest
    from pyhanko.sign.signers.pdf_signer import PdfTBSDocument, PostSignInstructions

    vc = validation_context()
    info = loop_free(asyncio.run, _presign_validation(cert, vc))
    instructions = PostSignInstructions(validation_info=info, timestamper=timestamper(),
                                        timestamp_md_algorithm="sha256")
    output = io.BytesIO(prepared.pdf)
    loop_free(PdfTBSDocument.finish_signing,
              output, PreparedByteRangeDigest(prepared.digest, prepared.start, prepared.end),
              _with_signature_timestamp(cms_der), post_sign_instr=instructions, validation_context=vc)
    return output.getvalue()
