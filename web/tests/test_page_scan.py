"""Every page of the portal, the back office, the PSC desk and the public registry, in Kazakh and Russian, as the
person who opens it (issue 14, item 10): no internal code in what a person reads, nothing sticking out of a 360 px
wide phone screen.

The pages are the access matrix's (web/tests/access_matrix.py): every GET route that answers a page (not the API,
Django's admin, downloads, CSV/JSON, health), each opened as the role the table allows (the applicant on the portal,
the officer whose request it is in the back office, the administrator on the administration pages, the PSC
operator on the desk, nobody on the public pages). A route with a request in its path is opened for every request
of the world that fits it: drafts, waiting for payment, waiting for the signature, registered, approved with a
result, refused, a 2015 request at the head's step, paper requests being entered, a PSC ticket.

What counts as a leak, in the visible text (text nodes that are shown, ``aria-label``, ``title``, ``placeholder``;
text inside an element marked with another ``lang``, such as a login, is skipped):

* a snake_case token (``low_mhz``, ``choose_certificate``), ``__all__``, ``None``/``True``/``False``;
* an English code of the project: a value of any model field's choices, a step, lane, event or result kind the
  process definitions use, a document or region code — written as a whole word in a kk/ru page;
* an ISO date (``2026-12-02``) where a person expects ``02.12.2026``, an amount of thousands without its spaces;
* at 360 px: ``scrollWidth`` wider than the viewport, or an element sticking out of it that is not inside a
  container that scrolls or clips (a table's own scroll box).

Every finding of every page is collected, then the test fails once with the list (page, language, what, the
offending text), so the report is a to-do list. ``PAGE_SCAN_SHOTS=<dir>`` also saves each page at 360 px (full
page, ``<lang>-<person>-<path>.png``) and the visible text it read (``….txt``).
"""
from __future__ import annotations

import functools
import os
import re
import warnings
from dataclasses import dataclass
from pathlib import Path

import pytest

from web.tests import access_matrix as table
from web.tests.browser import VISIBLE_TEXT

pytestmark = [pytest.mark.browser]

WIDTH = 360
LANGS = ("kk", "ru")
SHOTS = os.environ.get("PAGE_SCAN_SHOTS", "")

# Not pages: the API, Django's admin (its own translations), downloads and exports, machine endpoints.
NOT_PAGES = re.compile(r"^(api/|admin/|healthz|readyz|pki/)|\.(csv|json|crl|pdf)$|attachments/|/to-sign$|/scan$")

# Who opens a page, by its route's start (first match); "owner": the officer whose request it is.
PEOPLE = (
    ("portal/login/", "anonymous"),
    ("office/login/", "anonymous"),
    ("portal/", "person"),
    ("psc/book/", "person"),
    ("numbering/", "person"),
    ("office/admin/", "admin"),
    ("office/requests/<int:application_id>", "owner"),
    ("office/", "committee_officer"),
    ("psc/", "psc"),
    ("", "anonymous"),
)
# The 2015 chain's people see their own queue on the back office's start and list pages.
ALSO = {"office/": ("clerk", "head", "unit_head", "executor", "inspection_officer", "admin"),
        "office/requests/": ("head", "executor", "inspection_officer")}

SNAKE = re.compile(r"(?<![\w.@/-])[A-Za-z][A-Za-z0-9]*(?:_[A-Za-z0-9]+)+(?![\w@/-]|\.\w)")
LITERALS = re.compile(r"__all__|(?<![\w-])(?:None|True|False|null|undefined|NaN)(?![\w-])")
ISO_DATE = re.compile(r"(?<![\w-])\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2})?(?![\w-])")
RAW_AMOUNT = re.compile(r"(?<![\d.,])\d{4,}(?:[.,]\d+)?\s?(?:₸|тг|теңге|тенге)")
# Latin words that may stand in a kk/ru page: names of things, not codes.
ALLOWED_WORDS = {"e-licensing", "ncalayer", "pdf", "png", "jpeg", "sha-256", "qr", "html", "csv", "json"}

