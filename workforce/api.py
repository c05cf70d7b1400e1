"""/api/v1/workforce-…/: every workforce record, scoped like the pages.

- DBS certificate numbers are write-only; reads give `certificate_masked` only.
- A supervision session's content comes back only to the supervisee, the supervisor and designated
  professionals, and each read of one session is logged (core.audit.log_access); lists never carry content.
- `workforce-compliance/` gives the aggregate cells (numerator, denominator, rating), never people.
- `workforce-extracts/` takes an extract file (multipart `file`), all-or-nothing; a bad file is a 400 with
  the report naming row and column.
"""

import datetime as dt

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, viewsets
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from core.api import ScopedRelatedField, ScopedViewSet, StrictSerializer
from core.audit import log_access
from core.permissions import PartyPermission
from core.schema import SingleObjectSchema
from organisations.models import Organisation
from workforce import actions, reports
from workforce.filters import StaffFilter
from workforce.models import (
    CapacityEntry,
    ColumnMapping,
    CompetenceMapping,
    DbsCheck,
    ExtractUpload,
    PopulationFigures,
    StaffMember,
    SupervisionAgreement,
    SupervisionSession,
    TnaRequirement,
    TrainingRecord,
    WorkforcePolicy,
)


def _icb(user):
    icb = Organisation.objects.get(pk=user.organisation.icb_id)
    actions.ensure_icb_defaults(icb)
    return icb


class IcbViewSet(ScopedViewSet):
    """Records of the requesting user's ICB: created for it, never for another."""

    def perform_create(self, serializer):
        serializer.instance = self.create_action(
            icb=_icb(self.request.user), acting_user=self.request.user, **serializer.validated_data
        )

    def _check_change_scope(self, data):
        """Linked staff come through ScopedRelatedField; the ICB is the user's own."""


class StaffMemberSerializer(StrictSerializer):
    class Meta:
        model = StaffMember
        fields = ["id", *actions.STAFF_FIELDS[:-1], "archived_at"]
        read_only_fields = ["id", "archived_at"]


class StaffMemberViewSet(IcbViewSet):
    queryset = StaffMember.objects.all()
    serializer_class = StaffMemberSerializer
    filterset_class = StaffFilter
    create_action = staticmethod(actions.do_create_staff_member)
    update_action = staticmethod(actions.do_update_staff_member)
    archive_action = staticmethod(actions.do_archive)


class TrainingRecordSerializer(serializers.ModelSerializer):
    staff_key = serializers.CharField(source="staff.staff_key")

    class Meta:
        model = TrainingRecord
        fields = ["id", "staff", "staff_key", "competence", "topic", "level", "completed_on", "expiry_on", "hours"]


class TrainingRecordViewSet(viewsets.ReadOnlyModelViewSet):
    """Completions come from extracts only."""

    queryset = TrainingRecord.objects.select_related("staff")
    serializer_class = TrainingRecordSerializer

    def get_queryset(self):
        return super().get_queryset().restrict(self.request.user)


class DbsCheckSerializer(StrictSerializer):
    staff = ScopedRelatedField(StaffMember)
    certificate_number = serializers.CharField(write_only=True, required=False, max_length=20)
    certificate_masked = serializers.CharField(source="masked_certificate", read_only=True)

    class Meta:
        model = DbsCheck
        fields = [
            "id",
            "staff",
            "level",
            "checked_on",
            "certificate_number",
            "certificate_masked",
            "update_service",
            "self_disclosure_on",
            "references_received",
            "reference_from_recent_employer",
            "panel_member_trained",
            "identity_and_qualifications_checked",
            "employment_history_checked",
            "archived_at",
        ]
        read_only_fields = ["id", "archived_at"]

    def validate(self, data):
        if self.instance is None and not data.get("certificate_number"):
            raise serializers.ValidationError({"certificate_number": "This field is required."})
        return data


class DbsCheckViewSet(ScopedViewSet):
    queryset = DbsCheck.objects.select_related("staff")
    serializer_class = DbsCheckSerializer
    create_action = staticmethod(actions.do_record_dbs_check)
    update_action = staticmethod(actions.do_update_dbs_check)
    archive_action = staticmethod(actions.do_archive)

    def _check_change_scope(self, data):
        """The staff member is a ScopedRelatedField: only the user's ICB's staff."""


