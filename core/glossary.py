"""The interface's glossary: the regulations' §8 "Names in three languages" as data.

This module is the single source of the project's terminology in Kazakh and
Russian (docs/i18n.md "Terminology" shows its tables, checked against this
data by core/tests/test_glossary.py). The regulations' text is not read at run
time: what the project needs from it is copied here.

Each `Term` says
- `english`: how the term appears in the source msgids, as regular expressions
  (matched case-insensitively unless `case_sensitive`, on word boundaries;
  plural and possessive forms spelt out in the pattern);
- `exclude`: English contexts where the same word has another sense (these
  occurrences do not count);
- `kk` / `ru`: the accepted forms, as stems or regexes that let the word
  inflect (Russian cases, Kazakh suffixes after a hyphen or directly);
- `kk_forbidden` / `ru_forbidden`: the synonyms the catalogs must not drift
  to (a forbidden form is excused only where it is the accepted form of
  another term the same msgid contains, e.g. Kazakh "өтініш" is forbidden
  for "request" but is the accepted word for "application");
- `table`: the row docs/i18n.md shows (English, Kazakh, Russian);
- `section`: "spec" for the regulations' §8 terms, "project" for the terms
  the project chose where §8 is silent.

The rule for a catalog entry (core/tests/test_glossary.py): whenever its
English msgid contains a term, every translation of it (each plural form)
contains one of the accepted forms and none of the forbidden ones. Where a
msgid *is* one of the S1–S4 titles, the translation is the §8 title verbatim.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

# Kazakh and Russian words go on with letters only (no \w: it would also let
# a digit or "_" continue a word).
_KK_END = r"[а-яәғқңөұүһіё\-]*"
_RU_END = r"[а-яё]*"


@dataclass(frozen=True)
class Term:
    key: str
    english: tuple[str, ...]
    kk: tuple[str, ...]
    ru: tuple[str, ...]
    table: tuple[str, str, str]
    section: str = "spec"
    kk_forbidden: tuple[str, ...] = ()
    ru_forbidden: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    case_sensitive: bool = False
    note: str = ""
    _compiled: dict = field(default_factory=dict, compare=False, repr=False)

    def _rx(self, which: str) -> list[re.Pattern]:
        if which not in self._compiled:
            patterns = getattr(self, which)
            if which == "english":
                flags = 0 if self.case_sensitive else re.IGNORECASE
                self._compiled[which] = [
                    re.compile(rf"(?<![\w-])(?:{p})(?![\w-])", flags) for p in patterns
                ]
            elif which == "exclude":
                self._compiled[which] = [re.compile(p, re.IGNORECASE) for p in patterns]
            else:
                # Start on a word boundary; the pattern itself says how the word may go on.
                self._compiled[which] = [
                    re.compile(rf"(?<![\w-])(?:{p})", re.IGNORECASE) for p in patterns
                ]
        return self._compiled[which]

    def occurs_in(self, msgid: str) -> bool:
        """True if the English text uses the term in this glossary's sense."""
        text = msgid
        for rx in self._rx("exclude"):
            text = rx.sub(" ", text)
        return any(rx.search(text) for rx in self._rx("english"))

    def accepted(self, lang: str) -> list[re.Pattern]:
        return self._rx(lang)

    def forbidden(self, lang: str) -> list[re.Pattern]:
        return self._rx(f"{lang}_forbidden")


def _kk(stem: str) -> str:
    return stem + _KK_END


def _ru(stem: str) -> str:
    return stem + _RU_END


