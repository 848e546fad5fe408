"""Numbers and dates as people here write them, and codes through their labels (web/templatetags/web_tags.py,
elicense/formats/kk): what the page scan (test_page_scan.py) looks for on the pages, checked at the source."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import formats, timezone, translation

from web.templatetags import web_tags


def render(text: str, **context) -> str:
    return Template("{% load web_tags %}" + text).render(Context(context))


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_kazakh_and_russian_write_dates_and_numbers_alike(lang):
    with translation.override(lang):
        assert formats.localize(Decimal("450.5")) == "450,5"
        assert formats.number_format(21625, force_grouping=True) == "21\u00a0625"
        assert formats.localize_input(dt.date(2026, 12, 2)) == "02.12.2026"
        assert render("{{ d|date:'SHORT_DATE_FORMAT' }}", d=dt.date(2026, 12, 2)) == "02.12.2026"


def test_filters():
    assert web_tags.tenge(21625) == "21\u00a0625\u00a0₸"
    assert web_tags.tenge(None) == "" and web_tags.grouped(1000000) == "1\u00a0000\u00a0000"
    assert web_tags.decimal("450.50") == "450,5"
    assert web_tags.day("2026-12-02") == "02.12.2026" and web_tags.day(dt.date(2031, 1, 5)) == "05.01.2031"
    late = dt.datetime(2026, 12, 1, 20, 30, tzinfo=dt.UTC)  # 02.12 01:30 in Almaty (UTC+5)
    assert web_tags.day(late) == "02.12.2026" and web_tags.moment(late) == "02.12.2026 01:30"
    assert web_tags.moment(late.isoformat()) == "02.12.2026 01:30"
    # not a date: as it is (an IIN, an OKED code, a word)
    assert [web_tags.day(v) for v in ("850312300123", "61100", "20261202", "alive", "")] == [
        "850312300123", "61100", "20261202", "alive", ""]
    assert timezone.is_aware(late)


def test_codes_through_their_labels():
    with translation.override("en"):
        assert str(web_tags.choice_label("original", "registry.RecordDocument.role")) == "original"
        assert str(web_tags.choice_label("duplicate", "registry.RecordDocument.role")) == "duplicate copy"
        assert str(web_tags.exchange_label("payment_callback", "operation")) == "the gateway's notice of the payment"
        assert str(web_tags.exchange_label("out", "direction")) == "we called"
        assert web_tags.exchange_label("something_new", "operation") == "something_new"  # the scan reports it


@pytest.mark.django_db
def test_the_header_names_the_person_and_their_role(world):
    from django.contrib.auth.models import AnonymousUser

    with translation.override("en"):
        assert web_tags.who(AnonymousUser()) == {} and web_tags.who("") == {}
        me = web_tags.who(world.head)
        assert me["name"] == "Ержан Қасымов" and str(me["role"]).startswith("head of the provider · "), me
        company = web_tags.who(world.company_head)
        assert company["role"].startswith("Applicant · "), company
