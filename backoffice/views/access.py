"""Who may use the back office: staff and administrator checks, the view decorators, the office lanes' names,
and the actions' errors as messages."""
from __future__ import annotations

import functools

from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy

from accounts.models import User
from core.errors import DomainError
from portal.labels import localized
from services.models import RequiredDocument

STAFF_KINDS = {User.Kind.OFFICER, User.Kind.PSC_OPERATOR, User.Kind.ADMINISTRATOR}
OFFICE_LANES = {
    "provider": gettext_lazy("provider's officer"),
    "office_clerk": gettext_lazy("office clerk"),
    "head": gettext_lazy("head of the provider"),
    "unit_head": gettext_lazy("head of the structural unit"),
    "executor": gettext_lazy("responsible executor"),
}
# The lanes as staff read them where the portal's wording speaks to the applicant ("you (the applicant)").
STAFF_LANE_NAMES = {"applicant": gettext_lazy("the applicant")}


def is_staff(user) -> bool:
    return user.is_authenticated and user.is_active and (user.is_superuser or user.kind in STAFF_KINDS)


def is_admin(user) -> bool:
    return user.is_authenticated and (user.is_superuser or user.kind == User.Kind.ADMINISTRATOR)


def staff_required(view):
    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        if not is_staff(request.user):
            return redirect(f"{reverse('backoffice:login')}?next={request.get_full_path()}")
        return view(request, *args, **kwargs)
    return wrapped


def admin_required(view):
    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        if not is_staff(request.user):
            return redirect(f"{reverse('backoffice:login')}?next={request.get_full_path()}")
        if not is_admin(request.user):
            raise Http404
        return view(request, *args, **kwargs)
    return wrapped


def _message(err: DomainError) -> str:
    text = str(err.message)
    documents = err.details.get("documents") if isinstance(err.details, dict) else None
    if documents:
        names = {d.code: localized(d, "name") for d in RequiredDocument.objects.filter(code__in=documents)}
        text += " " + ", ".join(names.get(c, c) for c in documents)
    return text
