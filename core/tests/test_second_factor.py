"""The TOTP second factor for local accounts: who must give one, what an unverified session can reach,
setting up an authenticator app, entering its code, slowing down guesses, and recovery."""

import datetime as dt
from io import StringIO

import pytest
from auditlog.models import LogEntry
from django.core.management import call_command
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.choices import Role
from core.second_factor import needs_second_factor, restricted_register_readers, totp_code_for_key
from core.testing import TEST_PASSWORD, fresh_totp_code, make_user

SETUP = "/sign-in/second-factor/set-up/"
VERIFY = "/sign-in/second-factor/"
REQUIRED = {Role.DESIGNATED, Role.ADMINISTRATOR, Role.EXECUTIVE, Role.HR, Role.PROVIDER}


def sign_in_with_password(client, username):
    response = client.post("/sign-in/", {"username": username, "password": TEST_PASSWORD})
    assert response.status_code == 302, response.content
    return response


def give_device(user, *, confirmed=True):
    return TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=confirmed)


def set_up_device(client, user):
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    response = client.post(SETUP, {"code": totp_code_for_key(device.bin_key), "next": "/"})
    assert response.status_code == 302, response.content
    return TOTPDevice.objects.get(pk=device.pk)


class TestWhoNeedsASecondFactor:
    @pytest.mark.parametrize("role", sorted(Role.values))
    def test_exactly_the_readers_of_restricted_registers_need_one(self, world, role):
        assert needs_second_factor(world.user(role)) == (role in REQUIRED)

    def test_the_readers_come_from_the_registers_access(self):
        from casework.models import Allegation, Disclosure, Escalation

        readers = restricted_register_readers()
        assert Allegation.access.view | Escalation.access.view | Disclosure.access.view <= readers
        assert not {Role.BOARD, Role.CONTRACTS, Role.AUDITOR} & readers

    def test_a_django_admin_user_without_a_role_needs_one(self, db):
        staff = make_user("", None, username="operator")
        assert not needs_second_factor(staff)
        staff.is_staff = True
        assert needs_second_factor(staff)


class TestAPasswordIsNotEnoughForARestrictedReader:
    @pytest.mark.parametrize(
        "url", ["/", "/casework/", "/actions/", "/organisations/", "/audit/", "/django-admin/", VERIFY]
    )
    def test_every_page_sends_them_to_set_up_a_second_factor(self, world, client, url):
        sign_in_with_password(client, "hr")
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(SETUP)

    def test_where_they_were_going_is_kept(self, world, client):
        sign_in_with_password(client, "designated")
        assert client.get("/casework/").url == f"{SETUP}?next=%2Fcasework%2F"

    def test_a_user_with_a_device_is_sent_to_enter_a_code(self, world, client):
        give_device(world.user(Role.DESIGNATED))
        sign_in_with_password(client, "designated")
        assert client.get("/actions/")["Location"].startswith(VERIFY)

    def test_the_api_by_session_is_refused(self, world, client):
        sign_in_with_password(client, "designated")
        response = client.get("/api/v1/actions/")
        assert response.status_code == 403 and "second factor" in response.json()["detail"]

    def test_an_api_token_is_not_affected(self, world, client):
        from core.actions import do_create_api_token

        _, key = do_create_api_token(world.user(Role.DESIGNATED), name="script", acting_user=None)
        assert client.get("/api/v1/actions/", HTTP_AUTHORIZATION=f"Token {key}").status_code == 200

    def test_a_made_up_authorization_header_does_not_get_past(self, world, client):
        sign_in_with_password(client, "designated")
        assert client.get("/casework/", HTTP_AUTHORIZATION="Token made-up")["Location"].startswith(SETUP)
        assert client.get("/api/v1/actions/", HTTP_AUTHORIZATION="Basic bWFkZTp1cA==").status_code == 403
        assert client.get("/api/v1/actions/", HTTP_AUTHORIZATION="Token made-up").status_code == 401

    def test_they_can_sign_out(self, world, client):
        sign_in_with_password(client, "designated")
        assert client.post("/sign-out/").status_code == 302
        assert client.get("/")["Location"].startswith("/sign-in/")

    def test_the_menu_is_hidden_until_the_code_is_given(self, world, client):
        sign_in_with_password(client, "designated")
        page = client.get(SETUP).content.decode()
        assert "nhsuk-header__navigation-link" not in page and "Sign out" in page


class TestNoSecondFactorForOtherRoles:
    @pytest.mark.parametrize("role", [Role.BOARD, Role.CONTRACTS, Role.AUDITOR])
    def test_a_password_is_enough(self, world, client, role):
        sign_in_with_password(client, world.user(role).username)
        assert client.get("/").status_code == 200

    def test_they_may_opt_in_and_are_then_asked_every_time(self, world, client):
        board = world.user(Role.BOARD)
        sign_in_with_password(client, "board")
        page = client.get(SETUP).content.decode()
        assert "You can add a code" in page
        device = set_up_device(client, board)
        assert device.confirmed
        client.post("/sign-out/")
        sign_in_with_password(client, "board")
        assert client.get("/")["Location"].startswith(VERIFY)
        client.post(VERIFY, {"code": fresh_totp_code(device), "next": "/"})
        assert client.get("/").status_code == 200


