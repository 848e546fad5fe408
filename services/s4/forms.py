"""S4 request form: the devices to operate and their place."""
from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from services.forms import DecimalField, ListField, RegionalForm


class DeviceForm(forms.Form):
    device_type = forms.CharField(max_length=100, label=_("device type"))
    model = forms.CharField(max_length=100, label=_("model"))
    serial = forms.CharField(max_length=60, label=_("serial number"))
    frequency_mhz = DecimalField(min_value=0.009, max_value=400000, decimal_places=6, required=False,
                                       label=_("frequency, MHz"))

    def clean(self):
        data = super().clean()
        if data.get("frequency_mhz") is not None:
            data["frequency_mhz"] = str(data["frequency_mhz"])
        return data


class DevicesForm(RegionalForm):
    devices = ListField(DeviceForm, label=_("devices"))
    location_address = forms.CharField(max_length=300, label=_("place of operation"))
