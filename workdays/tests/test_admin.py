import datetime

import pytest
from django.contrib import admin
from django.urls import reverse

from workdays import calendar
from workdays.models import WorkingDayOverride

pytestmark = pytest.mark.django_db


def test_override_is_registered():
    assert WorkingDayOverride in admin.site._registry


def test_changelist_and_add_through_admin(admin_client):
    WorkingDayOverride.objects.create(date=datetime.date(2026, 3, 28), is_working_day=True, reason_en="decree")
    response = admin_client.get(reverse("admin:workdays_workingdayoverride_changelist"))
    assert response.status_code == 200
    assert b"2026" in response.content

    assert calendar.is_working_day(datetime.date(2026, 4, 10))
    response = admin_client.post(reverse("admin:workdays_workingdayoverride_add"), {
        "date": "2026-04-10", "reason_kk": "", "reason_ru": "доп. выходной", "reason_en": "extra day off",
    })  # checkbox left unticked: a day off
    assert response.status_code == 302, response.content[:2000]
    assert not calendar.is_working_day(datetime.date(2026, 4, 10))
