"""``{% service_panel app "check_panel" %}``: the panel a request's service adds to a generic page
(services.registry.panel), rendered with its own template; nothing when the service has none."""
from django import template
from django.template.loader import render_to_string

from services import registry

register = template.Library()


@register.simple_tag(takes_context=True)
def service_panel(context, app, name):
    panel = registry.panel(app, name)
    if not panel:
        return ""
    return render_to_string(panel["template"], {"panel": panel, "app": app}, request=context.get("request"))