class TestSettingUpAnAuthenticatorApp:
    def test_the_page_shows_an_inline_qr_code_and_the_key(self, world, client):
        sign_in_with_password(client, "designated")
        page = client.get(SETUP).content.decode()
        device = TOTPDevice.objects.get(user=world.user(Role.DESIGNATED), confirmed=False)
        assert "<svg" in page and "<script" not in page.split("<main")[1].split("</main>")[0]
        assert "http" not in page.split("<svg", 1)[1].split("</svg>")[0].replace("http://www.w3.org/2000/svg", "")
        from base64 import b32encode

        key = b32encode(device.bin_key).decode()
        assert " ".join(key[i : i + 4] for i in range(0, len(key), 4)) in page

    def test_reloading_keeps_the_same_key(self, world, client):
        sign_in_with_password(client, "designated")
        client.get(SETUP)
        client.get(SETUP)
        assert TOTPDevice.objects.filter(user=world.user(Role.DESIGNATED)).count() == 1

    def test_a_wrong_code_leaves_the_device_unconfirmed(self, world, client):
        sign_in_with_password(client, "designated")
        client.get(SETUP)
        device = TOTPDevice.objects.get()
        wrong = f"{(int(totp_code_for_key(device.bin_key)) + 1) % 1_000_000:06d}"
        response = client.post(SETUP, {"code": wrong})
        assert response.status_code == 200 and "That code is not right" in response.content.decode()
        assert not TOTPDevice.objects.get().confirmed
        assert client.get("/")["Location"].startswith(SETUP)

    @pytest.mark.parametrize("code", ["", "12345", "1234567", "abcdef", "１２３４５６"])
    def test_a_code_that_is_not_six_digits_is_a_form_error(self, world, client, code):
        sign_in_with_password(client, "designated")
        client.get(SETUP)
        response = client.post(SETUP, {"code": code})
        assert response.status_code == 200 and "There is a problem" in response.content.decode()
        assert TOTPDevice.objects.get().throttling_failure_count == 0

    def test_the_right_code_confirms_the_device_and_opens_every_page(self, world, client):
        sign_in_with_password(client, "hr")
        client.get(SETUP)
        device = TOTPDevice.objects.get()
        response = client.post(SETUP, {"code": totp_code_for_key(device.bin_key), "next": "/casework/"})
        assert response["Location"] == "/casework/"
        assert TOTPDevice.objects.get().confirmed
        assert client.get("/casework/").status_code == 200
        assert client.get("/api/v1/actions/").status_code == 200

    def test_a_code_with_a_space_is_accepted(self, world, client):
        sign_in_with_password(client, "hr")
        client.get(SETUP)
        code = totp_code_for_key(TOTPDevice.objects.get().bin_key)
        client.post(SETUP, {"code": f"{code[:3]} {code[3:]}"})
        assert TOTPDevice.objects.get().confirmed

    def test_next_may_not_leave_the_site(self, world, client):
        sign_in_with_password(client, "hr")
        client.get(SETUP)
        code = totp_code_for_key(TOTPDevice.objects.get().bin_key)
        assert client.post(SETUP, {"code": code, "next": "https://evil.example/"})["Location"] == "/"

    def test_once_set_up_the_page_says_so_and_shows_no_key(self, world, client):
        user = world.user(Role.HR)
        sign_in_with_password(client, "hr")
        set_up_device(client, user)
        page = client.get(SETUP).content.decode()
        assert "Two-step sign-in is set up" in page and "<svg" not in page.split("<main")[1]


