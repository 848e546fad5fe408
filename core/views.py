from django.shortcuts import render
from django.utils import timezone

from services import registry
from workflow.definitions import definition_for


def index(request):
    today = timezone.localdate()
    services = []
    for service in registry.all_services():
        channels = [d for d in (definition_for(service.code, c, today) for c in ("portal", "staff", "psc")) if d]
        services.append({"code": service.code, "title": service.title,
                         "sub_kinds": list(service.sub_kind_labels().values()), "channels": channels})
    return render(request, "index.html", {"services": services})
