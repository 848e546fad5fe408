from django import template

register = template.Library()


@register.filter
def channel_label(code):
    from portal.labels import CHANNELS

    return CHANNELS.get(code, code)


@register.filter
def norm(text):
    from portal.labels import norm_text

    return norm_text(text or "")