class TestEnteringTheCode:
    @pytest.fixture
    def device(self, world):
        return give_device(world.user(Role.DESIGNATED))

    def test_the_right_code_passes(self, world, client, device):
        sign_in_with_password(client, "designated")
        response = client.post(VERIFY, {"code": fresh_totp_code(device), "next": "/actions/"})
        assert response["Location"] == "/actions/"
        assert client.get("/casework/").status_code == 200

    def test_a_wrong_code_is_refused(self, world, client, device):
        sign_in_with_password(client, "designated")
        wrong = f"{(int(fresh_totp_code(device)) + 1) % 1_000_000:06d}"
        response = client.post(VERIFY, {"code": wrong})
        assert response.status_code == 200 and "That code is not right" in response.content.decode()
        assert client.get("/casework/").status_code == 302

    def test_a_code_cannot_be_used_twice(self, world, client, device):
        code = fresh_totp_code(device)
        sign_in_with_password(client, "designated")
        client.post(VERIFY, {"code": code})
        client.post("/sign-out/")
        sign_in_with_password(client, "designated")
        assert "That code is not right" in client.post(VERIFY, {"code": code}).content.decode()

    def test_guessing_is_slowed_down_even_for_the_right_code(self, world, client, device):
        sign_in_with_password(client, "designated")
        code = fresh_totp_code(device)
        client.post(VERIFY, {"code": f"{(int(code) + 1) % 1_000_000:06d}"})
        response = client.post(VERIFY, {"code": code})
        assert "Too many wrong codes in a row (1)" in response.content.decode()
        assert client.get("/casework/").status_code == 302

    def test_the_wait_doubles_with_each_wrong_code(self, world, client, device):
        sign_in_with_password(client, "designated")
        device.throttling_failure_count = 4  # the next try must wait 2**3 = 8 seconds
        device.throttling_failure_timestamp = timezone.now() - dt.timedelta(seconds=7)
        device.save()
        assert "Too many wrong codes in a row (4)" in client.post(VERIFY, {"code": "000000"}).content.decode()
        device.throttling_failure_timestamp = timezone.now() - dt.timedelta(seconds=9)
        device.save()
        response = client.post(VERIFY, {"code": fresh_totp_code(device), "next": "/"})
        assert response.status_code == 302 and client.get("/casework/").status_code == 200
        assert TOTPDevice.objects.get().throttling_failure_count == 0

    def test_the_sign_in_and_the_code_are_audited(self, world, client, device):
        sign_in_with_password(client, "designated")
        client.post(VERIFY, {"code": fresh_totp_code(device)})
        entries = LogEntry.objects.get_for_object(world.user(Role.DESIGNATED))
        hows = {entry.additional_data["how"] for entry in entries}
        assert hows == {"sign-in: password", "sign-in: second factor"}
        assert {entry.additional_data["icb"] for entry in entries} == {world.icb.pk}

    def test_the_verify_page_sends_a_user_without_a_device_to_set_one_up(self, world, client):
        sign_in_with_password(client, "designated")
        assert client.get(VERIFY)["Location"].startswith(SETUP)


class TestRecovery:
    def test_an_administrator_resets_a_lost_device(self, world, client):
        user = world.user(Role.HR)
        give_device(user)
        out = StringIO()
        call_command("reset_second_factor", "hr", "--by", "admin", stdout=out)
        assert "Removed 1 device(s) of hr; they must set up a new one" in out.getvalue()
        assert not TOTPDevice.objects.filter(user=user).exists()
        entry = LogEntry.objects.get_for_object(user).get()
        assert entry.actor == world.user(Role.ADMINISTRATOR) and "reset" in entry.additional_data["how"]
        sign_in_with_password(client, "hr")
        assert client.get("/")["Location"].startswith(SETUP)

    def test_a_reset_ends_a_verified_session(self, world, client):
        user = world.user(Role.HR)
        sign_in_with_password(client, "hr")
        set_up_device(client, user)
        assert client.get("/").status_code == 200
        call_command("reset_second_factor", "hr", stdout=StringIO())
        assert client.get("/")["Location"].startswith(SETUP)

    def test_an_unknown_user_is_a_clear_error(self, db):
        from django.core.management.base import CommandError

        with pytest.raises(CommandError, match="No user named 'nobody'"):
            call_command("reset_second_factor", "nobody")


class TestForceLoginInTests:
    def test_force_login_counts_as_the_second_factor(self, world, client_for):
        assert client_for(world.user(Role.HR)).get("/casework/").status_code == 200


class TestDemoLogins:
    def test_demo_users_who_need_it_share_the_published_key_and_demo_code_prints_its_code(self, world, client):
        from core.demo import DEMO_PASSWORD, ensure_user, print_logins, print_second_factor

        designated = ensure_user("demo.designated", role=Role.DESIGNATED, organisation=world.icb)
        ensure_user("demo.designated", role=Role.DESIGNATED, organisation=world.icb)
        board = ensure_user("demo.board", role=Role.BOARD, organisation=world.icb)
        assert TOTPDevice.objects.filter(user=designated, confirmed=True).count() == 1
        assert not TOTPDevice.objects.filter(user=board).exists()

        out = StringIO()
        print_logins(out)
        print_second_factor(out)
        assert "* demo.designated" in out.getvalue() and "  demo.board" in out.getvalue()
        assert "secret=VIGILDEMOVIGILDEMOVIGILDEMOVIGIL" in out.getvalue()

        code = StringIO()
        call_command("demo_code", stdout=code)
        client.post("/sign-in/", {"username": "demo.designated", "password": DEMO_PASSWORD})
        client.post(VERIFY, {"code": code.getvalue().strip()})
        assert client.get("/casework/").status_code == 200


def test_the_sign_in_page_names_the_demo_logins_only_while_the_demo_is_loaded(db, client):
    from core.demo import DEMO_ICB_CODE

    assert "Synthetic demo logins" not in client.get("/sign-in/").content.decode()
    from core.testing import make_icb, make_user
    from organisations.models import Organisation

    icb = make_icb("Demo ICB")
    Organisation.objects.filter(pk=icb.pk).update(ods_code=DEMO_ICB_CODE)
    make_user(Role.DESIGNATED, icb, username="designated")
    page = client.get("/sign-in/").content.decode()
    assert "Synthetic demo logins" in page and "designated" in page and "(code)" in page
