"""S2 reference data the regulations leave open (spec §9): demo values. S2 is free of charge."""

DOCUMENTS = [
    ("", "application", "Өтініш", "Заявление", "Application"),
    ("allocate", "numbering-justification", "Нөмірлеу ресурсының қажеттілігін негіздеу",
     "Обоснование потребности в номерном ресурсе", "Justification of the need for numbering resource"),
]

QUALIFICATION = [
    ("plan-conformity", "Нөмірлеу жоспарына сәйкес", "Соответствие плану нумерации", "The request conforms to the numbering plan",
     "Нөмірлеу жоспарына сәйкес емес", "Не соответствует плану нумерации", "The request does not conform to the numbering plan"),
]
