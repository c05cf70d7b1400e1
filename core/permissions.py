"""Who may reach what, in one place: the API's permission class, and the gate that keeps NHS England's
regional and national roles to the roll-ups (kept apart from core.api because DRF imports it at start-up)."""

from django.core.exceptions import PermissionDenied
from rest_framework import permissions

from core.choices import REGIONAL_ROLES
from core.scoping import CHANGE, VIEW

# Pages every signed-in user needs whatever their role: home, signing in and out, the second factor, their own
# account and API tokens, the API's schema and documentation.
OPEN_TO_EVERY_ROLE = frozenset(
    {
        "home",
        "healthz",
        "login",
        "logout",
        "second-factor-verify",
        "second-factor-setup",
        "oidc_authentication_init",
        "oidc_authentication_callback",
        "account",
        "password_change",
        "password_change_done",
        "api-tokens",
        "api-token-rotate",
        "api-token-revoke",
        "password_reset",
        "password_reset_done",
        "password_reset_confirm",
        "password_reset_complete",
        "api-schema",
        "api-docs",
    }
)


def view_class_of(view_func):
    """The class behind a resolved view function (a Django class-based view or a DRF viewset), or None."""
    return getattr(view_func, "view_class", None) or getattr(view_func, "cls", None)


def may_open(role, url_name, view_class):
    """May a user of `role` open the page or endpoint named `url_name`, served by `view_class`?

    Every ICB and provider role: decided by the view itself (its roles and `restrict`). NHS England's regional and
    national roles: only the pages every role needs and the views that declare `open_to_nhs_england = True` (the
    roll-ups of regions/); every ICB and provider page and endpoint is refused (403), so no casework register, no
    provider's record and no ICB page is reachable from a regional login, whatever the view's own checks say.
    """
    if role not in REGIONAL_ROLES:
        return True
    return url_name in OPEN_TO_EVERY_ROLE or bool(getattr(view_class, "open_to_nhs_england", False))


class NhsEnglandGateMiddleware:
    """Refuses (403) a regional or national user any view `may_open` does not allow (session-signed-in pages and
    API; a token-authenticated API request is refused by ScopedPermission below)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        match = request.resolver_match
        if not may_open(getattr(user, "role", ""), match.url_name if match else None, view_class_of(view_func)):
            raise PermissionDenied("Your role reads the regional and national roll-ups only.")
        return None


class ScopedPermission(permissions.BasePermission):
    """Role rights come from the model's `access`; object rights from `restrict`."""

    def has_permission(self, request, view):
        user = request.user
        if not (user and user.is_authenticated and getattr(user, "role", "")):
            return False
        if not may_open(user.role, None, type(view)):
            return False
        model = getattr(getattr(view, "queryset", None), "model", None)
        if model is None or not hasattr(model, "access"):
            return True
        action_name = VIEW if request.method in permissions.SAFE_METHODS else CHANGE
        return user.role in model.access.roles(action_name)

    def has_object_permission(self, request, view, obj):
        if request.method in permissions.SAFE_METHODS:
            return True
        return type(obj).objects.restrict(request.user, CHANGE).filter(pk=obj.pk).exists()


class PartyPermission(ScopedPermission):
    """For records their parties use whatever their role (a supervision session: the supervisee and the
    supervisor). A role in the model's `party_roles` may call; which records it reads, and which it may change,
    come from the model's `restrict` (which admits the parties), and the model's action checks the fields."""

    def has_permission(self, request, view):
        if super().has_permission(request, view):
            return True
        model = getattr(getattr(view, "queryset", None), "model", None)
        user = request.user
        return bool(user and user.is_authenticated and getattr(user, "role", "") in getattr(model, "party_roles", ()))
