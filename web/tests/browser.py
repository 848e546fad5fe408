"""Browser tests' tools: Debian's Chromium through Playwright, the NCALayer-protocol signer with a
person's demo keys, axe-core and the untranslated-string scan.

Chromium is /usr/bin/chromium (scripts/bootstrap installs the Debian package); Playwright's own
browser downloads are never used."""
from __future__ import annotations

import contextlib
import os
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
# scripts/screenshots sets this: every named page is saved as <lang>-<name>.png there, and the journeys
# run in Russian as well as Kazakh.
SCREENSHOTS = os.environ.get("ELICENSE_SCREENSHOTS", "")
PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
       b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\nxref\n0 4\n0000000000 65535 f \n"
       b"0000000009 00000 n \n0000000052 00000 n \n0000000101 00000 n \ntrailer<</Size 4/Root 1 0 R>>\n"
       b"startxref\n164\n%%EOF\n")
PASSWORD = "demo-pass-123"  # the root conftest's users


@contextlib.contextmanager
def signer_for(world, user):
    """The NCALayer-protocol signer (python -m ncalayer_signer) holding this user's auth and sign keys."""
    from ncalayer_signer.client import running

    with tempfile.TemporaryDirectory() as keys:
        for purpose in ("auth", "sign"):
            # an officer's own EDS: an employee certificate of the provider's BIN with the right to sign
            issue = world.officer_certificate if getattr(user, "kind", "") == "officer" else world.certificate
            cert = issue(user, purpose=purpose)
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


class Visitor:
    """One person's browser tab, checking every page it lands on."""

    def __init__(self, browser, base_url, lang):
        self.context = browser.new_context(locale={"kk": "kk-KZ", "ru": "ru-RU"}[lang], base_url=base_url,
                                           extra_http_headers={"Accept-Language": lang})
        self.context.set_default_timeout(15000)
        self.page = self.context.new_page()
        self.lang = lang
        self.problems: list[str] = []
        self.pages: list[str] = []
        self.page.on("console", lambda m: self.problems.append(f"console {m.type}: {m.text}")
                     if m.type == "error" and "Content Security Policy" in m.text else None)

    def check(self):
        """axe-core and the untranslated-string scan on the page as it is now."""
        page = self.page
        page.wait_for_load_state("load")
        assert page.evaluate("document.documentElement.lang") == self.lang, page.url
        path = page.url
        self.pages.append(path)
        for v in axe_violations(page):
            self.problems.append(f"{path}: axe {v['impact']} {v['id']}: {v['help']} {v['nodes']}")
        for msgid in untranslated(page):
            self.problems.append(f"{path}: untranslated in {self.lang}: {msgid!r}")

    def goto(self, path, shot=""):
        self.page.goto(path)
        self.check()
        if shot:
            self.shot(shot)

    def shot(self, name):
        """With ELICENSE_SCREENSHOTS set: the page as a PNG (full page; also at phone width for "phone")."""
        if not SCREENSHOTS:
            return
        folder = Path(SCREENSHOTS)
        folder.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(folder / f"{self.lang}-{name}.png"), full_page=True)

    def click(self, selector):
        with self.page.expect_navigation():
            self.page.click(selector)
        self.check()

    def login(self, password=PASSWORD):
        self.goto("/portal/login/", shot="1-login")
        self.page.fill("#password", password)
        self.click("form[data-ncalayer=auth] button[type=submit]")
        assert "/portal/requests/" in self.page.url, self.page.content()[:3000]

    def attach(self, code):
        self.page.select_option("#document_code", code)
        self.page.set_input_files("#file", files=[{"name": f"{code}.pdf", "mimeType": "application/pdf", "buffer": PDF}])
        self.click("button[name=action][value=attach]")

    def pay_at_gateway(self, card="4444 3333 2222 1111"):
        """The payer at the gateway simulator's page, as a person pays: follows the portal's link, types the
        card's details, clicks "Pay" and is sent back to the portal, which asks the gateway at once."""
        self.click("button[name=action][value=start]")
        with self.page.expect_navigation():  # the gateway's payer page (not ours: not checked), in our language
            self.page.click("a[href*='/pay/']")
        assert self.page.get_attribute("html", "lang") == self.lang, self.page.content()[:2000]
        self.shot("gateway")
        self.page.fill("#card_number", card)
        self.page.fill("#expiry", "12/30")
        self.page.fill("#cvc", "123")
        with self.page.expect_navigation(url=lambda url: "/portal/" in url):
            self.page.click("form[action*='/pay/'][action*='/pay?'] button[type=submit]")
        self.check()

    def finish(self):
        assert not self.problems, "\n".join(self.problems)
        self.context.close()


def off_the_loop(fn, *args, **kwargs):
    """Run fn in a thread of its own: Playwright's event loop runs on this one, and producing the signed
    PDF (pyHanko) starts its own loop."""
    import threading

    from django.db import connection

    box = {}

    def run():
        try:
            box["value"] = fn(*args, **kwargs)
        except BaseException as exc:  # re-raised in the test
            box["error"] = exc
        finally:
            connection.close()
    thread = threading.Thread(target=run)
    thread.start()
    thread.join(60)
    if "error" in box:
        raise box["error"]
    return box.get("value")
