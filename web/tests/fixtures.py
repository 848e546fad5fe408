"""Browser-test fixtures, shared by every app's browser journeys (registered in the root conftest).

One Chromium per test session: Playwright's sync API allows one instance per thread."""
from __future__ import annotations

import os

import pytest

from web.tests.browser import CHROMIUM, LAUNCH_ARGS


@pytest.fixture(scope="session")
def chromium():
    sync_api = pytest.importorskip("playwright.sync_api")

    if not os.path.exists(CHROMIUM):
        pytest.skip("Debian's chromium is not installed (scripts/bootstrap installs it)")
    # Playwright's sync API keeps an event loop on this thread; Django's database calls from the test
    # itself (fixtures, assertions) are still synchronous and safe.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def web(transactional_db, live_server, settings, world):
    """Settings for a browser on http://localhost: cookies without Secure (production keeps it)."""
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = settings.LANGUAGE_COOKIE_SECURE = False
    settings.ELICENSE_PUBLIC_URL = live_server.url
    return live_server
