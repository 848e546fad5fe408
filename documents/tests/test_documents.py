"""Every kind of result, produced by the API journeys, is a signed PDF whose text carries the spec's
fields (§7) with the request's values, in Kazakh and Russian side by side; pyHanko's own command-line
tool finds every signature intact and trusted against the test root."""
import datetime
import subprocess
import sys
from pathlib import Path

from conftest import COMPANY, PERSON
from documents.tests import helpers as h
from services.models import ProviderUnit

PYHANKO = str(Path(sys.executable).with_name("pyhanko"))
LEGAL = ["7-бабының 1-тармағына", "қағаз жеткізгіштегі құжатқа тең", "пункту 1 статьи 7",
         "равнозначен документу на бумажном носителе"]
COMMON = ["Құжаттың нөмірі", "Номер документа", "Берілген күні", "Дата выдачи", "Берген орган",
          "Орган, выдавший документ"]
# A permit's front: its number, date, issuing body and signer (documents/tests/test_document_text.py has the rest).
PERMIT = ["Рұқсаттың нөмірі", "Номер разрешения", "Берілген күні", "Дата выдачи", "Рұқсатты берген орган",
          "Орган, выдавший разрешение", "Қол қойған лауазымды тұлға", "Подписавшее должностное лицо",
          "ОБОРОТНАЯ СТОРОНА РАЗРЕШЕНИЯ"]


def day(iso):
    return datetime.datetime.fromisoformat(iso).astimezone(datetime.timezone(datetime.timedelta(hours=5))).date()


def ddmmyyyy(d):
    return d.strftime("%d.%m.%Y")


def check(pdf, expected):
    text = h.squeeze(h.text_of(pdf))
    missing = [e for e in expected if h.squeeze(e) not in text]
    assert not missing, (missing, h.text_of(pdf)[:3000])


