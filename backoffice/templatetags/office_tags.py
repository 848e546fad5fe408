from django import template
from django.utils.html import format_html

register = template.Library()


@register.filter
def person(user):
    """A person's full name; without one, their login (a Latin identifier, marked as such)."""
    if user is None:
        return ""
    name = user.get_full_name() if hasattr(user, "get_full_name") else ""
    return name or format_html('<span lang="en">{}</span>', user.username)
