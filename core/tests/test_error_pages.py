"""NHS.UK-styled error pages that explain, offer a way back, and leak nothing."""

from unittest import mock

import pytest
from django.db import DatabaseError
from django.test import Client

from core.choices import Role

LEAKS = ["Traceback", "SECRET_KEY", "INSTALLED_APPS", "settings.py", "DoesNotExist", "Not found, or not yours"]


def assert_styled_and_quiet(response, status, heading):
    page = response.content.decode()
    assert response.status_code == status
    assert "vigil-build/nhsuk.css" in page and 'class="nhsuk-header' in page, "not in the NHS.UK layout"
    assert f"<h1>{heading}</h1>" in page
    assert 'href="/"' in page or 'href="/sign-in/"' in page, "no way back"
    for leak in LEAKS:
        assert leak not in page


def test_404(world, client_for):
    response = client_for(world.user(Role.DESIGNATED)).get("/no-such-page/")
    assert_styled_and_quiet(response, 404, "Page not found")


def test_404_for_a_record_of_another_organisation_says_nothing_of_it(world, client_for):
    from organisations.models import Organisation

    response = client_for(world.user(Role.PROVIDER)).get(f"/organisations/{world.foreign_provider.pk}/")
    assert_styled_and_quiet(response, 404, "Page not found")
    assert Organisation.objects.get(pk=world.foreign_provider.pk).name not in response.content.decode()


def test_403(world, client_for):
    response = client_for(world.user(Role.PROVIDER)).get("/audit/")
    assert_styled_and_quiet(response, 403, "You cannot open this page")


def test_400_for_a_host_that_is_not_allowed(db):
    response = Client().get("/sign-in/", HTTP_HOST="attacker.example")
    assert_styled_and_quiet(response, 400, "Sorry, there is a problem with your request")
    assert "attacker.example" not in response.content.decode()


def test_csrf_failure_explains_and_sends_back_to_sign_in(db):
    response = Client(enforce_csrf_checks=True).post("/sign-in/", {"username": "x", "password": "y"})
    assert_styled_and_quiet(response, 403, "Your form could not be sent")
    assert "CSRF" not in response.content.decode()


@pytest.fixture
def quiet_client():
    return Client(raise_request_exception=False)


def test_500(world, quiet_client):
    quiet_client.force_login(world.user(Role.DESIGNATED))
    with mock.patch("core.views.HomeView.get", side_effect=RuntimeError("secret internals")):
        response = quiet_client.get("/")
    assert_styled_and_quiet(response, 500, "Sorry, there is a problem with the service")
    assert "secret internals" not in response.content.decode()


def test_500_renders_when_the_database_is_down(world, quiet_client):
    quiet_client.force_login(world.user(Role.DESIGNATED))
    with mock.patch("django.db.backends.utils.CursorWrapper.execute", side_effect=DatabaseError("db down")):
        response = quiet_client.get("/")
    assert_styled_and_quiet(response, 500, "Sorry, there is a problem with the service")


def test_500_falls_back_to_a_plain_page_if_the_layout_cannot_render(world, quiet_client):
    with (
        mock.patch("core.views.HomeView.get", side_effect=RuntimeError("boom")),
        mock.patch("core.errors.frontend_assets", side_effect=OSError("package.json unreadable")),
    ):
        quiet_client.force_login(world.user(Role.DESIGNATED))
        response = quiet_client.get("/")
    page = response.content.decode()
    assert response.status_code == 500 and "Sorry, there is a problem with the service" in page
    assert 'href="/"' in page and "boom" not in page
