"""Simulator of the e-government payment gateway (ЭҮТШ), modelled on GOV.UK Pay's public API.

Service API (signed, see simulators.common):
    POST /v1/payments                      {amount, reference, description, return_url, metadata?}
                                           Idempotency-Key header: the same key gives the same payment
                                           → 201 payment
    GET  /v1/payments/{id}                 → 200 payment | 404
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

from simulators.common import Reply, Simulator, Store, arguments, body_mac, run

FINISHED = {"success", "failed", "cancelled", "error"}
EVENTS = {"success": "payment_succeeded", "failed": "payment_failed", "cancelled": "payment_cancelled",
          "error": "payment_failed"}


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
        self.route("GET", r"/v1/payments/(?P<id>[\w-]+)", self.get)
        self.route("POST", r"/v1/payments/(?P<id>[\w-]+)/cancel", self.cancel)
        self.route("POST", r"/v1/payments/(?P<id>[\w-]+)/refunds", self.refund)
        self.route("GET", r"/v1/payments/(?P<id>[\w-]+)/refunds", self.refunds)
        self.route("GET", r"/pay/(?P<id>[\w-]+)", self.payer_page, signed=False)
        self.route("POST", r"/pay/(?P<id>[\w-]+)/(?P<outcome>pay|decline)", self.payer_acts, signed=False)
        self.route("GET", r"/_sim/webhooks", self.webhooks, signed=False)
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
        with self.store.lock:
            payment = self._payment(request.match["id"])
            if payment["state"]["status"] == "created":
                payment["state"] = {"status": "started", "finished": False}
                self.store.save()
        return 200, {"page": "payer", "payment": self._view(payment),
                     "html": f"<h1>{html.escape(payment['description'])}</h1><p>{payment['amount']} ₸</p>"}

    def payer_acts(self, request):
        outcome = request.match["outcome"]
        with self.store.lock:
            payment = self._payment(request.match["id"])
            if payment["state"]["finished"]:
                raise Reply(409, "payment_finished", "the payment has finished")
            if outcome == "pay":
                self._finish(payment, "success")
            else:
                self._finish(payment, "failed", "P0010", "Payment method rejected")
        return 200, self._view(payment)

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
