"""The unified electronic document-management system (ЕСЭДО): interface and HTTP adapter.

    documents.register_incoming(external_id=, correspondent=, subject=, idempotency_key=)
        → Registration(number, registered_at)          (AdapterUnavailable when unreachable)
"""
from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings

from integrations.exchange import ServiceClient
from integrations.payments import GatewayRefused


@dataclass(frozen=True)
class Registration:
    number: str
    registered_at: datetime.datetime


class HttpDocuments:
    system = "documents"

    def __init__(self):
        self.client = ServiceClient(self.system, settings.ELICENSE_DOCUMENTS_URL, settings.ELICENSE_DOCUMENTS_SECRET)

    def register_incoming(self, *, external_id: str, correspondent: str, subject: str,
                          idempotency_key: str) -> Registration:
        answer = self.client.call("register_incoming", "POST", "/v1/incoming", {
            "external_id": external_id, "correspondent": correspondent, "subject": subject,
        }, idempotency_key=idempotency_key)
        if not answer.ok:
            raise GatewayRefused((answer.body or {}).get("message", f"HTTP {answer.status}"), code="documents_refused")
        return Registration(answer.body["registration_number"],
                            datetime.datetime.fromisoformat(answer.body["registered_at"]))