OVERFLOW = """(width) => {
    const doc = document.documentElement;
    const found = [];
    const clips = (el) => {
        for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
            const s = getComputedStyle(p);
            if (['auto', 'scroll', 'hidden', 'clip'].includes(s.overflowX)) return true;
        }
        return false;
    };
    const describe = (el) => {
        let d = el.tagName.toLowerCase();
        if (el.id) d += '#' + el.id;
        if (el.classList.length) d += '.' + [...el.classList].join('.');
        const text = (el.innerText || el.value || '').trim().replace(/\\s+/g, ' ').slice(0, 60);
        return d + ' ' + Math.round(el.getBoundingClientRect().right) + 'px' + (text ? ' «' + text + '»' : '');
    };
    const reported = new Set();
    for (const el of document.body.querySelectorAll('*')) {
        const r = el.getBoundingClientRect();
        if (r.width === 0 || r.height === 0) continue;
        const s = getComputedStyle(el);
        if (s.visibility === 'hidden' || s.position === 'fixed') continue;
        if (r.right <= width + 1) continue;  // off to the left (a skip link, a hidden table head) scrolls nothing
        if (clips(el)) continue;
        let parent = el.parentElement, inside = false;
        for (; parent; parent = parent.parentElement) if (reported.has(parent)) { inside = true; break; }
        if (inside) continue;
        reported.add(el);
        found.push(describe(el));
    }
    return {scrollWidth: doc.scrollWidth, found: found.slice(0, 5)};
}"""



@functools.lru_cache(maxsize=1)
def english_codes() -> frozenset[str]:
    """The project's English codes a person must never read: every model field's choice values, the steps, lanes,
    events and result kinds of the processes, the codes of the reference data (documents, regions, units,
    qualification requirements) and the choices of the services' forms."""
    from django import forms
    from django.apps import apps

    from portal import labels
    from services import registry
    from services.models import ProviderUnit, QualificationRequirement, RequiredDocument

    codes: set[str] = set()
    for model in apps.get_models():
        for f in model._meta.get_fields():
            for value, _label in getattr(f, "flatchoices", None) or ():
                codes.add(str(value))
    for names in (labels.STEPS, labels.LANES, labels.EVENTS, labels.RESULT_KINDS, labels.PAYMENT_STATUS,
                  labels.CHANNELS):
        codes.update(names)
    for model in (ProviderUnit, QualificationRequirement, RequiredDocument):
        codes.update(model.objects.values_list("code", flat=True))
    # the exchange log's codes and the state registries' coded answers: those labelled, and those in the database
    from applications.models import Application
    from integrations.labels import EXCHANGE, REGISTRY_VALUES
    from integrations.models import ExchangeLog

    for names in (*EXCHANGE.values(), *REGISTRY_VALUES.values()):
        codes.update(names)
    for row in ExchangeLog.objects.values_list("system", "operation", "direction", "outcome").distinct():
        codes.update(row)
    for data in Application.objects.exclude(registry_data={}).values_list("registry_data", flat=True):
        codes.update(str(v) for k, v in (data or {}).items() if k in REGISTRY_VALUES)
    for service in registry.all_services():
        module = service.module("forms")
        for value in vars(module).values():
            if isinstance(value, type) and issubclass(value, forms.BaseForm):
                for field in value.base_fields.values():
                    for choice, _label in getattr(field, "choices", None) or ():
                        codes.add(str(choice))
    return frozenset(c for c in codes if re.fullmatch(r"[a-z][a-z0-9_-]{2,}", c) and c not in ALLOWED_WORDS)


@functools.lru_cache(maxsize=1)
def _codes_pattern() -> re.Pattern:
    alternatives = "|".join(sorted((re.escape(c) for c in english_codes()), key=len, reverse=True))
    return re.compile(r"(?<![\w.@/:-])(" + alternatives + r")(?![\w@/-]|\.\w)")  # not a file's name (root.pem)


@functools.lru_cache(maxsize=1)
def pending_msgids() -> tuple[re.Pattern, ...]:
    """The English strings marked in the source that the catalogs do not hold yet (added since the last
    makemessages): shown in English until the translations are compiled, they are the catalog test's to report
    (core/tests/test_translations.py), not this scan's — their words are taken out of the text before it is read."""
    from core.tests import test_translations as t
    from web.tests.browser import PLACEHOLDER

    known = {t.key(e) for e in t.messages("kk")}
    found = set()
    for path in t._source_files({".py"}):
        found.update(k for k, _where in t._python_msgids(path) if k not in known and k[1])
    for path in t._source_files({".html", ".txt"}):
        found.update(k for k, _where in t._template_msgids(path) if k not in known and k[1])
    pieces = {p.strip() for _ctx, msgid in found for p in PLACEHOLDER.split(msgid) if len(p.strip()) >= 3}
    # the diagram breaks a name over lines: any white space between its words
    return tuple(re.compile(r"\s+".join(re.escape(w) for w in p.split())) for p in sorted(pieces, key=len, reverse=True))


