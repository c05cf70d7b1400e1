"""Single sign-on against a fake OpenID Connect provider in the suite: an RSA key made per test, its JWKS,
a token endpoint that checks the code, the client secret and the PKCE verifier, and ID tokens minted with
whatever claims a case needs. The callback view runs end to end; only `requests` is replaced."""

import base64
import hashlib
import time
from urllib.parse import parse_qs, urlsplit

import jwt
import pytest
import requests
from auditlog.models import LogEntry
from cryptography.hazmat.primitives.asymmetric import rsa
from django.contrib.auth import SESSION_KEY

from core.choices import Role
from core.models import User

ISSUER = "https://idp.example.invalid/tenant/v2.0"
CLIENT_ID = "vigil-test-client"
CLIENT_SECRET = "a-test-client-secret"  # noqa: S105 - the fake provider's


def new_key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


class FakeResponse:
    def __init__(self, url, payload, status=200, content_type="application/json"):
        self.url, self.status_code, self._payload = url, status, payload
        self.headers = {"content-type": content_type}
        self.text = payload if isinstance(payload, str) else ""

    def json(self):
        return self._payload

    def raise_for_status(self):
        if self.status_code >= 400:
            raise requests.HTTPError(f"{self.status_code} from {self.url}", response=self)


class FakeProvider:
    """The identity provider's side of the authorization-code flow (with PKCE)."""

    token_url = "https://idp.example.invalid/token"
    jwks_url = "https://idp.example.invalid/keys"
    userinfo_url = "https://idp.example.invalid/userinfo"

    def __init__(self):
        self.key = new_key()
        self.kid = "test-key-1"
        self.codes = {}  # code -> (id token claims, PKCE challenge)
        self.userinfo = None
        self.token_status = 200

    def authorize(self, client, next_url="/"):
        """Start sign-in at Vigil, follow it to the provider: the parameters Vigil sent."""
        response = client.get(f"/oidc/authenticate/?next={next_url}")
        assert response.status_code == 302
        location = urlsplit(response["Location"])
        assert location.netloc == "idp.example.invalid"
        return {name: values[0] for name, values in parse_qs(location.query).items()}

    def issue_code(self, params, signing_key=None, **claims):
        """The person signed in at the provider: a code for an ID token with these claims."""
        now = int(time.time())
        token_claims = {
            "iss": ISSUER,
            "aud": CLIENT_ID,
            "sub": "subject-123",
            "iat": now,
            "exp": now + 600,
            "nonce": params["nonce"],
            "email_verified": True,
        } | claims
        token_claims = {name: value for name, value in token_claims.items() if value is not None}
        id_token = jwt.encode(token_claims, signing_key or self.key, algorithm="RS256", headers={"kid": self.kid})
        code = f"code-{len(self.codes)}"
        self.codes[code] = (id_token, params["code_challenge"])
        return code

    def post(self, url, data=None, **kwargs):
        assert url == self.token_url
        id_token, challenge = self.codes.pop(data["code"])
        verifier = hashlib.sha256(data["code_verifier"].encode()).digest()
        assert base64.urlsafe_b64encode(verifier).rstrip(b"=").decode() == challenge
        assert (data["client_id"], data["client_secret"]) == (CLIENT_ID, CLIENT_SECRET)
        assert data["redirect_uri"] == "http://testserver/oidc/callback/"
        if self.token_status != 200:
            return FakeResponse(url, {"error": "server_error"}, status=self.token_status)
        return FakeResponse(url, {"id_token": id_token, "access_token": "an-access-token", "token_type": "Bearer"})

    def get(self, url, **kwargs):
        if url == self.jwks_url:
            jwk = jwt.algorithms.RSAAlgorithm.to_jwk(self.key.public_key(), as_dict=True)
            return FakeResponse(url, {"keys": [jwk | {"kid": self.kid, "alg": "RS256", "use": "sig"}]})
        assert url == self.userinfo_url and kwargs["headers"]["Authorization"] == "Bearer an-access-token"
        return FakeResponse(url, self.userinfo)


@pytest.fixture
def provider(settings, monkeypatch):
    fake = FakeProvider()
    settings.OIDC_RP_CLIENT_ID = CLIENT_ID
    settings.OIDC_RP_CLIENT_SECRET = CLIENT_SECRET
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = "https://idp.example.invalid/authorize"
    settings.OIDC_OP_TOKEN_ENDPOINT = fake.token_url
    settings.OIDC_OP_JWKS_ENDPOINT = fake.jwks_url
    settings.OIDC_OP_ISSUER = ISSUER
    settings.OIDC_OP_USER_ENDPOINT = ""
    monkeypatch.setattr(requests, "post", fake.post)
    monkeypatch.setattr(requests, "get", fake.get)
    return fake


