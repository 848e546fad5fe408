"""What every interface shares: the home page (the services and their channels) and small endpoints
the pages use (htmx fragments)."""
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.identifiers import IdentifierError, parse_bin, parse_iin
from services import registry
from workflow.definitions import definition_for


@require_POST
def validate_identifier(request, kind: str):
    """Inline check of an IIN or BIN field (htmx posts the field; answers the message to show under it).

    The same parse_iin / parse_bin the actions use; the answer is a fragment, never a change."""
    value = next((v for k, v in request.POST.items() if k != "csrfmiddlewaretoken"), "").strip()
    if not value:
        return HttpResponse("")
    try:
        (parse_iin if kind == "iin" else parse_bin)(value)
    except IdentifierError as err:
        return HttpResponse(format_html('<span class="field-error">{}</span>', err.message))
    return HttpResponse(format_html('<span class="field-ok">{}</span>', _("The number is valid.")))


def index(request):
    today = timezone.localdate()
    services = []
    for service in registry.all_services():
        channels = [d for d in (definition_for(service.code, c, today) for c in ("portal", "staff", "psc")) if d]
        services.append({"code": service.code, "title": service.title,
                         "sub_kinds": list(service.sub_kind_labels().values()), "channels": channels})
    return render(request, "index.html", {"services": services})
