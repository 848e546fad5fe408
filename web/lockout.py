"""The answer to a locked-out log-in (django-axes' AXES_LOCKOUT_CALLABLE, ADR 0014): under /api/ the API's
JSON error ``locked_out`` with status 429 and Retry-After, elsewhere a localised page (429). The same answer
whether the password given was right or wrong."""
from __future__ import annotations

import math

from axes.helpers import get_cool_off
from django.http import JsonResponse
from django.shortcuts import render

from accounts.lockout import LockedOut


def retry_after_seconds(request=None) -> int:
    """The cool-off (AXES_COOLOFF_TIME, as axes reads it): a failure during the lockout starts it again."""
    cool_off = get_cool_off(request)
    return max(1, math.ceil(cool_off.total_seconds())) if cool_off else 3600


def lockout_response(request, original_response=None, credentials=None):
    seconds = retry_after_seconds(request)
    message = str(LockedOut.default_message)
    if request.path.startswith("/api/"):
        response = JsonResponse({"code": LockedOut.code, "message": message,
                                 "details": {"retry_after": seconds}}, status=LockedOut.status)
    else:
        response = render(request, "web/locked_out.html", {"message": message, "minutes": math.ceil(seconds / 60)},
                          status=LockedOut.status)
    response["Retry-After"] = str(seconds)
    return response