class AgreementSerializer(StrictSerializer):
    supervisee = ScopedRelatedField(StaffMember)
    supervisor = ScopedRelatedField(StaffMember)

    class Meta:
        model = SupervisionAgreement
        fields = [
            "id",
            "supervisee",
            "supervisor",
            "agreed_on",
            "supervisee_signed_on",
            "supervisor_signed_on",
            "review_on",
            "archived_at",
        ]
        read_only_fields = ["id", "archived_at"]


class AgreementViewSet(ScopedViewSet):
    queryset = SupervisionAgreement.objects.all()
    serializer_class = AgreementSerializer
    create_action = staticmethod(actions.do_record_agreement)
    update_action = staticmethod(
        lambda agreement, *, acting_user, **f: actions.save_fields(agreement, f, acting_user=acting_user)
    )
    archive_action = staticmethod(actions.do_archive)

    def _check_change_scope(self, data):
        """Both parties are ScopedRelatedFields."""


class SessionPartyField(ScopedRelatedField):
    """A session's supervisee or supervisor: the staff a staff reader may see; for a party of another role (who
    reads no staff list), the ICB's staff, so they can name the other party (the action checks they are one)."""

    def get_queryset(self):
        user = self.context["request"].user
        if getattr(user, "role", None) in StaffMember.access.view:
            return super().get_queryset()
        if getattr(user, "role", None) not in SupervisionSession.party_roles or not user.organisation_id:
            return StaffMember.objects.none()
        return StaffMember.objects.filter(icb_id=user.organisation.icb_id, archived_at__isnull=True)


class SessionSerializer(StrictSerializer):
    supervisee = SessionPartyField(StaffMember)
    supervisor = SessionPartyField(StaffMember)

    class Meta:
        model = SupervisionSession
        fields = [
            "id",
            "supervisee",
            "supervisor",
            "post",
            "base",
            "held_on",
            "venue",
            "duration_minutes",
            "one_to_one",
            *SupervisionSession.CONTENT_FIELDS,
            "supervisee_confirmed",
            "supervisor_confirmed",
            "archived_at",
        ]
        read_only_fields = ["id", "archived_at"]

    def to_representation(self, session):
        data = super().to_representation(session)
        if not self.context.get("with_content") or not session.may_read_content(self.context["request"].user):
            for name in SupervisionSession.CONTENT_FIELDS:
                data.pop(name, None)
        return data


class SessionViewSet(ScopedViewSet):
    """Staff readers list every session of the ICB (date and parties); the supervisee and the supervisor, whatever
    their role, their own; the content is read and written only by them and the designated professionals."""

    permission_classes = [PartyPermission]
    queryset = SupervisionSession.objects.select_related("supervisee", "supervisor")
    serializer_class = SessionSerializer
    create_action = staticmethod(actions.do_record_session)
    update_action = staticmethod(actions.do_update_session)
    archive_action = staticmethod(actions.do_archive)

    def _check_change_scope(self, data):
        """Both parties are ScopedRelatedFields."""

    def retrieve(self, request, *args, **kwargs):
        """One session; its content only to the supervisee, the supervisor and designated professionals. Every
        read is logged, like casework, saying whether the content was shown."""
        session = self.get_object()
        log_access(request.user, session, how="api" if session.may_read_content(request.user) else "api, no content")
        return Response(
            self.get_serializer(session, context={**self.get_serializer_context(), "with_content": True}).data
        )


class CapacitySerializer(StrictSerializer):
    hours_per_week = serializers.SerializerMethodField()

    class Meta:
        model = CapacityEntry
        fields = ["id", "role", "amount", "unit", "area", "vacant", "hours_per_week", "archived_at"]
        read_only_fields = ["id", "archived_at"]

    def get_hours_per_week(self, entry) -> str:
        from workforce import rules

        return f"{rules.hours_per_week(entry.amount, entry.unit, reports.conversions()):.2f}"


class CapacityViewSet(IcbViewSet):
    queryset = CapacityEntry.objects.all()
    serializer_class = CapacitySerializer
    create_action = staticmethod(actions.do_record_capacity)
    update_action = staticmethod(actions.do_update_capacity)
    archive_action = staticmethod(actions.do_archive)


