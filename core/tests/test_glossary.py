"""The translations follow the glossary (core/glossary.py, the regulations' §8 terms).

For every entry of locale/kk and locale/ru: where the English msgid uses a
glossary term, each translation (each plural form) uses one of the term's
accepted forms and none of its forbidden synonyms; where the msgid is one of
the S1–S4 titles, the translation is the §8 title verbatim. All violations are
reported at once. docs/i18n.md's terminology tables are the glossary's.

Fixing a failure: correct the msgstr in the .po (then compilemessages), or, if
the English word is used in another sense there, say so in the glossary's
`exclude` or, with a reason, in ALLOWED below.
"""
from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings

from core import glossary
from core.tests.test_translations import read_po

LOCALE_DIR = Path(settings.BASE_DIR) / "locale"

# (lang, msgid) -> why the glossary does not apply there. Keep it short and justified.
ALLOWED: dict[tuple[str, str], str] = {
    # The bare "Order" is the back office's sort-order filter (backoffice/_filters.html:
    # "due date, soonest first" / "newest first"), not the S2 document; the numbering
    # pages' order column uses the msgid "order" (бұйрық / приказ).
    ("kk", "Order"): "the sort order of the back office's list, not the S2 order",
    ("ru", "Order"): "the sort order of the back office's list, not the S2 order",
}


def violations(lang: str) -> list[str]:
    found = []
    for entry in read_po(LOCALE_DIR / lang / "LC_MESSAGES" / "django.po"):
        msgid = entry["msgid"]
        if not msgid or (lang, msgid) in ALLOWED:
            continue
        english = msgid + ("\n" + entry["msgid_plural"] if entry["msgid_plural"] else "")
        for index, text in sorted(entry["msgstr"].items()):
            if not text:
                continue  # untranslated: test_translations reports it
            for problem in glossary.check(english, text, lang):
                form = f"[{index}]" if entry["msgid_plural"] else ""
                found.append(f"{msgid!r}{form} -> {text!r}: {problem}")
    return found


@pytest.mark.parametrize("lang", glossary.LANGS)
def test_catalog_follows_the_glossary(lang):
    found = violations(lang)
    assert not found, f"{lang}: {len(found)} translation(s) off the glossary (core/glossary.py):\n" + "\n".join(found)


def test_allow_list_is_still_needed():
    # An exception whose msgid is gone or whose translation now passes is removed.
    for (lang, msgid), reason in ALLOWED.items():
        assert reason
        entries = [e for e in read_po(LOCALE_DIR / lang / "LC_MESSAGES" / "django.po") if e["msgid"] == msgid]
        assert entries, f"ALLOWED names {msgid!r}, which {lang} does not have"
        assert any(glossary.check(msgid, text, lang) for e in entries for text in e["msgstr"].values()), (
            f"ALLOWED[{lang!r}, {msgid!r}] is no longer needed"
        )


# -- the glossary itself ------------------------------------------------------------------
@pytest.mark.parametrize(
    "msgid, lang, text, expected",
    [
        # inflection passes
        ("The applicant's IIN", "ru", "ИИН услугополучателя", []),
        ("Give the applicant a receipt", "ru", "Выдать услугополучателю расписку", []),
        ("Give the applicant a receipt", "kk", "Көрсетілетін қызметті алушыға қолхат беру", []),
        ("Sign with the EDS", "kk", "ЭЦҚ-мен қол қою", []),
        ("the receipt", "kk", "қолхаттың", []),
        # the drift is caught
        ("The applicant's IIN", "ru", "ИИН заявителя", ["'applicant': none", "'applicant': forbidden 'заявителя'"]),
        ("Open the request", "ru", "Открыть заявку", ["'request': none", "'request': forbidden 'заявку'"]),
        ("Sign with the EDS", "kk", "ЭЦП-мен қол қою", ["'eds': none", "'eds': forbidden 'ЭЦП'"]),
        # a forbidden word that is another term's accepted word is no drift
        ("The request and its paper application", "kk", "Сұрау салу және оның қағаз өтініші", []),
        ("The request and its paper application", "ru", "Запрос и его бумажное заявление", []),
        # other senses of the English word do not count
        ("Tickets in calling order", "ru", "Талоны в порядке вызова", []),
        ("within 2 days from the receipt of the application", "ru", "в течение 2 дней с получения заявления", []),
        ("The number is allocated by order %(order)s.", "ru", "Номер выделен порядком %(order)s.", ["'order': none"]),
        # titles verbatim
        (glossary.TITLES[2]["en"], "ru", glossary.TITLES[2]["ru"], []),
        (glossary.TITLES[2]["en"], "ru", "Разрешение на использование радиочастотного спектра Республики Казахстан",
         ["the service's title"]),
    ],
)
def test_check(msgid, lang, text, expected):
    problems = glossary.check(msgid, text, lang)
    assert len(problems) == len(expected), problems
    for problem, start in zip(problems, expected, strict=True):
        assert problem.startswith(start), problems


