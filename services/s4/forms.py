"""S4 request form: the devices to operate and their place."""
from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from services.forms import DecimalField, ListField, RegionalForm


def _mhz(label, required=False):
    return DecimalField(min_value=0.009, max_value=400000, decimal_places=6, required=required, label=label)


class DeviceForm(forms.Form):
    """One device. A device with frequencies (one, or a range low–high) transmits on them: a radio-electronic
    device's must lie within a valid spectrum assignment (S3) of the applicant — the one of ``permit_number`` when
    given (services/s4/checks.py)."""

    device_type = forms.CharField(max_length=100, label=_("device type"))
    manufacturer = forms.CharField(max_length=100, required=False, label=_("manufacturer"))
    model = forms.CharField(max_length=100, label=_("model"))
    serial = forms.CharField(max_length=60, label=_("serial number"))
    certificate_number = forms.CharField(max_length=60, required=False, label=_("conformity certificate No."))
    frequency_mhz = _mhz(_("frequency, MHz"))
    low_mhz = _mhz(_("lowest frequency, MHz"))
    high_mhz = _mhz(_("highest frequency, MHz"))
    power_w = DecimalField(min_value=0, max_value=10_000_000, decimal_places=3, required=False,
                           label=_("transmitter power, W"))
    permit_number = forms.CharField(max_length=40, required=False, label=_("spectrum permit No."))

    def clean(self):
        data = super().clean()
        low, high = data.get("low_mhz"), data.get("high_mhz")
        if (low is None) != (high is None):
            raise ValidationError(_("Give both ends of the frequency range, or neither."), code="range_incomplete")
        if low is not None and low > high:
            raise ValidationError(_("The lowest frequency must not be above the highest."), code="range_order")
        for key in ("frequency_mhz", "low_mhz", "high_mhz", "power_w"):
            if data.get(key) is not None:
                data[key] = str(data[key])
        data["permit_number"] = (data.get("permit_number") or "").strip().upper()
        return {k: v for k, v in data.items() if v not in (None, "")}


class DevicesForm(RegionalForm):
    spectrum_devices = True  # spectrum.templatetags: the devices' coverage by spectrum permits is shown
    devices = ListField(DeviceForm, label=_("devices"))
    location_address = forms.CharField(max_length=300, label=_("place of operation"))
    installation = forms.ChoiceField(choices=[("fixed", _("fixed, at the place of operation")),
                                              ("mobile", _("mobile"))], required=False, label=_("installation"))
