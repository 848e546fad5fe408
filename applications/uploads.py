"""What an uploaded file must be before it is stored: opened by a real parser, bounded, and scanned.

`inspect(uploaded)` is the one entry point (`actions.add_attachment` calls it before anything is stored, so the
API and every page get the same checks). It returns the bytes to store: a PDF as uploaded once pypdf has opened
it and found no script, launch or automatic action, embedded file or encryption; an image (PNG, JPEG) decoded by
Pillow within a pixel limit checked before decoding and **re-encoded** without its metadata — the stored file is
what the parser produced. Then the optional malware scanner (`ELICENSE_MALWARE_SCANNER`, a dotted path to a
callable taking the bytes and returning the name of what it found or None; `integrations.clamd.scan` speaks
clamd's INSTREAM) sees the original bytes; configured but unreachable, the upload is refused with 503 (fail
closed). Every refusal is a `DomainError` with a stable code and a localised message.
"""
from __future__ import annotations

import io
import logging
import time
import warnings
from dataclasses import dataclass

from django.conf import settings
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

from core.errors import DomainError, Unavailable

log = logging.getLogger(__name__)

# The accepted types and the first bytes each must start with.
ALLOWED_TYPES = {
    "application/pdf": (b"%PDF-",),
    "image/png": (b"\x89PNG\r\n\x1a\n",),
    "image/jpeg": (b"\xff\xd8\xff",),
}
IMAGE_FORMATS = {"image/png": "PNG", "image/jpeg": "JPEG"}


class InvalidUpload(DomainError):
    code = "invalid_upload"
    status = 422


class ScannerUnavailable(DomainError):
    code = "scanner_unavailable"
    status = 503
    default_message = _("The virus scanner is not available; nothing was stored, please try again later.")


@dataclass(frozen=True)
class Inspected:
    """An upload that passed: the bytes to store (re-encoded for an image), its type and the uploader's name."""

    content: bytes
    content_type: str
    name: str
    pages: int | None = None
    width: int | None = None
    height: int | None = None


