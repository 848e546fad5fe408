"""Every kind of document, made by the real journeys from realistic data, reads as the state's document: the
issuing body's letterhead, the signer's position and name, an order's structure, a permit's front and back,
the QR code and number on every page, and no internal code anywhere in its text (issue 11, point 6).

The documents are rendered here from their ResultDocument rows (``documents.produce.layout_of`` and
``documents.pdf.render``), with Kazakh and then Russian as the active language: a document does not depend on
the interface language, and no code may slip through either way. ``DOCUMENTS_DUMP=<folder>`` writes the PDFs
there (to look at them: ``pdftoppm -png -r 60``)."""
from __future__ import annotations

import datetime as dt
import io
import os
import re
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest
from django.apps import apps
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st
from pypdf import PdfReader

from applications.tests.journeys import (
    FORMS,
    bad_certificate,
    create,
    decide,
    fill,
    office_decides,
    office_until_decision,
    pay,
    portal_until_registered,
    sign,
)
from documents import context, pdf
from documents.layouts import refusal
from documents.produce import layout_of, verify_url
from documents.tests import helpers as h
from integrations.signatures import REASON_MESSAGES
from services import registry as services

# What people type, in the languages they type it in.
REALISTIC = {
    ("S1", "issue"): {"subtypes": ["cellular", "long-distance-telephony"], "territory": "Алматы қаласы"},
    ("S2", "allocate"): {"resource_kind": "geographic", "range_start": "7172500000", "range_end": "7172509999",
                         "purpose": "Астана қаласындағы телефон байланысы"},
    ("S2", "assign"): {"numbers": [{"number": "1414"}, {"number": "1415"}], "purpose": "анықтамалық қызмет"},
    ("S3", "assignment"): {"region": "almaty-city", "radio_service": "mobile",
                           "bands": [{"low_mhz": "2500", "high_mhz": "2510.5"}, {"low_mhz": "2620", "high_mhz": "2630"}],
                           "station_address": "Алматы, ул. Абая, 150", "latitude": "43.238", "longitude": "76.889"},
    ("S4", "device"): {"region": "almaty-city", "devices": [
        {"device_type": "радиоприемник", "manufacturer": "Kenwood", "model": "RX-900", "serial": "SN12345",
         "certificate_number": "KZ.7500361.22.01.00123"}],
        "location_address": "Алматы, ул. Абая, 150"},
    ("S4", "hf_device"): {"region": "almaty-city", "devices": [
        {"device_type": "өнеркәсіптік ЖЖ қыздырғыш", "model": "HF-27", "serial": "HF0001", "frequency_mhz": "27.12"}],
        "location_address": "Алматы, ул. Абая, 150"},
}
SNAKE = re.compile(r"(?<![\w-])[A-Za-z][A-Za-z0-9]*_[A-Za-z0-9_]+")
ISO_DATE = re.compile(r"(?<!\d)\d{4}-\d{2}-\d{2}(?!\d)")
URL = re.compile(r"https?://\S+")
WORDS = ("None", "Шаг", "Step", "MHz", "UTC", "null", "True", "False")


def internal_codes() -> set[str]:
    """Every code a document could leak: the models' choices, the services' form choices and sub-kinds, the
    reference data's codes, the refusal grounds and the EDS check reasons."""
    from services.models import LicenceSubtype, ProviderUnit, QualificationRequirement, Region, RequiredDocument

    codes = set()
    for model in apps.get_models():
        for f in model._meta.get_fields():
            for value, _label in getattr(f, "flatchoices", None) or []:
                codes.add(str(value))
    for service in services.all_services():
        codes.add(service.result_kind)
        for sub_kind in service.sub_kinds:
            codes.add(sub_kind.code)
            form = sub_kind.form()
            for name, field in form.fields.items():
                codes.add(name)
                if hasattr(field, "choices") and not hasattr(field, "queryset"):
                    codes.update(str(value) for value, _label in field.choices)
    for model in (LicenceSubtype, Region, RequiredDocument, QualificationRequirement, ProviderUnit):
        codes.update(model.objects.values_list("code", flat=True))
    codes.update(refusal.REASONS, REASON_MESSAGES, context.REGISTRY_REASONS)
    # A code is a word with a lower-case Latin letter (a year or "S1" is not what this looks for).
    return {c for c in codes if re.search(r"[a-z]", c) and len(c) >= 2}


