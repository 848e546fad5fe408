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


# -- numbers and dates as a person reads them (the same helpers the result documents use: documents.context) --
@register.filter
def tenge(value):
    """Whole tenge: 21625 → "21 625 ₸" (no-break spaces); empty stays empty."""
    from documents.context import amount

    return "" if value in (None, "") else amount(value)


@register.filter
def grouped(value):
    """A whole number with its digit groups apart: 10000 → "10 000"."""
    from documents.context import grouped as group

    return "" if value in (None, "") else group(value)


@register.filter
def decimal(value):
    """A decimal with the decimal comma: "450.50" → "450,5"."""
    from documents.context import decimal as comma

    return "" if value in (None, "") else comma(value)


def _as_date(value):
    import datetime as dt
    import re

    if isinstance(value, str):
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}([T ][\d:.]+([+-]\d{2}:\d{2}|Z)?)?", value):
            return value
        try:
            value = dt.datetime.fromisoformat(value) if "T" in value or " " in value else dt.date.fromisoformat(value)
        except ValueError:
            return value
    return value


@register.filter
def day(value):
    """A date as dd.mm.yyyy (a moment: its day in Almaty time); an ISO string (the public registry's) too."""
    from documents.context import Context

    value = _as_date(value)
    if isinstance(value, str) or not value:
        return value or ""
    return Context.date(value)


@register.filter
def moment(value):
    """A moment as dd.mm.yyyy HH:MM in Almaty time."""
    import datetime as dt

    from documents.context import Context

    value = _as_date(value)
    if not isinstance(value, dt.datetime):
        return day(value)
    return Context.moment(value)


@register.filter
def choice_label(value, field):
    """The label of a model field's choice: ``{{ doc.role|choice_label:"registry.RecordDocument.role" }}``."""
    from django.apps import apps

    app_label, model, name = field.split(".")
    choices = dict(apps.get_model(app_label, model)._meta.get_field(name).flatchoices)
    return choices.get(value, value)


@register.filter
def exchange_label(value, kind):
    """An exchange-log code (system, operation, direction) as a person reads it."""
    from integrations.labels import EXCHANGE

    return EXCHANGE[kind].get(value, value)


@register.simple_tag
def who(user):
    """Who is logged in, for the header: {"name", "role"} (empty when nobody is)."""
    from audit.queries import role_label

    if not getattr(user, "is_authenticated", False):
        return {}
    name = user.get_full_name() or getattr(user, "organisation_name", "") or ""
    if user.kind == "applicant":
        role = user.get_kind_display()
        if user.bin and user.organisation_name:
            role = f"{role} · {user.organisation_name}"
            name = user.get_full_name() or user.organisation_name
    else:
        role = role_label(user.kind, ",".join(sorted(user.groups.values_list("name", flat=True))))
        unit = getattr(user, "provider_unit", None)
        if unit is not None:
            from portal.labels import localized

            role = f"{role} · {localized(unit, 'name')}"
    return {"name": name, "login": "" if name else user.username, "role": role}
