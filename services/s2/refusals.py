"""S2: the legal ground of each refusal its process definitions name, and the appeal route
(docs/refusals.md). The paragraphs are those of appendix 2 to Order No. 809 of 26.11.2012 (the 2012 version) and
of the 2015 regulation (item 8.5, item 9)."""
from hearings.grounds import COMMON_TEXTS, Ground, Text, appeal_route, order_809

APPENDIX = ("2-қосымша", "приложение 2", "appendix 2")


def _basis(kk: str, ru: str, en: str) -> Text:
    return order_809((f"{APPENDIX[0]}, {kk}", f"{APPENDIX[1]}, {ru}", f"{APPENDIX[2]}, {en}"))


GROUNDS = {
    "authorisation_refused": Ground("authorisation_refused", _basis("6-тармақ, 1-шарт", "пункт 6, условие 1", "item 6, condition 1"),
                                    COMMON_TEXTS["authorisation_refused"]),
    "signature_not_confirmed": Ground("signature_not_confirmed",
                                      _basis("6-тармақ, 2-шарт", "пункт 6, условие 2", "item 6, condition 2"),
                                      COMMON_TEXTS["signature_not_confirmed"]),
    "registry_data_unavailable": Ground("registry_data_unavailable",
                                        _basis("2-диаграмма, мемлекеттік дерекқорға сұрау", "диаграмма 2, запрос в ГБД",
                                               "diagram 2, the state database query"),
                                        COMMON_TEXTS["registry_data_unavailable"]),
    "qualification_failed": Ground(
        "qualification_failed", _basis("6-тармақ, 3-шарт", "пункт 6, условие 3", "item 6, condition 3"),
        Text("Өтінім нөмірлеу ресурсын бөлу (беру, алып қою) шарттарына сәйкес келмейді",
             "Заявка не соответствует условиям выделения (присвоения, изъятия) номерного ресурса",
             "The request does not meet the conditions for allocating (assigning, withdrawing) numbering resource"),
        substantive=True),
    # The 2015 regulation: the executor's review (item 8.5) and the PSC's intake (item 9).
    "incomplete_document_set": Ground(
        "incomplete_document_set",
        Text("2015 жылғы регламент, 8.5-тармақ (ХҚО: 9-тармақ)", "Регламент 2015 года, пункт 8.5 (ЦОН: пункт 9)",
             "The 2015 regulation, item 8.5 (PSC: item 9)"),
        COMMON_TEXTS["incomplete_document_set"]),
}

PROVIDER = Text("Байланыс және ақпараттандыру комитеті", "Комитет связи и информатизации",
                "Committee of Communications and Informatization")
HIGHER = Text("Көлік және коммуникация министрлігі", "Министерство транспорта и коммуникаций",
              "the Ministry of Transport and Communications")
APPEAL = appeal_route(PROVIDER, HIGHER)