@functools.lru_cache(maxsize=1)
def typed_texts() -> tuple[str, ...]:
    """What the world's applicants typed in free-text fields (journeys.FORMS: "fixed telephony in Astana"): their
    words, not codes, though one of them may spell a code."""
    from applications.tests.journeys import FORMS

    found = set()

    def walk(value):
        if isinstance(value, dict):
            for v in value.values():
                walk(v)
        elif isinstance(value, list):
            for v in value:
                walk(v)
        elif isinstance(value, str) and " " in value.strip():
            found.add(value.strip())
    walk(list(FORMS.values()))
    # the position the applicant states at the hearing before a refusal (journeys.through_hearing's text)
    import inspect

    from applications.tests import journeys

    hearing = getattr(journeys, "through_hearing", None)
    if hearing is not None:
        walk(inspect.signature(hearing).parameters["text"].default)
    return tuple(sorted(found, key=len, reverse=True))


def leaks(text: str) -> list[str]:
    """What in a page's visible text is an internal code (one line per kind, the tokens found)."""
    for pattern in pending_msgids():
        text = pattern.sub(" ", text)
    for typed in typed_texts():
        text = text.replace(typed, " ")
    found = []
    for name, pattern in (("snake_case", SNAKE), ("literal", LITERALS), ("English code", _codes_pattern()),
                          ("ISO date", ISO_DATE), ("amount without spaces", RAW_AMOUNT)):
        tokens = sorted({m.group(0) for m in pattern.finditer(text)})
        if name == "English code":
            tokens = [t for t in tokens if not SNAKE.fullmatch(t)]  # already named as snake_case
        if tokens:
            found.append(f"{name}: {', '.join(tokens[:12])}")
    return found


# -- the world -----------------------------------------------------------------------------------------------
@dataclass
class Subject:
    name: str
    application_id: int
    owner: str  # who handles it in the back office (a world attribute)
    kinds: tuple[str, ...]  # which request pages fit it


