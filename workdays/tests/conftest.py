import pytest

from workdays import calendar


@pytest.fixture(autouse=True)
def _fresh_calendar_caches():
    """Each test starts and ends with empty caches (test transactions roll back silently)."""
    calendar.clear_caches()
    yield
    calendar.clear_caches()
