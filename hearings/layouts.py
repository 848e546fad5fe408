"""The reasoned refusal with its legal ground, the hearing that preceded it and the route of appeal — the
refusal layout the services' ``layouts.LAYOUTS["refusal"]`` name (docs/refusals.md). It is the common refusal
(documents/layouts/refusal.py: holder, request, ground, each reason) with, before the document's tail:

- the legal basis of the ground (the act and its paragraph) and the ground as a sentence (the service's
  ``refusals.GROUNDS``);
- for a refusal after a hearing: the date of the notice, the term, and the applicant's position as they
  wrote it — or that none came within the term;
- the appeal route: to whom, how, within what term (the service's ``refusals.APPEAL``).
"""
from __future__ import annotations

import datetime

from documents.layouts import Field, Section, Text, common_tail, document, holder, refusal, request_fields
from hearings import grounds
from hearings.models import Hearing


def build(ctx):
    app = ctx.app
    ground = grounds.ground(app.service, refusal.code_of(ctx))
    ground_rows = [] if ground is None else [
        Field("Құқықтық негіз", "Правовое основание", value_kk=ground.basis.kk, value_ru=ground.basis.ru),
        Field("Бас тарту негізінің мәні", "Суть основания", value_kk=ground.text.kk, value_ru=ground.text.ru)]
    rows = refusal.rows(ctx, ground_rows) + hearing_fields(ctx)
    texts = []
    for i, step in enumerate(grounds.appeal(app.service), 1):
        texts.append(Text(f"{i}. {step.to.kk}. {step.how.kk}. {step.term.kk}.",
                          f"{i}. {step.to.ru}. {step.how.ru}. {step.term.ru}."))
    sections = [Section(("", ""), rows + common_tail(ctx))]
    if texts:
        sections.append(Section(("Шағымдану тәртібі", "Порядок обжалования"), texts=texts))
    return document(ctx, refusal.TITLE, sections=sections)


def hearing_fields(ctx) -> list[Field]:
    """The hearing the refusal follows (a 2026 definition), as decided: the notice, the term, the answer."""
    hearing = (Hearing.objects.filter(application=ctx.app, notified_at__lte=ctx.document.issued_at)
               .order_by("-notified_at", "-id").first())
    if hearing is None:
        return []
    rows = [
        Field("Тыңдау", "Заслушивание", value_kk=grounds.HEARING_BASIS.kk, value_ru=grounds.HEARING_BASIS.ru),
        Field("Болжамды бас тарту туралы хабарлама", "Уведомление о предполагаемом отказе",
              ctx.date(hearing.notified_at)),
        Field("Ұстанымды білдіру мерзімі", "Срок для выражения позиции", ctx.date(hearing.answer_due_at)),
    ]
    if hearing.answered:
        rows.append(Field(f"Көрсетілетін қызметті алушының ұстанымы ({ctx.date(hearing.answered_at)})",
                          f"Позиция услугополучателя ({ctx.date(hearing.answered_at)})", hearing.answer))
    else:
        rows.append(Field("Көрсетілетін қызметті алушының ұстанымы", "Позиция услугополучателя",
                          value_kk="Белгіленген мерзімде ұстаным берілмеді", value_ru="В установленный срок позиция не представлена"))
    return rows


NOTICE_TITLE = ("БОЛЖАМДЫ БАС ТАРТУ ТУРАЛЫ ХАБАРЛАМА", "УВЕДОМЛЕНИЕ О ПРЕДПОЛАГАЕМОМ ОТКАЗЕ")


def notice(ctx):
    """The notice of an intended refusal (APC, art. 73): the intended ground and reasons, the term to state a
    position and how; the hearing precedes the decision, which is not taken yet."""
    content = ctx.document.content
    app = ctx.app
    ground = grounds.ground(app.service, content.get("ground", ""))
    rows = holder(ctx) + request_fields(ctx)
    if ground is not None:
        rows += [Field("Болжамды бас тартудың құқықтық негізі", "Правовое основание предполагаемого отказа",
                       value_kk=ground.basis.kk, value_ru=ground.basis.ru),
                 Field("Негіздің мәні", "Суть основания", value_kk=ground.text.kk, value_ru=ground.text.ru)]
    for i, (r_kk, r_ru) in enumerate(ctx.reason_texts(content.get("reasons") or []), 1):
        rows.append(Field(f"Себеп {i}", f"Причина {i}", value_kk=r_kk, value_ru=r_ru))
    due = content.get("answer_due_at", "")
    if due:
        rows.append(Field("Ұстанымды білдіру мерзімі", "Срок для выражения позиции",
                          ctx.date(datetime.datetime.fromisoformat(due))))
    texts = [Text(
        f"{grounds.HEARING_BASIS.kk}: шешім қабылданғанға дейін сіз болжамды бас тартуға қатысты өз ұстанымыңызды "
        "порталда, сұрау салу бетінде білдіре аласыз. Шешім сіздің ұстанымыңызды ескере отырып не мерзім өткеннен кейін "
        "қабылданады.",
        f"{grounds.HEARING_BASIS.ru}: до принятия решения вы можете выразить свою позицию по предполагаемому отказу "
        "на портале, на странице запроса. Решение принимается с учётом вашей позиции либо по истечении срока.")]
    return document(ctx, NOTICE_TITLE, sections=[Section(("", ""), rows + common_tail(ctx), texts=texts)])