@pytest.fixture
def designated(world):
    user = world.user(Role.DESIGNATED)
    user.email = "Designated.Nurse@example.nhs.uk"
    user.save()
    return user


def sign_in(client, provider, next_url="/", **claims):
    params = provider.authorize(client, next_url)
    code = provider.issue_code(params, **claims)
    return client.get("/oidc/callback/", {"code": code, "state": params["state"]})


def signed_in_user_id(client):
    return client.session.get(SESSION_KEY)


def assert_refused(response, client, heading):
    assert response.status_code == 403
    assert heading in response.content.decode()
    assert signed_in_user_id(client) is None


class TestSwitchedOnByConfiguration:
    def test_off_by_default_no_button_and_no_endpoints(self, client, db):
        assert "organisation's account" not in client.get("/sign-in/").content.decode()
        assert client.get("/oidc/authenticate/").status_code == 404
        assert client.get("/oidc/callback/?code=x&state=y").status_code == 404

    def test_on_the_sign_in_page_offers_it_beside_the_password_form(self, client, db, provider):
        page = client.get("/sign-in/?next=/actions/").content.decode()
        assert "Sign in with your organisation's account" in page
        assert 'href="/oidc/authenticate/?next=/actions/"' in page
        assert 'name="password"' in page

    def test_the_request_carries_state_nonce_and_pkce(self, client, db, provider):
        params = provider.authorize(client)
        assert params["client_id"] == CLIENT_ID and params["response_type"] == "code"
        assert params["redirect_uri"] == "http://testserver/oidc/callback/"
        assert set(params["scope"].split()) >= {"openid", "email"}
        assert params["state"] and params["nonce"] and params["code_challenge_method"] == "S256"

    def test_entra_tenant_fills_the_endpoints(self, monkeypatch):
        import importlib

        from config import settings as project_settings

        monkeypatch.setenv("OIDC_ENTRA_TENANT_ID", "00000000-0000-0000-0000-000000000001")
        reloaded = importlib.reload(project_settings)
        try:
            base = "https://login.microsoftonline.com/00000000-0000-0000-0000-000000000001"
            endpoints = [getattr(reloaded, f"OIDC_OP_{name}") for name in ("AUTHORIZATION_ENDPOINT", "TOKEN_ENDPOINT")]
            endpoints += [reloaded.OIDC_OP_JWKS_ENDPOINT, reloaded.OIDC_OP_ISSUER, reloaded.OIDC_OP_USER_ENDPOINT]
            expected = ["oauth2/v2.0/authorize", "oauth2/v2.0/token", "discovery/v2.0/keys", "v2.0"]
            assert endpoints == [f"{base}/{path}" for path in expected] + [""]
            assert (reloaded.OIDC_RP_SIGN_ALGO, reloaded.OIDC_CREATE_USER) == ("RS256", False)
        finally:
            monkeypatch.delenv("OIDC_ENTRA_TENANT_ID")
            importlib.reload(project_settings)


class TestAKnownPerson:
    def test_is_signed_in_by_verified_email_whatever_its_case(self, client, provider, designated):
        response = sign_in(client, provider, next_url="/actions/", email="designated.nurse@EXAMPLE.nhs.uk")
        assert response.status_code == 302 and response["Location"] == "/actions/"
        assert signed_in_user_id(client) == str(designated.pk)

    def test_needs_no_second_factor_from_vigil(self, client, provider, designated):
        sign_in(client, provider, email=designated.email)
        assert client.get("/casework/").status_code == 200

    def test_the_sign_in_is_audited(self, client, provider, designated):
        sign_in(client, provider, email=designated.email)
        entry = LogEntry.objects.get_for_object(designated).get()
        assert entry.actor == designated and entry.additional_data["how"] == "sign-in: single sign-on"

    def test_keeps_their_role_and_organisation(self, client, provider, designated):
        sign_in(client, provider, email=designated.email, roles=["admin"], name="Someone Else")
        designated.refresh_from_db()
        assert (designated.role, designated.organisation_id) == (Role.DESIGNATED, designated.organisation_id)
        assert designated.first_name == "" and User.objects.count() == len(Role.values) + 1

    def test_entras_domain_verified_claim_counts_as_verified(self, client, provider, designated):
        sign_in(client, provider, email=designated.email, email_verified=None, xms_edov=True)
        assert signed_in_user_id(client) == str(designated.pk)


