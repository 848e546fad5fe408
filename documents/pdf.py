"""Drawing a layout as PDF (reportlab): DejaVu Sans embedded (covers Kazakh Cyrillic: Ә Ғ Қ Ң Ө Ұ Ү Һ І),
the issuing body's letterhead, Kazakh on the left and Russian on the right, the signer's position and name,
the legal statement, on every page the QR code of the verification URL (segno) with the URL and the
document's number beside it, and on page 1 the empty box the signature stamp is drawn into when the
document is signed (:func:`render_stamp`)."""
from __future__ import annotations

import datetime as dt
import io
import itertools
from xml.sax.saxutils import escape

import segno
from django.utils import timezone
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    HRFlowable,
    KeepTogether,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from documents import conf
from documents.context import ALMATY
from documents.layouts import LEGAL_STATEMENT, Layout

PAGE_W, PAGE_H = A4
MARGIN = 18 * mm
FOOTER = 42 * mm  # room for the QR code and the signature stamp
QR_BOX = (MARGIN, 10 * mm, 30 * mm)  # x, y, size
SIGNATURE_BOX = (PAGE_W - MARGIN - 80 * mm, 10 * mm, PAGE_W - MARGIN, 10 * mm + 28 * mm)  # x1, y1, x2, y2
CAPTION_X = QR_BOX[0] + QR_BOX[2] + 3 * mm
CAPTION_W = SIGNATURE_BOX[0] - CAPTION_X - 3 * mm
INK = colors.HexColor("#1f2a44")
FONT = ("FONTNAME", (0, 0), (-1, -1), "DejaVuSans")  # a table's own font (else Helvetica, not embedded)

_fonts_registered = False


def register_fonts():
    global _fonts_registered
    if not _fonts_registered:
        folder = conf.font_dir()
        pdfmetrics.registerFont(TTFont("DejaVuSans", str(folder / "DejaVuSans.ttf")))
        pdfmetrics.registerFont(TTFont("DejaVuSans-Bold", str(folder / "DejaVuSans-Bold.ttf")))
        pdfmetrics.registerFontFamily("DejaVuSans", normal="DejaVuSans", bold="DejaVuSans-Bold")
        _fonts_registered = True


def _styles():
    base = ParagraphStyle("base", fontName="DejaVuSans", fontSize=9, leading=11.5)
    return {
        "base": base,
        "body": ParagraphStyle("body", parent=base, spaceAfter=3),
        "item": ParagraphStyle("item", parent=base, spaceAfter=3),
        "centre": ParagraphStyle("centre", parent=base, fontName="DejaVuSans-Bold", fontSize=10.5, leading=14,
                                 alignment=TA_CENTER, spaceBefore=3, spaceAfter=4),
        "letterhead": ParagraphStyle("letterhead", parent=base, fontName="DejaVuSans-Bold", fontSize=8.5,
                                     leading=10.5, alignment=TA_CENTER, textColor=INK),
        "title": ParagraphStyle("title", parent=base, fontName="DejaVuSans-Bold", fontSize=13, leading=16,
                                alignment=TA_CENTER),
        "sub": ParagraphStyle("sub", parent=base, fontName="DejaVuSans-Bold", fontSize=10, leading=13,
                              alignment=TA_CENTER),
        "heading": ParagraphStyle("heading", parent=base, alignment=TA_CENTER),
        "mark": ParagraphStyle("mark", parent=base, fontName="DejaVuSans-Bold", fontSize=16, leading=20,
                               alignment=TA_CENTER, textColor=colors.darkred),
        "small": ParagraphStyle("small", parent=base, fontSize=7.5, leading=9.5),
    }


def _p(text, style):
    return Paragraph(escape(text).replace("\n", "<br/>"), style)


def _lines(text: str) -> str:
    return escape(text).replace("\n", "<br/>")


def _pair(kk, ru, style, width, line=False):
    table = Table([[_p(kk, style), _p(ru, style)]], colWidths=[width / 2, width / 2])
    commands = [("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 4),
                ("RIGHTPADDING", (0, 0), (-1, -1), 4), ("TOPPADDING", (0, 0), (-1, -1), 1),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 1)]
    if line:
        commands.append(("LINEAFTER", (0, 0), (0, -1), 0.5, colors.grey))
    table.setStyle(TableStyle([FONT, *commands]))
    return table


