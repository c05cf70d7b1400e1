"""Shared API pieces: the scoped permission, strict serializers, the scoped viewset.

Viewsets validate, fetch through `restrict`, call an action and respond; they never repeat
a domain rule. Unknown fields are refused; validation errors from actions come back as
HTTP 400 with field errors; there is no DELETE (records are archived: POST …/archive/).
"""

import datetime as dt

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from django.db.models import ProtectedError
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import MethodNotAllowed, PermissionDenied
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.views import set_rollback

from core import actions as tracker
from core.api_versioning import VersionedAutoSchema, VersionedViewSetMixin
from core.bounds import column_range
from core.conflicts import CONFLICT_MESSAGE, is_unique_violation
from core.filters import TrackedActionFilter
from core.models import STANDALONE_ACTION_ROLES, ActionUpdate, TrackedAction
from core.rules import STANDALONE_SOURCES, smart_action_problems
from core.scoping import VIEW, allowed_organisations
from core.versioning import Versioned


def exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        return Response(detail, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, ProtectedError):
        return Response(
            {"detail": "This record has history and cannot be deleted: archive it instead."},
            status=status.HTTP_409_CONFLICT,
        )
    if is_unique_violation(exc):
        set_rollback()
        return Response({"detail": CONFLICT_MESSAGE}, status=status.HTTP_409_CONFLICT)
    return drf_exception_handler(exc, context)


class StrictSerializer(serializers.ModelSerializer):
    """Refuses fields it does not know, naming each one. A versioned record's `version` is shown
    (read-only: it is checked by the viewset, see VersionedViewSetMixin)."""

    def get_field_names(self, declared_fields, info):
        names = list(super().get_field_names(declared_fields, info))
        if issubclass(self.Meta.model, Versioned) and "version" not in names:
            names.append("version")
        return names

    def get_extra_kwargs(self):
        extra = super().get_extra_kwargs()
        if issubclass(self.Meta.model, Versioned):
            extra["version"] = {**extra.get("version", {}), "read_only": True}
        return extra

    def to_internal_value(self, data):
        if hasattr(data, "keys"):
            unknown = sorted(set(data.keys()) - set(self.fields))
            if unknown:
                raise serializers.ValidationError({name: ["Unknown field."] for name in unknown})
        return super().to_internal_value(data)

    def get_fields(self):
        """A read-only choice that may be blank says so, so the published enum includes ""."""
        fields = super().get_fields()
        model_fields = {f.name: f for f in self.Meta.model._meta.concrete_fields}
        for name, field in fields.items():
            model_field = model_fields.get(field.source or name)
            if isinstance(field, serializers.ChoiceField) and field.read_only and model_field and model_field.blank:
                field.allow_blank = True
        return fields

    def build_standard_field(self, field_name, model_field):
        """Integer fields accept what their column holds on PostgreSQL, on every database: a bigger
        number is a 400 naming the field (SQLite would otherwise store or overflow)."""
        field_class, kwargs = super().build_standard_field(field_name, model_field)
        if isinstance(model_field, models.IntegerField) and not kwargs.get("read_only"):
            low, high = column_range(model_field)
            kwargs["min_value"] = max(kwargs.get("min_value", low), low)
            kwargs["max_value"] = min(kwargs.get("max_value", high), high)
        return field_class, kwargs


@extend_schema_field(OpenApiTypes.INT)
class ScopedOrganisationField(serializers.PrimaryKeyRelatedField):
    """An organisation the requesting user may see; any other id reads as 'does not exist'."""

    def get_queryset(self):
        return allowed_organisations(self.context["request"].user)


@extend_schema_field(OpenApiTypes.INT)  # an id, also in a serializer without a model to read its type from
class ScopedRelatedField(serializers.PrimaryKeyRelatedField):
    """A link to another scoped record: only records the user may see; any other id reads as 'does not exist'."""

    def __init__(self, model, **kwargs):
        self.scoped_model = model
        super().__init__(**kwargs)

    def get_queryset(self):
        return self.scoped_model.objects.restrict(self.context["request"].user)


class CodeField(serializers.SlugRelatedField):
    """A reference-data record named by its code; a code holding a NUL byte is refused, not sent to the database."""

    def __init__(self, **kwargs):
        super().__init__(slug_field="code", **kwargs)

    def to_internal_value(self, data):
        if isinstance(data, str) and "\x00" in data:
            self.fail("does_not_exist", slug_name=self.slug_field, value=data.replace("\x00", ""))
        return super().to_internal_value(data)