class TestRefusals:
    def test_an_unknown_email_is_refused_and_no_user_is_created(self, client, provider, world):
        users = User.objects.count()
        response = sign_in(client, provider, email="new.starter@example.nhs.uk")
        assert_refused(response, client, "Your account has not been set up in Vigil")
        assert "new.starter@example.nhs.uk" in response.content.decode()
        assert "Ask your Vigil administrator to set up your account" in response.content.decode()
        assert User.objects.count() == users

    def test_an_inactive_users_email_is_refused(self, client, provider, designated):
        designated.is_active = False
        designated.save()
        assert_refused(sign_in(client, provider, email=designated.email), client, "has not been set up in Vigil")

    def test_an_email_shared_by_two_users_is_refused(self, client, provider, designated, world):
        other = world.user(Role.HR)
        other.email = designated.email.upper()
        other.save()
        response = sign_in(client, provider, email=designated.email)
        assert_refused(response, client, "More than one Vigil account has your e-mail address")

    @pytest.mark.parametrize("verified", [False, "false", None])
    def test_an_unverified_email_is_refused(self, client, provider, designated, verified):
        response = sign_in(client, provider, email=designated.email, email_verified=verified)
        assert_refused(response, client, "Your organisation did not confirm your e-mail address")

    def test_no_email_claim_is_refused(self, client, provider, designated):
        assert_refused(sign_in(client, provider, email=None), client, "did not confirm your e-mail address")

    def test_a_token_signed_with_another_key_is_refused(self, client, provider, designated, caplog):
        response = sign_in(client, provider, email=designated.email, signing_key=new_key())
        assert_refused(response, client, "did not work")
        assert "InvalidSignatureError" in caplog.text

    def test_a_token_for_another_nonce_is_refused(self, client, provider, designated, caplog):
        response = sign_in(client, provider, email=designated.email, nonce="a-nonce-from-another-sign-in")
        assert_refused(response, client, "did not work")
        assert "Nonce verification failed" in caplog.text

    @pytest.mark.parametrize(
        ("claims", "cause"),
        [
            ({"aud": "another-application"}, "InvalidAudienceError"),
            ({"iss": "https://idp.example.invalid/another-tenant/v2.0"}, "InvalidIssuerError"),
            ({"exp": int(time.time()) - 3600, "iat": int(time.time()) - 7200}, "ExpiredSignatureError"),
            ({"exp": None}, "MissingRequiredClaimError('exp')"),
        ],
        ids=["audience", "issuer", "expired", "no-expiry"],
    )
    def test_a_token_for_another_audience_issuer_or_time_is_refused(
        self, client, provider, designated, caplog, claims, cause
    ):
        assert_refused(sign_in(client, provider, email=designated.email, **claims), client, "did not work")
        assert cause in caplog.text

    def test_an_unknown_state_is_refused(self, client, provider, designated, caplog):
        params = provider.authorize(client)
        code = provider.issue_code(params, email=designated.email)
        response = client.get("/oidc/callback/", {"code": code, "state": "a-state-vigil-never-sent"})
        assert_refused(response, client, "did not work")
        assert "state not found" in caplog.text

    def test_a_state_cannot_be_replayed(self, client, provider, designated):
        params = provider.authorize(client)
        first = provider.issue_code(params, email=designated.email)
        client.get("/oidc/callback/", {"code": first, "state": params["state"]})
        client.post("/sign-out/")
        second = provider.issue_code(params, email=designated.email)
        response = client.get("/oidc/callback/", {"code": second, "state": params["state"]})
        assert_refused(response, client, "did not work")

    def test_a_callback_without_a_started_sign_in_is_refused(self, client, provider, db):
        assert_refused(client.get("/oidc/callback/", {"code": "c", "state": "s"}), client, "did not work")

    def test_an_error_from_the_provider_is_refused(self, client, provider, db):
        params = provider.authorize(client)
        response = client.get("/oidc/callback/", {"error": "access_denied", "state": params["state"]})
        assert_refused(response, client, "did not work")

    @pytest.mark.parametrize("failure", ["http-error", "unreachable"])
    def test_a_failing_token_endpoint_is_refused_not_a_server_error(
        self, client, provider, designated, monkeypatch, failure
    ):
        if failure == "http-error":
            provider.token_status = 500
        else:
            monkeypatch.setattr(requests, "post", lambda *a, **k: (_ for _ in ()).throw(requests.ConnectionError()))
        assert_refused(sign_in(client, provider, email=designated.email), client, "did not work")


class TestWithAUserinfoEndpoint:
    @pytest.fixture(autouse=True)
    def _userinfo(self, settings, provider):
        settings.OIDC_OP_USER_ENDPOINT = provider.userinfo_url

    def test_its_claims_are_used(self, client, provider, designated):
        provider.userinfo = {"sub": "subject-123", "email": designated.email, "email_verified": True}
        sign_in(client, provider, email=None, email_verified=None)
        assert signed_in_user_id(client) == str(designated.pk)

    def test_an_answer_about_another_subject_is_refused(self, client, provider, designated):
        provider.userinfo = {"sub": "someone-else", "email": designated.email, "email_verified": True}
        assert_refused(sign_in(client, provider, email=None), client, "did not work")
