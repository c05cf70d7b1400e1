"""Vigil settings: one file, driven by environment variables.

SQLite under var/ is the embedded default; set DATABASE_URL for PostgreSQL
(e.g. postgres://vigil@127.0.0.1:5432/vigil).
"""

import json
import os
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF

from config.secret_key import secret_key, signals_key

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("VIGIL_VAR_DIR", BASE_DIR / "var"))


def env_bool(name, default=False):
    return os.environ.get(name, str(default)).lower() in {"1", "true", "yes", "on"}


def env_int(name, default):
    return int(os.environ.get(name, default))


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


# --- Deployment security (docs/deployment.md lists every variable) ------------------------------
# Secure by default: DEBUG off, HTTPS-only cookies, SSL redirect and HSTS. `make run` on a loopback
# address sets VIGIL_HTTPS=0 because it serves plain http; `make dev` also sets DEBUG=1.
DEBUG = env_bool("DEBUG", False)
SECRET_KEY = secret_key(environ_value=os.environ.get("SECRET_KEY"), key_file=VAR_DIR / "secret_key", debug=DEBUG)
# Encrypts NHS numbers at rest in signals/ and keys their matching hash (docs/signals.md).
SIGNALS_KEY = signals_key(
    environ_value=os.environ.get("VIGIL_SIGNALS_KEY"), key_file=VAR_DIR / "signals_key", debug=DEBUG
)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
HTTPS = env_bool("VIGIL_HTTPS", True)
if env_bool("SECURE_PROXY_SSL_HEADER", False):
    # Only behind a proxy that sets X-Forwarded-Proto itself and strips it from clients' requests.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", HTTPS)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 365 * 24 * 3600 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", HTTPS)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", HTTPS)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", HTTPS)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", HTTPS)
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CSRF_FAILURE_VIEW = "core.errors.csrf_failure"
# Content Security Policy: every script, style, font, image and request from this origin only.
# No inline script or style attribute anywhere (core/tests/test_security_headers.py checks every page).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}
# --- end of deployment security -------------------------------------------------------------------

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "auditlog",
    "axes",
    "csp",
    "core",
    "organisations",
    "assurance",
    "returns",
    "reviews",
    "casework",
    "governance",
    "workforce",
    "regions",
    "reporting",
    "signals",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "core.middleware.NoStoreMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "auditlog.middleware.AuditlogMiddleware",
    "axes.middleware.AxesMiddleware",
    "core.versioning.StaleEditMiddleware",  # no lost update: a save that meets another one at the same moment
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "core.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("DB_CONN_MAX_AGE", 0),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["TEST"] = {"NAME": os.environ.get("TEST_DATABASE_NAME", "test_vigil")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Concurrent writers wait (up to SQLITE_BUSY_TIMEOUT seconds) instead of failing with "database is
    # locked": WAL lets readers run beside the writer, and IMMEDIATE takes the write lock when a
    # transaction begins, so a transaction never has to upgrade its lock midway (which cannot wait).
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL",
        "transaction_mode": "IMMEDIATE",
        "timeout": env_int("SQLITE_BUSY_TIMEOUT", 20),
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "core.User"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Lockout after repeated failures (django-axes): 5 failures lock the username for 30 minutes.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("AXES_COOLOFF_MINUTES", 30) / 60
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True

# Sessions expire after 30 idle minutes and when the browser closes.
SESSION_COOKIE_AGE = env_int("SESSION_IDLE_MINUTES", 30) * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d/%m/%Y", "%d %m %Y"]

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATICFILES_DIRS = [
    ("nhsuk", BASE_DIR / "node_modules" / "nhsuk-frontend" / "dist" / "nhsuk"),
    ("vigil-build", BASE_DIR / "build" / "static"),
    BASE_DIR / "static",
]
# WhiteNoise serves the collected files (make run runs collectstatic) with far-future caching of
# the hashed names; the test settings use the plain storage, which needs no collectstatic.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
MEDIA_URL = "/media/"

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "core.authentication.ExpiringTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["core.permissions.ScopedPermission"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "core.pagination.BoundedLimitOffsetPagination",
    "PAGE_SIZE": 100,
    "DEFAULT_PARSER_CLASSES": [
        "core.parsers.DepthLimitedJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_SCHEMA_CLASS": "core.schema.ModuleAutoSchema",
    "EXCEPTION_HANDLER": "core.api.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Vigil API",
    "DESCRIPTION": "Safeguarding accountability and assurance for Integrated Care Boards.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "validatorUrl": None},  # no call to validator.swagger.io
    "REDOC_DIST": "SIDECAR",
    # One name per choice set shared by several fields (check --deploy warns otherwise).
    "ENUM_NAME_OVERRIDES": {
        "AbuseCategoryEnum": "casework.choices.AbuseCategory",
        "AllegationCategoryEnum": "casework.choices.AllegationCategory",
        "AllegationOutcomeEnum": "casework.choices.AllegationOutcome",
        "ConcernKindEnum": "casework.choices.ConcernKind",
        "ReturnStatusEnum": "returns.choices.ReturnStatus",
        "ActionStatusEnum": "core.choices.ActionStatus",
        "DecisionOutcomeEnum": "reviews.choices.DecisionOutcome",
        "MilestoneDateEnum": "reviews.choices.BASE_DATE_CHOICES",
        "MonitoringCheckOutcomeEnum": "governance.choices.CheckOutcome",
        "RegulatorRatingEnum": "assurance.choices.RegulatorRating",
        "SignalTaskStatusEnum": "signals.choices.TaskStatus",
        "SignalOutcomeEnum": "signals.choices.Outcome",
    },
}