TERMS: tuple[Term, ...] = (
    # -- §8 of the regulations ------------------------------------------------------------
    Term(
        "eds",
        english=(r"EDS", r"electronic digital signatures?"),
        kk=(r"ЭЦҚ" + _KK_END, _kk(r"электрондық\s+цифрлық\s+қолтаңба")),
        ru=(r"ЭЦП", _ru(r"электронн") + r"\s+" + _ru("цифров") + r"\s+" + _ru("подпис")),
        kk_forbidden=(r"ЭЦП",),
        ru_forbidden=(r"ЭЦҚ",),
        table=("EDS (electronic digital signature)", "ЭЦҚ (электрондық цифрлық қолтаңба)",
               "ЭЦП (электронная цифровая подпись)"),
    ),
    Term(
        "iin",
        english=(r"IINs?",),
        kk=(r"ЖСН" + _KK_END,), ru=(r"ИИН",),
        kk_forbidden=(r"ИИН",), ru_forbidden=(r"ЖСН",),
        case_sensitive=True,
        table=("IIN", "ЖСН", "ИИН"),
    ),
    Term(
        "bin",
        english=(r"BINs?",),
        kk=(r"БСН" + _KK_END,), ru=(r"БИН",),
        kk_forbidden=(r"БИН",), ru_forbidden=(r"БСН",),
        case_sensitive=True,
        table=("BIN", "БСН", "БИН"),
    ),
    Term(
        "applicant",
        english=(r"applicants?(?:'s?)?",),
        # §8: applicant (service recipient) = көрсетілетін қызметті алушы / услугополучатель.
        # The catalogs had drifted to the everyday "өтініш беруші" / "заявитель": the
        # regulations' word is the project's rule, the everyday word is forbidden.
        kk=(_kk(r"көрсетілетін\s+қызметті\s+алушы"),),
        ru=(_ru(r"услугополучател"),),
        kk_forbidden=(_kk(r"өтініш\s+беруш"), _kk(r"арыз\s+беруш")),
        ru_forbidden=(_ru(r"заявител"),),
        table=("applicant (service recipient)", "көрсетілетін қызметті алушы", "услугополучатель"),
    ),
    Term(
        "provider",
        english=(r"providers?(?:'s?)?",),
        # §8: provider = көрсетілетін қызметті беруші / услугодатель; the short
        # "қызмет беруші" (without "көрсетілетін") is the drift.
        kk=(_kk(r"көрсетілетін\s+қызметті\s+беруш"),),
        ru=(_ru(r"услугодател"),),
        kk_forbidden=(r"(?<!көрсетілетін )қызмет(?:ті)?\s+беруш" + _KK_END,),
        ru_forbidden=(_ru(r"поставщик") + r"\s+" + _ru("услуг"),),
        table=("provider", "көрсетілетін қызметті беруші", "услугодатель"),
    ),
    Term(
        "psc",
        english=(r"PSCs?(?:'s?)?", r"public service cent(?:re|er)s?(?:'s?)?"),
        kk=(r"ХҚО" + _KK_END, _kk(r"халыққа\s+қызмет\s+көрсету\s+орталы")),
        ru=(r"ЦОН" + _RU_END, _ru(r"центр") + r"\s+обслуживания\s+населения"),
        kk_forbidden=(r"ЦОН",), ru_forbidden=(r"ХҚО",),
        table=("public service centre (PSC)", "халыққа қызмет көрсету орталығы (ХҚО)",
               "центр обслуживания населения (ЦОН)"),
    ),
    Term(
        "e-government-portal",
        english=(r"e-government portal",),
        kk=(r"«?электрондық\s+үкіметтің»?\s+" + _kk("веб-портал"), r"ЭҮП" + _KK_END),
        ru=(_ru("веб-портал") + r"\s+«?электронного\s+правительства»?", r"ПЭП"),
        table=("e-government portal", "«электрондық үкіметтің» веб-порталы (ЭҮП)",
               "веб-портал «электронного правительства» (ПЭП)"),
    ),
    Term(
        "payment-gateway",
        english=(r"payment gateways?(?:'s?)?",),
        kk=(r"төлем\s+" + _kk("шлюз"), r"ЭҮТШ" + _KK_END),
        ru=(_ru("платё?е?жн") + r"\s+" + _ru("шлюз"), r"ПШЭП"),
        table=("e-government payment gateway", "«электрондық үкіметтің» төлем шлюзі (ЭҮТШ)",
               "платёжный шлюз «электронного правительства» (ПШЭП)"),
    ),
    Term(
        "e-government-gateway",
        english=(r"e-government gateway",),
        kk=(r"«?электрондық\s+үкімет(?:тің)?»?\s+" + _kk("шлюз"), r"ЭҮШ" + _KK_END),
        ru=(_ru("шлюз") + r"\s+«?электронного\s+правительства»?", r"ШЭП"),
        table=("e-government gateway", "«электрондық үкіметтің» шлюзі (ЭҮШ)",
               "шлюз «электронного правительства» (ШЭП)"),
    ),
    Term(
        "state-database",
        # The msgids also call it "the state registry" (the Individuals / Legal
        # entities look-up): the same §8 term, not the registry of licences.
        english=(r"state databases?", r"state registr(?:y|ies)"),
        kk=(r"мемлекеттік\s+" + _kk("дерекқор"), r"МДҚ" + _KK_END),
        ru=(_ru("государственн") + r"\s+" + _ru("баз") + r"\s+данных", r"ГБД"),
        kk_forbidden=(r"мемлекеттік\s+" + _kk("тізілім"),),
        ru_forbidden=(_ru("государственн") + r"\s+" + _ru("реестр"),),
        table=("state database, state registry (\"Individuals\" / \"Legal entities\")",
               "мемлекеттік дерекқор; «Жеке тұлғалар» / «Заңды тұлғалар» МДҚ",
               "государственная база данных; ГБД «Физические лица» / «Юридические лица»"),
    ),
    Term(
        "e-licensing",
        english=(r"E-licensing",),
        kk=(r"[ЕE]-лицензиялау" + _KK_END,),
        ru=(r"[ЕE]-лицензировани" + _RU_END,),
        case_sensitive=True,
        table=("E-licensing (state database IS)", "«Е-лицензиялау» МДҚ АЖ", "ИС ГБД «Е-лицензирование»"),
    ),
    Term(
        "committee-full",
        english=(r"Committee of Communications and Informati[sz]ation",),
        kk=(r"Байланыс\s+және\s+ақпараттандыру\s+" + _kk("комитет"),),
        ru=(_ru("Комитет") + r"\s+связи\s+и\s+информатизации",),
        table=("Committee of Communications and Informatization", "Байланыс және ақпараттандыру комитеті",
               "Комитет связи и информатизации"),
    ),
    Term(
        "committee",
        english=(r"Committee(?:'s)?",),
        kk=(_kk("комитет"),), ru=(_ru("комитет"),),
        case_sensitive=True,
        table=("the Committee", "Комитет", "Комитет"),
    ),
    Term(
        "inspection-full",
        english=(r"Inspection of Communications and Informati[sz]ation",),
        kk=(r"Байланыс\s+және\s+ақпараттандыру\s+" + _kk("инспекция"),),
        ru=(_ru("Инспекци") + r"\s+связи\s+и\s+информатизации",),
        table=("Inspection of Communications and Informatization", "Байланыс және ақпараттандыру инспекциясы",
               "Инспекция связи и информатизации"),
    ),
    Term(
        "inspection",
        # Only the body (capitalised); "inspection" as an act is another word.
        english=(r"Inspection(?:'s)?",),
        kk=(_kk("инспекция"),), ru=(_ru("инспекци"),),
        case_sensitive=True,
        table=("the Inspection", "Инспекция", "Инспекция"),
    ),
    Term(
        "reasoned-refusal",
        english=(r"reasoned refusals?",),
        kk=(r"дәлелді\s+(?:жауап|бас\s+тарт)" + _KK_END,),
        ru=(_ru("мотивированн") + r"\s+" + _ru("отказ"),),
        table=("reasoned refusal", "дәлелді бас тарту (дәлелді жауап)", "мотивированный отказ"),
    ),
    Term(
        "receipt",
        # The PSC's receipt of documents (§8). "receipt" as "receiving" ("from
        # the receipt of the application") and the bank's payment receipt (a
        # квитанция / түбіртек) are excluded.
        english=(r"receipts?(?:'s)?",),
        exclude=(r"\b(?:from|since|on|after|upon)\s+(?:the\s+)?receipt\s+of\b", r"\b(?:payment|bank's|bank)\s+receipts?\b"),
        kk=(_kk("қолхат"),), ru=(_ru("расписк"),),
        ru_forbidden=(_ru("квитанци"),),
        table=("receipt", "қолхат", "расписка"),
    ),
    Term(
        "licence",
        english=(r"licen[cs]es?(?:'s?)?",),
        kk=(_kk("лицензия"), _kk("лицензиял")),
        ru=(_ru("лицензи"),),
        table=("licence", "лицензия", "лицензия"),
    ),
    Term(
        "permit",
        # The noun and the verb ("what it permits") share the stem in both languages
        # (рұқсат / рұқсат етеді, разрешение / разрешает), so both senses pass.
        english=(r"permits?(?:'s?)?",),
        kk=(_kk("рұқсат"),), ru=(_ru("разреш"),),
        table=("permit", "рұқсат", "разрешение"),
    ),
    Term(
        "order",
        # The S2 result, the provider's order (§8 бұйрық / приказ), and the
        # regulations themselves ("Order No. 809"). Other senses are excluded: "in
        # calling order", "in order to", "sort order"; the bare msgid "Order" is
        # the back office's sort-order filter (allowed in core/tests/test_glossary.py);
        # a column naming the S2 order uses the msgid "order".
        english=(r"orders?(?:'s?)?",),
        exclude=(r"\bin\s+(?:\w+\s+)?order\b", r"\bsort(?:ing)?\s+order\b", r"\border\s+of\s+(?:the\s+)?(?:steps|columns|rows)\b"),
        kk=(_kk("бұйрық"), _kk("бұйрығ")),
        ru=(_ru("приказ"),),
        table=("order (the S2 result; the regulations' orders)", "бұйрық", "приказ"),
    ),
    Term(
        "qualification-requirements",
        english=(r"qualification requirements?",),
        kk=(r"біліктілік\s+" + _kk("талап"),),
        ru=(_ru("квалификационн") + r"\s+" + _ru("требовани"),),
        table=("qualification requirements", "біліктілік талаптары", "квалификационные требования"),
    ),
    Term(
        "electronic-queue",
        english=(r"electronic queues?",),
        kk=(r"электрондық\s+" + _kk("кезек"),),
        ru=(_ru("электронн") + r"\s+" + _ru("очеред"),),
        table=("electronic queue", "электрондық кезек", "электронная очередь"),
    ),
    Term(
        "document-management",
        english=(r"(?:unified\s+)?document-management system",),
        kk=(r"құжат\s+" + _kk("айналым"),),
        ru=(_ru("документооборот"), r"ЕСЭДО"),
        table=("unified document-management system", "электрондық құжат айналымының бірыңғай жүйесі",
               "единая система электронного документооборота (ЕСЭДО)"),
    ),
    Term(
        "history-of-services",
        english=(r"history of receiving services",),
        kk=(r"қызметті\s+алудың\s+" + _kk("тарих"),),
        ru=(_ru("истори") + r"\s+получения\s+услуг",),
        table=("history of receiving services", "қызметті алудың тарихы", "история получения услуг"),
    ),
    Term(
        "satisfied",
        english=(r"satisfied",),
        exclude=(r"\brequirements?\s+(?:are|is)\s+satisfied\b",),
        kk=(_kk("қанағаттан"),), ru=(_ru("удовлетвор"),),
        table=("satisfied / partly satisfied / not satisfied",
               "қанағаттанамын / ішінара қанағаттанамын / қанағаттанған жоқпын",
               "удовлетворен / частично удовлетворен / не удовлетворен"),
    ),
    # -- chosen by the project where §8 is silent --------------------------------------------
    Term(
        "request",
        # The applicant's electronic request. The Russian regulations and the
        # portal call it "запрос"; "заявка" is the drift (forbidden). The paper
        # application is another term ("application", below): "өтініш" /
        # "заявление" are forbidden for "request" unless the msgid also speaks of
        # an application. Kazakh "сұрау салу" inflects on its verb-noun (сұрау
        # салуды, сұрау салудың, сұрау салуға, сұрау салуы, сұрау салулар...).
        section="project",
        english=(r"requests?(?:'s?)?",),
        # Other senses: the verb ("request a new one"), the log-in challenge, a
        # request for payment, and the API's HTTP requests (whole messages of the
        # JSON API and of the idempotency keys, where Kazakh says "сұрау").
        exclude=(
            r"\brequest\s+(?:a|an|the)\s+new\b", r"\b(?:log-in|registration)\s+requests?\b",
            r"\brequests?\s+for\s+payment\b", r"\bpaper\s+requests?\b",
            r"\bHTTP\s+requests?\b", r"\bon\s+request\b",
            r"(?s)^.*\b(?:idempotency|bearer\s+token|this\s+kind\s+of\s+request)\b.*$",
            r"(?s)^The request (?:has errors|could not be (?:processed|read))\.?$",
            r"(?s)^This request was carried out already\b.*$",
        ),
        kk=(r"сұрау\s+" + _kk("сал"),),
        ru=(_ru("запрос"),),
        kk_forbidden=(_kk("өтінім"), _kk("өтініш")),
        ru_forbidden=(_ru("заявк"), r"заявок", _ru("заявлени")),
        table=("request (the applicant's electronic request)", "сұрау салу", "запрос"),
    ),
    Term(
        "application",
        # The paper application brought to the PSC or the provider (channels B/C);
        # "a paper request" is one too.
        section="project",
        english=(r"applications?(?:'s?)?", r"paper\s+requests?"),
        kk=(_kk("өтініш"),),
        ru=(_ru("заявлени"),),
        ru_forbidden=(_ru("заявк"), r"заявок"),
        table=("application (on paper)", "өтініш", "заявление"),
    ),
    Term(
        "re-issue",
        section="project",
        english=(r"re-?issu(?:e|es|ed|ing)", r"re-?registr\w*"),
        kk=(r"қайта\s+" + _kk("ресімде"),),
        ru=(_ru("переоформ"),),
        ru_forbidden=(_ru("перевыда"), _ru("перерегистр")),
        table=("re-issue", "қайта ресімдеу", "переоформление"),
    ),
    Term(
        "duplicate",
        # The S1 sub-kind (a duplicate of a licence). "duplicate" in the sense
        # "the same thing twice" does not occur in the catalogs' msgids yet; if it
        # comes, exclude it here.
        section="project",
        english=(r"duplicates?",),
        kk=(_kk("телнұсқа"),), ru=(_ru("дубликат"),),
        table=("duplicate", "телнұсқа", "дубликат"),
    ),
    Term(
        "numbering-resource",
        section="project",
        english=(r"numbering resources?",),
        kk=(r"нөмірлеу\s+" + _kk("ресурс"),),
        ru=(_ru("номерн") + r"\s+" + _ru("ресурс"),),
        table=("numbering resource", "нөмірлеу ресурсы", "номерной ресурс"),
    ),
    Term(
        "radio-electronic-device",
        section="project",
        english=(r"radio-electronic\s+(?:devices?|and)",),
        kk=(r"радиоэлектрондық\s+" + _kk("құрал"),),
        ru=(_ru("радиоэлектронн") + r"\s+(?:" + _ru("средств") + r"|и)",),
        table=("radio-electronic device", "радиоэлектрондық құрал", "радиоэлектронное средство"),
    ),
    Term(
        "high-frequency-device",
        section="project",
        english=(r"high-frequency devices?",),
        kk=(r"жоғары\s+жиілікті\s+" + _kk("құрылғ"),),
        ru=(_ru("высокочастотн") + r"\s+" + _ru("устройств"),),
        table=("high-frequency device", "жоғары жиілікті құрылғы", "высокочастотное устройство"),
    ),
    Term(
        "certification-authority",
        section="project",
        english=(r"certification authorit(?:y|ies)(?:'s)?",),
        kk=(r"куәландырушы\s+" + _kk("орталы"),),
        ru=(_ru("удостоверяющ") + r"\s+" + _ru("центр"),),
        table=("certification authority", "куәландырушы орталық", "удостоверяющий центр"),
    ),
    Term(
        "fee",
        # The fee of a paid service. "пошлина" (state duty) was the drift: the
        # catalogs, the fee pages and the gateway say "сбор".
        section="project",
        english=(r"fees?",),
        kk=(_kk("алым"),), ru=(_ru("сбор"),),
        ru_forbidden=(_ru("пошлин"),),
        table=("fee", "алым", "сбор"),
    ),
    Term(
        "executor",
        section="project",
        english=(r"executors?(?:'s?)?",),
        kk=(_kk("орындаушы"),), ru=(_ru("исполнител"),),
        table=("executor", "орындаушы", "исполнитель"),
    ),
    # Left out on purpose: "form" (an HTML form, the applicant's form and the verb "form
    # a refusal" share the word), "step" and "region" (everyday words with several
    # translations that are all right), "revoked" (a certificate is отозван, a licence
    # is прекращена: different words by object).
)

