"""The gateway simulator's payer page, as a person meets it: amount, purpose and a card form in kk/ru/en, a
card checked before anything is paid, pay or decline, and the way back to the portal, which asks the gateway
at once."""
import re
import urllib.error
import urllib.parse
import urllib.request

import pytest

from applications.tests.journeys import create, fill
from integrations.models import Payment


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def browser(method, url, form=None, lang="ru"):
    """(status, headers, text) as a browser gets them: HTML accepted, a form posted, redirects not followed."""
    data = urllib.parse.urlencode(form).encode() if form is not None else None
    request = urllib.request.Request(url, data=data, method=method, headers={
        "Accept": "text/html,application/xhtml+xml", "Accept-Language": lang,
        **({"Content-Type": "application/x-www-form-urlencoded"} if form is not None else {})})
    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(request, timeout=5) as response:
            return response.status, response.headers, response.read().decode()
    except urllib.error.HTTPError as err:
        return err.code, err.headers, err.read().decode()


@pytest.fixture
def started(world):
    api = world.api["person"]
    app = fill(api, create(api, "S1", "issue"), "S1", "issue")
    payment = api.post(f"/applications/{app['id']}/payment")
    return api, app, payment


def text_of(page: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))


@pytest.mark.parametrize("lang,words", [
    ("kk", ["Төлем мақсаты", "Карта нөмірі", "Төлеу"]),
    ("ru", ["Назначение платежа", "Номер карты", "Оплатить"]),
    ("en", ["Purpose of the payment", "Card number", "Pay"]),
])
def test_the_payer_page_shows_amount_purpose_and_a_card_form_in_the_persons_language(started, lang, words):
    _api, app, payment = started
    status, headers, page = browser("GET", f"{payment['next_url']}?lang={lang}")
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    assert f'<html lang="{lang}"' in page
    text = text_of(page)
    for word in words:
        assert word in text
    amount = Payment.objects.get(reference=payment["reference"]).amount_kzt
    assert amount > 999 and f"{amount:,}".replace(",", "\u00a0") + "\u00a0₸" in page  # "21 625 ₸"
    assert payment["reference"] in text
    assert "issue" not in text and "S1 (" not in text  # the purpose by its labels, no sub-kind code
    assert 'name="card_number"' in page and 'name="cvc"' in page
    assert "form-action 'self' http://127.0.0.1:" in headers["Content-Security-Policy"]


@pytest.mark.parametrize("form,error", [
    ({"card_number": "4444 3333 2222 1112", "expiry": "12/30", "cvc": "123"}, "Неверный номер карты"),
    ({"card_number": "4444 3333 2222 1111", "expiry": "01/20", "cvc": "123"}, "карта с истёкшим сроком"),
    ({"card_number": "4444 3333 2222 1111", "expiry": "12/30", "cvc": "12"}, "Код CVC"),
])
def test_a_bad_card_is_refused_on_the_page_and_nothing_is_paid(started, form, error):
    api, app, payment = started
    status, _headers, page = browser("POST", f"{payment['next_url']}/pay?lang=ru", form)
    assert status == 422 and error in page
    assert 'value="' + form["card_number"] + '"' in page  # what the person typed stays in the form
    assert api.get(f"/applications/{app['id']}")["open_tasks"][0]["action_kind"] == "pay"
    status, _h, again = browser("GET", payment["next_url"])
    assert "Оплатить" in again  # still open: the person may try again


def test_paying_by_card_sends_the_person_back_to_the_portal_which_then_knows_it(world, started, client):
    api, app, payment = started
    status, headers, _page = browser("POST", f"{payment['next_url']}/pay?lang=ru",
                                     {"card_number": "4444 3333 2222 1111", "expiry": "12/30", "cvc": "123"})
    assert status == 303
    back = headers["Location"]
    assert back.endswith(f"/portal/requests/{app['id']}/payment?returned=1")
    # Back on the portal (no callback delivered): the page asks the gateway and moves on to signing.
    client.force_login(world.person)
    response = client.get(urllib.parse.urlsplit(back).path + "?returned=1")
    assert response.status_code == 302 and response["Location"].endswith(f"/portal/requests/{app['id']}/sign")
    assert Payment.objects.get(reference=payment["reference"]).status == Payment.Status.PAID
    assert [t["action_kind"] for t in api.get(f"/applications/{app['id']}")["open_tasks"]] == ["choose_certificate"]


def test_the_declined_test_card_ends_the_payment_unpaid(world, started, client):
    api, app, payment = started
    status, headers, _page = browser("POST", f"{payment['next_url']}/pay",
                                     {"card_number": "4000 0000 0000 0002", "expiry": "12/30", "cvc": "123"})
    assert status == 303
    client.force_login(world.person)
    client.get(urllib.parse.urlsplit(headers["Location"]).path + "?returned=1")
    assert Payment.objects.get(reference=payment["reference"]).status == Payment.Status.DECLINED
    assert api.get(f"/applications/{app['id']}")["status"] == "refused"


def test_a_program_still_gets_json(started):
    _api, _app, payment = started
    with urllib.request.urlopen(payment["next_url"], timeout=5) as response:
        assert response.headers["Content-Type"].startswith("application/json")
