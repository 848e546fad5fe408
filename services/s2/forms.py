"""S2 request forms: allocate a range, assign numbers, withdraw."""
from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from numbering.models import ResourceType
from services.forms import ListField, RequestForm


class NumberRangeForm(RequestForm):
    RESOURCE_KINDS = list(ResourceType.choices)  # the kinds of the numbering plan (numbering/)
    resource_kind = forms.ChoiceField(choices=RESOURCE_KINDS, label=_("kind of numbering resource"))
    range_start = forms.RegexField(regex=r"^\d{2,15}$", label=_("first number"))
    range_end = forms.RegexField(regex=r"^\d{2,15}$", label=_("last number"))
    purpose = forms.CharField(max_length=500, label=_("purpose"))

    MAX_BLOCK = 10_000_000

    def clean(self):
        data = super().clean()
        start, end = data.get("range_start"), data.get("range_end")
        if start and end:
            if len(start) != len(end):
                raise ValidationError(_("The first and last numbers must have the same length."), code="range_length")
            if int(start) > int(end):
                raise ValidationError(_("The first number must not be greater than the last."), code="range_order")
            if int(end) - int(start) + 1 > self.MAX_BLOCK:
                raise ValidationError(_("A range may hold at most %(n)d numbers."), code="range_size", params={"n": self.MAX_BLOCK})
        return data


class NumberItemForm(forms.Form):
    number = forms.RegexField(regex=r"^\d{2,15}$", label=_("number"))


class NumbersForm(RequestForm):
    numbers = ListField(NumberItemForm, label=_("numbers"))
    purpose = forms.CharField(max_length=500, label=_("purpose"))


class WithdrawForm(NumberRangeForm):
    order_number = forms.CharField(max_length=40, label=_("number of the allocating order"))
