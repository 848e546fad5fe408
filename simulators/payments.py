"""Simulator of the e-government payment gateway (ЭҮТШ), modelled on GOV.UK Pay's public API.

Service API (signed, see simulators.common):
    POST /v1/payments                      {amount, reference, description, return_url, metadata?}
                                           Idempotency-Key header: the same key gives the same payment
                                           → 201 payment
    GET  /v1/payments/{id}                 → 200 payment | 404
    GET  /v1/payments?reference={ref}      → 200 {total, count, page, results: [payment]} (GOV.UK Pay's search;
                                           the way an officer confirms a fee paid at a bank, docs/integrations.md)
    POST /v1/payments/{id}/cancel          → 204 | 409 payment_finished
    POST /v1/payments/{id}/refunds         {amount} (Idempotency-Key) → 202 refund | 409 | 422
    GET  /v1/payments/{id}/refunds         → 200 {refunds: [...]}

Payer (the applicant's browser; not signed):
    GET  /pay/{id}                         the payer page (state → started)
    POST /pay/{id}/pay | /pay/{id}/decline → state success | failed (P0010); the callback is queued

A payment: {payment_id, amount (whole tenge), reference, description, return_url, metadata,
state: {status: created|started|submitted|success|failed|cancelled|error, finished, code?},
created_date, refund_summary, _links: {self, next_url}}.

Callback (webhook): POST --callback-url with the body {webhook_message_id, created_date, resource_id,
resource_type: "payment", event_type: payment_succeeded|payment_failed|payment_cancelled|payment_refunded,
resource: payment} and header Pay-Signature = hex HMAC-SHA256(secret, body). Delivery is retried with
backoff until answered 2xx (at most 8 attempts); /_sim/webhooks lists the messages and their delivery
(tests deliver them themselves when no --callback-url is given).

A fee paid at a bank's counter or in its app (not started by E-licensing): POST /_sim/bank-payments
{amount, payer (IIN/BIN), service, sub_kind, description?, reference?} → 201 a finished, successful payment
whose metadata names the payer and the service; its reference is what the bank's receipt prints.
"""
from __future__ import annotations

import datetime
import html
import json
import secrets
import threading
import time
import urllib.error
import urllib.request

from simulators.common import Page, Reply, Simulator, Store, arguments, body_mac, run

FINISHED = {"success", "failed", "cancelled", "error"}
EVENTS = {"success": "payment_succeeded", "failed": "payment_failed", "cancelled": "payment_cancelled",
          "error": "payment_failed"}


