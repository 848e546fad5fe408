"""{% resource_checks app %}: on a request's page (portal: filling and signing; back office: the officer's check),
the interference pre-check of a request for a station, or the coverage of a request's devices by spectrum
permits; nothing for other requests."""
from django import template
from django.template.loader import render_to_string

from spectrum import review

register = template.Library()


@register.simple_tag(takes_context=True)
def resource_checks(context, app):
    kind = review.kind_of(app)
    if kind == "station":
        return render_to_string("spectrum/_precheck.html", {"check": review.precheck_of(app), "app": app},
                                request=context.get("request"))
    if kind == "devices":
        return render_to_string("spectrum/_coverage.html", {"coverage": review.coverage_of(app), "app": app},
                                request=context.get("request"))
    return ""