def test_every_kind_of_result_is_a_signed_bilingual_pdf_with_the_requests_values(world, tmp_path):
    from applications.models import ResultDocument

    committee = ProviderUnit.objects.get(code="committee")
    almaty = ProviderUnit.objects.get(code="inspection-almaty-city")
    produced = {}

    # S1 licence, a legal entity's (kk), with the appendix.
    app = h.s1_licence(world, "kk")
    doc = h.document_of(app, "licence")
    row = ResultDocument.objects.get(number=doc["number"])
    pdf = h.download(world.api["company_head"], app["id"], doc["number"])
    check(pdf, LEGAL + [
        "МЕМЛЕКЕТТІК ЛИЦЕНЗИЯ", "ГОСУДАРСТВЕННАЯ ЛИЦЕНЗИЯ", "Берілді", "Выдана", COMPANY["name"], COMPANY["bin"],
        COMPANY["address"], "Қызмет түрі", "Вид деятельности", "Предоставление услуг в области связи",
        "Байланыс саласындағы қызметтерді көрсету", "Лицензия қолданылуының айрықша жағдайлары", "Особые условия действия лицензии",
        "Republic of Kazakhstan", "Лицензиар", committee.name_kk, committee.name_ru,
        "Басшы (уәкілетті тұлға)", "Руководитель (уполномоченное лицо)", row.signer_name,
        "Дата выдачи", ddmmyyyy(day(doc["issued_at"])), "Номер лицензии", doc["number"], "Место выдачи",
        "город Астана", "Астана қаласы",
        "ЛИЦЕНЗИЯҒА ҚОСЫМША", "ПРИЛОЖЕНИЕ К ГОСУДАРСТВЕННОЙ ЛИЦЕНЗИИ", "Ұялы байланыс", "Сотовая связь",
    ])
    assert row.signer_name and row.pdf_sha256
    produced["licence"] = pdf
    # Visible to the applicant and the provider, to nobody else.
    assert h.download(world.api["committee_officer"], app["id"], doc["number"]) == pdf
    h.download(world.api["person"], app["id"], doc["number"], expect=404)
    h.download(world.api["company_head"], app["id"], "LIC-0000-000000", expect=404)

    # The reasoned refusal (ru).
    app = h.s1_refusal(world, "ru")
    doc = h.document_of(app, "refusal")
    pdf = h.download(world.api["person"], app["id"], doc["number"])
    check(pdf, LEGAL + COMMON + [
        "ДӘЛЕЛДІ БАС ТАРТУ", "МОТИВИРОВАННЫЙ ОТКАЗ", app["applicant_name"], PERSON["iin"], app["number"],
        "Основание отказа", "Несоответствие квалификационным требованиям", "Отсутствует техническая база", "Техникалық база жоқ",
        "нет помещения", doc["number"], ddmmyyyy(day(doc["issued_at"])), committee.name_ru,
    ])
    produced["refusal"] = pdf

    # S2 order (2015: signed by the head at step 6), kk.
    app = h.s2_order(world, "kk")
    doc = h.document_of(app, "order")
    pdf = h.download(world.api["person"], app["id"], doc["number"])
    check(pdf, LEGAL + [
        "БҰЙРЫҚ", "ПРИКАЗ", "БҰЙЫРАМЫН:", "ПРИКАЗЫВАЮ:", "Нөмірлеу ресурсын бөлу туралы", "О выделении номерного ресурса", app["applicant_name"],
        PERSON["iin"], "диапазон 7172500000–7172509999", "fixed telephony in Astana", "географические номера",
        doc["number"], ddmmyyyy(day(doc["issued_at"])), "бессрочно", committee.name_ru,
        ResultDocument.objects.get(number=doc["number"]).signer_name,
    ])
    produced["order"] = pdf

    # S3 permit (ru): bands, station, radio service, validity.
    app = h.s3_permit(world, "ru")
    doc = h.document_of(app, "permit")
    pdf = h.download(world.api["person"], app["id"], doc["number"])
    issued = day(doc["issued_at"])
    check(pdf, LEGAL + PERMIT + [
        "РАДИОЖИІЛІК СПЕКТРІН ПАЙДАЛАНУҒА РҰҚСАТ", "РАЗРЕШЕНИЕ НА ИСПОЛЬЗОВАНИЕ РАДИОЧАСТОТНОГО СПЕКТРА",
        "Полоса частот 1", "2500–2510 МГц", "Радиослужба", "подвижная", "Место установки станции", "Алматы, ул. Абая, 150",
        "43,238", "76,889", "город Алматы", "Срок действия", f"до {ddmmyyyy(issued.replace(year=issued.year + 5))}",
        app["applicant_name"], PERSON["iin"], doc["number"], almaty.name_ru,
    ])
    produced["permit_s3"] = pdf

    # S4 permit (kk): devices, place, frequencies, validity.
    app = h.s4_permit(world, "kk")
    doc = h.document_of(app, "permit")
    pdf = h.download(world.api["person"], app["id"], doc["number"])
    issued = day(doc["issued_at"])
    check(pdf, LEGAL + PERMIT + [
        "РАЗРЕШЕНИЕ НА ЭКСПЛУАТАЦИЮ РАДИОЭЛЕКТРОННЫХ СРЕДСТВ", "Устройство 1",
        "radio receiver, модель RX-900, заводской № SN12345", "Место эксплуатации", "Алматы, ул. Абая, 150", f"{ddmmyyyy(issued.replace(year=issued.year + 5))} дейін",
        app["applicant_name"], doc["number"], almaty.name_kk,
    ])
    produced["permit_s4"] = pdf

    # PSC receipt (ru) and PSC refusal receipt (kk).
    app = h.psc_receipt(world, "ru")
    doc = h.document_of(app, "receipt")
    pdf = h.download(world.api["psc"], app["id"], doc["number"])
    check(pdf, LEGAL + COMMON + [
        "ҚОЛХАТ", "РАСПИСКА", "О приеме документов", "Дата приема документов",
        ddmmyyyy(datetime.date.fromisoformat(doc["content"]["accepted_on"])), "Планируемая дата выдачи результата",
        ddmmyyyy(datetime.date.fromisoformat(doc["content"]["planned_result_date"])),
        "Обоснование потребности в номерном ресурсе", app["applicant_name"], doc["number"],
    ])
    produced["receipt"] = pdf
    app = h.psc_refusal_receipt(world, "kk")
    doc = h.document_of(app, "refusal_receipt")
    pdf = h.download(world.api["psc"], app["id"], doc["number"])
    check(pdf, LEGAL + COMMON + [
        "Құжаттарды қабылдаудан бас тарту туралы", "Об отказе в приеме документов", "Недостающий документ 1",
        "Обоснование потребности в номерном ресурсе", "Нөмірлеу ресурсының қажеттілігін негіздеу",
        ddmmyyyy(datetime.date.fromisoformat(doc["content"]["accepted_on"])), doc["number"],
    ])
    produced["refusal_receipt"] = pdf

    # pyHanko's own validator, online (CRLs fetched from the live server's distribution point), trust = test root.
    root = Path(world.pki.root_pem_path)
    procs = {}
    for name, pdf in produced.items():
        path = tmp_path / f"{name}.pdf"
        path.write_bytes(pdf)
        procs[name] = subprocess.Popen([PYHANKO, "sign", "validate", "--trust", str(root), "--trust-replace",
                                        "--force-revinfo", str(path)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                       text=True, cwd=tmp_path)
    for name, proc in procs.items():
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, (name, out, err[-2000:])
        assert ":INTACT:TRUSTED," in out and "TIMESTAMP_TOKEN<INTACT:TRUSTED>" in out, (name, out)
