"""Single sign-on through the organisation's identity provider (OpenID Connect, mozilla-django-oidc).

The provider (for NHS organisations, Microsoft Entra ID) proves who the person is; Vigil decides
what they may do. So sign-in never creates a user or grants a role: the signed ID token's verified
e-mail must match exactly one existing active user (case-insensitively), who is then signed in.
Every refusal names its reason on a page; every success is audited. Configuration: config/settings.py
("Single sign-on and second factor") and docs/sign-in.md.
"""

import logging

import jwt
import requests
from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import SuspiciousOperation
from django.http import Http404
from django.shortcuts import render
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from core.audit import log_sign_in
from core.models import User
from core.second_factor import mark_strongly_authenticated

logger = logging.getLogger(__name__)

REQUIRED_SETTINGS = (
    "OIDC_RP_CLIENT_ID",
    "OIDC_RP_CLIENT_SECRET",
    "OIDC_OP_AUTHORIZATION_ENDPOINT",
    "OIDC_OP_TOKEN_ENDPOINT",
    "OIDC_OP_JWKS_ENDPOINT",
)
# Why a sign-in was refused: the reason is shown to the person, who takes it to their administrator.
NOT_SET_UP, AMBIGUOUS, UNVERIFIED, FAILED = "not-set-up", "ambiguous", "unverified", "failed"
CLOCK_SKEW_SECONDS = 60


def sso_enabled():
    return all(getattr(settings, name, "") for name in REQUIRED_SETTINGS)


def email_is_verified(claims):
    """The provider vouches for the address: a standard `email_verified` claim, or Entra ID's
    `xms_edov` (the e-mail's domain is verified by the tenant), as configured."""
    return any(claims.get(name) in (True, "true", "True", "1", 1) for name in settings.OIDC_EMAIL_VERIFIED_CLAIMS)


def refuse(request, reason, *, email="", detail=""):
    request.sso_refusal = reason
    request.sso_refusal_email = email
    logger.warning("Single sign-on refused (%s) %s %s", reason, email, detail)


class SingleSignOnBackend(OIDCAuthenticationBackend):
    """Matches the identity provider's verified e-mail to one existing active user; never creates one."""

    def authenticate(self, request, **kwargs):
        if request is None or "nonce" not in kwargs or not sso_enabled():
            return None  # a password sign-in, or single sign-on is off
        try:
            return super().authenticate(request, **kwargs)
        except (SuspiciousOperation, requests.RequestException, jwt.PyJWTError, KeyError, ValueError) as error:
            refuse(request, FAILED, detail=repr(error))
            return None

    def _verify_jws(self, payload, key):
        """Unlike the library, also check the audience, the issuer (when configured) and expiry."""
        if jwt.get_unverified_header(payload).get("alg") != self.OIDC_RP_SIGN_ALGO:
            raise SuspiciousOperation("The token is not signed with the configured algorithm.")
        return jwt.decode(
            payload,
            key,
            algorithms=[self.OIDC_RP_SIGN_ALGO],
            audience=self.OIDC_RP_CLIENT_ID,
            issuer=settings.OIDC_OP_ISSUER or None,
            leeway=CLOCK_SKEW_SECONDS,
            options={"require": ["exp", "iat", "aud", "sub"]},
        )

    def get_userinfo(self, access_token, id_token, payload):
        """The signed ID token's claims, with the userinfo endpoint's when one is configured."""
        if not self.OIDC_OP_USER_ENDPOINT:
            return dict(payload)
        userinfo = super().get_userinfo(access_token, id_token, payload)
        if userinfo.get("sub") != payload.get("sub"):
            raise SuspiciousOperation("The userinfo response is about another subject.")
        return {**payload, **userinfo}

    def get_or_create_user(self, access_token, id_token, payload):
        claims = self.get_userinfo(access_token, id_token, payload)
        email = str(claims.get("email") or "").strip()
        if not email or not email_is_verified(claims):
            return refuse(self.request, UNVERIFIED, email=email)
        users = list(User.objects.filter(email__iexact=email, is_active=True)[:2])
        if not users:
            return refuse(self.request, NOT_SET_UP, email=email)
        if len(users) > 1:
            return refuse(self.request, AMBIGUOUS, email=email)
        return users[0]

    def get_user(self, user_id):
        return ModelBackend.get_user(self, user_id)  # the library's skips the is_active check


class SingleSignOnStartView(OIDCAuthenticationRequestView):
    """Sends the browser to the identity provider (with state, nonce and PKCE)."""

    def dispatch(self, request, *args, **kwargs):
        if not sso_enabled():
            raise Http404("Single sign-on is not configured.")
        return super().dispatch(request, *args, **kwargs)


class SingleSignOnCallbackView(OIDCAuthenticationCallbackView):
    """Where the identity provider sends the browser back: sign in, or a page saying why not."""

    def dispatch(self, request, *args, **kwargs):
        if not sso_enabled():
            raise Http404("Single sign-on is not configured.")
        return super().dispatch(request, *args, **kwargs)

    def get(self, request):
        try:
            return super().get(request)
        except SuspiciousOperation as error:  # an unknown or replayed state
            refuse(request, FAILED, detail=repr(error))
            return self.login_failure()

    def login_success(self):
        response = super().login_success()
        mark_strongly_authenticated(self.request, "single sign-on")
        log_sign_in(self.request, self.user, "single sign-on")
        return response

    def login_failure(self):
        reason = getattr(self.request, "sso_refusal", FAILED)
        if self.request.GET.get("error"):
            logger.warning("Identity provider answered %s", self.request.GET.get("error"))
        context = {"reason": reason, "email": getattr(self.request, "sso_refusal_email", "")}
        return render(self.request, "registration/sso_refused.html", context, status=403)
