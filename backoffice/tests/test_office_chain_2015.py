"""The 2015 office chain (S2 received at the PSC, psc-2015.bpmn) as real work in the back office: the clerk
attaches the scan of the paper application and registers it; the head picks the structural unit; the unit head
picks the executor among that unit's executors; the executor drafts the order's content; the head sees the draft
order before signing it, and the signed order says what the draft said."""
from __future__ import annotations

import re

from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import User
from applications.models import Application
from backoffice.tests.test_pages import office, page
from conftest import PDF
from services.models import ProviderUnit
from workflow.models import Event


def open_kind(app_id) -> str:
    return Application.objects.get(pk=app_id).tasks.get(state="open").action_kind


def test_the_2015_chain_scan_unit_executor_draft_and_signed_order(world):
    from django.core.management import call_command

    from pscdesk.tests.test_desk import intake_complete

    call_command("load_numbering_plan", demo=True, stdout=open("/dev/null", "w"))  # the inventory the order allocates in
    w = world
    app = intake_complete(w)  # S2 allocate: 7172500000–7172509999 asked
    url = f"/office/requests/{app.pk}/act"
    clerk, head, unit_head, executor = (office(u) for u in (w.clerk, w.head, w.unit_head, w.executor))

    # step 1: the clerk's form asks for the scan of the paper application; registering without it is refused
    html = page(clerk, f"/office/requests/{app.pk}/")
    assert 'name="scan"' in html and 'enctype="multipart/form-data"' in html
    clerk.post(url, {"action": "register_incoming"})
    assert open_kind(app.pk) == "register_incoming"
    clerk.post(url, {"action": "register_incoming",
                     "scan": SimpleUploadedFile("application-scan.pdf", PDF, "application/pdf")})
    assert Application.objects.get(pk=app.pk).status == "registered"
    scan = app.attachments.get(is_scan=True)
    assert scan.document_code == "application" and scan.uploaded_by == w.clerk
    executor.post(url, {"action": "put_on_portal"})

    # step 3: the head chooses among the provider's units; no choice, or a unit without a head of unit: refused
    html = page(head, f"/office/requests/{app.pk}/")
    committee = ProviderUnit.objects.get(code="committee")
    assert re.search(rf'<select id="unit_id" name="unit_id" required>.*<option value="{committee.pk}">', html, re.S)
    head.post(url, {"action": "assign_unit"})
    almaty = ProviderUnit.objects.get(code="inspection-almaty-city")
    head.post(url, {"action": "assign_unit", "unit_id": almaty.pk})
    assert open_kind(app.pk) == "assign_unit"
    head.post(url, {"action": "assign_unit", "unit_id": committee.pk})
    assert open_kind(app.pk) == "assign_executor"
    done = Event.objects.get(application=app, kind="step_done", bpmn_id="assign_unit")
    assert done.data["unit_id"] == committee.pk and done.actor == w.head
    history = page(head, f"/office/requests/{app.pk}/").split('id="hist-h"')[1]
    assert committee.name_en in history  # the history names the unit chosen

    # step 4: the unit head's choice: the unit's active executors only
    other = User.objects.create_user(username="exec2", password="demo-pass-123", kind="officer", first_name="Ерлан",
                                     last_name="Сапаров", provider_unit=almaty)
    other.groups.add(w.executor.groups.get())
    html = page(unit_head, f"/office/requests/{app.pk}/")
    assert w.executor.get_full_name() in html and "Сапаров" not in html
    unit_head.post(url, {"action": "assign_executor", "executor_id": other.pk})
    assert open_kind(app.pk) == "assign_executor"
    unit_head.post(url, {"action": "assign_executor", "executor_id": w.executor.pk})
    assert open_kind(app.pk) == "decide"

    # step 5: the executor sees the scan and drafts the order's content (prefilled from the request)
    html = page(executor, f"/office/requests/{app.pk}/")
    assert "application-scan.pdf" in html and f"/attachments/{scan.pk}" in html
    assert "Draft order: its content" in html and 'value="7172500000"' in html
    approve = {"action": "approve", "req-plan-conformity": "met", "order_draft": "1", "resource_kind": "geographic",
               "purpose": "fixed telephony in Astana"}
    # an invalid draft (last before first) is refused and nothing moves
    executor.post(url, {**approve, "range_start": "7172509999", "range_end": "7172500000"})
    assert open_kind(app.pk) == "decide"
    # a block the numbering plan does not have (5 000 numbers): refused at the draft, not at the signature
    answer = executor.post(url, {**approve, "range_start": "7172500000", "range_end": "7172504999"}, follow=True)
    assert "A block of this part holds" in answer.content.decode()
    assert open_kind(app.pk) == "decide"
    executor.post(url, {**approve, "range_start": "7172500000", "range_end": "7172500999"})  # a tenth of what was asked
    assert open_kind(app.pk) == "sign_result"

    # step 6: the head sees the draft order before signing
    html = page(head, f"/office/requests/{app.pk}/")
    assert "Draft order to be signed" in html and "DRAFT" in html
    draft = html[html.index("Draft order to be signed"):html.index("Sign this order")]
    assert "7172500999" in draft and "7172509999" not in draft
    digest = re.search(r'name="draft_sha256" value="([0-9a-f]{64})"', html).group(1)
    # ... and as the PDF the order's own layout draws, marked as a draft (no number, no signature yet)
    assert f"/office/requests/{app.pk}/draft-order.pdf" in html
    preview = head.get(f"/office/requests/{app.pk}/draft-order.pdf")
    assert preview.status_code == 200 and preview["Content-Type"] == "application/pdf"
    from documents.tests.helpers import text_of

    printed = " ".join(text_of(preview.content).split())
    assert "ПРОЕКТ — НЕ ПОДПИСАН" in printed and "7172500999" in printed and "7172509999" not in printed, printed
    # a stale digest (the draft changed since the page was read) is refused
    head.post(url, {"action": "sign_result", "draft_sha256": "0" * 64})
    assert open_kind(app.pk) == "sign_result"
    signed = head.post(url, {"action": "sign_result", "draft_sha256": digest}, follow=True).content.decode()
    assert "Done:" in signed, re.findall(r"(?s)<li class=\"message[^>]*>(.*?)</li>", signed)
    done = Application.objects.get(pk=app.pk)
    assert done.status == "completed" and done.result_kind == "order"
    assert head.get(f"/office/requests/{app.pk}/draft-order.pdf").status_code == 404  # signed: no draft any more
    order = done.documents.get(kind="order")
    from backoffice.tests.test_pages import sign_on_page

    sign_on_page(head, w, app.pk, w.head)  # the head's EDS over the order's PDF
    order.refresh_from_db()
    signed_text = " ".join(text_of(order.pdf.open("rb").read()).split())
    assert order.pdf_sha256 and "7172500999" in signed_text and "7172509999" not in signed_text
    assert "ПРОЕКТ — НЕ ПОДПИСАН" not in signed_text
    version = order.registry_entry
    assert (version.content["range_start"], version.content["range_end"]) == ("7172500000", "7172500999")
    from numbering.models import Allocation

    allocation = Allocation.objects.get(status="active")
    assert (allocation.low, allocation.high) == (7172500000, 7172500999)


