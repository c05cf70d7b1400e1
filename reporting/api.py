"""/api/v1/ reporting endpoints: report-types (read), reports (list, read, create; the workflow steps build, submit,
approve, return, present, publish and new-version; the narrative; downloads of the built or frozen files). Every
query goes through `restrict`, every write through reporting.actions; nothing is deleted.

NHS England's regional lead and national team use them for the regions' annual reports with exactly the pages'
scope (reporting.models.regional_reports): the regional lead its own region's, drafts included; the national team
every region's once submitted; any other report, an ICB's included, is a 404 to them."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.response import Response

from core.api import CodeField, StrictSerializer
from core.api_versioning import VersionedAutoSchema, VersionedViewSetMixin
from core.audit import log_access
from core.downloads import file_attachment
from core.permissions import ScopedPermission
from governance.models import Meeting
from reporting import actions, rules
from reporting.choices import FileKind
from reporting.filters import ReportFilter
from reporting.models import NHS_ENGLAND_READERS, Report, ReportFile, ReportType

BINARY = {(200, "application/octet-stream"): OpenApiTypes.BINARY}


class ReportTypeSerializer(serializers.ModelSerializer):
    class Meta:
        model = ReportType
        fields = ["code", "title", "audience", "period_kind", "organisation_level", "sections"]


class ReportTypeViewSet(viewsets.ReadOnlyModelViewSet):
    """Reference data shared by every ICB and region."""

    open_to_nhs_england = True  # the regional lead starts its region's annual report by this list's code

    queryset = ReportType.objects.all()
    serializer_class = ReportTypeSerializer
    lookup_field = "code"


class ReportFileSerializer(serializers.ModelSerializer):
    class Meta:
        model = ReportFile
        fields = ["kind", "frozen", "sha256", "size", "created_at"]


class ReportSerializer(StrictSerializer):
    report_type = CodeField(queryset=ReportType.objects.all())
    organisation = serializers.CharField(source="organisation.name", read_only=True)
    period_label = serializers.CharField(read_only=True)
    status_label = serializers.CharField(read_only=True)
    financial_year = serializers.IntegerField(write_only=True, min_value=2015, max_value=2100)
    quarter = serializers.IntegerField(write_only=True, required=False, allow_null=True, min_value=1, max_value=4)
    files = serializers.SerializerMethodField()
    build_status = serializers.SerializerMethodField()

    class Meta:
        model = Report
        fields = [
            "id",
            "report_type",
            "organisation",
            "financial_year",
            "quarter",
            "period_start",
            "period_end",
            "period_label",
            "as_at",
            "status",
            "status_label",
            "number",
            "supersedes",
            "build_status",
            "return_comments",
            "approved_at",
            "meeting_date",
            "minute_reference",
            "published_at",
            "files",
        ]
        read_only_fields = [
            "period_start",
            "period_end",
            "as_at",
            "status",
            "number",
            "supersedes",
            "return_comments",
            "approved_at",
            "meeting_date",
            "minute_reference",
            "published_at",
        ]

    @extend_schema_field(ReportFileSerializer(many=True))
    def get_files(self, report):
        user = self.context["request"].user
        files = ReportFile.objects.restrict(user).filter(report=report, frozen=report.is_frozen)
        latest = {}
        for record in files:
            latest.setdefault(record.kind, record)
        return ReportFileSerializer(latest.values(), many=True).data

    def get_build_status(self, report) -> str:
        return report.build_job.status if report.build_job_id else "not built"


class ReportReturnSerializer(serializers.Serializer):
    comments = serializers.CharField(
        allow_blank=True, error_messages={"required": rules.return_problems("")["comments"]}
    )


class ReportPresentSerializer(serializers.Serializer):
    meeting = serializers.IntegerField(
        required=False, allow_null=True, help_text="A meeting of the committee register."
    )
    meeting_date = serializers.DateField(required=False, allow_null=True)
    minute_reference = serializers.CharField(required=False, allow_blank=True, max_length=100)


class ReportNarrativeSerializer(serializers.Serializer):
    key = serializers.SlugField(max_length=60)
    text = serializers.CharField(allow_blank=True, max_length=100_000, trim_whitespace=False)


class ReportPermission(ScopedPermission):
    """Report.access names the ICB's roles; NHS England's may call too. Which reports they reach is
    ReportQuerySet's (the regional annual reports in their scope, as on the pages), and which step each role takes
    on a region's report is reporting.rules.transition_roles, checked by the actions."""

    def has_permission(self, request, view):
        if super().has_permission(request, view):
            return True
        user = request.user
        return bool(user and user.is_authenticated and getattr(user, "role", "") in NHS_ENGLAND_READERS)


