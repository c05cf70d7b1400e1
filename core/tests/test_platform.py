from io import StringIO
from unittest import mock

import pytest
from auditlog.models import LogEntry
from django.core.management import call_command
from django.db import DatabaseError

from core.audit import log_access
from core.choices import Role
from core.models import ApiToken
from core.tokens import digest
from organisations import actions


class TestHealthz:
    def test_it_answers_200_when_the_database_answers(self, client, db):
        response = client.get("/healthz")
        assert response.status_code == 200 and response.json()["database"] == "ok"

    def test_it_answers_503_when_the_database_does_not(self, client, db):
        with mock.patch("django.db.backends.utils.CursorWrapper.execute", side_effect=DatabaseError("down")):
            response = client.get("/healthz")
        assert response.status_code == 503


class TestSignIn:
    def test_good_credentials_sign_in(self, world, client):
        response = client.post("/sign-in/", {"username": "designated", "password": "a-test-password-1"})
        assert response.status_code == 302

    def test_five_failures_lock_the_account(self, world, client):
        for _ in range(5):
            client.post("/sign-in/", {"username": "designated", "password": "wrong"})
        response = client.post("/sign-in/", {"username": "designated", "password": "a-test-password-1"})
        assert response.status_code == 429
        assert "Too many failed sign-in attempts" in response.content.decode()

    def test_a_bad_password_shows_an_error_summary(self, world, client):
        response = client.post("/sign-in/", {"username": "designated", "password": "wrong"})
        assert "There is a problem" in response.content.decode()

    def test_sessions_expire(self, settings):
        assert settings.SESSION_COOKIE_AGE <= 60 * 60 and settings.SESSION_SAVE_EVERY_REQUEST

    def test_passwords_use_a_strong_hasher_outside_tests(self):
        from config import settings as project_settings

        assert project_settings.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")


class TestApiToken:
    def test_command_prints_a_working_token(self, world, client):
        out = StringIO()
        call_command("create_api_token", "designated", stdout=out)
        key = out.getvalue().strip()
        assert ApiToken.objects.get(key_digest=digest(key)).user.username == "designated"
        response = client.get("/api/v1/organisations/", HTTP_AUTHORIZATION=f"Token {key}")
        assert response.status_code == 200

    def test_unknown_user_is_a_clear_error(self, db):
        from django.core.management import CommandError

        with pytest.raises(CommandError, match="No active user"):
            call_command("create_api_token", "nobody")


class TestAuditTrail:
    def test_log_access_records_who_viewed_what(self, world):
        entry = log_access(world.user(Role.HR), world.provider, how="view")
        assert entry.action == LogEntry.Action.ACCESS and entry.actor.username == "hr"
        assert entry.additional_data == {"how": "view", "icb": world.icb.pk}

    def test_auditor_searches_by_user_and_action(self, world, client_for):
        actions.do_update_organisation(world.provider, name="Changed Name", acting_user=world.user(Role.DESIGNATED))
        log_access(world.user(Role.HR), world.provider)
        client = client_for(world.user(Role.AUDITOR))
        changes = client.get("/audit/", {"actor": "designated"}).context["page"].object_list
        assert [e.changes_dict["name"][1] for e in changes] == ["Changed Name"]
        views = client.get("/audit/", {"action": LogEntry.Action.ACCESS}).context["page"].object_list
        assert [e.actor.username for e in views] == ["hr"]

    def test_auditor_does_not_see_another_icbs_activity(self, world, client_for):
        from core.testing import make_user

        stranger = make_user(Role.DESIGNATED, world.other_icb)
        actions.do_update_organisation(world.foreign_provider, name="Elsewhere", acting_user=stranger)
        entries = client_for(world.user(Role.AUDITOR)).get("/audit/", {"q": "Elsewhere"}).context["page"]
        assert list(entries.object_list) == []


class TestClosureDays:
    def test_a_closure_day_moves_due_dates(self, world, client_for):
        import datetime as dt

        from core.models import working_calendar

        client_for(world.user(Role.ADMINISTRATOR)).post("/closure-days/", {"date": "2026-11-23", "reason": "Away day"})
        calendar = working_calendar(world.icb.pk)
        assert calendar.add_working_days(dt.date(2026, 11, 20), 1) == dt.date(2026, 11, 24)

    def test_a_duplicate_closure_day_is_a_form_error(self, world, client_for):
        client = client_for(world.user(Role.ADMINISTRATOR))
        client.post("/closure-days/", {"date": "2026-11-23", "reason": "Away day"})
        response = client.post("/closure-days/", {"date": "2026-11-23", "reason": "Again"})
        assert response.status_code == 200 and "There is a problem" in response.content.decode()


def test_demo_data_loads_twice_without_change(db):
    from core.models import User
    from organisations.models import Organisation

    call_command("load_demo", stdout=StringIO())
    counts = (Organisation.objects.count(), User.objects.count())
    out = StringIO()
    call_command("load_demo", stdout=out)
    assert (Organisation.objects.count(), User.objects.count()) == counts
    for username in ["designated", "admin", "executive", "board", "contracts", "hr", "auditor", "provider.za1"]:
        assert username in out.getvalue()
    assert Organisation.objects.filter(kind__in=["trust_acute", "care_home", "gp_practice"]).count() >= 5


def test_every_api_operation_is_tagged_with_its_module(client_for, world):
    from core.choices import Role

    schema = client_for(world.user(Role.DESIGNATED)).get("/api/schema/?format=json").json()
    tags = {op["tags"][0] for path in schema["paths"].values() for op in path.values() if isinstance(op, dict)}
    assert "Quarterly provider returns" in tags
    assert "Standards assurance" in tags
    assert "api" not in tags  # the default tag of one undivided list