# The §8 titles of the services, verbatim (the msgid is the English title the
# service definitions use).
TITLES: tuple[dict[str, str], ...] = (  # the four services, in their order
    {
        "en": "Issuing, re-issuing and issuing a duplicate of a licence to provide communication services",
        "kk": "Байланыс саласындағы қызметтерді көрсетуге лицензия беру, қайта ресімдеу, "
              "лицензияның телнұсқасын беру",
        "ru": "Выдача, переоформление, выдача дубликатов лицензии на предоставление услуг в области связи",
    },
    {
        "en": "Allocating numbering resource and assigning numbers, and withdrawing them",
        "kk": "Нөмірлеу ресурсын бөлу және нөмірлерді беру, сондай-ақ оларды алып қою",
        "ru": "Выделение номерного ресурса, а также присвоение номеров и их изъятие",
    },
    {
        "en": "Permit to use the radio-frequency spectrum of the Republic of Kazakhstan",
        "kk": "Қазақстан Республикасының радиожиілік спектрін пайдалануға рұқсат беру",
        "ru": "Выдача разрешения на использование радиочастотного спектра Республики Казахстан",
    },
    {
        "en": "Permit to operate radio-electronic devices and high-frequency devices",
        "kk": "Радиоэлектрондық құралдар мен жоғары жиілікті құрылғыларды пайдалануға рұқсат беру",
        "ru": "Выдача разрешения на эксплуатацию радиоэлектронных средств и высокочастотных устройств",
    },
)

