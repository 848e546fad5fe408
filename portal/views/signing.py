"""Signing (§3 P6-P8): choose the certificate, check it, sign exactly what is shown."""
from __future__ import annotations

import base64
import binascii

from cryptography.hazmat.primitives.serialization import Encoding
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from applications import actions
from applications.models import Application
from applications.signing import current_revision, signing_payload
from core.errors import DomainError
from integrations.signatures import signer_certificate
from portal.formfields import describe
from portal.labels import localized
from portal.views.access import _error_message, _mine, applicant_required
from portal.views.filling import _progress
from services import registry
from services.models import RequiredDocument
from workflow.models import WorkTask


# -- signing (§3 P6-P8: choose the certificate, check it, sign exactly what is shown) -------------------------
@applicant_required
def sign(request, application_id):
    app = _mine(request, application_id)
    open_kinds = set(app.tasks.filter(state=WorkTask.State.OPEN).values_list("action_kind", flat=True))
    if not open_kinds & {"choose_certificate", "sign"}:
        return redirect("portal:request", app.pk)
    revision = current_revision(app)
    if request.method == "POST":
        if request.POST.get("revision_sha256") != revision.sha256:
            messages.error(request, _("The request changed since the page was shown; review it and sign again."))
            return redirect("portal:sign", app.pk)
        try:
            cms = base64.b64decode(request.POST.get("cms_b64", "").strip(), validate=True)
        except (binascii.Error, ValueError):
            cms = b""
        cert = signer_certificate(cms) if cms else None
        if cert is None:
            messages.error(request, _("The signature could not be read; sign again."))
            return redirect("portal:sign", app.pk)
        try:
            if "choose_certificate" in open_kinds:
                app = actions.choose_certificate(app.pk, request.user, cert.public_bytes(Encoding.PEM).decode())
            if app.status != Application.Status.REFUSED:
                app = actions.sign(app.pk, request.user, cms)
        except DomainError as err:
            messages.error(request, _error_message(err))
            return redirect("portal:sign", app.pk)
        if app.status == Application.Status.REFUSED:
            messages.error(request, _("The EDS was not confirmed; the request was refused."))
        else:
            messages.success(request, _("The request was signed and registered under number %(number)s.") % {"number": app.number})
        return redirect("portal:request", app.pk)
    form_class = registry.get(app.service).sub_kind(app.sub_kind).form
    content = revision.content
    shown = describe(form_class, content.get("form", content) if isinstance(content, dict) else {})
    payload = signing_payload(app)
    docs = {d.code: localized(d, "name") for d in RequiredDocument.objects.filter(service=app.service)}
    return render(request, "portal/sign.html", {
        "app": app, "title": registry.get(app.service).title, "sub_kind": registry.get(app.service).sub_kind_label(app.sub_kind),
        "revision": revision, "fields": shown, "payload_b64": base64.b64encode(payload).decode(),
        "attachments": [{"name": docs.get(a.get("document_code"), a.get("document_code")), **a}
                        for a in (content.get("attachments") or [])] if isinstance(content, dict) else [],
        "steps": _progress(app, "sign"),
    })