def test_the_api_path_drafts_the_order_the_same_way(world):
    """The API's review takes the draft (``order_draft``) with the same rules; the order issued says the draft."""
    from django.core.management import call_command

    from applications.tests.journeys import DOCUMENTS, checklist, office_until_decision, sign_result
    from applications.tests.test_s2_numbering import psc_intake

    call_command("load_numbering_plan", demo=True, stdout=open("/dev/null", "w"))
    w = world
    app = psc_intake(w, "allocate", DOCUMENTS[("S2", "allocate")])
    clerk = w.api["clerk"]
    refused = clerk._call("post", f"/applications/{app['id']}/incoming-registration", expect=422).json()
    assert refused["code"] == "application_scan_missing"
    clerk.upload(app["id"], "application", is_scan=True)
    app = clerk.post(f"/applications/{app['id']}/incoming-registration")
    app = w.api["executor"].post(f"/applications/{app['id']}/put-on-portal")
    app = office_until_decision(w, app)
    executor = w.api["executor"]
    executor.choose_certificate()
    executor.chosen = True
    body = {"decision": "approve", "checklist": checklist("S2"), "documents_missing": [], "comment": "",
            "order_draft": {"resource_kind": "geographic", "range_start": "7172501000", "range_end": "7172500000",
                            "purpose": "fixed telephony in Astana"}}
    bad = executor._call("post", f"/applications/{app['id']}/decision", body, expect=422).json()
    assert bad["code"] == "order_draft_invalid", bad
    body["order_draft"].update(range_start="7172501000", range_end="7172501999")
    app = executor.post(f"/applications/{app['id']}/decision", body)
    assert [t["action_kind"] for t in app["open_tasks"]] == ["sign_result"]
    app = sign_result(w.api["head"], app)
    assert app["status"] == "completed"
    order = Application.objects.get(pk=app["id"]).documents.get(kind="order")
    assert (order.registry_entry.content["range_start"], order.registry_entry.content["range_end"]) == (
        "7172501000", "7172501999")
