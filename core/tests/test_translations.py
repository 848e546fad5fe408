"""The interface in the state language (Kazakh) and the official language
(Russian): the message catalogs are complete, compiled and used.

- Every msgid of locale/kk and locale/ru has a translation that is neither
  empty nor fuzzy, and keeps the msgid's placeholders.
- Every translatable string in the source (Python `_()`/gettext calls found
  through the AST, template `{% translate %}`/`{% blocktranslate %}` through
  Django's own templatize) has an entry in the catalogs: a string added
  without running makemessages fails here.
- The committed .mo files hold exactly what the .po files say (a .po edited
  without compilemessages fails here).
- A message raised by the code comes out in Kazakh / Russian.

Fixing a failure: see docs/i18n.md (makemessages, translate, compilemessages).
"""
from __future__ import annotations

import ast
import gettext
import re
from collections import Counter
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation
from django.utils.translation.template import templatize

from core.identifiers import IdentifierError, parse_bin, parse_iin

LOCALE_DIR = Path(settings.BASE_DIR) / "locale"
TRANSLATED = ("kk", "ru")  # must be complete; English is the source language
ALL_LANGS = ("kk", "ru", "en")
FIX = "run the commands in docs/i18n.md (makemessages, translate, compilemessages)"


# -- a small .po reader --------------------------------------------------------
def _unquote(line: str) -> str:
    literal = line[line.index('"'):].strip()
    return ast.literal_eval(literal)  # PO escapes (\n \t \" \\) are Python's


def read_po(path: Path) -> list[dict]:
    """Entries as dicts: ctx, msgid, msgid_plural, msgstr ({index: text}), flags.

    Obsolete entries (#~) are left out; the header is the entry with msgid "".
    """
    entries, entry, field = [], None, None

    def new():
        return {"ctx": None, "msgid": None, "msgid_plural": None, "msgstr": {}, "flags": set()}

    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#~"):
            continue
        if line.startswith("#"):
            if entry is not None and entry["msgstr"]:
                entries.append(entry)
                entry = None
            entry = entry or new()
            if line.startswith("#,"):
                entry["flags"].update(f.strip() for f in line[2:].split(",") if f.strip())
            continue
        keyword = re.match(r"^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s", line)
        if keyword:
            name = keyword.group(1)
            if name in ("msgctxt", "msgid") and entry is not None and entry["msgstr"]:
                entries.append(entry)
                entry = None
            entry = entry or new()
            if name.startswith("msgstr"):
                field = ("msgstr", int(keyword.group(2) or 0))
                entry["msgstr"][field[1]] = _unquote(line)
            else:
                field = ("ctx" if name == "msgctxt" else name, None)
                entry[field[0]] = _unquote(line)
        elif line.startswith('"') and entry is not None and field is not None:
            if field[0] == "msgstr":
                entry["msgstr"][field[1]] += _unquote(line)
            else:
                entry[field[0]] += _unquote(line)
        else:
            raise AssertionError(f"{path}: cannot read line {raw!r}")
    if entry is not None:
        entries.append(entry)
    return entries


def catalog(lang: str) -> list[dict]:
    return read_po(LOCALE_DIR / lang / "LC_MESSAGES" / "django.po")


def messages(lang: str) -> list[dict]:
    return [e for e in catalog(lang) if e["msgid"] != "" or e["ctx"] is not None]


def header(lang: str) -> tuple[dict, dict]:
    entry = next(e for e in catalog(lang) if e["msgid"] == "" and e["ctx"] is None)
    fields = dict(line.split(": ", 1) for line in entry["msgstr"][0].splitlines() if ": " in line)
    return entry, fields


def key(entry: dict) -> tuple[str | None, str]:
    return entry["ctx"], entry["msgid"]


# -- placeholders ----------------------------------------------------------------
NAMED = re.compile(r"%\((\w+)\)[#0\- +]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa]")
POSITIONAL = re.compile(r"%(?!\()[#0\- +]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa]")
BRACES = re.compile(r"\{(\w*)(?:[!:][^{}]*)?\}")


def placeholders(text: str, python_format: bool) -> Counter:
    text_wo_percent = text.replace("%%", "")
    found = Counter(f"%({m.group(1)})" + m.group(0)[-1] for m in NAMED.finditer(text_wo_percent))
    if python_format:
        found.update(m.group(0)[-1] for m in POSITIONAL.finditer(text_wo_percent))
    found.update("{" + m.group(1) + "}" for m in BRACES.finditer(text))
    return found


