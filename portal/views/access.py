"""Who may use the portal's request pages (the applicant, on their own requests) and the actions' errors as
messages."""
from __future__ import annotations

import functools

from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse

from applications.models import Application
from applications.queries import applicant_filter
from core.errors import DomainError


def applicant_required(view):
    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        user = request.user
        if not user.is_authenticated or user.kind != user.Kind.APPLICANT:
            return redirect(f"{reverse('portal:login')}?next={request.get_full_path()}")
        return view(request, *args, **kwargs)
    return wrapped


def _mine(request, application_id) -> Application:
    return get_object_or_404(Application.objects.select_related("definition", "provider_unit", "region").defer("definition__text")
                             .filter(applicant_filter(request.user)), pk=application_id)


def _error_message(err: DomainError) -> str:
    return str(err.message)
