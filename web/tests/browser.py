"""Browser tests' tools: Debian's Chromium through Playwright, the NCALayer-protocol signer with a
person's demo keys, axe-core and the untranslated-string scan.

Chromium is /usr/bin/chromium (scripts/bootstrap installs the Debian package); Playwright's own
browser downloads are never used."""
from __future__ import annotations

import contextlib
import re
import tempfile
from functools import lru_cache
from pathlib import Path

from cryptography.hazmat.primitives.serialization import BestAvailableEncryption, pkcs12

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
LAUNCH_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--no-first-run"]
AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
KEY_PASSWORD = "Qwerty12"


@contextlib.contextmanager
def signer_for(world, user):
    """The NCALayer-protocol signer (python -m ncalayer_signer) holding this user's auth and sign keys."""
    from ncalayer_signer.client import running

    with tempfile.TemporaryDirectory() as keys:
        for purpose in ("auth", "sign"):
            cert = world.certificate(user, purpose=purpose)
            data = pkcs12.serialize_key_and_certificates(
                f"{user.username}_{purpose}".encode(), world.key, cert, None, BestAvailableEncryption(KEY_PASSWORD.encode()))
            Path(keys, f"{user.username}_{purpose}.p12").write_bytes(data)
        with running(keys, KEY_PASSWORD) as url:
            yield url


# -- axe-core ------------------------------------------------------------------------------------------
def axe_violations(page) -> list[dict]:
    """Serious and critical WCAG 2.1 A/AA violations on the page as it is now.

    axe is evaluated through the DevTools protocol, which the page's CSP does not govern, so the
    pages keep their real policy during the test."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text(encoding="utf-8") + "\n;0")
    result = page.evaluate("""async () => {
        const r = await axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}});
        return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                       nodes: v.nodes.slice(0, 3).map(n => n.html)}));
    }""")
    return [v for v in result if v["impact"] in ("serious", "critical")]


# -- untranslated strings ----------------------------------------------------------------------------------
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]|\{\w*\}")


@lru_cache(maxsize=1)
def english_msgids() -> tuple[tuple[str, re.Pattern], ...]:
    """Each English msgid of the catalogs as a pattern to find in a page's visible text.

    A msgid with placeholders is matched on its longest literal piece (8+ characters). Single short
    words (< 4 letters) are skipped: they would match IIN/BIN-like codes."""
    from core.tests.test_translations import read_po

    patterns = []
    for lang in ("kk", "ru"):
        for entry in read_po(ROOT / "locale" / lang / "LC_MESSAGES" / "django.po"):
            for msgid in filter(None, (entry["msgid"], entry["msgid_plural"])):
                if not re.search("[A-Za-z]", msgid) or msgid in entry["msgstr"].values():
                    continue  # not English, or the translation is the same text (a name, an abbreviation)
                pieces = [p.strip() for p in PLACEHOLDER.split(msgid)]
                text = max(pieces, key=len) if len(pieces) > 1 else msgid.strip()
                if (len(pieces) > 1 and len(text) < 8) or len(text) < 4:
                    continue
                patterns.append((msgid, re.compile(r"(?<![\w-])" + re.escape(text) + r"(?![\w-])")))
    return tuple(patterns)


VISIBLE_TEXT = """() => {
    const lang = document.documentElement.lang;
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    const parts = [];
    while (walker.nextNode()) {
        const node = walker.currentNode, el = node.parentElement;
        if (!el || el.closest('script,style,template,[hidden]')) continue;
        const tagged = el.closest('[lang]');
        if (tagged && tagged.getAttribute('lang') !== lang) continue;   // a language's own name, e.g. "English"
        const style = getComputedStyle(el);
        if (style.display === 'none' || style.visibility === 'hidden') continue;
        parts.push(node.textContent);
    }
    // what a screen reader reads too: labels given in attributes
    for (const el of document.querySelectorAll('[aria-label],[title],[placeholder]'))
        for (const a of ['aria-label', 'title', 'placeholder']) if (el.getAttribute(a)) parts.push(el.getAttribute(a));
    return parts.join('\\n');
}"""


def untranslated(page) -> list[str]:
    text = page.evaluate(VISIBLE_TEXT)
    return sorted({msgid for msgid, pattern in english_msgids() if pattern.search(text)})