class PopulationSerializer(StrictSerializer):
    class Meta:
        model = PopulationFigures
        fields = ["id", "as_of", "children", "children_in_care", "adults"]
        read_only_fields = ["id"]


class PopulationViewSet(IcbViewSet):
    queryset = PopulationFigures.objects.all()
    serializer_class = PopulationSerializer
    http_method_names = ["get", "post", "head", "options"]
    create_action = staticmethod(actions.do_record_population)


class TnaSerializer(StrictSerializer):
    class Meta:
        model = TnaRequirement
        fields = ["id", "staff_group", "role", "topic", "level", "effective_from", "effective_to"]
        read_only_fields = ["id", "effective_to"]


class TnaViewSet(IcbViewSet):
    """Read the TNA; POST a change (it ends the row in force the day before it starts)."""

    queryset = TnaRequirement.objects.all()
    serializer_class = TnaSerializer
    http_method_names = ["get", "post", "head", "options"]

    def perform_create(self, serializer):
        serializer.instance = actions.do_change_tna(
            _icb(self.request.user), acting_user=self.request.user, **serializer.validated_data
        )


class WorkforcePolicySerializer(StrictSerializer):
    choices = serializers.SerializerMethodField()

    class Meta:
        model = WorkforcePolicy
        fields = ["id", "l1_refresher_months", "target_choice", "excluded_statuses", "check_hours", "choices"]
        read_only_fields = ["id"]

    def get_choices(self, policy) -> list[list[str]]:
        return [list(pair) for pair in reports.policy_choices(policy)]


def _save_policy(policy, *, acting_user, **fields):
    names = ("l1_refresher_months", "target_choice", "excluded_statuses", "check_hours")
    current = {n: getattr(policy, n) for n in names}
    return actions.do_save_policy(policy, acting_user=acting_user, **(current | fields))


class PolicyViewSet(IcbViewSet):
    """The ICB's choices where the sources disagree (GET the list: the user's ICB's one; PATCH it)."""

    queryset = WorkforcePolicy.objects.all()
    serializer_class = WorkforcePolicySerializer
    http_method_names = ["get", "patch", "head", "options"]
    update_action = staticmethod(_save_policy)

    def get_queryset(self):
        _icb(self.request.user)
        return super().get_queryset()


class ColumnMappingSerializer(StrictSerializer):
    class Meta:
        model = ColumnMapping
        fields = ["id", "headers"]
        read_only_fields = ["id"]


class ColumnMappingViewSet(PolicyViewSet):
    queryset = ColumnMapping.objects.all()
    serializer_class = ColumnMappingSerializer
    update_action = staticmethod(actions.do_save_column_mapping)


class CompetenceSerializer(StrictSerializer):
    class Meta:
        model = CompetenceMapping
        fields = ["id", "name", "topic", "level"]
        read_only_fields = ["id"]


class CompetenceViewSet(IcbViewSet):
    queryset = CompetenceMapping.objects.all()
    serializer_class = CompetenceSerializer
    http_method_names = ["get", "post", "head", "options"]
    create_action = staticmethod(actions.do_add_competence_mapping)


class ExtractSerializer(serializers.ModelSerializer):
    file = serializers.FileField(write_only=True)

    class Meta:
        model = ExtractUpload
        fields = [
            "id",
            "file",
            "full_extract",
            "file_name",
            "uploaded_at",
            "rows",
            "people",
            "new_records",
            "changed_records",
            "new_staff",
            "changed_staff",
            "leavers",
            "ended",
        ]
        read_only_fields = [f for f in fields if f not in ("file", "full_extract")]


class ExtractViewSet(IcbViewSet):
    queryset = ExtractUpload.objects.all()
    serializer_class = ExtractSerializer
    parser_classes = [MultiPartParser, FormParser]
    http_method_names = ["get", "post", "head", "options"]

    def perform_create(self, serializer):
        upload = serializer.validated_data["file"]
        serializer.instance = actions.do_import_extract(
            icb=_icb(self.request.user),
            upload=upload,
            name=upload.name,
            acting_user=self.request.user,
            full_extract=serializer.validated_data.get("full_extract", False),
        )


