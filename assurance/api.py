from django.db.models import Prefetch
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import MethodNotAllowed, NotFound
from rest_framework.response import Response as APIResponse

from assurance import actions, reports
from assurance.filters import (
    AssessmentFilter,
    CqcRegistrationFilter,
    CycleFilter,
    EvidenceFilter,
    InspectionFilter,
    RegulatoryNoticeFilter,
    ResponseFilter,
)
from assurance.models import (
    Assessment,
    ChildrenInCareSpecification,
    CqcRegistration,
    Cycle,
    Evidence,
    Framework,
    FundingPanelAssurance,
    Inspection,
    RegulatoryNotice,
    Requirement,
    Response,
    Section,
)
from core.api import (
    ScopedOrganisationField,
    ScopedRelatedField,
    ScopedViewSet,
    StrictSerializer,
    smart_action_serializer_fields,
)
from core.audit import log_access
from core.downloads import file_attachment


class RequirementSerializer(serializers.ModelSerializer):
    guidance = serializers.CharField(
        source="expected_evidence",
        read_only=True,
        help_text="The evidence expected, with the ICB's settings filled in.",
    )

    class Meta:
        model = Requirement
        fields = ["id", "code", "title", "guidance", "source", "applies_to"]


class SectionSerializer(serializers.ModelSerializer):
    requirements = RequirementSerializer(many=True, read_only=True)

    class Meta:
        model = Section
        fields = ["id", "code", "title", "requirements"]


class FrameworkSerializer(serializers.ModelSerializer):
    class Meta:
        model = Framework
        fields = ["id", "key", "name", "version", "source", "effective_date", "applies_to"]


class FrameworkDetailSerializer(FrameworkSerializer):
    sections = SectionSerializer(many=True, read_only=True)

    class Meta(FrameworkSerializer.Meta):
        fields = [*FrameworkSerializer.Meta.fields, "sections"]


class FrameworkViewSet(viewsets.ReadOnlyModelViewSet):
    """Frameworks are reference data shared by every ICB: readable by every signed-in user."""

    queryset = Framework.objects.all()

    def get_serializer_class(self):
        return FrameworkDetailSerializer if self.action == "retrieve" else FrameworkSerializer

    def get_queryset(self):
        queryset = super().get_queryset()
        if self.action == "retrieve":
            requirements = Prefetch("sections__requirements", queryset=Requirement.objects.order_by("order"))
            queryset = queryset.prefetch_related("sections", requirements)
        return queryset


@extend_schema_field(OpenApiTypes.INT)
class OrganisationIdField(ScopedOrganisationField):
    """An organisation id in the user's scope (a cycle's organisations are written, never read back)."""


@extend_schema_field(OpenApiTypes.INT)
class CycleIdField(ScopedRelatedField):
    """An earlier cycle the user may see (written when rolling a cycle forward, never read back)."""

    def __init__(self, **kwargs):
        super().__init__(Cycle, **kwargs)


class CycleSerializer(StrictSerializer):
    organisations = OrganisationIdField(many=True, write_only=True)
    icb = serializers.PrimaryKeyRelatedField(read_only=True)
    roll_forward_from = CycleIdField(write_only=True, required=False, allow_null=True)

    class Meta:
        model = Cycle
        fields = [
            "id",
            "icb",
            "framework",
            "period_label",
            "due_date",
            "organisations",
            "roll_forward_from",
            "rolled_from",
            "opened_at",
            "closed_at",
            "close_reason",
            "archived_at",
        ]
        read_only_fields = ["rolled_from", "opened_at", "closed_at", "close_reason", "archived_at"]


class CloseSerializer(serializers.Serializer):
    reason = serializers.CharField(allow_blank=True, required=False, default="", max_length=2000)


