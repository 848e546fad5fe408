"""Drawing a layout as PDF (reportlab): DejaVu Sans embedded (covers Kazakh Cyrillic: Ә Ғ Қ Ң Ө Ұ Ү Һ І),
Kazakh on the left and Russian on the right, the legal statement, the QR code of the verification URL
(segno) and the empty box the signature stamp is drawn into when the document is signed."""
from __future__ import annotations

import io
from xml.sax.saxutils import escape

import segno
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from documents import conf
from documents.layouts import LEGAL_STATEMENT, Layout

PAGE_W, PAGE_H = A4
MARGIN = 18 * mm
FOOTER = 42 * mm  # room for the QR code and the signature stamp
QR_BOX = (MARGIN, 10 * mm, 30 * mm)  # x, y, size
SIGNATURE_BOX = (PAGE_W - MARGIN - 80 * mm, 10 * mm, PAGE_W - MARGIN, 10 * mm + 28 * mm)  # x1, y1, x2, y2

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
        "title": ParagraphStyle("title", parent=base, fontName="DejaVuSans-Bold", fontSize=13, leading=16,
                                alignment=TA_CENTER),
        "sub": ParagraphStyle("sub", parent=base, fontName="DejaVuSans-Bold", fontSize=10, leading=13,
                              alignment=TA_CENTER),
        "mark": ParagraphStyle("mark", parent=base, fontName="DejaVuSans-Bold", fontSize=16, leading=20,
                               alignment=TA_CENTER, textColor=colors.darkred),
        "small": ParagraphStyle("small", parent=base, fontSize=7.5, leading=9.5),
    }


def _p(text, style):
    return Paragraph(escape(text).replace("\n", "<br/>"), style)


def _pair(kk, ru, style, width):
    table = Table([[_p(kk, style), _p(ru, style)]], colWidths=[width / 2, width / 2])
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 3),
                               ("RIGHTPADDING", (0, 0), (-1, -1), 3)]))
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
    for row, line in enumerate(matrix):
        for col, dark in enumerate(line):
            if dark:
                canvas.rect(x + col * cell, y + size - (row + 1) * cell, cell, cell, stroke=0, fill=1)
    canvas.restoreState()


def render(layout: Layout, *, number: str, verify_url: str) -> bytes:
    register_fonts()
    st = _styles()
    width = PAGE_W - 2 * MARGIN
    out = io.BytesIO()

    def page(canvas, doc):
        canvas.saveState()
        canvas.setFont("DejaVuSans", 7)
        x, y, size = QR_BOX
        canvas.drawString(x + size + 3 * mm, y + size - 3 * mm, "Тексеру / Проверка:")
        canvas.drawString(x + size + 3 * mm, y + size - 7 * mm, verify_url[:70])
        canvas.drawString(x + size + 3 * mm, y + size - 11 * mm, number)
        canvas.drawRightString(PAGE_W - MARGIN, 5 * mm, f"{number} — {doc.page}")
        canvas.restoreState()
        if doc.page == 1:
            _draw_qr(canvas, verify_url)

    story = []
    if layout.mark:
        story.append(_pair(*layout.mark, st["mark"], width))
    story.append(_pair(*layout.title, st["title"], width))
    if layout.subtitle:
        story.append(_pair(*layout.subtitle, st["sub"], width))
    story.append(Spacer(1, 5 * mm))
    for section in layout.sections:
        if section.new_page:
            story.append(PageBreak())
        if any(section.title):
            story.append(_pair(*section.title, st["title"], width))
            story.append(Spacer(1, 3 * mm))
        rows = []
        for f in section.fields:
            value_kk, value_ru = f.values()
            rows.append([Paragraph(f"<b>{escape(f.kk)}</b><br/>{escape(value_kk)}", st["base"]),
                         Paragraph(f"<b>{escape(f.ru)}</b><br/>{escape(value_ru)}", st["base"])])
        if rows:
            table = Table(rows, colWidths=[width / 2, width / 2], repeatRows=0)
            table.setStyle(TableStyle([
                ("VALIGN", (0, 0), (-1, -1), "TOP"), ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.lightgrey),
                ("LINEAFTER", (0, 0), (0, -1), 0.5, colors.grey),
                ("TOPPADDING", (0, 0), (-1, -1), 2), ("BOTTOMPADDING", (0, 0), (-1, -1), 3)]))
            story.append(table)
        story.append(Spacer(1, 4 * mm))
    story.append(_pair(*LEGAL_STATEMENT, st["small"], width))

    doc = SimpleDocTemplate(out, pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=MARGIN,
                            bottomMargin=FOOTER, title=f"{layout.title[1]} {number}", author="E-licensing",
                            subject=number, creator="E-licensing")
    doc.build(story, onFirstPage=page, onLaterPages=page)
    return out.getvalue()


def render_stamp(*, signer: str, serial: str, number: str) -> bytes:
    """The visible signature stamp (the appearance of the signature field), one small page."""
    import datetime as dt

    from reportlab.pdfgen import canvas as pdfcanvas

    register_fonts()
    x1, y1, x2, y2 = SIGNATURE_BOX
    width, height = x2 - x1, y2 - y1
    out = io.BytesIO()
    c = pdfcanvas.Canvas(out, pagesize=(width, height))
    c.setStrokeColor(colors.darkblue)
    c.setLineWidth(1.2)
    c.roundRect(1, 1, width - 2, height - 2, 4, stroke=1, fill=0)
    c.setFillColor(colors.darkblue)
    c.setFont("DejaVuSans-Bold", 7.5)
    c.drawString(6, height - 11, "ЭЦҚ-мен қол қойылған / Подписано ЭЦП")
    c.setFont("DejaVuSans", 7)
    now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    for i, line in enumerate([signer[:60], f"Сертификат / Certificate: {serial[:28]}", now, number]):
        c.drawString(6, height - 22 - i * 9, line)
    c.showPage()
    c.save()
    return out.getvalue()