def days_remaining(due, today):
    """Calendar days from `today` to a due date (or the day of a due date-time): negative once overdue,
    None without a due date."""
    if due is None:
        return None
    day = timezone.localtime(due).date() if isinstance(due, dt.datetime) else due
    return (day - today).days


CLOCK_STATUSES = ["done", "due", "due_today", "overdue", "outstanding"]


class ClockSerializer(serializers.Serializer):
    """A computed clock of a record (read-only, worked out on every read with the ICB's working-day calendar):
    what must be done, by when, whether it is done, and how long is left."""

    label = serializers.CharField(read_only=True, help_text="What must be done.")
    due_date = serializers.DateField(read_only=True, allow_null=True, help_text="Null: no deadline in the sources.")
    due_at = serializers.DateTimeField(
        read_only=True, allow_null=True, help_text="For a clock counted in hours: the moment it falls due."
    )
    window_starts_on = serializers.DateField(read_only=True, allow_null=True)
    done_on = serializers.DateField(read_only=True, allow_null=True)
    status = serializers.ChoiceField(choices=CLOCK_STATUSES, read_only=True)
    days_remaining = serializers.IntegerField(
        read_only=True, allow_null=True, help_text="Calendar days to the due date; negative once overdue."
    )
    overdue = serializers.BooleanField(read_only=True)


def clock_data(*, label, due, done, status, today, window_start=None):
    due_at = due if isinstance(due, dt.datetime) else None
    due_date = timezone.localtime(due).date() if due_at else due
    done_on = timezone.localtime(done).date() if isinstance(done, dt.datetime) else done
    return {
        "label": label,
        "due_date": due_date,
        "due_at": due_at,
        "window_starts_on": window_start,
        "done_on": done_on,
        "status": status,
        "days_remaining": None if done else days_remaining(due, today),
        "overdue": status == "overdue",
    }


ARCHIVE_NOT_DELETE = "Records with history are archived, not deleted: POST to archive/."


class ScopedViewSet(
    VersionedViewSetMixin,
    mixins.CreateModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    mixins.ListModelMixin,
    viewsets.GenericViewSet,
):
    """A model viewset whose every query goes through `restrict` and every write through an action.

    Subclasses name `create_action`, `update_action` and `archive_action`
    (functions from their app's actions.py, wrapped in staticmethod). There is no DELETE: records are archived
    (POST …/archive/), so no route or schema operation offers it, and a DELETE is a 405 that says so.
    """

    create_action = update_action = archive_action = None
    schema = VersionedAutoSchema()
    http_method_names = ["get", "post", "patch", "put", "head", "options"]

    @classmethod
    def get_extra_actions(cls):
        """No archive/ route for a viewset without an archive action."""
        extra = super().get_extra_actions()
        return [a for a in extra if a.__name__ != "archive" or cls.archive_action is not None]

    def get_queryset(self):
        return super().get_queryset().restrict(self.request.user, VIEW)

    def perform_create(self, serializer):
        self._check_change_scope(serializer.validated_data)
        serializer.instance = self.create_action(acting_user=self.request.user, **serializer.validated_data)

    def perform_update(self, serializer):
        self._check_change_scope(serializer.validated_data)
        serializer.instance = self.update_action(
            serializer.instance, acting_user=self.request.user, **serializer.validated_data
        )

    def http_method_not_allowed(self, request, *args, **kwargs):
        if request.method == "DELETE":
            raise MethodNotAllowed("DELETE", detail=ARCHIVE_NOT_DELETE)
        return super().http_method_not_allowed(request, *args, **kwargs)

    @action(detail=True, methods=["post"])
    def archive(self, request, pk=None):
        instance = self.get_object()
        self.archive_action(instance, acting_user=request.user)
        return Response(self.get_serializer(instance).data)

    def _check_change_scope(self, data):
        model = self.queryset.model
        organisation = _target_organisation(model, data)
        if (
            organisation is not None
            and not allowed_organisations(self.request.user).filter(pk=organisation.pk).exists()
        ):
            raise PermissionDenied("You cannot change records of this organisation.")


def _target_organisation(model, data):
    scope = model.access.scope
    return data.get(scope.split("__")[0]) if scope else data.get("parent")


class ActionUpdateSerializer(serializers.ModelSerializer):
    author = serializers.StringRelatedField()

    class Meta:
        model = ActionUpdate
        fields = ["id", "author", "note", "status", "created_at"]