class CycleViewSet(ScopedViewSet):
    queryset = Cycle.objects.select_related("framework")
    serializer_class = CycleSerializer
    filterset_class = CycleFilter
    http_method_names = ["get", "post", "head", "options"]
    archive_action = staticmethod(actions.do_archive_cycle)

    def perform_create(self, serializer):
        user = self.request.user
        serializer.instance = actions.do_open_cycle(
            icb=user.organisation.icb, acting_user=user, **serializer.validated_data
        )

    @extend_schema(request=CloseSerializer, responses=CycleSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        """Close the cycle; a reason is needed when an assessment is not signed off."""
        cycle = self.get_object()
        serializer = CloseSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        actions.do_close_cycle(cycle, reason=serializer.validated_data["reason"], acting_user=request.user)
        return APIResponse(CycleSerializer(cycle, context=self.get_serializer_context()).data)


class AssessmentSerializer(serializers.ModelSerializer):
    rag = serializers.SerializerMethodField()

    class Meta:
        model = Assessment
        fields = ["id", "cycle", "organisation", "status", "submitted_at", "signed_off_at", "signed_off_by", "rag"]

    def get_rag(self, assessment) -> str:
        rags = self.context.get("rags")
        if rags is None or assessment.pk not in rags:
            return reports.assessment_rags([assessment])[assessment.pk]
        return rags[assessment.pk]


class ReadOnlyScopedViewSet(ScopedViewSet):
    http_method_names = ["get", "post", "head", "options"]

    def create(self, request, *args, **kwargs):
        raise MethodNotAllowed("POST")

    def archive(self, request, pk=None):
        raise MethodNotAllowed("POST")


class AssessmentViewSet(ReadOnlyScopedViewSet):
    """Assessments are created by opening a cycle; they change through submit/ and sign-off/."""

    queryset = Assessment.objects.select_related("organisation", "cycle")
    serializer_class = AssessmentSerializer
    filterset_class = AssessmentFilter

    def list(self, request, *args, **kwargs):
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        items = list(page if page is not None else queryset)
        context = {**self.get_serializer_context(), "rags": reports.assessment_rags(items)}
        data = AssessmentSerializer(items, many=True, context=context).data
        return self.get_paginated_response(data) if page is not None else APIResponse(data)

    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        assessment = self.get_object()
        actions.do_submit_assessment(assessment, acting_user=request.user)
        return APIResponse(self.get_serializer(assessment).data)

    @action(detail=True, methods=["post"], url_path="sign-off")
    def sign_off(self, request, pk=None):
        assessment = self.get_object()
        actions.do_sign_off(assessment, acting_user=request.user)
        return APIResponse(self.get_serializer(assessment).data)


class ResponseSerializer(StrictSerializer):
    requirement_code = serializers.CharField(source="requirement.code", read_only=True)
    requirement_title = serializers.CharField(source="requirement.title", read_only=True)

    class Meta:
        model = Response
        fields = [
            "id",
            "assessment",
            "requirement",
            "requirement_code",
            "requirement_title",
            "rating",
            "na_reason",
            "narrative",
            "review_decision",
        ]
        read_only_fields = ["assessment", "requirement", "review_decision"]


class ResponseReviewSerializer(StrictSerializer):
    decision = serializers.ChoiceField(choices=["accepted", "challenged"])
    comment = serializers.CharField(required=False, allow_blank=True, default="")

    class Meta:
        model = Response
        fields = ["decision", "comment"]


class ResponseViewSet(ScopedViewSet):
    """Requirement responses: PATCH saves a draft answer; POST review/ records a reviewer's decision."""

    queryset = Response.objects.select_related("requirement", "assessment__organisation", "assessment__cycle")
    serializer_class = ResponseSerializer
    filterset_class = ResponseFilter
    http_method_names = ["get", "patch", "post", "head", "options"]
    update_action = staticmethod(actions.do_save_response)

    def create(self, request, *args, **kwargs):
        raise MethodNotAllowed("POST")

    def archive(self, request, pk=None):
        raise MethodNotAllowed("POST")

    @action(detail=True, methods=["post"], serializer_class=ResponseReviewSerializer)
    def review(self, request, pk=None):
        response = self.get_object()
        serializer = ResponseReviewSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        actions.do_review(
            response.assessment, {response: (data["decision"], data.get("comment", ""))}, acting_user=request.user
        )
        response.refresh_from_db()
        return APIResponse(ResponseSerializer(response, context=self.get_serializer_context()).data)


class AssessmentEvidenceSerializer(StrictSerializer):
    """Evidence for one answer: a file (multipart `upload`) or a link (`url`). Files are read back through
    `download/`, never from /media/."""

    response = ScopedRelatedField(Response)
    upload = serializers.FileField(write_only=True, required=False)
    url = serializers.URLField(required=False, allow_blank=True, max_length=500)
    description = serializers.CharField(required=False, allow_blank=True, max_length=300, default="")

    class Meta:
        model = Evidence
        fields = ["id", "response", "kind", "upload", "url", "original_name", "size", "description", "created_at"]
        read_only_fields = ["kind", "original_name", "size", "created_at"]

    def validate(self, data):
        if bool(data.get("upload")) == bool(data.get("url")):
            raise serializers.ValidationError({"upload": "Send either a file (upload) or a link (url), not both."})
        return data


class EvidenceViewSet(ScopedViewSet):
    """Evidence files and links of assessment answers: list, add, download, archive."""

    queryset = Evidence.objects.select_related("response__assessment__organisation").filter(archived_at__isnull=True)
    serializer_class = AssessmentEvidenceSerializer
    filterset_class = EvidenceFilter
    http_method_names = ["get", "post", "head", "options"]
    archive_action = staticmethod(actions.do_archive_evidence)

    def perform_create(self, serializer):
        data = serializer.validated_data
        if data.get("upload"):
            serializer.instance = actions.do_add_evidence_file(
                data["response"], upload=data["upload"], description=data["description"], acting_user=self.request.user
            )
        else:
            serializer.instance = actions.do_add_evidence_link(
                data["response"], url=data["url"], description=data["description"], acting_user=self.request.user
            )

    @extend_schema(responses={(200, "application/octet-stream"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"])
    def download(self, request, pk=None):
        evidence = self.get_object()
        if evidence.kind != "file" or not evidence.file:
            raise NotFound("This evidence is a link, not a file.")
        log_access(request.user, evidence, how="export")
        return file_attachment(evidence.file, evidence.original_name)


class ChildrenInCareSpecificationSerializer(StrictSerializer):
    gaps = serializers.SerializerMethodField()
    review_date = serializers.DateField(required=False, allow_null=True)

    class Meta:
        model = ChildrenInCareSpecification
        fields = ["id", "title", "provider_name", "approved_on", "review_date", "child_voice", "gaps", "archived_at"]
        read_only_fields = ["archived_at"]

    def get_gaps(self, specification) -> list[str]:
        return specification.gaps_on(self.context.setdefault("today", timezone.localdate()))


class ChildrenInCareSpecificationViewSet(ScopedViewSet):
    """The ICB's children-in-care health service specification [DDICB Looked after Children]."""

    queryset = ChildrenInCareSpecification.objects.all()
    serializer_class = ChildrenInCareSpecificationSerializer
    create_action = staticmethod(actions.do_add_cic_specification)
    update_action = staticmethod(actions.do_update_cic_specification)
    archive_action = staticmethod(actions.do_archive_icb_record)


class FundingPanelSerializer(StrictSerializer):
    gaps = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta:
        model = FundingPanelAssurance
        fields = ["id", "panel", "mca_compliant", "evidence", "assured_on", "gaps", "archived_at"]
        read_only_fields = ["archived_at"]


class FundingPanelViewSet(ScopedViewSet):
    """The ICB's funding panels documented (or not) as MCA-compliant [DDICB Chief Executive Officer]."""

    queryset = FundingPanelAssurance.objects.all()
    serializer_class = FundingPanelSerializer
    create_action = staticmethod(actions.do_add_funding_panel)
    update_action = staticmethod(actions.do_update_funding_panel)
    archive_action = staticmethod(actions.do_archive_icb_record)


def register(router):
    router.register("assurance/frameworks", FrameworkViewSet, basename="assurance-framework")
    router.register("assurance/cycles", CycleViewSet, basename="assurance-cycle")
    router.register("assurance/assessments", AssessmentViewSet, basename="assurance-assessment")
    router.register("assurance/responses", ResponseViewSet, basename="assurance-response")
    router.register("assurance/evidence", EvidenceViewSet, basename="assurance-evidence")
    router.register(
        "assurance/children-in-care-specifications",
        ChildrenInCareSpecificationViewSet,
        basename="assurance-cic-specification",
    )
    router.register("assurance/funding-panels", FundingPanelViewSet, basename="assurance-funding-panel")
    router.register("assurance/cqc-registrations", CqcRegistrationViewSet, basename="assurance-cqc-registration")
    router.register("assurance/inspections", InspectionViewSet, basename="assurance-inspection")
    router.register("assurance/notices", RegulatoryNoticeViewSet, basename="assurance-notice")


class CqcRegistrationSerializer(StrictSerializer):
    provider = OrganisationIdField()

    class Meta:
        model = CqcRegistration
        fields = [
            "id",
            "provider",
            "registration_id",
            "registered_on",
            "current_rating",
            "rated_on",
            "conditions",
            "icb_told_on",
            "created_at",
            "updated_at",
            "archived_at",
        ]
        read_only_fields = ["created_at", "updated_at", "archived_at"]


class CqcRegistrationViewSet(ScopedViewSet):
    """Providers' CQC registration, current rating and conditions, and when the ICB was told [NEL 15.0]."""

    queryset = CqcRegistration.objects.select_related("provider")
    serializer_class = CqcRegistrationSerializer
    filterset_class = CqcRegistrationFilter
    create_action = staticmethod(actions.do_record_registration)
    update_action = staticmethod(actions.do_update_registration)
    archive_action = staticmethod(actions.do_archive_inspection_record)


class InspectionActionSerializer(serializers.Serializer):
    """A SMART action raised in the tracker from an inspection or a notice."""

    organisation = OrganisationIdField()
    title, owner, due_date, success_measure = smart_action_serializer_fields().values()


class InspectionTrackedActionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    organisation = serializers.IntegerField(source="organisation_id")
    owner = serializers.CharField()
    due_date = serializers.DateField()
    status = serializers.CharField()


class RaiseActionMixin:
    @extend_schema(request=InspectionActionSerializer, responses={201: InspectionTrackedActionSerializer})
    @action(detail=True, methods=["post"], url_path="actions")
    def raise_action(self, request, pk=None):
        """Raise a SMART action in the tracker whose source is this record."""
        record = self.get_object()
        payload = InspectionActionSerializer(data=request.data, context=self.get_serializer_context())
        payload.is_valid(raise_exception=True)
        created = actions.do_raise_inspection_action(record, acting_user=request.user, **payload.validated_data)
        return APIResponse(InspectionTrackedActionSerializer(created).data, status=201)


class InspectionSerializer(StrictSerializer):
    organisation = OrganisationIdField()

    class Meta:
        model = Inspection
        fields = [
            "id",
            "organisation",
            "body",
            "kind",
            "title",
            "started_on",
            "ended_on",
            "published_on",
            "rating",
            "findings",
            "investigation",
            "designated_informed_on",
            "icb_told_on",
            "created_at",
            "updated_at",
            "archived_at",
        ]
        read_only_fields = ["created_at", "updated_at", "archived_at"]


class InspectionViewSet(RaiseActionMixin, ScopedViewSet):
    """The register of inspections and reviews [DUDLEY 19.1-19.4; SAAF 6.2]; POST actions/ raises an action."""

    queryset = Inspection.objects.select_related("organisation")
    serializer_class = InspectionSerializer
    filterset_class = InspectionFilter
    create_action = staticmethod(actions.do_record_inspection)
    update_action = staticmethod(actions.do_update_inspection)
    archive_action = staticmethod(actions.do_archive_inspection_record)


@extend_schema_field(OpenApiTypes.INT)
class InspectionIdField(ScopedRelatedField):
    def __init__(self, **kwargs):
        super().__init__(Inspection, **kwargs)


class RegulatoryNoticeSerializer(StrictSerializer):
    provider = OrganisationIdField()
    inspection = InspectionIdField(required=False, allow_null=True)

    class Meta:
        model = RegulatoryNotice
        fields = [
            "id",
            "provider",
            "inspection",
            "kind",
            "issued_on",
            "summary",
            "icb_told_on",
            "lifted_on",
            "created_at",
            "updated_at",
            "archived_at",
        ]
        read_only_fields = ["created_at", "updated_at", "archived_at"]


class RegulatoryNoticeViewSet(RaiseActionMixin, ScopedViewSet):
    """Conditions, requirement notices and enforcement imposed on providers [NEL 15.0]."""

    queryset = RegulatoryNotice.objects.select_related("provider")
    serializer_class = RegulatoryNoticeSerializer
    filterset_class = RegulatoryNoticeFilter
    create_action = staticmethod(actions.do_record_notice)
    update_action = staticmethod(actions.do_update_notice)
    archive_action = staticmethod(actions.do_archive_inspection_record)
