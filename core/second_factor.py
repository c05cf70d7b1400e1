"""The second factor: who needs one, whether this session has it, and the middleware that holds a
signed-in user at the second-factor pages until it has.

A session has strong authentication when
- the user entered a code from their TOTP device in this session (django-otp's `is_verified()`), or
- the user signed in through the organisation's identity provider (single sign-on): Microsoft Entra ID
  applies the organisation's own multi-factor policy, so Vigil does not ask again (docs/sign-in.md).
A local (password) account needs a second factor when it can read a restricted register; any other
account that has set up a device (opted in) is asked for a code too.
API requests with a token are not affected: a token is issued to a user, not taken from a session.
"""

from functools import cache
from urllib.parse import urlencode

from django.apps import apps
from django.conf import settings
from django.db import transaction
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django_otp import login as otp_login
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.audit import log_sign_in

# Set on sign-in by single sign-on (value "single sign-on"); tests' force_login sets it too.
STRONG_AUTHENTICATION_SESSION_KEY = "vigil_strong_authentication"
DEVICE_NAME = "Authenticator app"


@cache
def restricted_register_readers():
    """Every role that may read at least one restricted register (a model marked `restricted_register`)."""
    roles = set()
    for model in apps.get_models():
        if getattr(model, "restricted_register", False):
            roles |= model.access.view
    return frozenset(roles)


def needs_second_factor(user):
    """Must this user give a second factor after a password? Readers of restricted registers, and
    anyone who can open the Django admin (who could give themselves such a role)."""
    return bool(user.is_staff or user.is_superuser or user.role in restricted_register_readers())


def confirmed_device(user):
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).first()


def totp_code_for_key(key):
    """The code an authenticator app holding `key` (bytes) shows now (30-second steps, 6 digits)."""
    return f"{TOTP(key).token():06d}"


def mark_strongly_authenticated(request, how):
    request.session[STRONG_AUTHENTICATION_SESSION_KEY] = how


def second_factor_pending(request):
    """True while a signed-in user still owes this session a second factor."""
    user = request.user
    if not user.is_authenticated or request.session.get(STRONG_AUTHENTICATION_SESSION_KEY):
        return False
    if user.is_verified():
        return False
    return needs_second_factor(user) or confirmed_device(user) is not None


def unconfirmed_device(user):
    """The device being set up: the same key until it is confirmed, so a reloaded page still matches
    the code already scanned."""
    device = TOTPDevice.objects.devices_for_user(user, confirmed=False).order_by("pk").first()
    return device or TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)


def code_problem(device, code):
    """Check `code` against `device` (counting failures towards the slow-down); the problem, or "".
    The device row is locked meanwhile, so guesses sent in parallel are slowed down one after another
    and one code cannot be used twice."""
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().get(pk=device.pk)
        allowed, details = device.verify_is_allowed()
        if not allowed:
            return _slow_down_message(details)
        if not device.verify_token(code):
            return "That code is not right. Check the time on your phone and enter the code shown now."
    return ""


def _slow_down_message(details):
    locked_until = details.get("locked_until")
    when = f" Try again after {locked_until.astimezone():%H:%M:%S}." if locked_until else ""
    return f"Too many wrong codes in a row ({details.get('failure_count', 0)}).{when}"


def do_confirm_device(request, device):
    """The first correct code confirms the device and verifies this session."""
    with transaction.atomic():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        TOTPDevice.objects.filter(user=device.user, confirmed=False).delete()
    otp_login(request, device)
    log_sign_in(request, device.user, "second factor set up")


def do_verify_session(request, device):
    otp_login(request, device)
    log_sign_in(request, device.user, "second factor")


def do_reset_second_factor(user, *, acting_user=None):
    """Remove every device of `user` (a lost phone): they set up a new one at their next sign-in.
    Returns how many devices were removed."""
    with transaction.atomic():
        removed, _ = TOTPDevice.objects.filter(user=user).delete()
        log_sign_in(None, user, "second factor reset", actor=acting_user)
    return removed


def _token_keywords():
    from rest_framework.settings import api_settings

    classes = api_settings.DEFAULT_AUTHENTICATION_CLASSES
    return {keyword.lower() for keyword in (getattr(cls, "keyword", None) for cls in classes) if keyword}


def is_api_token_request(request):
    """An API call carrying a token: DRF's token authentication then either signs in the token's user
    or refuses, and never falls back to the session (any other header would, so it is not trusted)."""
    scheme = request.META.get("HTTP_AUTHORIZATION", "").split(" ", 1)[0].lower()
    return request.path.startswith("/api/") and scheme in _token_keywords()


def _exempt_paths():
    return {reverse("second-factor-setup"), reverse("second-factor-verify"), reverse("logout"), reverse("healthz")}


class SecondFactorMiddleware:
    """Until the second factor is given, a signed-in user reaches only the second-factor pages and
    sign-out: pages redirect there (keeping where the user was going), the API answers 403."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.second_factor_pending = False
        if is_api_token_request(request):
            return self.get_response(request)
        request.second_factor_pending = second_factor_pending(request)
        if not request.second_factor_pending or self.is_exempt(request.path):
            return self.get_response(request)
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": "Give your second factor on the sign-in pages first."}, status=403)
        return self.redirect_to_second_factor(request)

    @staticmethod
    def is_exempt(path):
        return path in _exempt_paths() or path.startswith(settings.STATIC_URL)

    @staticmethod
    def redirect_to_second_factor(request):
        page = "second-factor-verify" if confirmed_device(request.user) else "second-factor-setup"
        url = reverse(page)
        if request.method == "GET":
            url += "?" + urlencode({"next": request.get_full_path()})
        return redirect(url)
