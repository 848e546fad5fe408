import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _english_messages(request, settings):
    """The tests read the actions' messages and the pages in English (the catalogs translate them into kk and
    ru; the browser journeys check the pages in those languages)."""
    if request.node.get_closest_marker("browser"):
        yield
        return
    settings.LANGUAGE_CODE = "en"  # what a request without Accept-Language is answered in
    with translation.override("en"):
        yield
