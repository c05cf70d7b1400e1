"""The one scoping mechanism: what a user may see and change.

Every model that holds organisation data declares an `Access` (which roles may view and
change it, and the path from the model to its Organisation) and uses `ScopedQuerySet`.
Pages, the API, exports and jobs all fetch through `Model.objects.restrict(user, action)`:
- ICB staff see the records of every organisation their ICB commissions or works with;
- a provider user sees only its own organisation (and that organisation's sites);
- a role not named for the action sees nothing (NHS England's regional and national roles are named by no ICB
  or provider record: they read the roll-ups of regions/, scoped by `regions.scoping`);
- a record that follows another record (`Access.source`, e.g. a tracked action raised from a
  serious incident) is seen only by the roles that may read that record's model: the
  restricted casework registers' reader rules reach the tracker, its API, home and audit pages.
"""

from dataclasses import dataclass

from django.apps import apps
from django.db import models

from core.choices import REGIONAL_ROLES, Role

VIEW, CHANGE = "view", "change"


@dataclass(frozen=True)
class Access:
    scope: str
    view: frozenset
    change: frozenset = frozenset()
    # Path to a ContentType naming the record this one follows (a generic source): when set, only
    # roles that may view the source's model see the record, whatever `view` says.
    source: str = ""

    def roles(self, action):
        return self.view if action == VIEW else self.change

    def org_lookup(self, suffix):
        return f"{self.scope}__{suffix}" if self.scope else suffix


def allowed_organisations(user):
    """The organisations whose records `user` may see, as a queryset."""
    organisation_model = apps.get_model("organisations", "Organisation")
    if not _has_scope(user) or user.role in REGIONAL_ROLES:  # NHS England reads aggregates only (regions/)
        return organisation_model.objects.none()
    if user.role == Role.PROVIDER:
        own = user.organisation_id
        return organisation_model.objects.filter(models.Q(pk=own) | models.Q(parent_id=own))
    return organisation_model.objects.filter(icb_id=user.organisation.icb_id)


def restrict(queryset, user, action=VIEW):
    access = queryset.model.access
    if not _has_scope(user) or user.role not in access.roles(action):
        return queryset.none()
    if access.source:
        queryset = queryset.exclude(**{f"{access.source}__in": unreadable_types(user.role)})
    if user.role == Role.PROVIDER:
        own = user.organisation_id
        return queryset.filter(
            models.Q(**{access.org_lookup("id"): own}) | models.Q(**{access.org_lookup("parent_id"): own})
        )
    return queryset.filter(**{access.org_lookup("icb_id"): user.organisation.icb_id})


def unreadable_types(role):
    """ContentType ids of every scoped model that `role` may not view (e.g. the casework registers for
    the board): the records that follow one of them (`Access.source`) are hidden from `role` too."""
    from django.contrib.contenttypes.models import ContentType

    scoped = [m for m in apps.get_models() if isinstance(getattr(m, "access", None), Access)]
    hidden = [m for m in scoped if role not in m.access.view]
    return sorted(ct.pk for ct in ContentType.objects.get_for_models(*hidden).values())


def hidden_by_source(queryset, user):
    """The records of `queryset` that `user` may not read because of their source (see `Access.source`)."""
    source = queryset.model.access.source
    return queryset.filter(**{f"{source}__in": unreadable_types(getattr(user, "role", None))})


def can(user, model, action, organisation=None):
    """May `user` take `action` on `model` records (of `organisation`, when given)?"""
    if not _has_scope(user) or user.role not in model.access.roles(action):
        return False
    return organisation is None or allowed_organisations(user).filter(pk=organisation.pk).exists()


def _has_scope(user):
    return bool(
        user is not None
        and user.is_authenticated
        and user.is_active
        and getattr(user, "role", "")
        and user.organisation_id
    )


def icb_id_of(instance):
    """The ICB a record belongs to, following its model's scope path to the organisation."""
    organisation = instance
    for step in filter(None, instance.access.scope.split("__")):
        organisation = getattr(organisation, step, None)
    return getattr(organisation, "icb_id", None)


class AuditScopeMixin:
    """Stamps every audit entry with the record's ICB, so the audit trail is scoped like the data."""

    def get_additional_data(self):
        return {"icb": icb_id_of(self)}


class ScopedQuerySet(models.QuerySet):
    def restrict(self, user, action=VIEW):
        return restrict(self, user, action)
