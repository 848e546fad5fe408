"""Producing every kind of result through the API journeys, and reading PDFs back."""
import io
import re

from pypdf import PdfReader

from applications.tests.journeys import (
    DOCUMENTS,
    FORMS,
    create,
    decide,
    office_decides,
    office_until_decision,
    pay,
    portal_until_registered,
)


def text_of(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return "\n".join(page.extract_text() or "" for page in reader.pages)


def squeeze(text: str) -> str:
    """Text without whitespace: a value wrapped across lines in a table cell still matches."""
    return re.sub(r"\s+", "", text)


def speaking(api, lang):
    api.client.defaults["HTTP_ACCEPT_LANGUAGE"] = lang
    return api


def download(api, app_id, number, expect=200):
    response = api.client.get(f"/api/v1/applications/{app_id}/documents/{number}.pdf", **api.headers)
    assert response.status_code == expect, response.content[:300]
    return b"".join(response.streaming_content) if expect == 200 else None


def document_of(app, kind):
    (doc,) = [d for d in app["documents"] if d["kind"] == kind]
    return doc


def s1_licence(w, lang="kk", who="company_head"):
    api = speaking(w.api[who], lang)
    app = portal_until_registered(w, api, "S1", "issue")
    return decide(speaking(w.api["committee_officer"], lang), app)


def s1_refusal(w, lang="ru"):
    api = speaking(w.api["person"], lang)
    app = portal_until_registered(w, api, "S1", "issue")
    return decide(speaking(w.api["committee_officer"], lang), app, "refuse", not_met=["technical-base"],
                  comment="нет помещения")


def s2_order(w, lang="kk", sub_kind="allocate"):
    api = speaking(w.api["person"], lang)
    app = portal_until_registered(w, api, "S2", sub_kind)
    return office_decides(w, office_until_decision(w, app), "approve")


def s3_permit(w, lang="ru"):
    api = speaking(w.api["person"], lang)
    app = portal_until_registered(w, api, "S3", "assignment")
    decide(speaking(w.api["inspection_officer"], lang), app)
    return pay(api, app)


def s4_permit(w, lang="kk"):
    api = speaking(w.api["person"], lang)
    app = portal_until_registered(w, api, "S4", "device")
    return decide(speaking(w.api["inspection_officer"], lang), app)


def psc(w, presented, lang="ru"):
    from conftest import PERSON

    api = speaking(w.api["psc"], lang)
    app = create(api, "S2", "allocate", channel="psc")
    app = api.put(f"/applications/{app['id']}/form", {"data": FORMS[("S2", "allocate")], "version": app["form_version"]})
    return api.post(f"/applications/{app['id']}/intake", {"iin": PERSON["iin"], "documents_presented": presented})


def psc_receipt(w, lang="ru"):
    return psc(w, DOCUMENTS[("S2", "allocate")], lang)


def psc_refusal_receipt(w, lang="kk"):
    return psc(w, ["application"], lang)
