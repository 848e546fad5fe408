"""Public access without log-in: the QR code leads to the verification page, which follows the record's
status; search, CSV export and the JSON check; no full IIN anywhere public."""
import csv
import io
import subprocess
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.test import Client

from conftest import PERSON
from documents.tests.helpers import download
from registry.tests.helpers import act, licence


def qr_url(pdf: bytes, tmp_path) -> str:
    (tmp_path / "doc.pdf").write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", "110", "-png", "-f", "1", "-l", "1", "-singlefile", "doc.pdf", "page"],
                   cwd=tmp_path, check=True, timeout=60)
    result = subprocess.run(["zbarimg", "--quiet", "--raw", "page.png"], cwd=tmp_path, capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def verdict(html: str) -> str:
    start = html.index('id="verdict"')
    return html[html.index(">", start) + 1:html.index("</p>", start)].strip()


def test_the_qr_code_leads_to_the_verification_page_which_follows_the_status(world, tmp_path, settings):
    settings.ELICENSE_PUBLIC_URL = "https://e-licensing.example.kz"
    app, number = licence(world)
    url = qr_url(download(world.api["company_head"], app["id"], number), tmp_path)
    assert url == f"https://e-licensing.example.kz/verify/{number}/"
    public = Client(HTTP_ACCEPT_LANGUAGE="ru")
    path = urlsplit(url).path
    page = public.get(path).content.decode()
    assert verdict(page) == "ДЕЙСТВИТЕЛЕН" and world.company_head.organisation_name in page and "Сотовая связь" in page
    act(world.api["committee_officer"], number, "suspend", reason="нарушение")
    page = public.get(path).content.decode()
    assert verdict(page) == "ПРИОСТАНОВЛЕН" and "приостановлена" in page
    assert public.get(f"/verify/{number}.json").json()["record"]["status"] == "suspended"
    act(world.api["committee_officer"], number, "terminate", reason="решение суда")
    page = Client(HTTP_ACCEPT_LANGUAGE="kk").get(path).content.decode()
    assert verdict(page) == "ТОҚТАТЫЛҒАН"
    check = public.get(f"/api/v1/registry/public/{number}").json()
    assert check["valid"] is False and check["record"]["status"] == "terminated"
    # Typed by hand (lower case, spaces) through the look-up form.
    assert public.get("/verify/", {"number": f" {number.lower()} "}, follow=True).status_code == 200
    assert public.get("/verify/LIC-1999-000000/").status_code == 404


def test_search_export_and_checks_never_show_an_individuals_full_iin(world):
    app, number = licence(world, who="person")
    iin = PERSON["iin"]
    public = Client()
    pages = [
        public.get("/registry/").content.decode(),
        public.get("/registry/", {"number": number}).content.decode(),
        public.get("/registry/", {"holder": PERSON["last_name"]}).content.decode(),
        public.get(f"/verify/{number}/").content.decode(),
        public.get(f"/verify/{number}.json").content.decode(),
        public.get(f"/api/v1/registry/public/{number}").content.decode(),
        public.get("/registry/export.csv").content.decode("utf-8-sig"),
        public.get(f"/verify/{app['documents'][0]['number']}/").content.decode(),
    ]
    for content in pages:
        assert iin not in content
    assert number in pages[1] and "********" + iin[-4:] in pages[1] and PERSON["last_name"] in pages[2]
    assert "********" + iin[-4:] in pages[3]


def test_search_filters_pagination_and_csv_headers(world):
    _app, company_licence = licence(world)
    _app, person_licence = licence(world, who="person")
    act(world.api["committee_officer"], person_licence, "suspend", reason="нарушение")
    public = Client()
    by_bin = public.get("/registry/", {"bin": world.company_head.bin}).content.decode()
    assert company_licence in by_bin and person_licence not in by_bin
    suspended = public.get("/registry/", {"status": "suspended", "service": "S1"}).content.decode()
    assert person_licence in suspended and company_licence not in suspended
    assert company_licence not in public.get("/registry/", {"service": "S3"}).content.decode()
    from registry import views

    old, views.PAGE_SIZE = views.PAGE_SIZE, 1
    try:
        first = public.get("/registry/").content.decode()
        second = public.get("/registry/", {"page": 2}).content.decode()
    finally:
        views.PAGE_SIZE = old
    assert (person_licence in first) != (person_licence in second) and "page=2" in first
    rows = list(csv.reader(io.StringIO(public.get("/registry/export.csv").content.decode("utf-8-sig"))))
    documented = (Path(settings.BASE_DIR) / "docs" / "registry.md").read_text()
    assert f"`{','.join(rows[0])}`" in documented
    assert rows[0] == ["number", "kind", "service", "status", "holder_name", "holder_id", "scope", "issued_on",
                       "valid_until", "current_document"]
    assert {r[0] for r in rows[1:]} == {company_licence, person_licence}
    assert next(r for r in rows if r[0] == person_licence)[3] == "suspended"