def build(w) -> tuple[list[Subject], dict]:
    """Requests of the world's applicant in the states a person meets; the values of the other path parameters."""
    from accounts.models import User
    from applications.tests.journeys import (
        DOCUMENTS,
        FORMS,
        create,
        decide,
        fill,
        office_decides,
        office_until_decision,
        pay,
        portal_until_registered,
    )
    from conftest import PERSON
    from pscdesk import actions as desk
    from services.models import Fee, QualificationRequirement

    if not hasattr(w, "admin"):
        w.admin = User.objects.create_user(username="admin", password="demo-pass-123", kind="administrator",
                                           first_name="Әлия", last_name="Ахметова", is_staff=True,
                                           is_superuser=True)
    a, insp, cmte = w.api["person"], w.api["inspection_officer"], w.api["committee_officer"]
    subjects: list[Subject] = []
    problems: list[str] = []

    def add(name, owner, kinds, make):
        try:
            app = make()
        except Exception as exc:  # a state the scan cannot reach now: said in the report, the rest goes on
            problems.append(f"world: could not make {name}: {type(exc).__name__}: {str(exc)[:300]}")
            return None
        subjects.append(Subject(name, app["id"], owner, kinds))
        return app

    def draft():
        app = create(a, "S4", "device")
        a.upload(app["id"], DOCUMENTS[("S4", "device")][0])
        return app

    add("draft S4", "inspection_officer", ("portal", "form"), draft)
    for service, sub_kind, owner in (("S1", "issue", "committee_officer"), ("S2", "allocate", "head"),
                                     ("S3", "assignment", "inspection_officer")):
        add(f"draft {service}", owner, ("form",), lambda service=service, sub_kind=sub_kind: create(a, service, sub_kind))
    add("S1 waiting for payment", "committee_officer", ("portal", "payment"),
        lambda: fill(a, create(a, "S1", "issue"), "S1", "issue"))
    add("S4 waiting for the signature", "inspection_officer", ("portal", "sign"),
        lambda: fill(a, create(a, "S4", "device"), "S4", "device"))
    add("S4 registered", "inspection_officer", ("portal", "office"),
        lambda: portal_until_registered(w, a, "S4", "device"))
    issued = add("S4 approved", "inspection_officer", ("portal", "office"),
                 lambda: decide(insp, portal_until_registered(w, a, "S4", "device")))
    first = QualificationRequirement.objects.filter(service="S4").values_list("code", flat=True).first()
    add("S4 refused", "inspection_officer", ("portal", "office"),
        lambda: decide(insp, portal_until_registered(w, a, "S4", "device"), "refuse", not_met=[first] if first else (),
                       comment="Құрылғының сертификаты жоқ / Нет сертификата"))
    add("S3 approved, fee due", "inspection_officer", ("portal", "payment", "office"),
        lambda: decide(insp, portal_until_registered(w, a, "S3", "assignment")))
    add("S1 licence issued", "committee_officer", ("portal", "payment", "office"),
        lambda: decide(cmte, portal_until_registered(w, a, "S1", "issue")))
    add("S2 at the head's step", "head", ("portal", "office"), lambda: portal_until_registered(w, a, "S2", "assign"))

    def staff():
        app = create(insp, "S4", "device", channel="staff")
        return insp.put(f"/applications/{app['id']}/form", {"data": FORMS[("S4", "device")], "version": app["form_version"]})

    def staff_scans():
        app = staff()
        app = insp.post(f"/applications/{app['id']}/applicant", {"iin": PERSON["iin"]})
        for code in DOCUMENTS[("S4", "device")]:
            insp.upload(app["id"], code, is_scan=True)
        return app

    add("paper S4 being entered", "inspection_officer", ("office", "enter"), staff)
    add("paper S4 at the scans", "inspection_officer", ("office", "scans"), staff_scans)

    values = {"user_id": [w.person.pk, w.committee_officer.pk], "fee_id": [Fee.objects.order_by("id").first().pk]}
    add("S3 permit issued (paid)", "inspection_officer", ("portal", "office"),
        lambda: pay(a, decide(insp, portal_until_registered(w, a, "S3", "assignment"))))
    add("S2 order issued (2015 chain)", "head", ("portal", "office"),
        lambda: office_decides(w, office_until_decision(w, portal_until_registered(w, a, "S2", "allocate")), "approve"))
    # every registry entry of the world: a licence, permits, an order (its page and its verification page)
    from registry.models import Record

    values["number"] = list(Record.objects.order_by("id").values_list("number", flat=True))
    if issued is None or not values["number"]:
        problems.append("world: no registry entry: the registry's and the verification's record pages not scanned")
    desk.issue_ticket()
    values["ticket_id"] = [desk.call_next(w.psc).pk]
    values["code"] = ["S1", "S2", "S3", "S4"]
    values["problems"] = problems
    return subjects, values


# Which requests a route with <application_id> is opened for (the Subject's kinds).
REQUEST_PAGES = {
    "portal/requests/<int:application_id>/": "portal",
    "portal/requests/<int:application_id>/form": "form",
    "portal/requests/<int:application_id>/payment": "payment",
    "portal/requests/<int:application_id>/sign": "sign",
    "office/requests/<int:application_id>/": "office",
    "office/requests/<int:application_id>/enter": "enter",
    "office/requests/<int:application_id>/scans": "scans",
}


@dataclass
class Page:
    person: str  # a world attribute, or "anonymous"
    path: str
    fill: tuple = ()  # (selector, text) typed in before ``click``: the page read is the answer to the post
    click: str = ""


# Forms posted with what people get wrong, so that their errors are read too: a band with a letter for a number, a
# row's edges reversed, the decimal comma; a device without its model.
FORM_ERRORS = {
    "S3": ((("[name=bands-0-low_mhz]", "2510"), ("[name=bands-0-high_mhz]", "25l0"), ("[name=bands-1-low_mhz]", "450,5"),
            ("[name=bands-1-high_mhz]", "440"), ("[name=latitude]", "43,25")), "button[name=action][value=finish]"),
    "S4": ((("[name=devices-0-device_type]", "радиоқабылдағыш"), ("[name=devices-0-serial]", "SN1"),
            ("[name=location_address]", "")), "button[name=action][value=finish]"),
}


