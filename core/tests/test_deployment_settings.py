"""Secure defaults: the settings a deployment reads from its environment, the secret key, check --deploy.

Settings are read once, at import, so each case runs Django in a subprocess with its own environment.
"""

import json
import os
import shutil
import stat
import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import Client

from config.secret_key import PUBLISHED_KEYS, load_or_create, secret_key
from core.choices import Role

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
STRONG_KEY = "k7#Qp2vX9!mZ4rT8wY1uB6nC3sD0fG5hJ-aL_eR2tY7uI9oP4qW8"
PUBLISHED_KEY = next(iter(PUBLISHED_KEYS))
PRINTED = [
    "DEBUG",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "ALLOWED_HOSTS",
    "CSRF_TRUSTED_ORIGINS",
    "SECURE_PROXY_SSL_HEADER",
]


def run_django(tmp_path, args, **environ):
    """Run manage.py with exactly the production settings and the given environment (no inherited Vigil vars)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("VIGIL_", "SECURE_", "DJANGO_"))}
    env = {k: v for k, v in env.items() if k not in {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "CSRF_TRUSTED_ORIGINS"}}
    env.update(DJANGO_SETTINGS_MODULE="config.settings", VIGIL_VAR_DIR=str(tmp_path / "var"), **environ)
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'db.sqlite3'}"  # never a shared database
    return subprocess.run(  # noqa: S603 (our own manage.py, fixed arguments)
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def settings_under(tmp_path, **environ):
    code = (
        "import json; from django.conf import settings; "
        f"print(json.dumps({{name: getattr(settings, name, None) for name in {PRINTED!r}}}))"
    )
    result = run_django(tmp_path, ["shell", "-c", code], **environ)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


class TestSecretKey:
    def test_a_key_is_generated_once_into_a_private_file(self, tmp_path):
        path = tmp_path / "var" / "secret_key"
        first = load_or_create(path)
        assert len(first) >= 50 and stat.S_IMODE(path.stat().st_mode) == 0o600
        assert load_or_create(path) == first

    def test_the_environment_key_wins_and_no_file_is_made(self, tmp_path):
        key = secret_key(environ_value=STRONG_KEY, key_file=tmp_path / "secret_key", debug=False)
        assert key == STRONG_KEY and not (tmp_path / "secret_key").exists()

    def test_the_published_key_is_refused_in_production(self, tmp_path):
        with pytest.raises(ImproperlyConfigured, match="published"):
            secret_key(environ_value=PUBLISHED_KEY, key_file=tmp_path / "secret_key", debug=False)

    def test_the_published_key_is_tolerated_with_debug_on(self, tmp_path):
        assert secret_key(environ_value=PUBLISHED_KEY, key_file=tmp_path / "k", debug=True) == PUBLISHED_KEY

    def test_the_app_does_not_start_with_the_published_key(self, tmp_path):
        result = run_django(tmp_path, ["check"], SECRET_KEY=PUBLISHED_KEY)
        assert result.returncode != 0
        assert "ImproperlyConfigured" in result.stderr and "published" in result.stderr

    def test_without_secret_key_the_app_starts_with_a_generated_one(self, tmp_path):
        result = run_django(tmp_path, ["check"])
        assert result.returncode == 0, result.stderr
        assert (tmp_path / "var" / "secret_key").read_text().strip() not in PUBLISHED_KEYS


class TestEnvironment:
    def test_production_is_the_default(self, tmp_path):
        values = settings_under(tmp_path)
        assert values["DEBUG"] is False
        assert values["SECURE_SSL_REDIRECT"] and values["SESSION_COOKIE_SECURE"] and values["CSRF_COOKIE_SECURE"]
        assert values["SECURE_HSTS_SECONDS"] >= 31536000 and values["SECURE_HSTS_INCLUDE_SUBDOMAINS"]
        assert values["SECURE_PROXY_SSL_HEADER"] is None

    def test_make_run_on_plain_http_turns_https_only_settings_off(self, tmp_path):
        values = settings_under(tmp_path, VIGIL_HTTPS="0")
        assert not values["SECURE_SSL_REDIRECT"] and not values["SESSION_COOKIE_SECURE"]
        assert not values["CSRF_COOKIE_SECURE"] and values["SECURE_HSTS_SECONDS"] == 0
        assert values["DEBUG"] is False

    def test_every_deployment_setting_comes_from_the_environment(self, tmp_path):
        values = settings_under(
            tmp_path,
            ALLOWED_HOSTS="vigil.example.nhs.uk, localhost",
            CSRF_TRUSTED_ORIGINS="https://vigil.example.nhs.uk",
            SECURE_PROXY_SSL_HEADER="1",
            SECURE_HSTS_SECONDS="600",
            SECURE_HSTS_PRELOAD="0",
            SECURE_SSL_REDIRECT="0",
        )
        assert values["ALLOWED_HOSTS"] == ["vigil.example.nhs.uk", "localhost"]
        assert values["CSRF_TRUSTED_ORIGINS"] == ["https://vigil.example.nhs.uk"]
        assert values["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
        assert values["SECURE_HSTS_SECONDS"] == 600 and values["SECURE_HSTS_PRELOAD"] is False
        assert values["SECURE_SSL_REDIRECT"] is False and values["SESSION_COOKIE_SECURE"] is True


def test_check_deploy_with_production_settings_gives_no_warning(tmp_path):
    result = run_django(
        tmp_path,
        ["check", "--deploy", "--fail-level", "WARNING"],
        DEBUG="0",
        SECRET_KEY=STRONG_KEY,
        ALLOWED_HOSTS="vigil.example.nhs.uk",
        CSRF_TRUSTED_ORIGINS="https://vigil.example.nhs.uk",
        SECURE_PROXY_SSL_HEADER="1",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


class TestBehindATlsProxy:
    """The proxy ends TLS and forwards plain http with X-Forwarded-Proto: https."""

    HOST = "vigil.example.nhs.uk"

    def sign_in(self, world):
        client = Client(enforce_csrf_checks=True)
        headers = {"HTTP_HOST": self.HOST, "HTTP_X_FORWARDED_PROTO": "https"}
        client.get("/sign-in/", **headers)
        token = client.cookies["csrftoken"].value
        return client.post(
            "/sign-in/",
            {"username": "designated", "password": "a-test-password-1", "csrfmiddlewaretoken": token},
            HTTP_ORIGIN=f"https://{self.HOST}",
            HTTP_REFERER=f"https://{self.HOST}/sign-in/",
            **headers,
        )

    def test_sign_in_works_when_the_proxy_header_is_trusted(self, world, settings):
        settings.ALLOWED_HOSTS = [self.HOST]
        settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
        response = self.sign_in(world)
        assert response.status_code == 302 and response["Location"] == "/"

    def test_without_the_proxy_header_setting_the_csrf_check_refuses_it(self, world, settings):
        settings.ALLOWED_HOSTS = [self.HOST]
        settings.SECURE_PROXY_SSL_HEADER = None
        response = self.sign_in(world)
        assert response.status_code == 403 and world.user(Role.DESIGNATED).last_login is None


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
@pytest.mark.parametrize(
    "host, https",
    [("127.0.0.1:8000", "0"), ("localhost:8080", "0"), ("[::1]:8000", "0"), ("0.0.0.0:8000", "1"), ("10.1.2.3:8", "1")],
)
def test_make_run_serves_plain_http_only_on_a_loopback_address(host, https):
    env = {k: v for k, v in os.environ.items() if k != "VIGIL_HTTPS"}
    target = "print-https: ; @echo $(VIGIL_HTTPS)"
    result = subprocess.run(  # noqa: S603
        ["make", "--no-print-directory", "--eval", target, "print-https", f"HOST={host}"],  # noqa: S607
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.stdout.strip() == https, result.stderr