def _draw_qr(canvas, url: str):
    x, y, size = QR_BOX
    qr = segno.make(url, error="m")
    matrix = list(qr.matrix_iter(scale=1, border=2))
    cell = size / len(matrix)
    canvas.saveState()
    canvas.setFillColor(colors.white)
    canvas.rect(x, y, size, size, stroke=0, fill=1)
    canvas.setFillColor(colors.black)
    # One path of one rectangle per run of dark modules in a row: a few hundred rectangles, not one per module.
    path = canvas.beginPath()
    for row, line in enumerate(matrix):
        col = 0
        for dark, run in itertools.groupby(line):
            width = len(list(run))
            if dark:
                path.rect(x + col * cell, y + size - (row + 1) * cell, width * cell, cell)
            col += width
    canvas.drawPath(path, stroke=0, fill=1)
    canvas.restoreState()


def _numbered_canvas(number: str, verify_url: str):
    """A canvas that draws, once the page count is known, every page's footer: the QR code, the
    verification caption and "page n of N"."""

    class NumberedCanvas(Canvas):
        def __init__(self, *args, **kwargs):
            kwargs["initialFontName"] = "DejaVuSans"  # no Helvetica: every font in the file is embedded
            super().__init__(*args, **kwargs)
            self._pages = []

        def showPage(self):
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self):
            total = len(self._pages)
            for state in self._pages:
                self.__dict__.update(state)
                self._footer(total)
                super().showPage()
            super().save()

        def _footer(self, total):
            x, y, size = QR_BOX
            _draw_qr(self, verify_url)
            self.saveState()
            self.setFillColor(colors.black)
            self.setFont("DejaVuSans-Bold", 7)
            self.drawString(CAPTION_X, y + size - 3 * mm, "Тексеру / Проверка:")
            self.setFont("DejaVuSans", 7)
            line_y = y + size - 7 * mm
            for line in simpleSplit(verify_url, "DejaVuSans", 7, CAPTION_W)[:3]:
                self.drawString(CAPTION_X, line_y, line)
                line_y -= 3.5 * mm
            self.setFont("DejaVuSans-Bold", 7.5)
            self.drawString(CAPTION_X, line_y - 0.5 * mm, number)
            self.setFont("DejaVuSans", 7)
            page = self.getPageNumber()
            self.drawRightString(PAGE_W - MARGIN, 5 * mm, f"{number} — {page}-бет / стр. {page} ({total})")
            self.restoreState()

    return NumberedCanvas


def _story(layout: Layout, width: float) -> list:
    st = _styles()
    story = []
    if layout.letterhead:
        rows = [[_p(kk, st["letterhead"]), _p(ru, st["letterhead"])] for kk, ru in layout.letterhead]
        table = Table(rows, colWidths=[width / 2, width / 2])
        table.setStyle(TableStyle([FONT, ("VALIGN", (0, 0), (-1, -1), "TOP"), ("TOPPADDING", (0, 0), (-1, -1), 0.5),
                                   ("BOTTOMPADDING", (0, 0), (-1, -1), 0.5)]))
        story += [table, Spacer(1, 1.5 * mm), HRFlowable(width="100%", thickness=1.2, color=INK, spaceAfter=0.6 * mm),
                  HRFlowable(width="100%", thickness=0.4, color=INK, spaceAfter=4 * mm)]
    if layout.mark:
        story.append(_pair(*layout.mark, st["mark"], width))
    story.append(_pair(*layout.title, st["title"], width))
    if layout.subtitle:
        story.append(_pair(*layout.subtitle, st["sub"], width))
    if layout.heading:
        story += [Spacer(1, 2 * mm), _pair(*layout.heading, st["heading"], width)]
    story.append(Spacer(1, 5 * mm))
    for section in layout.sections:
        if section.new_page:
            story.append(PageBreak())
        if any(section.title):
            story.append(_pair(*section.title, st["sub"], width))
            story.append(Spacer(1, 3 * mm))
        for text in section.texts:
            story.append(_pair(text.kk, text.ru, st.get(text.style, st["body"]), width, line=text.style != "centre"))
        rows = []
        for f in section.fields:
            value_kk, value_ru = f.values()
            rows.append([Paragraph(f"<b>{escape(f.kk)}</b><br/>{_lines(value_kk)}", st["base"]),
                         Paragraph(f"<b>{escape(f.ru)}</b><br/>{_lines(value_ru)}", st["base"])])
        if rows:
            table = Table(rows, colWidths=[width / 2, width / 2], repeatRows=0)
            table.setStyle(TableStyle([FONT,
                ("VALIGN", (0, 0), (-1, -1), "TOP"), ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.lightgrey),
                ("LINEAFTER", (0, 0), (0, -1), 0.5, colors.grey),
                ("TOPPADDING", (0, 0), (-1, -1), 2), ("BOTTOMPADDING", (0, 0), (-1, -1), 3)]))
            story.append(table)
        story.append(Spacer(1, 4 * mm))
    if layout.signature is not None:
        sig = layout.signature
        kk, ru = sig.position
        cells = [[Paragraph(f"<b>{escape(kk)}</b><br/>{escape(sig.name)}", st["base"]),
                  Paragraph(f"<b>{escape(ru)}</b><br/>{escape(sig.name)}", st["base"])]]
        table = Table(cells, colWidths=[width / 2, width / 2])
        table.setStyle(TableStyle([FONT, ("VALIGN", (0, 0), (-1, -1), "TOP"), ("LINEABOVE", (0, 0), (-1, 0), 0.5, INK),
                                   ("LINEAFTER", (0, 0), (0, -1), 0.5, colors.grey),
                                   ("TOPPADDING", (0, 0), (-1, -1), 3)]))
        story.append(KeepTogether([Spacer(1, 2 * mm), table, Spacer(1, 4 * mm)]))
    story.append(_pair(*LEGAL_STATEMENT, st["small"], width, line=True))
    return story