def text_of(data: bytes) -> list[str]:
    return [page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages]


def unembedded_fonts(data: bytes) -> set[str]:
    """The fonts a PDF uses without embedding them (a viewer would substitute them)."""
    missing = set()
    for page in PdfReader(io.BytesIO(data)).pages:
        for font in page["/Resources"].get("/Font", {}).values():
            font = font.get_object()
            descriptor = font.get("/FontDescriptor")
            if descriptor is None or not {"/FontFile", "/FontFile2", "/FontFile3"} & set(descriptor.get_object()):
                missing.add(str(font.get("/BaseFont")))
    return missing


def leaks(text: str, codes: set[str]) -> list[str]:
    text = URL.sub(" ", text)
    found = [m.group(0) for m in SNAKE.finditer(text)]
    found += [m.group(0) for m in ISO_DATE.finditer(text)]
    found += [w for w in WORDS if re.search(rf"(?<!\w){w}(?!\w)", text)]
    found += [c for c in codes if re.search(rf"(?<![\w-]){re.escape(c)}(?![\w-])", text)]
    return found


@pytest.fixture
def realistic(monkeypatch):
    for key, value in REALISTIC.items():  # over the journeys' own values: a field added to a form stays filled
        monkeypatch.setitem(FORMS, key, {**FORMS.get(key, {}), **value})


def _only(app, kind):
    from applications.models import ResultDocument

    return ResultDocument.objects.get(number=h.document_of(app, kind)["number"])


def _produce(world, monkeypatch) -> dict:
    """One ResultDocument of every kind and sub-kind, through the journeys."""
    officer = world.api["committee_officer"]
    docs = {}
    app = h.s1_licence(world, "kk")
    docs["licence_issue"] = licence = _only(app, "licence")
    monkeypatch.setitem(FORMS, ("S1", "reissue"), {"licence_number": licence.number, "reason": "address",
                                                   "new_address": "Астана, Бейбітшілік көшесі, 1"})
    app = decide(officer, portal_until_registered(world, world.api["company_head"], "S1", "reissue"))
    docs["licence_reissue"] = _only(app, "licence")
    monkeypatch.setitem(FORMS, ("S1", "duplicate"), {"licence_number": licence.number, "reason": "lost"})
    app = decide(officer, portal_until_registered(world, world.api["company_head"], "S1", "duplicate"))
    docs["licence_duplicate"] = _only(app, "licence")
    refused = h.s1_refusal(world, "ru")  # a 2026 definition: the notice of the intended refusal came first
    docs["refusal_qualification"] = _only(refused, "refusal")
    docs["hearing_notice"] = _only(refused, "hearing_notice")

    app = h.s2_order(world, "kk", "allocate")
    docs["order_allocate"] = allocation = _only(app, "order")
    docs["order_assign"] = _only(h.s2_order(world, "ru", "assign"), "order")
    monkeypatch.setitem(FORMS, ("S2", "withdraw"), {
        "resource_kind": "geographic", "range_start": "7172500000", "range_end": "7172500999",
        "purpose": "пайдаланылмаған нөмірлерді қайтару", "order_number": allocation.number})
    docs["order_withdraw"] = _only(h.s2_order(world, "ru", "withdraw"), "order")
    app = office_until_decision(world, portal_until_registered(world, world.api["person"], "S2", "allocate"))
    docs["refusal_incomplete_set"] = _only(office_decides(world, app, "refuse",
                                                          reasons=["missing:numbering-justification"]), "refusal")

    docs["permit_s3"] = _only(h.s3_permit(world, "ru"), "permit")
    # A transmitter within the band that permit assigns, and a receiver.
    devices = [*REALISTIC[("S4", "device")]["devices"], {
        "device_type": "базалық станция", "model": "BS-2500", "serial": "SN77", "frequency_mhz": "2505.25",
        "power_w": "20", "permit_number": docs["permit_s3"].number}]
    monkeypatch.setitem(FORMS, ("S4", "device"), {**FORMS[("S4", "device")], "devices": devices})
    docs["permit_s4_device"] = _only(h.s4_permit(world, "kk"), "permit")
    api = world.api["person"]
    app = decide(world.api["inspection_officer"], portal_until_registered(world, api, "S4", "hf_device"))
    docs["permit_s4_hf"] = _only(app, "permit")

    # The automatic refusals (the system's seal): steps 2, 5, 7 and the state database's answer.
    docs["refusal_authorisation"] = _only(create(world.api["unregistered"], "S1", "issue"), "refusal")
    docs["refusal_not_paid"] = _only(pay(api, fill(api, create(api, "S1", "issue"), "S1", "issue"), "decline"),
                                     "refusal")
    app = fill(api, create(api, "S2", "allocate"), "S2", "allocate")
    docs["refusal_signature"] = _only(sign(world, api, app, cert=bad_certificate(world, "expired")), "refusal")
    from core.identifiers import complete

    unknown = complete("99010130000") or complete("99010130001")
    app = create(officer, "S1", "issue", channel="staff")
    officer.put(f"/applications/{app['id']}/form", {"data": REALISTIC[("S1", "issue")], "version": 0})
    docs["refusal_registry"] = _only(officer.post(f"/applications/{app['id']}/applicant", {"iin": unknown}), "refusal")

    docs["receipt"] = _only(h.psc_receipt(world, "ru"), "receipt")
    docs["refusal_receipt"] = _only(h.psc_refusal_receipt(world, "kk"), "refusal_receipt")
    return docs


