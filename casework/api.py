"""/api/v1/casework/<register>/: one viewset per register, with the pages' restrictions.

Lists return pseudonymous summaries (not logged); GET of one record returns it in full and logs
the view; `GET <register>/export/` returns the XLSX and logs each record; non-readers get 403.
Pseudonym warnings come back as 400 until the request sends `acknowledge_warnings: true`.
"""

from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from casework import actions, exports, registers, reports
from casework.filters import filter_for
from casework.forms import local_authorities_for
from casework.models import EscalationStage, InformationRequest
from core.api import (
    ClockSerializer,
    ScopedOrganisationField,
    ScopedRelatedField,
    ScopedViewSet,
    StrictSerializer,
    clock_data,
    smart_action_serializer_fields,
)
from core.audit import log_access
from core.downloads import xlsx_response
from core.models import working_calendar


class LocalAuthorityField(serializers.PrimaryKeyRelatedField):
    """A local authority of the user's ICB; any other id reads as 'does not exist'."""

    def get_queryset(self):
        return local_authorities_for(self.context["request"].user)


@extend_schema_field(ClockSerializer(many=True))
def get_clocks(serializer, record):
    """The record's clocks as the page shows them (casework.reports.clocks_for): the LADO, follow-up and outcome
    chase due dates and the rest, with the status, days remaining and overdue, computed on every read with the
    ICB's working-day calendar."""
    context = serializer.context
    user = context["request"].user
    if "calendar" not in context:
        context["calendar"] = working_calendar(user.organisation.icb_id) if user.organisation_id else None
        context["now"] = timezone.localtime()
    now = context["now"]
    return [
        clock_data(
            label=clock.label,
            due=clock.due,
            done=clock.done,
            status=clock.status(now),
            today=now.date(),
            window_start=clock.window_start,
        )
        for clock in reports.clocks_for(record, context["calendar"])
    ]


def _serializer(register, fields, name):
    organisation_fields = [
        f.name
        for f in register.model._meta.concrete_fields
        if f.name in fields and f.is_relation and f.related_model._meta.model_name == "organisation"
    ]
    attrs = {
        name_: LocalAuthorityField() if name_ == "local_authority" else ScopedOrganisationField()
        for name_ in organisation_fields
    }
    for field in register.model._meta.concrete_fields:
        if field.name in fields and field.is_relation and field.name not in organisation_fields:
            attrs[field.name] = ScopedRelatedField(field.related_model, allow_null=field.null, required=False)
    attrs["acknowledge_warnings"] = serializers.BooleanField(write_only=True, required=False, default=False)
    attrs["clocks"] = serializers.SerializerMethodField()
    attrs["get_clocks"] = get_clocks
    read_only = ["id", "reference", "archived_at", "clocks"]
    if register.slug == "escalations" and "case_reference" in fields:  # the full record: under which procedure
        attrs["procedure"] = serializers.SlugRelatedField(slug_field="code", read_only=True)
        read_only.append("procedure")
    attrs["Meta"] = type(
        "Meta",
        (),
        {
            "model": register.model,
            "fields": [*read_only, *fields, "acknowledge_warnings"],
            "read_only_fields": read_only,
        },
    )
    return type(name, (StrictSerializer,), attrs)


class StageSerializer(serializers.ModelSerializer):
    acknowledge_warnings = serializers.BooleanField(write_only=True, required=False, default=False)

    class Meta:
        model = EscalationStage
        fields = ["stage", "reached_on", "raised_by", "raised_with", "agreed", "skip_reason", "acknowledge_warnings"]
        extra_kwargs = {"stage": {"min_value": 1, "max_value": 5}}


class InformationRequestSerializer(serializers.ModelSerializer):
    agency = ScopedOrganisationField()

    class Meta:
        model = InformationRequest
        fields = ["id", "agency", "requested_on", "return_by", "returned_on"]
        read_only_fields = ["id", "returned_on"]
        extra_kwargs = {"return_by": {"required": False}}