class ReportViewSet(
    VersionedViewSetMixin,
    mixins.CreateModelMixin,
    mixins.RetrieveModelMixin,
    mixins.ListModelMixin,
    viewsets.GenericViewSet,
):
    """Reports: no PUT or PATCH (a report changes only through its steps); If-Match on a step guards the version."""

    schema = VersionedAutoSchema()
    http_method_names = ["get", "post", "head", "options"]
    permission_classes = [ReportPermission]
    open_to_nhs_england = True  # core.permissions: a region's annual report, in the scope of ReportQuerySet
    queryset = Report.objects.select_related("report_type", "organisation", "build_job").filter(
        archived_at__isnull=True
    )
    serializer_class = ReportSerializer
    filterset_class = ReportFilter

    def get_queryset(self):
        return super().get_queryset().restrict(self.request.user)

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = actions.do_create_report(
            acting_user=self.request.user,
            report_type=data["report_type"],
            financial_year=data["financial_year"],
            quarter=data.get("quarter"),
        )

    def _answer(self, report):
        return Response(self.get_serializer(self.get_queryset().get(pk=report.pk)).data)

    def _step(self, request, transition, report=None, **fields):
        report = report or self._report_for(transition)
        actions.TRANSITION_ACTIONS[transition](report, acting_user=request.user, **fields)
        return self._answer(report)

    def _report_for(self, transition):
        """The report, for a role that may take `transition` on a report of its level (a 403 before the body is
        read, as on the pages). The If-Match precondition is checked before the body too."""
        report = self.get_object()
        if self.request.user.role not in rules.transition_roles(transition, report.level):
            raise PermissionDenied(rules.ROLE_REFUSED)
        return report

    @extend_schema(request=None)
    @action(detail=True, methods=["post"])
    def build(self, request, pk=None):
        """Queue a build (a stored job); `build_status` shows its progress."""
        report = self.get_object()
        actions.do_request_build(report, acting_user=request.user)
        return self._answer(report)

    @extend_schema(request=ReportNarrativeSerializer)
    @action(detail=True, methods=["post"])
    def narrative(self, request, pk=None):
        report = self.get_object()
        payload = ReportNarrativeSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        actions.do_save_narrative(report, acting_user=request.user, **payload.validated_data)
        return self._answer(report)

    @extend_schema(request=None)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        return self._step(request, rules.SUBMIT)

    @extend_schema(request=None)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        return self._step(request, rules.APPROVE)

    @extend_schema(request=ReportReturnSerializer)
    @action(detail=True, methods=["post"], url_path="return")
    def return_with_comments(self, request, pk=None):
        report = self._report_for(rules.RETURN)
        payload = ReportReturnSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        return self._step(request, rules.RETURN, report, **payload.validated_data)

    @extend_schema(request=ReportPresentSerializer)
    @action(detail=True, methods=["post"])
    def present(self, request, pk=None):
        report = self._report_for(rules.PRESENT)
        payload = ReportPresentSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        meeting_id = data.pop("meeting", None)
        if meeting_id is not None:
            data["meeting"] = Meeting.objects.restrict(request.user).filter(pk=meeting_id).first()
            if data["meeting"] is None:
                raise serializers.ValidationError({"meeting": ["Choose a meeting of your ICB's committees."]})
        return self._step(request, rules.PRESENT, report, **data)

    @extend_schema(request=None)
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        return self._step(request, rules.PUBLISH)

    @extend_schema(request=None)
    @action(detail=True, methods=["post"], url_path="new-version")
    def new_version(self, request, pk=None):
        new = actions.do_new_version(self.get_object(), acting_user=request.user)
        return self._answer(new)

    def _download(self, request, kind):
        report = self.get_object()
        files = ReportFile.objects.restrict(request.user).filter(report=report, kind=kind, frozen=report.is_frozen)
        record = files.first()
        if record is None:
            raise NotFound("This report has no such file yet: build it (or approve it for HTML and the snapshot).")
        log_access(request.user, report, how="export")
        return file_attachment(record.file, record.filename)

    @extend_schema(responses=BINARY)
    @action(detail=True, methods=["get"])
    def pdf(self, request, pk=None):
        return self._download(request, FileKind.PDF)

    @extend_schema(responses=BINARY)
    @action(detail=True, methods=["get"])
    def xlsx(self, request, pk=None):
        return self._download(request, FileKind.XLSX)

    @extend_schema(responses=BINARY)
    @action(detail=True, methods=["get"])
    def html(self, request, pk=None):
        return self._download(request, FileKind.HTML)

    @extend_schema(responses=BINARY)
    @action(detail=True, methods=["get"])
    def snapshot(self, request, pk=None):
        return self._download(request, FileKind.JSON)


def register(router):
    """Add this app's viewsets to the /api/v1/ router."""
    router.register("report-types", ReportTypeViewSet)
    router.register("reports", ReportViewSet)