def test_docs_tables_are_the_glossary():
    docs = (Path(settings.BASE_DIR) / "docs" / "i18n.md").read_text(encoding="utf-8")
    for section in ("spec", "project"):
        table = glossary.markdown_table(section)
        assert table in docs, (
            f"docs/i18n.md does not hold the glossary's {section!r} table; "
            f"print it with `.venv/bin/python -m core.glossary` and paste it:\n{table}"
        )


def test_check_tsv():
    text = (
        "# a comment line\n"
        "The applicant's IIN\tКөрсетілетін қызметті алушының ЖСН\tИИН заявителя\n"
        "%(n)s request|%(n)s requests\t%(n)s сұрау салу|%(n)s сұрау салу\t%(n)s запрос|%(n)s запроса|%(n)s заявок\n"
    )
    problems = glossary.check_tsv(text)
    assert [p.split(":")[0] for p in problems] == ["2", "2", "3", "3"], problems
    assert "[ru]" in problems[0] and "заявителя" in problems[1] and "заявок" in problems[3]


def test_the_refusal_grounds_and_appeal_routes_speak_the_glossary():
    """The grounds and appeal routes are printed on documents from their own kk/ru/en data (hearings.grounds, the
    services' refusals.py), not from the catalogs: the same glossary holds for them."""
    from hearings import grounds
    from services import registry

    texts = []
    for service in registry.all_services():
        for ground in grounds.grounds(service.code).values():
            texts += [ground.basis, ground.text]
        for step in grounds.appeal(service.code):
            texts += [step.to, step.how, step.term]
    assert texts
    problems = [f"{lang}: {text.en!r}: {problem}" for text in texts for lang in ("kk", "ru")
                for problem in glossary.check(text.en, getattr(text, lang), lang)]
    assert not problems, "\n".join(problems)


def test_the_documents_own_texts_speak_the_glossary():
    """The result documents print kk/ru text of their own (layouts, refusal reasons, the state databases'
    answers), not from the catalogs: none of it uses a word the glossary forbids for the applicant or the
    request ("заявитель", "заявка"; "өтініш беруші", "өтінім"), the paper application's own words excepted."""
    import ast

    terms = {term.key: term for term in glossary.TERMS}
    application = [rx.pattern for lang in ("kk", "ru") for rx in terms["application"].accepted(lang)]
    forbidden = [rx for key in ("applicant", "request") for lang in ("kk", "ru")
                 for rx in terms[key].forbidden(lang) if rx.pattern not in application]
    assert len(forbidden) >= 4
    root = Path(__file__).resolve().parents[2]
    files = [f for pattern in ("documents/**/*.py", "services/*/layouts.py", "services/*/refusals.py", "hearings/*.py")
             for f in root.glob(pattern) if "tests" not in f.parts and "migrations" not in f.parts]
    assert len(files) > 10
    found = [f"{path.relative_to(root)}:{node.lineno}: {node.value[:80]!r}"
             for path in files for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
             if isinstance(node, ast.Constant) and isinstance(node.value, str)
             and any(rx.search(node.value) for rx in forbidden)]
    assert not found, "\n".join(found)