class RegisterViewSet(ScopedViewSet):
    register = None

    def get_serializer_class(self):
        if self.action == "list":
            return self.summary_serializer
        return self.full_serializer

    def retrieve(self, request, *args, **kwargs):
        instance = self.get_object()
        log_access(request.user, instance, how="view", remote_addr=request.META.get("REMOTE_ADDR"))
        return Response(self.get_serializer(instance).data)

    def perform_create(self, serializer):
        serializer.validated_data.setdefault("acknowledge_warnings", False)
        super().perform_create(serializer)

    @action(detail=False, methods=["get"])
    def export(self, request):
        records = self.get_queryset().filter(archived_at__isnull=True)
        content = exports.register_workbook(self.register, records, request.user)
        return xlsx_response(content, f"{self.register.slug}-{timezone.localdate().isoformat()}.xlsx")


def _viewset(register, mixins=()):
    full = _serializer(register, list(register.fields), f"{register.model.__name__}Serializer")
    summary_fields = [f for f in register.summary if f != "reference"]
    summary = _serializer(register, summary_fields, f"{register.model.__name__}SummarySerializer")
    attrs = {
        "register": register,
        "queryset": register.model.objects.select_related(*register.select_related).prefetch_related(
            *register.prefetch_related
        ),
        "filterset_class": filter_for(register.model),
        "full_serializer": full,
        "summary_serializer": summary,
        "serializer_class": full,
        "create_action": staticmethod(register.create),
        "update_action": staticmethod(register.update),
        "archive_action": staticmethod(register.archive),
    }
    return type(f"{register.model.__name__}ViewSet", (*mixins, RegisterViewSet), attrs)


class EscalationStageActions:
    @action(detail=True, methods=["post"])
    def stages(self, request, pk=None):
        """POST a stage reached: {stage, reached_on, raised_by?, raised_with?, agreed, skip_reason?}. A stage above
        the next one needs `skip_reason` (an urgent start) [DUDLEY App. 6; CPCCG App. 5]."""
        escalation = self.get_object()
        data = StageSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        actions.do_record_stage(escalation, acting_user=request.user, **data.validated_data)
        stages = StageSerializer(EscalationStage.objects.filter(escalation=escalation), many=True).data
        return Response({"id": escalation.pk, "reference": escalation.reference, "stages": stages}, status=201)


class InformationRequestActions:
    @action(detail=True, methods=["post"])
    def requests(self, request, pk=None):
        """POST an information request to a health agency: {agency, requested_on, return_by?}."""
        concern = self.get_object()
        if request.user.role not in InformationRequest.access.change:
            raise PermissionDenied("Only the ICB safeguarding team requests information from health agencies.")
        data = InformationRequestSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        created = actions.do_request_information(concern, acting_user=request.user, **data.validated_data)
        return Response(InformationRequestSerializer(created, context={"request": request}).data, status=201)


class TrackedActionSerializer(serializers.Serializer):
    title, owner, due_date, success_measure = smart_action_serializer_fields().values()


class IncidentTrackedActions:
    @action(detail=True, methods=["post"], url_path="actions")
    def tracked_actions(self, request, pk=None):
        """POST an action arising from the incident into the shared tracker (/api/v1/actions/)."""
        incident = self.get_object()
        data = TrackedActionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        created = actions.do_add_incident_action(incident, acting_user=request.user, **data.validated_data)
        return Response({"id": created.pk, "title": created.title, "due_date": created.due_date}, status=201)


MIXINS = {
    "escalations": (EscalationStageActions,),
    "complex-health-needs": (InformationRequestActions,),
    "serious-incidents": (IncidentTrackedActions,),
}
VIEWSETS = {register.slug: _viewset(register, MIXINS.get(register.slug, ())) for register in registers.REGISTERS}


def register(router):
    """Add this app's viewsets to the /api/v1/ router."""
    for slug, viewset in VIEWSETS.items():
        router.register(f"casework/{slug}", viewset, basename=f"casework-{slug}")