def _render(document) -> bytes:
    document.refresh_from_db()
    _ctx, layout = layout_of(document, document.signer_name)  # the name the signed PDF printed
    return pdf.render(layout, number=document.number, verify_url=verify_url(document.number))


def _qr_codes(data: bytes, tmp_path: Path) -> list[str]:
    (tmp_path / "doc.pdf").write_bytes(data)
    subprocess.run(["pdftoppm", "-r", "110", "-png", "doc.pdf", "page"], cwd=tmp_path, check=True, timeout=60)
    found = []
    for image in sorted(tmp_path.glob("page*.png")):
        result = subprocess.run(["zbarimg", "--quiet", "--raw", image.name], cwd=tmp_path, capture_output=True,
                                text=True, timeout=60)
        found.append(result.stdout.strip())
        image.unlink()
    return found


def test_every_document_reads_as_the_states_with_no_internal_code(world, realistic, monkeypatch, tmp_path):
    from services.models import ProviderUnit

    codes = internal_codes()
    # The check cannot pass vacuously: the codes the documents printed before are among those looked for.
    assert {"qualification_failed", "geographic", "mobile", "address", "cellular", "not_paid", "hf_device",
            "long-distance-telephony", "incomplete_document_set", "lost"} <= codes and len(codes) > 80
    docs = _produce(world, monkeypatch)
    from applications.numbers import DOCUMENT_KINDS
    assert {d.kind for d in docs.values()} == DOCUMENT_KINDS  # every kind the system issues
    committee = ProviderUnit.objects.get(code="committee")
    almaty = ProviderUnit.objects.get(code="inspection-almaty-city")
    dump = os.environ.get("DOCUMENTS_DUMP")
    for name, document in docs.items():
        texts = {}
        for lang in ("kk", "ru"):
            with translation.override(lang):
                data = _render(document)
            texts[lang] = pages = text_of(data)
            text = "\n".join(pages)
            assert not leaks(text, codes), (name, lang, leaks(text, codes), text[:3000])
        assert texts["kk"] == texts["ru"], name  # the same document whatever the interface language
        assert not unembedded_fonts(data), name  # every font embedded (DejaVu Sans subsets)
        if dump:
            Path(dump).mkdir(parents=True, exist_ok=True)
            (Path(dump) / f"{name}.pdf").write_bytes(data)
            if document.pdf:
                with document.pdf.open("rb") as signed:
                    (Path(dump) / f"{name}.signed.pdf").write_bytes(signed.read())
        flat = h.squeeze(text)
        # The number and the caption on every page; the letterhead; the holder; the signer's position.
        for page in pages:
            assert document.number in page and h.squeeze("Тексеру / Проверка") in h.squeeze(page), (name, page)
        expected = [document.number, document.application.applicant_name if name != "licence_reissue" else ""]
        expected += ["Министерство транспорта и коммуникаций Республики Казахстан",
                     "Қазақстан Республикасының Көлік және коммуникация министрлігі"]
        if document.application.definition.version == "2015":
            expected[-2:] = ["Министерство по инвестициям и развитию Республики Казахстан",
                             "Қазақстан Республикасының Инвестициялар және даму министрлігі"]
        expected += [committee.name_kk, committee.name_ru]
        if document.application.service in ("S3", "S4"):
            expected += [almaty.name_kk, almaty.name_ru]
        signer = document.signer
        if signer is not None:
            expected += [signer.position_kk, signer.position_ru, document.signer_name]
            assert signer.position_kk and signer.position_ru
        else:
            expected += list(context.SEAL)
        if document.kind == "order":
            expected += ["БҰЙЫРАМЫН:", "ПРИКАЗЫВАЮ:", "1. ", "2. ", "3. ", "4. ", "Закона Республики Казахстан",
                         "О связи", "город Астана"]
        missing = [e for e in expected if e and h.squeeze(e) not in flat]
        assert not missing, (name, missing, text[:3000])

    # The values, each through its label.
    def flat(name):
        return h.squeeze("\n".join(text_of(_render(docs[name]))))

    assert all(h.squeeze(s) in flat("order_allocate") for s in (
        "географиялық нөмірлер", "географические номера", "7172500000–7172509999", "количество номеров: 10 000",
        "нөмірлер саны: 10 000", "Астана қаласындағы телефон байланысы", "О выделении номерного ресурса"))
    assert all(h.squeeze(s) in flat("order_withdraw") for s in (
        "Изъять", docs["order_allocate"].number, "7172500000–7172500999", "количество номеров: 1 000"))
    assert all(h.squeeze(s) in flat("order_assign") for s in ("Присвоить", "1414, 1415", "О присвоении номеров"))
    s3 = flat("permit_s3")
    assert all(h.squeeze(s) in s3 for s in (
        "подвижная", "жылжымалы", "2500–2510,5 МГц", "2620–2630 МГц", "43,238° с. ш., 76,889° в. д.",
        "ОБОРОТНАЯ СТОРОНА РАЗРЕШЕНИЯ", "РҰҚСАТТЫҢ АРТҚЫ ЖАҒЫ", "Оплаченный сбор", "4 325 ₸", "город Алматы"))
    s4 = flat("permit_s4_device")
    assert all(h.squeeze(s) in s4 for s in ("2505,25 МГц", "20 Вт", "радиоэлектронное средство",
                                             "радиоэлектрондық құрал", "заводской № SN12345", "производитель Kenwood",
                                             "сертификат соответствия № KZ.7500361.22.01.00123",
                                             docs["permit_s3"].number, "ОБОРОТНАЯ СТОРОНА РАЗРЕШЕНИЯ"))
    assert h.squeeze("высокочастотное устройство") in flat("permit_s4_hf")
    lic = flat("licence_issue")
    assert all(h.squeeze(s) in lic for s in (
        "Сотовая связь", "Ұялы байланыс", "Междугородная и (или) международная телефонная связь",
        "ПРИЛОЖЕНИЕ К ГОСУДАРСТВЕННОЙ ЛИЦЕНЗИИ", "МЕМЛЕКЕТТІК ЛИЦЕНЗИЯҒА ҚОСЫМША", "Лицензияны берген орган",
        "Министерство транспорта и коммуникаций Республики Казахстан. Комитет связи и информатизации",
        "Руководитель управления лицензирования", "Алматы қаласы", "город Астана"))
    assert all(h.squeeze(s) in flat("licence_reissue") for s in ("Переоформленная", "изменение адреса",
                                                                 "мекенжайының өзгеруі", "Бейбітшілік"))
    assert h.squeeze("ДУБЛИКАТ") in flat("licence_duplicate")
    assert all(h.squeeze(s) in flat("refusal_qualification") for s in (
        "Несоответствие квалификационным требованиям", "Отсутствует техническая база"))
    assert all(h.squeeze(s) in flat("refusal_not_paid") for s in ("Оплата не произведена", "Сбор к оплате", "21 625 ₸"))
    assert all(h.squeeze(s) in flat("refusal_signature") for s in (
        "ЭЦП не подтверждена", *context.both(REASON_MESSAGES["expired"])))
    assert h.squeeze("Данные услугополучателя не найдены в государственной базе данных") in flat("refusal_registry")
    assert h.squeeze("Неполный пакет документов") in flat("refusal_incomplete_set")

    # The QR code of the verification URL on every page (the licence: page 1 and its appendix).
    licence = _render(docs["licence_issue"])
    assert _qr_codes(licence, tmp_path) == [verify_url(docs["licence_issue"].number)] * 2