AUDITLOG_INCLUDE_ALL_MODELS = False

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "vigil@example.invalid")
# SMTP for password-reset and reminder e-mails (with EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend).
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

# Domain settings. Each module keeps its defaults, with the source policy of each, in
# `<app>/conf.py` (README, "Settings"). Override any of them here or with an environment
# variable VIGIL_<KEY> holding a JSON value, e.g. VIGIL_CASEWORK_REFERRAL_FOLLOW_UP_HOURS=24.
VIGIL = {
    # Days before a contract's end date when it shows as "ending soon" on the home page.
    "CONTRACT_ENDING_SOON_DAYS": 90,
}
for _name, _raw in os.environ.items():
    if _name.startswith("VIGIL_") and _name not in {"VIGIL_VAR_DIR", "VIGIL_HTTPS", "VIGIL_SIGNALS_KEY"}:
        try:
            VIGIL[_name.removeprefix("VIGIL_")] = json.loads(_raw)
        except json.JSONDecodeError:
            VIGIL[_name.removeprefix("VIGIL_")] = _raw

# Lockout is per username on purpose: NHS offices share one outgoing IP address, so locking
# by address would lock out a whole building after one person's mistakes.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]

# Single sign-on and second factor (docs/sign-in.md) ---------------------------------------------
# Single sign-on by OpenID Connect (mozilla-django-oidc) is off until a client ID, a client secret and
# the provider's endpoints are set. OIDC_ENTRA_TENANT_ID fills in Microsoft Entra ID's endpoints; any
# OIDC_OP_* variable overrides them (another provider: set every OIDC_OP_* variable).
# Sign-in never creates a user: it signs in the one existing active user with the verified e-mail.
_ENTRA_TENANT = os.environ.get("OIDC_ENTRA_TENANT_ID", "")


def _entra(path):
    return f"https://login.microsoftonline.com/{_ENTRA_TENANT}/{path}" if _ENTRA_TENANT else ""


OIDC_RP_CLIENT_ID = os.environ.get("OIDC_RP_CLIENT_ID", "")
OIDC_RP_CLIENT_SECRET = os.environ.get("OIDC_RP_CLIENT_SECRET", "")
OIDC_OP_AUTHORIZATION_ENDPOINT = os.environ.get("OIDC_OP_AUTHORIZATION_ENDPOINT", _entra("oauth2/v2.0/authorize"))
OIDC_OP_TOKEN_ENDPOINT = os.environ.get("OIDC_OP_TOKEN_ENDPOINT", _entra("oauth2/v2.0/token"))
OIDC_OP_JWKS_ENDPOINT = os.environ.get("OIDC_OP_JWKS_ENDPOINT", _entra("discovery/v2.0/keys"))
OIDC_OP_ISSUER = os.environ.get("OIDC_OP_ISSUER", _entra("v2.0"))
# Empty: the claims come from the signed ID token only (Entra's userinfo endpoint lacks e-mail verification).
OIDC_OP_USER_ENDPOINT = os.environ.get("OIDC_OP_USER_ENDPOINT", "")
OIDC_RP_SIGN_ALGO = os.environ.get("OIDC_RP_SIGN_ALGO", "RS256")
OIDC_RP_SCOPES = "openid email profile"
OIDC_EMAIL_VERIFIED_CLAIMS = os.environ.get("OIDC_EMAIL_VERIFIED_CLAIMS", "email_verified,xms_edov").split(",")
OIDC_CREATE_USER = False
OIDC_USE_NONCE = True
OIDC_USE_PKCE = True
OIDC_TIMEOUT = env_int("OIDC_TIMEOUT_SECONDS", 10)
AUTHENTICATION_BACKENDS += ["core.sso.SingleSignOnBackend"]

# A TOTP second factor (django-otp) for local accounts that can read a restricted register
# (core.second_factor.needs_second_factor). Wrong codes slow down: 1, 2, 4, 8 ... seconds between tries.
INSTALLED_APPS += ["django_otp", "django_otp.plugins.otp_totp"]
_AFTER_AUTHENTICATION = MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1
MIDDLEWARE[_AFTER_AUTHENTICATION:_AFTER_AUTHENTICATION] = [
    "django_otp.middleware.OTPMiddleware",
    "core.second_factor.SecondFactorMiddleware",
    "core.permissions.NhsEnglandGateMiddleware",  # NHS England's roles reach the roll-ups only
]
OTP_TOTP_ISSUER = os.environ.get("OTP_TOTP_ISSUER", "Vigil")
OTP_TOTP_THROTTLE_FACTOR = 1