def smart_action_serializer_fields(**options):
    """The four SMART fields of a tracked action for the API, every one required (in the schema and in validation),
    with the messages of the one SMART rule (core.rules.smart_action_problems), as core.forms.smart_action_fields
    does for the pages. A blank, null or missing field is a 400 naming it; a past due date is refused by the action.
    `options` (e.g. write_only=True) apply to all four."""
    blank = smart_action_problems(title="", owner="", due_date=None, success_measure="", today=None)

    def text(name, **kwargs):
        messages = {"required": blank[name], "blank": blank[name], "null": blank[name]}
        return serializers.CharField(error_messages=messages, **kwargs, **options)

    return {
        "title": text("title", help_text="What will be done."),
        "owner": text("owner", max_length=150, help_text="The person or post responsible."),
        "due_date": serializers.DateField(
            error_messages={"required": blank["due_date"], "null": blank["due_date"]},
            help_text="Not in the past.",
            **options,
        ),
        "success_measure": text("success_measure", help_text="How success will be measured."),
    }


class TrackedActionSerializer(StrictSerializer):
    """An action as read; POST here raises one from an inspection or visit (`arising_from`, `occasion`).
    `source_kind` and `source_label` are read-only: the server sets them from the real source record
    (actions from returns, assessments, reviews and incidents are raised on those records' endpoints)."""

    organisation = ScopedOrganisationField()
    arising_from = serializers.ChoiceField(choices=[(c.value, c.label) for c in STANDALONE_SOURCES], write_only=True)
    occasion = serializers.CharField(max_length=250, write_only=True, help_text="Which inspection or visit.")
    is_overdue = serializers.BooleanField(read_only=True)
    updates = ActionUpdateSerializer(many=True, read_only=True)
    title, owner, due_date, success_measure = smart_action_serializer_fields().values()

    class Meta:
        model = TrackedAction
        fields = [
            "id",
            "organisation",
            "source_kind",
            "source_label",
            "arising_from",
            "occasion",
            "title",
            "owner",
            "due_date",
            "success_measure",
            "status",
            "is_overdue",
            "evidence",
            "completed_at",
            "verified_at",
            "updates",
        ]
        read_only_fields = ["source_kind", "source_label", "status", "evidence", "completed_at", "verified_at"]

    def to_internal_value(self, data):
        if hasattr(data, "keys"):
            forged = sorted({"source_kind", "source_label"} & set(data.keys()))
            if forged:
                message = "Set by the server from the record the action is raised from."
                raise serializers.ValidationError({name: [message] for name in forged})
        return super().to_internal_value(data)


class NoteSerializer(serializers.Serializer):
    note = serializers.CharField(allow_blank=True)


class EvidenceSerializer(serializers.Serializer):
    evidence = serializers.CharField(allow_blank=True)


class TrackedActionViewSet(ScopedViewSet):
    """Actions from every module, each readable only by those who may read its source record.
    POST creates an action from an inspection or visit (source: the organisation; the ICB team only);
    progress, completion, verification and reopening are their own endpoints."""

    queryset = TrackedAction.objects.select_related("organisation").prefetch_related("updates__author")
    serializer_class = TrackedActionSerializer
    filterset_class = TrackedActionFilter
    http_method_names = ["get", "post", "head", "options"]

    def create(self, request, *args, **kwargs):
        if request.user.role not in STANDALONE_ACTION_ROLES:
            raise PermissionDenied("Only the ICB safeguarding team raises an action from an inspection or visit.")
        return super().create(request, *args, **kwargs)

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        self._check_change_scope(data)
        serializer.instance = tracker.do_create_standalone_action(acting_user=self.request.user, **data)

    def _step(self, request, serializer_class, step):
        action_record = self.get_object()
        payload = serializer_class(data=request.data)
        payload.is_valid(raise_exception=True)
        step(action_record, acting_user=request.user, **payload.validated_data)
        return Response(self.get_serializer(self.get_queryset().get(pk=action_record.pk)).data)

    @extend_schema(request=NoteSerializer)
    @action(detail=True, methods=["post"])
    def progress(self, request, pk=None):
        return self._step(request, NoteSerializer, tracker.do_record_progress)

    @extend_schema(request=EvidenceSerializer)
    @action(detail=True, methods=["post"])
    def complete(self, request, pk=None):
        return self._step(request, EvidenceSerializer, tracker.do_complete_action)

    @extend_schema(request=None)
    @action(detail=True, methods=["post"])
    def verify(self, request, pk=None):
        return self._step(request, serializers.Serializer, tracker.do_verify_action)

    @extend_schema(request=NoteSerializer)
    @action(detail=True, methods=["post"])
    def reopen(self, request, pk=None):
        return self._step(request, NoteSerializer, tracker.do_reopen_action)


def register(router):
    """Core's viewsets (the shared action tracker) on the /api/v1/ router."""
    router.register("actions", TrackedActionViewSet)