def person_for(route: str) -> str:
    return next(person for prefix, person in PEOPLE if route.startswith(prefix))


def pages(subjects: list[Subject], values: dict) -> tuple[list[Page], list[str]]:
    """Every page to open, and the routes that could not be (a path parameter the scan has no value for)."""
    found, skipped = [], []
    for row in table.ROWS:
        if row.method != "GET" or row.api or NOT_PAGES.search(row.route):
            continue
        person = person_for(row.route)
        params = re.findall(r"<(?:\w+:)?(\w+)>", row.route)
        if "application_id" in params:
            kind = REQUEST_PAGES.get(row.route)
            if kind is None:
                skipped.append(row.route)
                continue
            for s in subjects:
                if kind in s.kinds:
                    path = "/" + row.route.replace("<int:application_id>", str(s.application_id))
                    found.append(Page(s.owner if person == "owner" else person, path))
                    service = s.name.split()[-1]
                    if kind == "form" and service in FORM_ERRORS:
                        fill, click = FORM_ERRORS[service]
                        found.append(Page(person, path, fill, click))
            continue
        combos = [{}]
        for name in params:
            if name not in values:
                combos = []
                break
            combos = [{**c, name: v} for c in combos for v in values[name]]
        if not combos:
            skipped.append(row.route)
            continue
        for combo in combos:
            path = "/" + re.sub(r"<(?:\w+:)?(\w+)>", lambda m, c=combo: str(c[m.group(1)]), row.route)
            found.append(Page(person, path))
            for other in ALSO.get(row.route, ()):
                found.append(Page(other, path))
    return found, skipped


# -- the browser ---------------------------------------------------------------------------------------------
def _session_cookie(w, person: str) -> str | None:
    from django.conf import settings
    from django.test import Client

    from conftest import choose_certificate_on_page

    if person == "anonymous":
        return None
    user = getattr(w, person)
    client = Client()
    client.force_login(user)
    if user.kind == "officer":  # the back office asks an officer to choose the signing certificate first
        assert choose_certificate_on_page(client, user).status_code == 302
    return client.cookies[settings.SESSION_COOKIE_NAME].value


DIAGRAM_TOOLS_CHECKED: list = []
VIEWPORT = "document.querySelector('#diagram .viewport').getAttribute('transform')"


def _diagram_tools(page, where) -> str:
    """Once: the diagram's zoom buttons and drag work at 360 px (a phone cannot read the whole diagram)."""
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.locator("#diagram").screenshot(path=str(Path(SHOTS) / "diagram-phone.png"))
    page.click("[data-zoom=fit]")  # a phone starts on the current step, readable; the whole diagram first
    fitted = page.evaluate(VIEWPORT)
    page.click("[data-zoom=in]")
    page.click("[data-zoom=in]")
    zoomed = page.evaluate(VIEWPORT)
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.locator("#diagram").screenshot(path=str(Path(SHOTS) / "diagram-zoomed.png"))
    box = page.locator("#diagram").bounding_box()
    page.mouse.move(box["x"] + 100, box["y"] + 100)
    page.mouse.down()
    page.mouse.move(box["x"] + 40, box["y"] + 60, steps=4)
    page.mouse.up()
    dragged = page.evaluate(VIEWPORT)
    page.click("[data-zoom=fit]")
    def scale(transform):
        return round(float(re.split(r"[(, ]", transform)[1]), 4)
    refitted = page.evaluate(VIEWPORT)
    assert scale(zoomed) > scale(fitted) and dragged != zoomed and scale(refitted) == scale(fitted), (
        where, fitted, zoomed, dragged, refitted)
    return where