def test_the_signature_stamp_embeds_its_fonts_and_prints_the_whole_serial():
    serial = "7f558bd0cfbba8555a1d121b0013e76a228559c"
    data = pdf.render_stamp(signer="Сәрсенов Нұрлан", serial=serial, number="LIC-2026-000001",
                            position="Руководитель управления лицензирования")
    assert not unembedded_fonts(data)
    text = h.squeeze("".join(text_of(data)))
    assert serial in text and "Руководительуправлениялицензирования" in text and "UTC" not in text


@given(st.integers(min_value=0, max_value=10**12))
def test_an_amount_is_whole_tenge_in_groups_of_three(value):
    text = context.amount(value)
    assert text.endswith("\u00a0₸")
    digits = text[:-2]
    groups = digits.split("\u00a0")
    assert "".join(groups) == str(value)
    assert 1 <= len(groups[0]) <= 3 and all(len(g) == 3 for g in groups[1:])
    assert context.amount(21625) == "21\u00a0625\u00a0₸"


@given(st.decimals(min_value=Decimal("0.009"), max_value=Decimal("400000"), places=6))
def test_a_frequency_is_written_with_a_decimal_comma_and_megahertz(value):
    text = context.mhz(value)
    number, unit = text.split("\u00a0")
    assert unit == "МГц" and "." not in number and not ("," in number and number.endswith(("0", ",")))
    assert Decimal(number.replace(",", ".")) == value


@given(st.datetimes(min_value=dt.datetime(2000, 1, 1), max_value=dt.datetime(2100, 1, 1), timezones=st.just(dt.UTC)))
def test_dates_and_the_stamp_are_in_almaty_time(moment):
    almaty = moment.astimezone(context.ALMATY)
    assert context.Context.date(moment) == almaty.strftime("%d.%m.%Y")
    lines = pdf.stamp_lines(signer="Сәрсенов Нұрлан", serial="5f" * 20, number="LIC-2026-000001", signed_at=moment,
                            position="Руководитель управления лицензирования")
    assert f"{almaty:%d.%m.%Y %H:%M}" in " ".join(lines)
    # The whole serial, over as many lines as it takes.
    assert "".join(lines).replace(" ", "").count("5f" * 20) == 1
