from django.conf import settings
from django.utils.translation import get_language

SECTIONS = {"services": "services", "service": "services", "login": "login", "inbox": "inbox"}


def web(request):
    """What the base templates need on every page: the NCALayer URL, the language, the current section
    of the navigation and the applicant's unread notifications."""
    match = getattr(request, "resolver_match", None)
    name = match.url_name if match else ""
    context = {
        "NCALAYER_URL": settings.ELICENSE_NCALAYER_URL,
        "LANGUAGE_CODE": (get_language() or settings.LANGUAGE_CODE)[:2],
        "section": SECTIONS.get(name, "requests" if match and match.namespace == "portal" else ""),
    }
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated and getattr(user, "kind", "") == "applicant":
        from portal.inbox import unread_count

        context["inbox_unread"] = unread_count(user)
    return context