def scan(context, lang: str, page_: Page, base_url: str) -> list[str]:
    where = f"{lang} {page_.person} {page_.path}" + (" (posted with errors)" if page_.click else "")
    page = context.pages[0] if context.pages else context.new_page()
    response = page.goto(base_url + page_.path, wait_until="load")
    if page_.click and response is not None and response.ok:
        for selector, text in page_.fill:
            page.fill(selector, text)
        with page.expect_navigation() as posted:
            page.click(page_.click)
        response = posted.value
    if response is None or (response.status >= 400 and not (page_.click and response.status == 422)):
        return [f"{where}: answered {response.status if response else 'nothing'}"]
    if "text/html" not in (response.headers.get("content-type") or ""):
        return []
    if page.locator("#diagram").count():  # the back office's process diagram: its labels are text too, once drawn
        page.wait_for_selector("#diagram.diagram-ready", timeout=15000)
        if not DIAGRAM_TOOLS_CHECKED:
            DIAGRAM_TOOLS_CHECKED.append(_diagram_tools(page, where))
    problems = []
    if page.url.split("?")[0].endswith(("/login/",)) and not page_.path.endswith("/login/"):
        problems.append(f"{where}: sent to the log-in ({page.url})")
    if page.evaluate("document.documentElement.lang") != lang:
        problems.append(f"{where}: the page's lang is {page.evaluate('document.documentElement.lang')!r}")
    text = page.evaluate(VISIBLE_TEXT)
    for leak in leaks(text):
        problems.append(f"{where}: {leak}")
    overflow = page.evaluate(OVERFLOW, WIDTH)
    if overflow["scrollWidth"] > WIDTH or overflow["found"]:
        problems.append(f"{where}: wider than {WIDTH} px (scrollWidth {overflow['scrollWidth']}): "
                        + "; ".join(overflow["found"]))
    if SHOTS:
        folder = Path(SHOTS)
        folder.mkdir(parents=True, exist_ok=True)
        name = (re.sub(r"[^a-z0-9]+", "-", page_.path.strip("/").lower()) or "home") + ("-errors" if page_.click else "")
        page.screenshot(path=str(folder / f"{lang}-{page_.person}-{name}.png"), full_page=True)
        (folder / f"{lang}-{page_.person}-{name}.txt").write_text(text, encoding="utf-8")
    return problems


def test_every_page_in_kk_and_ru_without_internal_codes_and_within_360_px(chromium, web, world):
    from django.conf import settings

    subjects, values = build(world)
    problems = list(values.pop("problems"))
    todo, skipped = pages(subjects, values)
    for route in skipped:
        warnings.warn(f"page scan: no value for a path parameter of {route}; add it to build()", stacklevel=1)
    assert len(todo) > 40, [p.path for p in todo]
    people = sorted({p.person for p in todo})
    cookies = {person: _session_cookie(world, person) for person in people}
    opened = 0
    for lang in LANGS:
        for person in people:
            context = chromium.new_context(viewport={"width": WIDTH, "height": 800}, locale=f"{lang}-KZ",
                                           extra_http_headers={"Accept-Language": lang})
            context.set_default_timeout(20000)
            jar = [{"name": settings.LANGUAGE_COOKIE_NAME, "value": lang, "url": web.url}]
            if cookies[person]:
                jar.append({"name": settings.SESSION_COOKIE_NAME, "value": cookies[person], "url": web.url})
            context.add_cookies(jar)
            try:
                for page_ in (p for p in todo if p.person == person):
                    problems.extend(scan(context, lang, page_, web.url))
                    opened += 1
            finally:
                context.close()
    assert opened == 2 * len(todo)
    assert DIAGRAM_TOOLS_CHECKED, "no process diagram was drawn"
    assert not problems, f"{len(problems)} problems on {len(todo)} pages × {len(LANGS)} languages:\n" + "\n".join(problems)


def test_the_scan_finds_what_it_looks_for(world):
    """The patterns themselves: each kind of leak is found, the text a person reads is not."""
    assert leaks("Жолақ: low_mhz: міндетті") == ["snake_case: low_mhz"]
    assert leaks("Процесс: S4_portal_2026; файл: my_scan.pdf") == ["snake_case: S4_portal_2026"]
    assert leaks("1-элемент: __all__: қате") == ["literal: __all__"]
    assert leaks("Мерзімі: None") == ["literal: None"]
    assert leaks("Күйі: registered; қадам: decide") == ["English code: decide, registered"]
    assert leaks("Берілген күні 2026-12-02") == ["ISO date: 2026-12-02"]
    assert leaks("Алым: 21625 ₸") == ["amount without spaces: 21625 ₸"]
    assert leaks("Алым: 21\u00a0625 ₸, 02.12.2026, E-licensing, user@example.kz, /portal/requests/") == []