# -- (a) catalogs complete ------------------------------------------------------------
@pytest.mark.parametrize("lang", ALL_LANGS)
def test_catalog_header(lang):
    entry, fields = header(lang)
    assert "fuzzy" not in entry["flags"], f"{lang}: the header is marked fuzzy"
    assert fields.get("Language") == lang
    assert "charset=UTF-8" in fields.get("Content-Type", "")
    assert fields.get("Plural-Forms", "").startswith("nplurals=")


@pytest.mark.parametrize("lang", TRANSLATED)
def test_every_msgid_is_translated(lang):
    entries = messages(lang)
    assert entries, f"{lang}: empty catalog"
    problems = []
    for e in entries:
        label = (f"[{e['ctx']}] " if e["ctx"] else "") + repr(e["msgid"])
        if "fuzzy" in e["flags"]:
            problems.append(f"fuzzy: {label}")
        expected_forms = None
        if e["msgid_plural"] is not None:
            expected_forms = int(re.search(r"nplurals=(\d+)", header(lang)[1]["Plural-Forms"]).group(1))
        forms = e["msgstr"]
        if expected_forms is not None and sorted(forms) != list(range(expected_forms)):
            problems.append(f"needs {expected_forms} plural forms: {label}")
        for text in forms.values():
            if not text.strip():
                problems.append(f"untranslated: {label}")
    assert not problems, f"{lang}: {len(problems)} problem(s); {FIX}:\n" + "\n".join(problems)


@pytest.mark.parametrize("lang", TRANSLATED)
def test_translations_keep_placeholders(lang):
    problems = []
    for e in messages(lang):
        python_format = "python-format" in e["flags"]
        singular = placeholders(e["msgid"], python_format)
        if e["msgid_plural"] is None:
            got = placeholders(e["msgstr"].get(0, ""), python_format)
            if got != singular:
                problems.append(f"{e['msgid']!r}: expects {dict(singular)}, translation has {dict(got)}")
            continue
        plural = placeholders(e["msgid_plural"], python_format)
        allowed = set(singular) | set(plural)
        for index, text in sorted(e["msgstr"].items()):
            got = placeholders(text, python_format)
            # A singular form may leave the count out ("one item"), never invent a name.
            if not set(got) <= allowed or (index == max(e["msgstr"]) and got != plural):
                problems.append(f"{e['msgid']!r} form {index}: has {dict(got)}, allowed {sorted(allowed)}")
    assert not problems, f"{lang}:\n" + "\n".join(problems)


def test_catalogs_hold_the_same_msgids():
    keys = {lang: {key(e) for e in messages(lang)} for lang in ALL_LANGS}
    for lang in TRANSLATED + ("en",):
        assert keys[lang] == keys["kk"], (
            f"{lang} and kk differ: only in {lang}: {sorted(keys[lang] - keys['kk'], key=str)}, "
            f"only in kk: {sorted(keys['kk'] - keys[lang], key=str)}; {FIX}"
        )


# -- the source and the catalogs agree ---------------------------------------------------
# xgettext keywords as makemessages passes them: name -> (context arg, msgid arg)
KEYWORDS = {
    "_": (None, 0), "gettext": (None, 0), "gettext_lazy": (None, 0), "gettext_noop": (None, 0),
    "ngettext": (None, 0), "ngettext_lazy": (None, 0),
    "pgettext": (0, 1), "pgettext_lazy": (0, 1), "npgettext": (0, 1), "npgettext_lazy": (0, 1),
}
SKIP_DIRS = {".venv", "venv", "var", "media", "staticfiles", "node_modules", "__pycache__", "locale"}


def _source_files(suffixes):
    base = Path(settings.BASE_DIR)
    for path in base.rglob("*"):
        rel = path.relative_to(base).parts
        if any(part.startswith(".") or part in SKIP_DIRS for part in rel[:-1]) or rel[-1].startswith("."):
            continue
        if path.suffix in suffixes and path.is_file():
            yield path


def _rel(path: Path) -> str:
    return str(path.relative_to(settings.BASE_DIR))


def _python_msgids(path: Path):
    try:
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    except (SyntaxError, UnicodeDecodeError):
        return
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", None)
        if name not in KEYWORDS:
            continue
        ctx_arg, id_arg = KEYWORDS[name]
        args = node.args
        if len(args) <= id_arg or not all(
            isinstance(a, ast.Constant) and isinstance(a.value, str)
            for a in args[: id_arg + 1]
        ):
            continue
        ctx = args[ctx_arg].value if ctx_arg is not None else None
        yield (ctx, args[id_arg].value), f"{_rel(path)}:{node.lineno}"


STRING = r"""u?(?:'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")"""
TEMPLATE_CALL = re.compile(rf"\b(n?p?gettext)\(((?:{STRING}|[^)'\"])*)\)")


