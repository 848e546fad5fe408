"""The public verification page of a superseded original, read in a real browser (headless Chromium), in
Kazakh and Russian: the verdict, the successor's number and date with a working link, no untranslated text,
no accessibility violation (axe-core)."""
import pytest
from django.utils import timezone

from registry.tests.helpers import act, licence
from web.tests.browser import Visitor, off_the_loop

pytestmark = [pytest.mark.browser]


def _reissued(world):
    _app, number = licence(world)
    reissue = act(world.api["committee_officer"], number, "reissue", reason="смена наименования",
                  name="ТОО «Новое»").json()
    return number, reissue["documents"][-1]["number"]


@pytest.mark.parametrize("lang, verdict, superseded", [
    ("ru", "НЕ АКТУАЛЬНАЯ ВЕРСИЯ", "заменён документом {new} от {on}"),
    ("kk", None, None),
])
def test_a_superseded_originals_page_in_the_browser(chromium, web, world, lang, verdict, superseded):
    original, new = off_the_loop(_reissued, world)
    visitor = Visitor(chromium, web.url, lang)
    visitor.goto(f"/verify/{original}/", shot="verify-superseded")
    text = visitor.page.inner_text("main")
    on = timezone.localdate().strftime("%d.%m.%Y")  # as the page writes a date
    assert new in text and on in text, text
    if verdict:
        assert verdict in text and superseded.format(new=new, on=on) in text, text
    assert "ТОО «Новое»" not in text  # the original's page shows the original's holder, not the new name
    visitor.click(f"a[href='/verify/{new}/']")
    assert visitor.page.url.endswith(f"/verify/{new}/")
    assert "ТОО «Новое»" in visitor.page.inner_text("main")
    assert visitor.problems == [], visitor.problems
