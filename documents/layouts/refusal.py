"""The reasoned refusal (any service): why, at which step, on which request."""
from documents.layouts import Field, Layout, Section, common_tail, holder, request_fields

TITLE = ("ДӘЛЕЛДІ БАС ТАРТУ", "МОТИВИРОВАННЫЙ ОТКАЗ")
REASONS = {
    "authorisation_refused": ("Өтініш беруші порталда авторизациядан өтпеген", "Заявитель не прошел авторизацию на портале"),
    "not_paid": ("Төлем жасалмаған", "Оплата не произведена"),
    "signature_not_confirmed": ("ЭЦҚ расталмады", "ЭЦП не подтверждена"),
    "qualification_failed": ("Біліктілік талаптарына сәйкес келмейді", "Несоответствие квалификационным требованиям"),
    "registry_data_unavailable": ("Тізілім деректерін алу мүмкін болмады", "Не удалось получить данные из реестра"),
    "incomplete_document_set": ("Құжаттар топтамасы толық емес", "Неполный пакет документов"),
    "refused": ("Өтінім қабылданбады", "Заявка отклонена"),
}


def build(ctx) -> Layout:
    content = ctx.document.content
    code = content.get("reason") or ctx.app.refusal_reason
    kk, ru = REASONS.get(code, (code, code))
    rows = holder(ctx) + request_fields(ctx) + [
        Field("Бас тарту негізі", "Основание отказа", value_kk=f"{kk} ({code})", value_ru=f"{ru} ({code})"),
        Field("Қадам", "Шаг", str(content.get("step") or ctx.app.refusal_step)),
    ]
    for i, (r_kk, r_ru) in enumerate(ctx.reason_texts(content.get("reasons") or []), 1):
        rows.append(Field(f"Себеп {i}", f"Причина {i}", value_kk=r_kk, value_ru=r_ru))
    return Layout(title=TITLE, sections=[Section(("", ""), rows + common_tail(ctx))])