def _template_msgids(path: Path):
    try:
        code = templatize(path.read_text(encoding="utf-8"), str(path))
    except Exception:  # not a Django template (e.g. a requirements .txt): nothing to extract
        return
    for match in TEMPLATE_CALL.finditer(code):
        strings = [ast.literal_eval(s) for s in re.findall(STRING, match.group(2))]
        if match.group(1).startswith(("pgettext", "npgettext")):
            yield (strings[0], strings[1]), _rel(path)
        elif strings:
            yield (None, strings[0]), _rel(path)


def test_every_source_string_is_in_the_catalogs():
    found = {}
    for path in _source_files({".py"}):
        for msg_key, where in _python_msgids(path):
            found.setdefault(msg_key, where)
    for path in _source_files({".html", ".txt"}):
        for msg_key, where in _template_msgids(path):
            found.setdefault(msg_key, where)
    assert (None, "The request could not be processed.") in found  # the scan itself works
    for lang in ALL_LANGS:
        known = {key(e) for e in messages(lang)}
        missing = sorted((where, k) for k, where in found.items() if k not in known and k[1])
        assert not missing, (
            f"{len(missing)} string(s) not in locale/{lang}; {FIX}:\n"
            + "\n".join(f"{where}: {k[1]!r}" + (f" (context {k[0]!r})" if k[0] else "") for where, k in missing)
        )


# -- (c) the compiled .mo files match the .po files ---------------------------------------
def _expected_mo_catalog(lang: str) -> dict:
    """What msgfmt makes of the .po: translated, non-fuzzy entries (and the header)."""
    expected = {}
    for e in messages(lang):
        if "fuzzy" in e["flags"] or not all(e["msgstr"].values()):
            continue
        msgid = e["msgid"] if e["ctx"] is None else f"{e['ctx']}\x04{e['msgid']}"
        if e["msgid_plural"] is None:
            expected[msgid] = e["msgstr"][0]
        else:
            for index, text in e["msgstr"].items():
                expected[(msgid, index)] = text
    return expected


@pytest.mark.parametrize("lang", ALL_LANGS)
def test_mo_is_compiled_from_the_po(lang):
    mo_path = LOCALE_DIR / lang / "LC_MESSAGES" / "django.mo"
    assert mo_path.exists(), f"{mo_path} is missing; run compilemessages (docs/i18n.md)"
    with mo_path.open("rb") as fh:
        compiled = dict(gettext.GNUTranslations(fh)._catalog)
    compiled.pop("", None)  # the header
    expected = _expected_mo_catalog(lang)
    stale = {k for k in expected.keys() | compiled.keys() if expected.get(k) != compiled.get(k)}
    assert not stale, (
        f"locale/{lang}: django.mo differs from django.po in {len(stale)} entr(y/ies), e.g. "
        f"{sorted(map(str, stale))[:5]}; run compilemessages (docs/i18n.md)"
    )


# -- (b) messages raised by the code are localised ------------------------------------------
def _translation_of(lang: str, msgid: str) -> str:
    return next(e["msgstr"][0] for e in messages(lang) if e["msgid"] == msgid and e["ctx"] is None)


@pytest.mark.parametrize("lang", TRANSLATED)
def test_identifier_error_speaks_the_active_language(lang):
    expected = _translation_of(lang, "%(what)s must be exactly 12 digits.") % {"what": _translation_of(lang, "IIN")}
    with translation.override(lang):
        with pytest.raises(IdentifierError) as caught:
            parse_iin("123")
    assert caught.value.code == "format"
    assert str(caught.value.message) == expected
    assert str(caught.value) == expected
    assert str(caught.value.message) != "IIN must be exactly 12 digits."
    assert re.search(r"[А-Яа-яЁёӘәҒғҚқҢңӨөҰұҮүҺһІі]", expected)


@pytest.mark.parametrize("lang", TRANSLATED)
def test_lazy_message_follows_the_language_it_is_shown_in(lang):
    with translation.override(lang):
        with pytest.raises(IdentifierError) as caught:
            parse_bin("000000000000")  # month 00
        assert str(caught.value.message) == _translation_of(
            lang, "BIN does not begin with a valid registration year and month.")


def test_english_is_the_source_text():
    with translation.override("en"):
        with pytest.raises(IdentifierError) as caught:
            parse_iin("123")
    assert str(caught.value.message) == "IIN must be exactly 12 digits."


def test_default_language_is_kazakh():
    assert settings.LANGUAGE_CODE == "kk"
    assert [code for code, _name in settings.LANGUAGES] == ["kk", "ru", "en"]
