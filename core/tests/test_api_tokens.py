"""API tokens: hashed keys, expiry at the boundary, and the user's own tokens page."""

import datetime as dt
import re
from io import StringIO
from unittest import mock

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from core import actions, rules
from core.choices import Role
from core.models import ApiToken
from core.tokens import digest

API = "/api/v1/organisations/"


def api_get(client, key):
    return client.get(API, HTTP_AUTHORIZATION=f"Token {key}")


def at(moment):
    return mock.patch("django.utils.timezone.now", return_value=moment)


class TestRules:
    def test_a_token_works_for_exactly_the_configured_days(self):
        made = dt.datetime(2026, 1, 1, 9, 0, tzinfo=dt.UTC)
        expires = rules.token_expiry(made, 90)
        assert expires == dt.datetime(2026, 4, 1, 9, 0, tzinfo=dt.UTC)
        assert not rules.token_expired(expires, expires - dt.timedelta(microseconds=1))
        assert rules.token_expired(expires, expires)


class TestAuthentication:
    def test_only_a_digest_of_the_key_is_stored(self, world):
        token, key = actions.do_create_api_token(world.user(Role.DESIGNATED), name="script", acting_user=None)
        assert token.key_digest == digest(key) and key not in token.key_digest
        assert not ApiToken.objects.filter(key_digest=key).exists()

    def test_valid_on_its_last_day_refused_after(self, world, client):
        made = timezone.now()
        with at(made):
            token, key = actions.do_create_api_token(world.user(Role.DESIGNATED), name="script", acting_user=None)
        assert token.expires == made + dt.timedelta(days=90)
        with at(token.expires - dt.timedelta(seconds=1)):
            assert api_get(client, key).status_code == 200
        with at(token.expires):
            response = api_get(client, key)
        assert response.status_code == 401 and "expired" in response.json()["detail"]

    def test_the_lifetime_is_a_setting(self, world, client, settings):
        settings.VIGIL = {**settings.VIGIL, "API_TOKEN_DAYS": 7}
        token, key = actions.do_create_api_token(world.user(Role.DESIGNATED), name="short", acting_user=None)
        assert token.expires - token.created == dt.timedelta(days=7)

    def test_an_unknown_key_is_refused(self, world, client):
        assert api_get(client, "not-a-key").status_code == 401

    def test_an_inactive_users_token_is_refused(self, world, client):
        user = world.user(Role.DESIGNATED)
        _, key = actions.do_create_api_token(user, name="script", acting_user=None)
        user.is_active = False
        user.save()
        assert api_get(client, key).status_code == 401

    def test_use_is_recorded(self, world, client):
        token, key = actions.do_create_api_token(world.user(Role.DESIGNATED), name="script", acting_user=None)
        api_get(client, key)
        token.refresh_from_db()
        assert token.last_used is not None

    def test_a_user_has_at_most_the_configured_number_of_tokens(self, world, settings):
        settings.VIGIL = {**settings.VIGIL, "API_TOKEN_MAX_PER_USER": 2}
        user = world.user(Role.DESIGNATED)
        actions.do_create_api_token(user, name="one", acting_user=user)
        actions.do_create_api_token(user, name="two", acting_user=user)
        with pytest.raises(Exception, match="already have 2 tokens"):
            actions.do_create_api_token(user, name="three", acting_user=user)


class TestCommand:
    def test_it_prints_a_new_working_key(self, world, client):
        out = StringIO()
        call_command("create_api_token", "designated", stdout=out, stderr=StringIO())
        assert api_get(client, out.getvalue().strip()).status_code == 200

    def test_rotate_revokes_the_earlier_key_of_that_name(self, world, client):
        first, second = StringIO(), StringIO()
        call_command("create_api_token", "designated", stdout=first, stderr=StringIO())
        call_command("create_api_token", "designated", "--rotate", stdout=second, stderr=StringIO())
        assert api_get(client, first.getvalue().strip()).status_code == 401
        assert api_get(client, second.getvalue().strip()).status_code == 200

    def test_unknown_user(self, db):
        with pytest.raises(CommandError, match="No active user"):
            call_command("create_api_token", "nobody")