LANGS = ("kk", "ru")


def terms_in(msgid: str) -> list[Term]:
    """The glossary terms the English text uses."""
    return [t for t in TERMS if t.occurs_in(msgid)]


def _spans(patterns, text):
    return [m.span() for rx in patterns for m in rx.finditer(text)]


def check(msgid: str, translation: str, lang: str) -> list[str]:
    """What is wrong with one translation of `msgid` against the glossary (empty: nothing)."""
    problems = []
    for title in TITLES:
        if msgid == title["en"] and translation != title[lang]:
            problems.append(f"the service's title must be, verbatim: {title[lang]!r}")
    present = terms_in(msgid)
    for term in present:
        if not any(rx.search(translation) for rx in term.accepted(lang)):
            problems.append(f"{term.key!r}: none of the accepted forms ({term.table[1 if lang == 'kk' else 2]})")
        excused = [s for other in present if other is not term for s in _spans(other.accepted(lang), translation)]
        for start, end in _spans(term.forbidden(lang), translation):
            if not any(a <= start and end <= b for a, b in excused):
                problems.append(f"{term.key!r}: forbidden {translation[start:end]!r}")
    return problems


def markdown_table(section: str) -> str:
    """The docs/i18n.md table of one section ("spec" or "project")."""
    rows = ["| English (source) | Kazakh | Russian |", "| --- | --- | --- |"]
    rows += [f"| {' | '.join(t.table)} |" for t in TERMS if t.section == section]
    if section == "spec":
        rows.append("| S1–S4 service titles | as in §8, verbatim (`TITLES`) | as in §8, verbatim (`TITLES`) |")
    return "\n".join(rows)