class ComplianceCellSerializer(serializers.Serializer):
    staff_group = serializers.CharField()
    topic = serializers.CharField()
    level = serializers.IntegerField()
    numerator = serializers.IntegerField()
    denominator = serializers.IntegerField()
    rating = serializers.CharField()
    target = serializers.CharField(allow_null=True)
    target_met = serializers.BooleanField(allow_null=True)
    expiring_in_horizon = serializers.IntegerField()


class ComplianceSerializer(serializers.Serializer):
    as_of = serializers.DateField()
    choices = serializers.ListField(child=serializers.ListField(child=serializers.CharField()))
    cells = ComplianceCellSerializer(many=True)


class ProviderTrainingSerializer(serializers.Serializer):
    provider = serializers.IntegerField()
    name = serializers.CharField()
    metrics = serializers.DictField(child=serializers.ListField(child=serializers.DictField()))


class ComplianceViewSet(viewsets.GenericViewSet):
    """The ICB staff compliance cells on `?as_of=YYYY-MM-DD` (default today): aggregates only."""

    queryset = WorkforcePolicy.objects.all()
    serializer_class = ComplianceSerializer
    pagination_class = None  # one object: the cells on the date
    schema = SingleObjectSchema()

    @extend_schema(
        responses=ComplianceSerializer,
        parameters=[OpenApiParameter("as_of", OpenApiTypes.DATE, description="The date (default today).")],
    )
    def list(self, request):
        try:
            as_of = dt.date.fromisoformat(request.query_params.get("as_of") or timezone.localdate().isoformat())
        except ValueError:
            return Response({"as_of": ["Give a date as YYYY-MM-DD."]}, status=400)
        result = reports.compliance_for(_icb(request.user).pk, as_of)
        cells = [
            {
                "staff_group": c.staff_group,
                "topic": c.topic,
                "level": c.level,
                "numerator": c.numerator,
                "denominator": c.denominator,
                "rating": c.rating,
                "target": str(c.target) if c.target is not None else None,
                "target_met": c.target_met,
                "expiring_in_horizon": c.expiring,
            }
            for c in result.cells.values()
        ]
        payload = {"as_of": as_of, "choices": [list(c) for c in reports.policy_choices(result.policy)], "cells": cells}
        return Response(ComplianceSerializer(payload).data)


class ProviderTrainingViewSet(viewsets.GenericViewSet):
    """Provider training figures from the quarterly returns (a provider user: its own only)."""

    from returns.models import Return

    queryset = Return.objects.all()
    serializer_class = ProviderTrainingSerializer
    pagination_class = None  # one row per provider in scope

    @extend_schema(responses=ProviderTrainingSerializer(many=True))
    def list(self, request):
        quarters, metrics, rows = reports.provider_training(request.user, reports.default_quarter())
        return Response(
            [
                {
                    "provider": provider.pk,
                    "name": provider.name,
                    "metrics": {
                        code: [
                            {
                                "quarter": q.label,
                                "rating": r.rating if r else None,
                                "percent": float(r.pct) if r and r.pct is not None else None,
                            }
                            for q, r in points
                        ]
                        for code, points in trend.items()
                    },
                }
                for provider, trend in rows
            ]
        )


def register(router):
    router.register("workforce-staff", StaffMemberViewSet, basename="workforce-staff")
    router.register("workforce-training", TrainingRecordViewSet, basename="workforce-training")
    router.register("workforce-dbs", DbsCheckViewSet, basename="workforce-dbs")
    router.register("workforce-agreements", AgreementViewSet, basename="workforce-agreements")
    router.register("workforce-sessions", SessionViewSet, basename="workforce-sessions")
    router.register("workforce-capacity", CapacityViewSet, basename="workforce-capacity")
    router.register("workforce-population", PopulationViewSet, basename="workforce-population")
    router.register("workforce-tna", TnaViewSet, basename="workforce-tna")
    router.register("workforce-settings", PolicyViewSet, basename="workforce-settings")
    router.register("workforce-columns", ColumnMappingViewSet, basename="workforce-columns")
    router.register("workforce-competences", CompetenceViewSet, basename="workforce-competences")
    router.register("workforce-extracts", ExtractViewSet, basename="workforce-extracts")
    router.register("workforce-compliance", ComplianceViewSet, basename="workforce-compliance")
    router.register("workforce-provider-training", ProviderTrainingViewSet, basename="workforce-provider-training")