# The payer's page: amount, purpose, a card form, pay / decline; in Kazakh, Russian or English.
DECLINED_CARDS = {"4000000000000002"}  # the test card the simulated bank declines (as GOV.UK Pay's)
TEXT = {
    "kk": {
        "title": "Төлем", "banner": "«Электрондық үкімет» төлем шлюзі", "purpose": "Төлем мақсаты",
        "amount": "Сомасы", "reference": "Төлем нөмірі", "card": "Банк картасы", "card_number": "Карта нөмірі",
        "expiry": "Қолданылу мерзімі (АА/ЖЖ)", "cvc": "CVC/CVV коды", "holder": "Карта иесінің аты (міндетті емес)",
        "pay": "Төлеу", "decline": "Төлемнен бас тарту", "paid": "Төлем қабылданды. Қызмет бетіне оралыңыз.",
        "not_paid": "Төлем жасалмады.", "back": "Қызмет бетіне оралу",
        "test_cards": "Симулятор: кез келген дұрыс карта нөмірі төлейді (мысалы 4444 3333 2222 1111); "
                      "4000 0000 0000 0002 картасын банк қабылдамайды.",
        "simulator": "Бұл төлем шлюзінің симуляторы: ақша алынбайды.",
        "errors": {"card_number": "Карта нөмірі дұрыс емес: 12–19 цифрды тексеріңіз.",
                   "expiry": "Мерзімді АА/ЖЖ түрінде енгізіңіз; мерзімі өткен карта жарамайды.",
                   "cvc": "CVC коды — картаның артындағы 3 цифр.",
                   "finished": "Бұл төлем аяқталған."},
    },
    "ru": {
        "title": "Оплата", "banner": "Платёжный шлюз «электронного правительства»", "purpose": "Назначение платежа",
        "amount": "Сумма", "reference": "Номер платежа", "card": "Банковская карта", "card_number": "Номер карты",
        "expiry": "Срок действия (ММ/ГГ)", "cvc": "Код CVC/CVV", "holder": "Имя держателя карты (необязательно)",
        "pay": "Оплатить", "decline": "Отказаться от оплаты", "paid": "Платёж принят. Вернитесь на страницу услуги.",
        "not_paid": "Платёж не совершён.", "back": "Вернуться на страницу услуги",
        "test_cards": "Симулятор: любой правильный номер карты оплачивает (например 4444 3333 2222 1111); "
                      "карту 4000 0000 0000 0002 банк отклоняет.",
        "simulator": "Это симулятор платёжного шлюза: деньги не списываются.",
        "errors": {"card_number": "Неверный номер карты: проверьте 12–19 цифр.",
                   "expiry": "Введите срок в виде ММ/ГГ; карта с истёкшим сроком не принимается.",
                   "cvc": "Код CVC — 3 цифры на обороте карты.",
                   "finished": "Этот платёж уже завершён."},
    },
    "en": {
        "title": "Payment", "banner": "E-government payment gateway", "purpose": "Purpose of the payment",
        "amount": "Amount", "reference": "Payment reference", "card": "Bank card", "card_number": "Card number",
        "expiry": "Expiry date (MM/YY)", "cvc": "CVC/CVV code", "holder": "Name on the card (optional)",
        "pay": "Pay", "decline": "Decline to pay", "paid": "The payment is accepted. Go back to the service's page.",
        "not_paid": "The payment was not made.", "back": "Back to the service's page",
        "test_cards": "Simulator: any valid card number pays (e.g. 4444 3333 2222 1111); the bank declines "
                      "4000 0000 0000 0002.",
        "simulator": "This is a simulator of the payment gateway: no money is taken.",
        "errors": {"card_number": "The card number is not valid: check its 12–19 digits.",
                   "expiry": "Enter the expiry as MM/YY; an expired card is not accepted.",
                   "cvc": "The CVC is the 3 digits on the back of the card.",
                   "finished": "This payment has finished."},
    },
}
ERROR_FIELDS = {"card_number": ("card_number",), "expiry": ("expiry",), "cvc": ("cvc",)}
PAGE = """<!doctype html>
<html lang="{lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} — {banner}</title>
<style>
body{{font:16px/1.5 system-ui,sans-serif;margin:0;color:#1b1b1b;background:#f4f6f8}}
header{{background:#0b3d6e;color:#fff;padding:.75rem 1rem}} header a{{color:#fff}}
main{{max-width:34rem;margin:1rem auto;background:#fff;padding:1rem 1.25rem;border-radius:6px}}
dt{{font-weight:600}} dd{{margin:0 0 .5rem}} .amount{{font-size:1.4rem;font-weight:700}}
label{{display:block;font-weight:600}} input{{font:inherit;padding:.4rem;border:1px solid #555;border-radius:4px;max-width:100%}}
fieldset{{border:1px solid #ccd;border-radius:6px}} button{{font:inherit;padding:.55rem 1.1rem;border:0;border-radius:4px;
background:#0b6e3d;color:#fff;cursor:pointer}} button.secondary{{background:#fff;color:#8a1c1c;border:1px solid #8a1c1c}}
.error{{color:#8a1c1c;font-weight:600}} .notice{{background:#e7f1fb;padding:.75rem;border-radius:4px}}
.help,footer{{color:#555;font-size:.9rem}} a.button{{display:inline-block;padding:.5rem 1rem;background:#0b3d6e;color:#fff}}
nav{{float:right}} footer{{text-align:center;margin:1rem}}
</style></head>
<body><header><nav aria-label="Language">{switch}</nav><strong>{banner}</strong></header>
<main><h1>{title}</h1><dl>{facts}</dl>{body}</main><footer>{simulator}</footer></body></html>"""


def _wants_html(request) -> bool:
    return "text/html" in request.headers.get("Accept", "")


def _form(request) -> dict | None:
    """The fields of a browser's form post; None for a program's call."""
    import urllib.parse

    if not request.headers.get("Content-Type", "").startswith("application/x-www-form-urlencoded"):
        return None
    fields = urllib.parse.parse_qs(request.body.decode("utf-8", "replace"), keep_blank_values=True)
    return {name: values[0][:100] for name, values in fields.items()}