def check_tsv(text: str) -> list[str]:
    """Check pending translations written as `msgid<TAB>kk<TAB>ru` lines (plural
    forms `msgid|msgid_plural<TAB>kk1|kk2<TAB>ru1|ru2|ru3`); lines that are not
    three columns (comments) are skipped."""
    problems = []
    for number, line in enumerate(text.splitlines(), 1):
        columns = line.split("\t")
        if len(columns) != 3:
            continue
        msgid, *translations = columns
        plural = "|" in msgid
        english = msgid.replace("|", "\n") if plural else msgid
        for lang, column in zip(LANGS, translations, strict=True):
            for form in column.split("|") if plural else [column]:
                problems += [f"{number}: [{lang}] {msgid!r} -> {form!r}: {p}" for p in check(english, form, lang)]
    return problems


if __name__ == "__main__":
    # python -m core.glossary: print the docs tables;
    # python -m core.glossary FILE...: check pending msgid<TAB>kk<TAB>ru translation files.
    import sys
    from pathlib import Path

    if len(sys.argv) == 1:
        print(markdown_table("spec"), end="\n\n")
        print(markdown_table("project"))
    else:
        found = [f"{name}:{p}" for name in sys.argv[1:] for p in check_tsv(Path(name).read_text(encoding="utf-8"))]
        print("\n".join(found) or "no glossary problems")
        sys.exit(1 if found else 0)
