"""Password change (signed in) and password reset by e-mail."""

import re

from django.core import mail

from core.choices import Role

NEW_PASSWORD = "a-brand-new-passphrase-42"


def test_the_account_page_links_to_password_and_tokens(world, client_for):
    page = client_for(world.user(Role.HR)).get("/account/").content.decode()
    assert 'href="/account/password/"' in page and 'href="/account/tokens/"' in page


def test_the_sign_in_page_links_to_password_reset(client, db):
    assert 'href="/password-reset/"' in client.get("/sign-in/").content.decode()


class TestChange:
    def test_a_signed_in_user_changes_their_password(self, world, client_for):
        user = world.user(Role.DESIGNATED)
        client = client_for(user)
        response = client.post(
            "/account/password/",
            {"old_password": "a-test-password-1", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        )
        assert response.status_code == 302 and response["Location"] == "/account/password/done/"
        user.refresh_from_db()
        assert user.check_password(NEW_PASSWORD)
        assert "Password changed" in client.get("/account/password/done/").content.decode()

    def test_a_wrong_current_password_is_a_form_error(self, world, client_for):
        user = world.user(Role.DESIGNATED)
        response = client_for(user).post(
            "/account/password/",
            {"old_password": "wrong", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        )
        page = response.content.decode()
        assert response.status_code == 200 and "There is a problem" in page and "nhsuk-error-message" in page
        user.refresh_from_db()
        assert user.check_password("a-test-password-1")

    def test_a_weak_new_password_is_refused(self, world, client_for):
        response = client_for(world.user(Role.DESIGNATED)).post(
            "/account/password/",
            {"old_password": "a-test-password-1", "new_password1": "short", "new_password2": "short"},
        )
        assert "This password is too short" in response.content.decode()

    def test_signed_out_visitors_are_sent_to_sign_in(self, client, db):
        assert client.get("/account/password/")["Location"].startswith("/sign-in/")


class TestReset:
    def ask(self, client, email):
        return client.post("/password-reset/", {"email": email})

    def test_a_known_address_gets_a_link_that_sets_a_new_password(self, world, client):
        user = world.user(Role.HR)
        user.email = "hr@example.invalid"
        user.save()
        response = self.ask(client, "hr@example.invalid")
        assert response.status_code == 302 and response["Location"] == "/password-reset/sent/"
        assert len(mail.outbox) == 1 and mail.outbox[0].to == ["hr@example.invalid"]
        link = re.search(r"http://testserver(/password-reset/\S+/)", mail.outbox[0].body).group(1)
        form_url = client.get(link)["Location"]  # Django moves the token into the session first
        response = client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
        assert response["Location"] == "/password-reset/complete/"
        user.refresh_from_db()
        assert user.check_password(NEW_PASSWORD)
        assert client.get(link).status_code == 200 and "no longer works" in client.get(form_url).content.decode()

    def test_an_unknown_address_gets_the_same_answer_and_no_mail(self, world, client):
        response = self.ask(client, "nobody@example.invalid")
        assert response.status_code == 302 and response["Location"] == "/password-reset/sent/"
        assert mail.outbox == []

    def test_a_made_up_link_is_refused(self, world, client):
        response = client.get("/password-reset/MQ/not-a-token/")
        assert response.status_code == 200 and "This link no longer works" in response.content.decode()