def _language(request, payment, form=None) -> str:
    import urllib.parse

    asked = urllib.parse.parse_qs(request.query).get("lang", [""])[0]
    accept = request.headers.get("Accept-Language", "")
    browser = next((code for code in ("kk", "ru", "en") if accept.startswith(code)), "")
    for code in (asked, (form or {}).get("lang", ""), browser, payment.get("language", "")):
        if code in TEXT:
            return code
    return "kk"


def _digits(value: str) -> str:
    return "".join(ch for ch in value if ch.isdigit())


def _luhn(number: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(number)):
        digit = int(ch)
        if i % 2:
            digit = digit * 2 - 9 if digit > 4 else digit * 2
        total += digit
    return total % 10 == 0


def _card_problem(form: dict) -> str:
    number = _digits(form.get("card_number", ""))
    if not 12 <= len(number) <= 19 or set(form.get("card_number", "")) - set("0123456789 ") or not _luhn(number):
        return "card_number"
    expiry = form.get("expiry", "").strip()
    try:
        month, year = (int(part) for part in expiry.split("/"))
    except ValueError:
        return "expiry"
    today = datetime.date.today()
    if not 1 <= month <= 12 or (2000 + year, month) < (today.year, today.month):
        return "expiry"
    cvc = form.get("cvc", "").strip()
    if len(cvc) != 3 or not cvc.isdigit():
        return "cvc"
    return ""


def _amount(tenge: int) -> str:
    return f"{tenge:,}".replace(",", "\u00a0") + "\u00a0₸"


def _origin(url: str) -> str:
    import urllib.parse

    parts = urllib.parse.urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _now() -> str:
    return datetime.datetime.now(datetime.UTC).isoformat(timespec="milliseconds")


