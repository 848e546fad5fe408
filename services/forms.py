"""What the services' request forms are made of (each service's own forms are in its package, e.g.
services/s1/forms.py): Django forms, so that the API and the pages validate alike and errors come out
localised."""
from __future__ import annotations

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.translation import gettext_lazy as _

from services.models import Region

DIGITS = forms.RegexField(regex=r"^\d{3,15}$")


class ListField(forms.Field):
    """A JSON list of items, each validated by a small form."""

    def __init__(self, item_form, *, min_items=1, max_items=50, **kwargs):
        super().__init__(**kwargs)
        self.item_form, self.min_items, self.max_items = item_form, min_items, max_items

    def clean(self, value):
        value = super().clean(value)
        if value in (None, ""):
            value = []
        if not isinstance(value, list):
            raise ValidationError(_("A list is expected."), code="not_a_list")
        if not self.min_items <= len(value) <= self.max_items:
            raise ValidationError(
                _("Between %(min)d and %(max)d items are expected."),
                code="item_count", params={"min": self.min_items, "max": self.max_items},
            )
        cleaned = []
        for index, item in enumerate(value, start=1):
            form = self.item_form(item if isinstance(item, dict) else {})
            if not form.is_valid():
                raise ValidationError(_("Item %(n)d: %(errors)s"), code="item_invalid",
                                      params={"n": index, "errors": item_errors(form)})
            cleaned.append(form.cleaned_data)
        return cleaned


def item_errors(form) -> str:
    """A row's errors as a person reads them: each field named by its label (as the form shows it), the row's
    own errors (``__all__``) without a name: "upper edge, MHz: Enter a number.; the band's edges are reversed"."""
    parts = []
    for name, messages in form.errors.items():
        text = " ".join(str(m) for m in messages)
        if name == NON_FIELD_ERRORS or name not in form.fields:
            parts.append(text)
        else:
            parts.append(f"{form.fields[name].label or name}: {text}")
    return "; ".join(parts)


class RequestForm(forms.Form):
    def cleaned_json(self) -> dict:
        """The cleaned data as JSON-able values (what is stored and signed)."""
        def plain(v):
            if hasattr(v, "code"):
                return v.code
            if isinstance(v, (list, tuple)) or hasattr(v, "model"):
                return [plain(x) for x in v]
            if isinstance(v, dict):
                return {k: plain(x) for k, x in v.items()}
            if hasattr(v, "isoformat"):
                return v.isoformat()
            return v
        return {k: plain(v) for k, v in self.cleaned_data.items()}


class RegionalForm(RequestForm):
    region = forms.ModelChoiceField(Region.objects.all(), to_field_name="code", label=_("region of use"))


class DecimalField(forms.DecimalField):
    """A number as people write it here: the decimal comma ("450,5") and spaces between digit groups
    ("1 000,25", also the narrow and non-breaking spaces) are accepted as well as "450.5"."""

    SPACES = (" ", "\u00a0", "\u202f", "\u2009")

    def to_python(self, value):
        if isinstance(value, str):
            value = value.strip()
            for space in self.SPACES:
                value = value.replace(space, "")
            if value.count(",") == 1 and "." not in value:
                value = value.replace(",", ".")
        return super().to_python(value)



class IntegerField(forms.IntegerField):
    """A whole number with its digit groups apart, as people write it: "21 625", "1\u00a0000" (the spaces of
    DecimalField), as well as "21625"."""

    def to_python(self, value):
        if isinstance(value, str):
            value = value.strip()
            for space in DecimalField.SPACES:
                value = value.replace(space, "")
        return super().to_python(value)
