from django.shortcuts import render
from django.utils import timezone

from services.catalog import SUB_KINDS, TITLES
from workflow.definitions import definition_for


def index(request):
    today = timezone.localdate()
    services = []
    for code, sub_kinds in SUB_KINDS.items():
        channels = [d for d in (definition_for(code, c, today) for c in ("portal", "staff", "psc")) if d]
        services.append({"code": code, "title": TITLES[code], "sub_kinds": list(sub_kinds.values()), "channels": channels})
    return render(request, "index.html", {"services": services})