def inspect(uploaded) -> Inspected:
    """Check an uploaded file (Django's UploadedFile); raise InvalidUpload / ScannerUnavailable when refused."""
    limit = settings.ELICENSE_MAX_ATTACHMENT_BYTES
    if uploaded.size > limit:
        raise InvalidUpload(_("The file is larger than %(mb)d MB.") % {"mb": limit // (1024 * 1024)},
                            code="file_too_large")
    content_type = uploaded.content_type
    signatures = ALLOWED_TYPES.get(content_type)
    if signatures is None:
        raise InvalidUpload(_("Only PDF, PNG and JPEG files are accepted."), code="file_type")
    uploaded.seek(0)
    content = uploaded.read(limit + 1)
    if len(content) > limit:
        raise InvalidUpload(_("The file is larger than %(mb)d MB.") % {"mb": limit // (1024 * 1024)},
                            code="file_too_large")
    if not content.startswith(signatures):
        raise InvalidUpload(_("The file's content is not what its type says."), code="file_content_mismatch")
    name = (uploaded.name or "")[:255]
    if content_type == "application/pdf":
        result = Inspected(content, content_type, name, pages=check_pdf(content))
    else:
        stored, (width, height) = reencode_image(content, content_type)
        result = Inspected(stored, content_type, name, width=width, height=height)
    scan(content)
    return result


# -- PDF -----------------------------------------------------------------------------------------------------------
# Keys and action types that make a PDF do something when opened, clicked or shown; each refusal with its code.
_SCRIPT_KEYS = {"/JS", "/JavaScript", "/XFA"}
_AUTO_KEYS = {"/AA"}
_EMBED_KEYS = {"/EmbeddedFiles", "/EmbeddedFile", "/EF", "/RichMedia"}
_ACTIONS = {"/JavaScript": "pdf_javascript", "/Launch": "pdf_launch_action", "/GoToE": "pdf_embedded_file",
            "/RichMediaExecute": "pdf_javascript", "/ImportData": "pdf_launch_action"}
_SUBTYPES = {"/FileAttachment": "pdf_embedded_file", "/RichMedia": "pdf_embedded_file", "/Screen": "pdf_javascript",
             "/Movie": "pdf_embedded_file", "/Sound": "pdf_embedded_file"}


def _pdf_refusal(code: str) -> InvalidUpload:
    messages = {
        "pdf_javascript": _("The PDF contains scripts (JavaScript); save it again without them."),
        "pdf_launch_action": _("The PDF starts programs or actions by itself; save it again without them."),
        "pdf_embedded_file": _("The PDF carries embedded files; attach each document separately."),
        "pdf_encrypted": _("The PDF is encrypted or password-protected; save it again without protection."),
        "pdf_malformed": _("The file is not a readable PDF."),
        "pdf_too_many_pages": _("The PDF has more than %(pages)d pages.") % {"pages": settings.ELICENSE_PDF_MAX_PAGES},
        "pdf_too_complex": _("The PDF is too complex to check; save it again (for example, print it to PDF)."),
        "pdf_empty": _("The PDF has no pages."),
    }
    return InvalidUpload(messages[code], code=code)


def check_pdf(content: bytes) -> int:
    """Open the PDF with pypdf and walk every object reachable from its trailer; return its page count."""
    from pypdf import PdfReader
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

    deadline = time.monotonic() + settings.ELICENSE_PDF_MAX_SECONDS
    budget = settings.ELICENSE_PDF_MAX_OBJECTS
    try:
        reader = PdfReader(io.BytesIO(content), strict=False)
        if reader.is_encrypted:
            raise _pdf_refusal("pdf_encrypted")
        seen: set[tuple[int, int]] = set()
        stack: list = [reader.trailer]
        while stack:
            budget -= 1
            if budget < 0 or (budget % 256 == 0 and time.monotonic() > deadline):
                raise _pdf_refusal("pdf_too_complex")
            node = stack.pop()
            if isinstance(node, IndirectObject):
                key = (node.idnum, node.generation)
                if key in seen:
                    continue
                seen.add(key)
                node = node.get_object()
            if isinstance(node, DictionaryObject):
                for name, value in node.items():
                    if name in _SCRIPT_KEYS:
                        raise _pdf_refusal("pdf_javascript")
                    if name in _AUTO_KEYS:
                        raise _pdf_refusal("pdf_launch_action")
                    if name in _EMBED_KEYS:
                        raise _pdf_refusal("pdf_embedded_file")
                    if name == "/S" and value in _ACTIONS:
                        raise _pdf_refusal(_ACTIONS[value])
                    if name == "/Subtype" and value in _SUBTYPES:
                        raise _pdf_refusal(_SUBTYPES[value])
                    if name == "/Parent":
                        continue  # the page tree's back links: the parent is reached from the root anyway
                    stack.append(value)
            elif isinstance(node, ArrayObject):
                stack.extend(node)
        pages = len(reader.pages)
    except InvalidUpload:
        raise
    except Exception as err:  # pypdf's errors and whatever a hostile file makes it raise (recursion, values …)
        log.info("PDF refused as malformed: %r", err)
        raise _pdf_refusal("pdf_malformed") from err
    if time.monotonic() > deadline:
        raise _pdf_refusal("pdf_too_complex")
    if pages == 0:
        raise _pdf_refusal("pdf_empty")
    if pages > settings.ELICENSE_PDF_MAX_PAGES:
        raise _pdf_refusal("pdf_too_many_pages")
    return pages


# -- images --------------------------------------------------------------------------------------------------------
def reencode_image(content: bytes, content_type: str) -> tuple[bytes, tuple[int, int]]:
    """Decode the image with Pillow (pixel limit before decoding, verify, then a full load) and re-encode it
    without metadata (EXIF orientation applied first); return the new bytes and the size."""
    from PIL import Image, ImageOps

    fmt = IMAGE_FORMATS[content_type]
    max_pixels = settings.ELICENSE_MAX_IMAGE_PIXELS
    too_large = InvalidUpload(
        _("The image is too large: at most %(mp)d megapixels.") % {"mp": max_pixels // 1_000_000},
        code="image_too_large")
    Image.MAX_IMAGE_PIXELS = max_pixels  # Pillow's own check, made by Image.open before any pixel is decoded
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(content), formats=[fmt]) as probe:
                width, height = probe.size
                if width * height > max_pixels:
                    raise too_large
                probe.verify()
            with Image.open(io.BytesIO(content), formats=[fmt]) as image:
                image.load()
                clean = ImageOps.exif_transpose(image)
                transparency = image.info.get("transparency")
    except InvalidUpload:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as err:
        raise too_large from err
    except Exception as err:  # unidentified, truncated, bad CRC, corrupt data: whatever Pillow raises on a broken file
        log.info("image refused as malformed: %r", err)
        raise InvalidUpload(_("The image is damaged or not readable."), code="image_malformed") from err
    clean.info = {}
    out = io.BytesIO()
    if fmt == "JPEG":
        if clean.mode not in ("L", "RGB", "CMYK"):
            clean = clean.convert("RGB")
        clean.save(out, "JPEG", quality=90)
    else:
        params = {"transparency": transparency} if transparency is not None and clean.mode in ("P", "L", "RGB") else {}
        clean.save(out, "PNG", **params)
    return out.getvalue(), clean.size


# -- the malware scanner -------------------------------------------------------------------------------------------
def scan(content: bytes) -> None:
    """Hand the bytes to the configured scanner (none by default); refuse what it finds, fail closed."""
    path = settings.ELICENSE_MALWARE_SCANNER
    if not path:
        return
    try:
        found = import_string(path)(content)
    except (Unavailable, OSError) as err:
        log.warning("malware scanner %s unavailable: %s", path, err)
        raise ScannerUnavailable() from err
    if found:
        log.warning("upload refused by the malware scanner: %s", found)
        raise InvalidUpload(_("The file was refused by the virus check."), code="malware_found", signature=str(found))
