"""The request form of each service and sub-kind (spec §2), as Django forms so
that the API and the pages validate alike and errors come out localised."""
from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from services.models import LicenceSubtype, Region

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
                messages = "; ".join(f"{k}: {' '.join(v)}" for k, v in form.errors.items())
                raise ValidationError(_("Item %(n)d: %(errors)s"), code="item_invalid", params={"n": index, "errors": messages})
            cleaned.append(form.cleaned_data)
        return cleaned


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


# -- S1 licence ---------------------------------------------------------------
class LicenceIssueForm(RequestForm):
    subtypes = forms.ModelMultipleChoiceField(LicenceSubtype.objects.all(), to_field_name="code", label=_("sub-types of communication services"))
    territory = forms.CharField(max_length=300, label=_("territory of service"))


class LicenceReissueForm(RequestForm):
    REASONS = [("name", _("change of name")), ("address", _("change of address")), ("reorganisation", _("reorganisation"))]
    licence_number = forms.CharField(max_length=40, label=_("licence number"))
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
    licence_number = forms.CharField(max_length=40, label=_("licence number"))
    reason = forms.ChoiceField(choices=[("lost", _("lost")), ("damaged", _("damaged"))], label=_("reason"))


# -- S2 numbering -------------------------------------------------------------
class NumberRangeForm(RequestForm):
    RESOURCE_KINDS = [
        ("geographic", _("geographic numbers")),
        ("mobile_ndc", _("mobile network code (NDC)")),
        ("short_number", _("short number")),
        ("mnc", _("mobile network code under MCC 401")),
    ]
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


class NumbersForm(RequestForm):
    numbers = ListField(type("NumberItem", (forms.Form,), {"number": forms.RegexField(regex=r"^\d{2,15}$")}), label=_("numbers"))
    purpose = forms.CharField(max_length=500, label=_("purpose"))


class WithdrawForm(NumberRangeForm):
    order_number = forms.CharField(max_length=40, label=_("number of the allocating order"))


# -- S3 spectrum --------------------------------------------------------------
class BandForm(forms.Form):
    low_mhz = forms.DecimalField(min_value=0.009, max_value=400000, decimal_places=6)
    high_mhz = forms.DecimalField(min_value=0.009, max_value=400000, decimal_places=6)

    def clean(self):
        data = super().clean()
        if data.get("low_mhz") is not None and data.get("high_mhz") is not None and data["low_mhz"] >= data["high_mhz"]:
            raise ValidationError(_("The lower edge of a band must be below its upper edge."), code="band_order")
        return {k: str(v) for k, v in data.items()}


class SpectrumForm(RegionalForm):
    RADIO_SERVICES = [
        ("fixed", _("fixed")), ("mobile", _("mobile")), ("broadcasting", _("broadcasting")),
        ("satellite", _("fixed-satellite")), ("radiolocation", _("radiolocation")),
    ]
    radio_service = forms.ChoiceField(choices=RADIO_SERVICES, label=_("radio service"))
    bands = ListField(BandForm, label=_("frequency bands"))
    station_address = forms.CharField(max_length=300, label=_("station location"))
    latitude = forms.DecimalField(min_value=40, max_value=56, decimal_places=6, label=_("latitude"))
    longitude = forms.DecimalField(min_value=46, max_value=88, decimal_places=6, label=_("longitude"))

    def clean(self):
        data = super().clean()
        bands = sorted(data.get("bands") or [], key=lambda b: float(b["low_mhz"]))
        for a, b in zip(bands, bands[1:]):
            if float(b["low_mhz"]) < float(a["high_mhz"]):
                raise ValidationError(_("Frequency bands must not overlap."), code="band_overlap")
        for key in ("latitude", "longitude"):
            if data.get(key) is not None:
                data[key] = str(data[key])
        return data


# -- S4 devices ---------------------------------------------------------------
class DeviceForm(forms.Form):
    device_type = forms.CharField(max_length=100)
    model = forms.CharField(max_length=100)
    serial = forms.CharField(max_length=60)
    frequency_mhz = forms.DecimalField(min_value=0.009, max_value=400000, decimal_places=6, required=False)

    def clean(self):
        data = super().clean()
        if data.get("frequency_mhz") is not None:
            data["frequency_mhz"] = str(data["frequency_mhz"])
        return data


class DevicesForm(RegionalForm):
    devices = ListField(DeviceForm, label=_("devices"))
    location_address = forms.CharField(max_length=300, label=_("place of operation"))


FORMS = {
    ("S1", "issue"): LicenceIssueForm,
    ("S1", "reissue"): LicenceReissueForm,
    ("S1", "duplicate"): LicenceDuplicateForm,
    ("S2", "allocate"): NumberRangeForm,
    ("S2", "assign"): NumbersForm,
    ("S2", "withdraw"): WithdrawForm,
    ("S3", "assignment"): SpectrumForm,
    ("S4", "device"): DevicesForm,
    ("S4", "hf_device"): DevicesForm,
}


def form_for(service: str, sub_kind: str, data: dict | None = None) -> RequestForm:
    return FORMS[(service, sub_kind)](data)
