import os

import pytest
from django.db import transaction
from django.test import override_settings
from hypothesis import settings as hypothesis_settings

from core.testing import TEST_PASSWORD, World, mark_second_factor_given, replay_data_migrations, sign_in_through_page

# CI machines are shared and slow at times: no per-example deadline there (set CI=1 to use it).
hypothesis_settings.register_profile("ci", deadline=None, print_blob=True)
if os.environ.get("CI"):
    hypothesis_settings.load_profile("ci")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]


@pytest.fixture(autouse=True)
def _reference_data_for_e2e(request):
    """End-to-end tests run against a live server, so the database is flushed after each one, which
    also wipes the reference data that data migrations load (role requirements, frameworks, the
    metric catalogue, review kinds). Load it again before each end-to-end test."""
    if request.node.get_closest_marker("e2e") is None:
        return
    request.getfixturevalue("transactional_db")
    replay_data_migrations()


@pytest.fixture(autouse=True)
def _fast_hashing_and_media(request, settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    # Files of data built once per module (module_transaction) stay readable by each of its tests.
    shared = "module_transaction" in request.fixturenames
    settings.MEDIA_ROOT = request.getfixturevalue("module_media") if shared else tmp_path / "media"


@pytest.fixture(autouse=True)
def _force_login_gives_the_second_factor(monkeypatch):
    """`client.force_login` skips authentication altogether, the second factor included (core.testing)."""
    from django.test import Client

    force_login = Client.force_login

    def force_login_with_second_factor(self, user, backend=None):
        force_login(self, user, backend)
        mark_second_factor_given(self)

    monkeypatch.setattr(Client, "force_login", force_login_with_second_factor)


@pytest.fixture
def world(db):
    return World()


FAST_TEST_SETTINGS = {
    "PASSWORD_HASHERS": ["django.contrib.auth.hashers.MD5PasswordHasher"],
    "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
}


@pytest.fixture(scope="module")
def module_media(tmp_path_factory):
    return tmp_path_factory.mktemp("module-media")


@pytest.fixture(scope="module")
def module_transaction(django_db_setup, django_db_blocker, module_media):
    """One transaction around a whole test module, rolled back at its end, as Django's setUpTestData
    does for a class: data that a module's tests only read is built once instead of once per test. Each
    test still runs in its own savepoint (its `db` fixture), so what a test writes is undone after it.
    Not for modules with transactional or end-to-end tests."""
    settings = override_settings(MEDIA_ROOT=module_media, **FAST_TEST_SETTINGS)
    with django_db_blocker.unblock(), settings, transaction.atomic():
        yield
        transaction.set_rollback(True)


@pytest.fixture(scope="module")
def shared_world(module_transaction):
    """A World built once per test module (see module_transaction); tests that use it also ask for `db`."""
    return World()


@pytest.fixture
def client_for(client):
    """A page client signed in as the given user."""

    def sign_in(user):
        client.force_login(user)
        return client

    return sign_in


@pytest.fixture(scope="session")
def browser():
    """Headless Debian Chromium driven by Playwright (no browser download)."""
    if not os.path.exists(CHROMIUM):
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing: .ci/run installs it")
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium); end-to-end tests skipped")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # Playwright's event loop shares the test thread
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url)
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


@pytest.fixture
def sign_in(page):
    def sign_in_as(username, password=TEST_PASSWORD):
        sign_in_through_page(page, username, password)

    return sign_in_as
