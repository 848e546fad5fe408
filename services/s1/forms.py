"""S1 request forms: issue, re-issue, duplicate of a licence."""
from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from services.forms import RequestForm
from services.models import LicenceSubtype


class LicenceIssueForm(RequestForm):
    subtypes = forms.ModelMultipleChoiceField(LicenceSubtype.objects.all(), to_field_name="code", label=_("sub-types of communication services"))
    territory = forms.CharField(max_length=300, label=_("territory of service"))


class LicenceNumberField(forms.CharField):
    """A licence's number as the register spells it (spaces trimmed, upper case): "lic-2026-000001" finds it."""

    def to_python(self, value):
        return super().to_python(value).upper()


class LicenceReissueForm(RequestForm):
    REASONS = [("name", _("change of name")), ("address", _("change of address")), ("reorganisation", _("reorganisation"))]
    licence_number = LicenceNumberField(max_length=40, label=_("licence number"))
    reason = forms.ChoiceField(choices=REASONS, label=_("reason for re-issue"))
    new_name = forms.CharField(max_length=300, required=False, label=_("new name"))
    new_address = forms.CharField(max_length=300, required=False, label=_("new address"))

    def clean(self):
        data = super().clean()
        if data.get("reason") == "name" and not data.get("new_name"):
            self.add_error("new_name", _("The new name is required for this reason."))
        if data.get("reason") == "address" and not data.get("new_address"):
            self.add_error("new_address", _("The new address is required for this reason."))
        return data


class LicenceDuplicateForm(RequestForm):
    licence_number = LicenceNumberField(max_length=40, label=_("licence number"))
    reason = forms.ChoiceField(choices=[("lost", _("lost")), ("damaged", _("damaged"))], label=_("reason"))