class Payments(Simulator):
    name = "payments"

    def __init__(self, secret, *, base_url: str, callback_url: str = "", state_path=None, log_path=None):
        super().__init__(secret, log_path)
        self.base_url = base_url.rstrip("/")
        self.callback_url = callback_url
        self.store = Store(state_path, {"payments": {}, "keys": {}, "webhooks": [], "refunds": {}})
        self.wake = threading.Event()
        self.route("POST", r"/v1/payments", self.create)
        self.route("GET", r"/v1/payments", self.search)
        self.route("GET", r"/v1/payments/(?P<id>[\w-]+)", self.get)
        self.route("POST", r"/v1/payments/(?P<id>[\w-]+)/cancel", self.cancel)
        self.route("POST", r"/v1/payments/(?P<id>[\w-]+)/refunds", self.refund)
        self.route("GET", r"/v1/payments/(?P<id>[\w-]+)/refunds", self.refunds)
        self.route("GET", r"/pay/(?P<id>[\w-]+)", self.payer_page, signed=False)
        self.route("POST", r"/pay/(?P<id>[\w-]+)/(?P<outcome>pay|decline)", self.payer_acts, signed=False)
        self.route("GET", r"/_sim/webhooks", self.webhooks, signed=False)
        self.route("POST", r"/_sim/bank-payments", self.bank_payment, signed=False)
        if callback_url:
            threading.Thread(target=self._deliver_forever, daemon=True).start()

    # -- service API -----------------------------------------------------------
    def _payment(self, payment_id) -> dict:
        payment = self.store.data["payments"].get(payment_id)
        if payment is None:
            raise Reply(404, "not_found", "no such payment")
        return payment

    def _view(self, payment) -> dict:
        link = f"{self.base_url}/v1/payments/{payment['payment_id']}"
        view = {**payment, "_links": {"self": {"href": link, "method": "GET"}}}
        if payment["state"]["status"] in ("created", "started", "submitted"):
            view["_links"]["next_url"] = {"href": f"{self.base_url}/pay/{payment['payment_id']}", "method": "GET"}
        return view

    def create(self, request):
        body = request.json
        key = request.headers.get("Idempotency-Key", "")
        amount, reference = body.get("amount"), body.get("reference")
        if not isinstance(amount, int) or isinstance(amount, bool) or amount <= 0:
            raise Reply(422, "amount_invalid", "amount must be a positive integer number of tenge")
        if not isinstance(reference, str) or not reference or len(reference) > 255:
            raise Reply(422, "reference_invalid", "reference is required (≤ 255 characters)")
        with self.store.lock:
            if key and key in self.store.data["keys"]:
                existing = self.store.data["payments"][self.store.data["keys"][key]]
                if existing["amount"] != amount or existing["reference"] != reference:
                    raise Reply(422, "idempotency_key_reused", "the key was used for another payment")
                return 201, self._view(existing)
            payment_id = secrets.token_hex(13)
            payment = {
                "payment_id": payment_id, "amount": amount, "reference": reference,
                "description": str(body.get("description", ""))[:255], "return_url": str(body.get("return_url", "")),
                "metadata": body.get("metadata") or {}, "language": body.get("language", "kk"),
                "state": {"status": "created", "finished": False}, "created_date": _now(),
                "refund_summary": {"status": "unavailable", "amount_available": 0, "amount_submitted": 0},
            }
            self.store.data["payments"][payment_id] = payment
            if key:
                self.store.data["keys"][key] = payment_id
            self.store.save()
        return 201, self._view(payment)

    def get(self, request):
        with self.store.lock:
            return 200, self._view(self._payment(request.match["id"]))

    def search(self, request):
        """GOV.UK Pay's search of payments, by ``reference`` (exact match): every payment with it."""
        import urllib.parse

        reference = urllib.parse.parse_qs(request.query).get("reference", [""])[0]
        if not reference:
            raise Reply(422, "reference_required", "search by reference: ?reference=")
        with self.store.lock:
            found = [self._view(p) for p in self.store.data["payments"].values() if p["reference"] == reference]
        return 200, {"total": len(found), "count": len(found), "page": 1, "results": found}

    def bank_payment(self, request):
        """A person pays a fee at a bank (counter, app) for a service: the bank's payment reaches the gateway
        finished and successful, with the payer's IIN/BIN and the service in its metadata (simulator control)."""
        body = request.json
        amount, payer = body.get("amount"), str(body.get("payer", ""))
        if not isinstance(amount, int) or isinstance(amount, bool) or amount <= 0:
            raise Reply(422, "amount_invalid", "amount must be a positive integer number of tenge")
        if len(payer) != 12 or not payer.isdigit():
            raise Reply(422, "payer_invalid", "payer is the payer's 12-digit IIN or BIN")
        with self.store.lock:
            reference = str(body.get("reference") or f"KZ{secrets.randbelow(10**12):012d}")[:255]
            if any(p["reference"] == reference for p in self.store.data["payments"].values()):
                raise Reply(409, "reference_taken", "a payment with this reference exists")
            payment_id = secrets.token_hex(13)
            payment = {
                "payment_id": payment_id, "amount": amount, "reference": reference,
                "description": str(body.get("description", ""))[:255], "return_url": "",
                "metadata": {"payer": payer, "service": str(body.get("service", "")),
                             "sub_kind": str(body.get("sub_kind", "")), "channel": "bank"},
                "language": "kk", "state": {"status": "created", "finished": False}, "created_date": _now(),
                "refund_summary": {"status": "unavailable", "amount_available": 0, "amount_submitted": 0},
            }
            self.store.data["payments"][payment_id] = payment
            self._finish(payment, "success")
        return 201, self._view(payment)

    def cancel(self, request):
        with self.store.lock:
            payment = self._payment(request.match["id"])
            if payment["state"]["finished"]:
                raise Reply(409, "payment_finished", "the payment has finished")
            self._finish(payment, "cancelled", "P0040", "Payment was cancelled by the service")
        return 204, None

    def refund(self, request):
        body = request.json
        key = request.headers.get("Idempotency-Key", "")
        with self.store.lock:
            payment = self._payment(request.match["id"])
            if key and key in self.store.data["refunds"]:
                return 202, self.store.data["refunds"][key]
            summary = payment["refund_summary"]
            amount = body.get("amount")
            if payment["state"]["status"] != "success":
                raise Reply(409, "refund_not_available", "only a successful payment can be refunded")
            if not isinstance(amount, int) or amount <= 0 or amount > summary["amount_available"]:
                raise Reply(422, "refund_amount_invalid", "amount must be a positive integer ≤ the amount available")
            refund = {"refund_id": secrets.token_hex(10), "amount": amount, "status": "success",
                      "created_date": _now(), "payment_id": payment["payment_id"]}
            summary["amount_available"] -= amount
            summary["amount_submitted"] += amount
            summary["status"] = "full" if summary["amount_available"] == 0 else "available"
            payment.setdefault("refunds", []).append(refund)
            if key:
                self.store.data["refunds"][key] = refund
            self._queue("payment_refunded", payment)
        return 202, refund

    def refunds(self, request):
        with self.store.lock:
            return 200, {"payment_id": request.match["id"], "refunds": self._payment(request.match["id"]).get("refunds", [])}

    # -- the payer -----------------------------------------------------------------
    def payer_page(self, request):
        """The page the payer's browser opens (``next_url``): a person's page (HTML, kk/ru/en) for a browser,
        the payment as JSON for a program (``Accept`` without text/html)."""
        with self.store.lock:
            payment = self._payment(request.match["id"])
            if payment["state"]["status"] == "created":
                payment["state"] = {"status": "started", "finished": False}
                self.store.save()
            view = self._view(payment)
        if not _wants_html(request):
            return 200, {"page": "payer", "payment": view}
        return 200, self._page(payment, _language(request, payment))

    def payer_acts(self, request):
        """Pay or decline. A browser's form (card details checked: number by Luhn, expiry, CVC) ends with a
        redirect back to the service (``return_url``); a program's POST gets the payment as JSON."""
        outcome = request.match["outcome"]
        form = _form(request)
        with self.store.lock:
            payment = self._payment(request.match["id"])
            language = _language(request, payment, form)
            if payment["state"]["finished"]:
                if form is not None:
                    return 409, self._page(payment, language, error="finished")
                raise Reply(409, "payment_finished", "the payment has finished")
            if outcome == "pay" and form is not None:
                problem = _card_problem(form)
                if problem:
                    return 422, self._page(payment, language, error=problem, form=form)
                if _digits(form.get("card_number", "")) in DECLINED_CARDS:
                    self._finish(payment, "failed", "P0010", "Payment method rejected")
                else:
                    self._finish(payment, "success")
            elif outcome == "pay":
                self._finish(payment, "success")
            else:
                self._finish(payment, "failed", "P0030", "Payment was cancelled by the user")
            view = self._view(payment)
        if form is None:
            return 200, view
        back = payment.get("return_url", "")
        if back.startswith(("http://", "https://")):
            return 303, Page(location=back)
        return 200, self._page(payment, language)

    def _page(self, payment, language: str, *, error: str = "", form: dict | None = None) -> Page:
        text = TEXT[language]
        state = payment["state"]["status"]
        pid = html.escape(payment["payment_id"])
        back = payment.get("return_url", "")
        current = ' aria-current="true"'
        switch = " · ".join(
            f'<a href="/pay/{pid}?lang={code}" lang="{code}" hreflang="{code}"'
            f'{current if code == language else ""}>{name}</a>'
            for code, name in (("kk", "Қазақша"), ("ru", "Русский"), ("en", "English")))
        facts = (f"<dt>{text['purpose']}</dt><dd>{html.escape(payment['description'])}</dd>"
                 f"<dt>{text['amount']}</dt><dd class=\"amount\">{_amount(payment['amount'])}</dd>"
                 f"<dt>{text['reference']}</dt><dd><code>{html.escape(payment['reference'])}</code></dd>")
        if payment["state"]["finished"]:
            outcome = text["paid"] if state == "success" else text["not_paid"]
            body = f'<p class="notice" role="status">{outcome}</p>'
            if back.startswith(("http://", "https://")):
                body += f'<p><a class="button" href="{html.escape(back)}">{text["back"]}</a></p>'
        else:
            values = form or {}
            message = f'<p class="error" role="alert" id="error">{text["errors"][error]}</p>' if error else ""
            described = ' aria-describedby="error" aria-invalid="true"' if error else ""

            def field(name, label, autocomplete, pattern, inputmode, size):
                value = html.escape(values.get(name, ""))
                return (f'<p><label for="{name}">{label}</label><input id="{name}" name="{name}" value="{value}" '
                        f'autocomplete="{autocomplete}" inputmode="{inputmode}" pattern="{pattern}" size="{size}" '
                        f'required{described if error and name in ERROR_FIELDS.get(error, ()) else ""}></p>')
            body = (
                f"{message}<form method=\"post\" action=\"/pay/{pid}/pay?lang={language}\">"
                f"<fieldset><legend>{text['card']}</legend>"
                + field("card_number", text["card_number"], "cc-number", "[0-9 ]{12,23}", "numeric", 23)
                + field("expiry", text["expiry"], "cc-exp", "[0-9]{2}/[0-9]{2}", "numeric", 5)
                + field("cvc", text["cvc"], "cc-csc", "[0-9]{3}", "numeric", 3)
                + f'<p><label for="holder">{text["holder"]}</label><input id="holder" name="holder" '
                  f'value="{html.escape(values.get("holder", ""))}" autocomplete="cc-name" size="26"></p>'
                f"</fieldset><p class=\"help\">{text['test_cards']}</p>"
                f"<p><button type=\"submit\">{text['pay']} {_amount(payment['amount'])}</button></p></form>"
                f"<form method=\"post\" action=\"/pay/{pid}/decline?lang={language}\">"
                f"<p><button type=\"submit\" class=\"secondary\">{text['decline']}</button></p></form>"
            )
        targets = (_origin(back),) if back.startswith(("http://", "https://")) else ()
        return Page(PAGE.format(lang=language, title=text["title"], banner=text["banner"], switch=switch,
                                facts=facts, body=body, simulator=text["simulator"]), form_targets=targets)
    def _finish(self, payment, status, code="", message=""):
        payment["state"] = {"status": status, "finished": True, **({"code": code, "message": message} if code else {})}
        if status == "success":
            payment["refund_summary"] = {"status": "available", "amount_available": payment["amount"],
                                         "amount_submitted": 0}
        self._queue(EVENTS[status], payment)

    # -- callbacks --------------------------------------------------------------------
    def _queue(self, event_type, payment):
        body = json.dumps({
            "webhook_message_id": secrets.token_hex(10), "created_date": _now(), "api_version": 1,
            "resource_id": payment["payment_id"], "resource_type": "payment", "event_type": event_type,
            "resource": self._view(payment),
        }, ensure_ascii=False)
        self.store.data["webhooks"].append({
            "body": body, "signature": body_mac(self.secret, body.encode()), "attempts": 0, "delivered": False,
            "next_attempt": 0, "resource_id": payment["payment_id"],
        })
        self.store.save()
        self.wake.set()

    def webhooks(self, request):
        with self.store.lock:
            return 200, {"webhooks": self.store.data["webhooks"]}

    def _deliver_forever(self):
        while True:
            self.wake.wait(timeout=1.0)
            self.wake.clear()
            with self.store.lock:
                due = [w for w in self.store.data["webhooks"]
                       if not w["delivered"] and w["attempts"] < 8 and w["next_attempt"] <= time.time()]
            for webhook in due:
                ok = self._post(webhook)
                with self.store.lock:
                    webhook["attempts"] += 1
                    webhook["delivered"] = ok
                    webhook["next_attempt"] = time.time() + min(2 ** webhook["attempts"], 300)
                    self.store.save()

    def _post(self, webhook) -> bool:
        data = webhook["body"].encode()
        request = urllib.request.Request(self.callback_url, data=data, method="POST", headers={
            "Content-Type": "application/json", "Pay-Signature": webhook["signature"],
            "X-Correlation-Id": json.loads(data)["webhook_message_id"],
        })
        try:
            with urllib.request.urlopen(request, timeout=5) as response:
                ok = 200 <= response.status < 300
                status = response.status
        except urllib.error.HTTPError as err:
            ok, status = False, err.code
        except OSError as err:
            ok, status = False, repr(err)
        self.log(direction="callback", url=self.callback_url, status=status, resource_id=webhook["resource_id"])
        return ok


def main(argv=None):
    parser = arguments(__doc__.splitlines()[0])
    parser.add_argument("--callback-url", default="", help="E-licensing's payment callback URL")
    parser.add_argument("--public-url", default="", help="the gateway's URL as payers see it")
    parser.add_argument("--state", help="state file (payments survive a restart)")
    args = parser.parse_args(argv)
    base = args.public_url or f"http://{args.host}:{args.port}"
    sim = Payments(args.secret, base_url=base, callback_url=args.callback_url, state_path=args.state, log_path=args.log)
    run(sim.serve(args.port, args.host), "payments")


if __name__ == "__main__":
    main()
