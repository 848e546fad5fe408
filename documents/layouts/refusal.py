"""The reasoned refusal (any service): why, on which request, each reason as a sentence."""
from documents.layouts import Field, Section, common_tail, document, holder, request_fields

TITLE = ("ДӘЛЕЛДІ БАС ТАРТУ", "МОТИВИРОВАННЫЙ ОТКАЗ")
# The refusal grounds the process definitions name (the `reason` of their refuse operations).
REASONS = {
    "authorisation_refused": ("Өтініш беруші порталда авторизациядан өтпеген", "Заявитель не прошел авторизацию на портале"),
    "not_paid": ("Төлем жасалмаған", "Оплата не произведена"),
    "signature_not_confirmed": ("ЭЦҚ расталмады", "ЭЦП не подтверждена"),
    "qualification_failed": ("Біліктілік талаптарына сәйкес келмейді", "Несоответствие квалификационным требованиям"),
    "registry_data_unavailable": ("Өтініш берушінің деректерін мемлекеттік дерекқордан алу мүмкін болмады",
                                  "Не удалось получить данные заявителя из государственной базы данных"),
    "incomplete_document_set": ("Құжаттар топтамасы толық емес", "Неполный пакет документов"),
    "refused": ("Өтінім қабылданбады", "Заявка отклонена"),
}
UNKNOWN = ("Өтінім қабылданбады", "Заявка отклонена")


def build(ctx):
    content = ctx.document.content
    code = content.get("reason") or ctx.app.refusal_reason
    kk, ru = REASONS.get(code, UNKNOWN)
    rows = holder(ctx) + request_fields(ctx) + [
        Field("Бас тарту негізі", "Основание отказа", value_kk=kk, value_ru=ru),
    ]
    if code == "not_paid" and ctx.fee:
        rows.append(Field("Төленуге тиіс алым", "Сбор к оплате", ctx.fee))
    for i, (r_kk, r_ru) in enumerate(ctx.reason_texts(content.get("reasons") or []), 1):
        rows.append(Field(f"Себеп {i}", f"Причина {i}", value_kk=r_kk, value_ru=r_ru))
    return document(ctx, TITLE, sections=[Section(("", ""), rows + common_tail(ctx))])