def render(layout: Layout, *, number: str, verify_url: str) -> bytes:
    """The unsigned PDF of a layout. Fonts embedded (subsets with ToUnicode maps), the document
    information (title, subject, author, keywords) and the language set; no PDF/A claim (docs/documents.md)."""
    register_fonts()
    width = PAGE_W - 2 * MARGIN
    out = io.BytesIO()
    doc = SimpleDocTemplate(out, pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=MARGIN,
                            bottomMargin=FOOTER, title=f"{layout.title[1]} № {number}", author=_author(layout),
                            subject=f"{layout.title[0]} / {layout.title[1]} № {number}", creator="E-licensing",
                            keywords=[number, verify_url], lang="kk-KZ", initialFontName="DejaVuSans")
    doc.build(_story(layout, width), canvasmaker=_numbered_canvas(number, verify_url))
    return out.getvalue()


def _author(layout: Layout) -> str:
    if layout.letterhead:
        return layout.letterhead[-1][1]
    return "E-licensing"


def _wrap(text: str, room: float, size: float = 7) -> list[str]:
    """Lines of at most ``room`` points: at spaces, and a word longer than a line (a serial) by characters."""
    lines = []
    for line in simpleSplit(text, "DejaVuSans", size, room) or [""]:
        while pdfmetrics.stringWidth(line, "DejaVuSans", size) > room:
            cut = len(line)
            while cut > 1 and pdfmetrics.stringWidth(line[:cut], "DejaVuSans", size) > room:
                cut -= 1
            lines.append(line[:cut])
            line = line[cut:]
        lines.append(line)
    return lines


def stamp_lines(*, signer: str, serial: str, number: str, position: str = "", signed_at=None) -> list[str]:
    """The lines of the signature stamp: the signer, the position, the whole certificate serial (as many
    lines as it takes), the signing time in Almaty time (dd.mm.yyyy HH:MM) and the document number."""
    register_fonts()
    x1, _y1, x2, _y2 = SIGNATURE_BOX
    room = x2 - x1 - 12
    at = timezone.localtime(signed_at or dt.datetime.now(dt.UTC), ALMATY)
    lines = _wrap(signer, room)[:2]
    if position:
        lines += _wrap(position, room)[:2]
    lines += _wrap(f"Сертификат: {serial}", room)
    lines += [f"{at:%d.%m.%Y %H:%M} (Алматы уақыты / время Алматы)", f"№ {number}"]
    return lines


def render_stamp(*, signer: str, serial: str, number: str, position: str = "", signed_at=None) -> bytes:
    """The visible signature stamp (the appearance of the signature field), one small page."""
    register_fonts()
    x1, y1, x2, y2 = SIGNATURE_BOX
    width, height = x2 - x1, y2 - y1
    lines = stamp_lines(signer=signer, serial=serial, number=number, position=position, signed_at=signed_at)
    size = 7 if len(lines) <= 6 else 6
    step = min(8.5, (height - 20) / max(len(lines), 1))
    out = io.BytesIO()
    c = Canvas(out, pagesize=(width, height), initialFontName="DejaVuSans")
    c.setStrokeColor(colors.darkblue)
    c.setLineWidth(1.2)
    c.roundRect(1, 1, width - 2, height - 2, 4, stroke=1, fill=0)
    c.setFillColor(colors.darkblue)
    c.setFont("DejaVuSans-Bold", 7.5)
    c.drawString(6, height - 11, "ЭЦҚ-мен қол қойылған / Подписано ЭЦП")
    c.setFont("DejaVuSans", size)
    for i, line in enumerate(lines):
        c.drawString(6, height - 21 - i * step, line)
    c.showPage()
    c.save()
    return out.getvalue()
