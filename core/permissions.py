"""The API's permission class, kept apart from core.api because DRF imports it at start-up."""

from rest_framework import permissions

from core.scoping import CHANGE, VIEW


class ScopedPermission(permissions.BasePermission):
    """Role rights come from the model's `access`; object rights from `restrict`."""

    def has_permission(self, request, view):
        user = request.user
        if not (user and user.is_authenticated and getattr(user, "role", "")):
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