class TestTokensPage:
    def shown_key(self, response):
        return re.search(r'id="new-token-key">([^<]+)<', response.content.decode()).group(1)

    def test_make_shows_the_key_once(self, world, client_for):
        client = client_for(world.user(Role.PROVIDER))
        response = client.post("/account/tokens/", {"name": "BI export"})
        key = self.shown_key(response)
        assert ApiToken.objects.get(key_digest=digest(key)).name == "BI export"
        listing = client.get("/account/tokens/").content.decode()
        assert "BI export" in listing and key not in listing and key[:8] in listing

    def test_a_blank_name_is_a_form_error(self, world, client_for):
        response = client_for(world.user(Role.PROVIDER)).post("/account/tokens/", {"name": ""})
        assert "There is a problem" in response.content.decode() and not ApiToken.objects.exists()

    def test_replace_gives_a_new_key_and_the_old_one_stops(self, world, client_for, client):
        user = world.user(Role.DESIGNATED)
        token, old_key = actions.do_create_api_token(user, name="nightly", acting_user=user)
        response = client_for(user).post(f"/account/tokens/{token.pk}/rotate/")
        new_key = self.shown_key(response)
        client.logout()
        assert api_get(client, old_key).status_code == 401
        assert api_get(client, new_key).status_code == 200
        assert ApiToken.objects.get(user=user).name == "nightly"

    def test_revoke_stops_the_key(self, world, client_for, client):
        user = world.user(Role.DESIGNATED)
        token, key = actions.do_create_api_token(user, name="nightly", acting_user=user)
        response = client_for(user).post(f"/account/tokens/{token.pk}/revoke/")
        assert response.status_code == 302 and not ApiToken.objects.filter(pk=token.pk).exists()
        client.logout()
        assert api_get(client, key).status_code == 401

    def test_another_users_token_cannot_be_seen_replaced_or_revoked(self, world, client_for):
        owner = world.user(Role.DESIGNATED)
        token, _ = actions.do_create_api_token(owner, name="private-script", acting_user=owner)
        client = client_for(world.user(Role.HR))
        assert "private-script" not in client.get("/account/tokens/").content.decode()
        assert client.post(f"/account/tokens/{token.pk}/rotate/").status_code == 404
        assert client.post(f"/account/tokens/{token.pk}/revoke/").status_code == 404
        assert ApiToken.objects.filter(pk=token.pk).exists()

    def test_an_expired_token_is_marked(self, world, client_for):
        user = world.user(Role.DESIGNATED)
        token, _ = actions.do_create_api_token(user, name="old", acting_user=user)
        ApiToken.objects.filter(pk=token.pk).update(expires=timezone.now() - dt.timedelta(days=1))
        assert "Expired" in client_for(user).get("/account/tokens/").content.decode()

    def test_signed_out_visitors_are_sent_to_sign_in(self, client, db):
        assert client.get("/account/tokens/")["Location"].startswith("/sign-in/")


def test_tokens_of_an_earlier_install_keep_working_stored_as_digests(world, client):
    """Migration 0003 turns DRF authtoken rows (clear-text keys) into digests and deletes the clear text."""
    import importlib

    from django.apps import apps
    from django.db import connection

    migration = importlib.import_module("core.migrations.0005_api_tokens")
    made = timezone.now() - dt.timedelta(days=10)
    key = "0123456789abcdef0123456789abcdef01234567"
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE authtoken_token (key varchar(40) PRIMARY KEY, user_id bigint, created timestamp)")
        cursor.execute(
            "INSERT INTO authtoken_token VALUES (%s, %s, %s)",
            [key, world.user(Role.DESIGNATED).pk, made.replace(tzinfo=None)],
        )
    migration.copy_rest_framework_tokens(apps, None)
    token = ApiToken.objects.get(key_digest=digest(key))
    assert abs(token.expires - (made + dt.timedelta(days=90))) < dt.timedelta(seconds=1)
    assert api_get(client, key).status_code == 200
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM authtoken_token")
        assert cursor.fetchone()[0] == 0
