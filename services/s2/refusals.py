"""S2: the legal ground of each refusal its process definitions name, and the appeal route
(docs/refusals.md). The paragraphs are those of appendix 2 to Order No. 809 of 26.11.2012 (the 2012 version) and
of the 2015 regulation (item 8.5, item 9)."""
from hearings.grounds import COMMITTEE, COMMON_TEXTS, MINISTRY, Ground, Text, appeal_route, order_809_grounds

GROUNDS = order_809_grounds(2, {"authorisation_refused": 1, "signature_not_confirmed": 2, "qualification_failed": 3}, Text(
    "Сұрау салу нөмірлеу ресурсын бөлу (беру, алып қою) шарттарына сәйкес келмейді",
    "Запрос не соответствует условиям выделения (присвоения, изъятия) номерного ресурса",
    "The request does not meet the conditions for allocating (assigning, withdrawing) numbering resource"))
# The 2015 regulation: the executor's review (item 8.5) and the PSC's intake (item 9).
GROUNDS["incomplete_document_set"] = Ground(
    "incomplete_document_set",
    Text("2015 жылғы регламент, 8.5-тармақ (ХҚО: 9-тармақ)", "Регламент 2015 года, пункт 8.5 (ЦОН: пункт 9)",
         "The 2015 regulation, item 8.5 (PSC: item 9)"),
    COMMON_TEXTS["incomplete_document_set"])

APPEAL = appeal_route(COMMITTEE, MINISTRY)
