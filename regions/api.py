"""/api/v1/nhse-regions/ and /api/v1/nhse-icb-rollups/: the roll-ups for NHS England's regional and national roles.

Aggregates only, as on the pages (regions.reports): an ICB or region outside the user's scope is a 404, any other
role a 403. `?quarter=2026/27 Q2` (default: the last quarter ended; one that does not parse is a 400 naming
`quarter`); a quarter with no data answers empty figures.
Casework counts (statutory reviews) are a number, or "fewer than 5" for 1 to 4.
"""

from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import permissions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from core.api import ScopedRelatedField, ScopedViewSet
from core.choices import REGIONAL_ROLES
from core.permissions import ScopedPermission
from core.quarters import Quarter
from organisations.models import Organisation
from regions import actions, reports
from regions.models import ICB_SENDERS, AssuranceReturn
from regions.scoping import icbs_for, regions_for
from regions.views import selected_quarter
from reporting.models import Report


class BadQuarter(Exception):
    pass


def quarter_of(request):
    """`?quarter=` as a Quarter (default: the last quarter ended); a quarter that does not parse is a 400."""
    text = request.query_params.get("quarter")
    if not text:
        return selected_quarter(request)
    try:
        return Quarter.parse(text)
    except ValueError as error:
        raise BadQuarter(str(error)) from error


def bad_quarter(error):
    return Response({"quarter": [str(error)]}, status=400)


QUARTER = OpenApiParameter(
    "quarter", OpenApiTypes.STR, description="A quarter such as 2026/27 Q2 (default: the last ended)."
)
ID = OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH)


class RollUpReaders(permissions.BasePermission):
    def has_permission(self, request, view):
        return request.user.role in REGIONAL_ROLES


@extend_schema_field(
    {"oneOf": [{"type": "integer", "minimum": 0}, {"type": "string", "enum": ["fewer than 5", "not shown"]}]}
)
class SuppressedCountField(serializers.Field):
    def to_representation(self, value):
        return value


class RegionSummarySerializer(serializers.Serializer):
    id = serializers.IntegerField(source="region.pk")
    name = serializers.CharField(source="region.name")
    ods_code = serializers.CharField(source="region.ods_code", allow_null=True)
    icbs = serializers.IntegerField()
    returns_expected = serializers.IntegerField(source="expected")
    returns_submitted = serializers.IntegerField(source="submitted")
    returns_on_time = serializers.IntegerField(source="on_time")
    completeness = serializers.IntegerField(allow_null=True)
    timeliness = serializers.IntegerField(allow_null=True)
    assessments = serializers.IntegerField()
    assessments_signed_off = serializers.IntegerField(source="signed_off")
    role_gaps = serializers.IntegerField()
    designated_vacancies = serializers.IntegerField()
    open_reviews = SuppressedCountField(source="open_reviews_shown")


class MetricShareSerializer(serializers.Serializer):
    code = serializers.CharField()
    title = serializers.CharField()
    providers = serializers.IntegerField(source="applicable")
    red = serializers.IntegerField(source="counts.red")
    amber = serializers.IntegerField(source="counts.amber")
    green = serializers.IntegerField(source="counts.green")
    not_rated = serializers.IntegerField(source="counts.none")
    red_share = serializers.IntegerField(source="shares.red", allow_null=True)
    amber_share = serializers.IntegerField(source="shares.amber", allow_null=True)
    green_share = serializers.IntegerField(source="shares.green", allow_null=True)
    not_rated_share = serializers.IntegerField(source="shares.none", allow_null=True)


class TrackerRowSerializer(serializers.Serializer):
    group = serializers.CharField()
    label = serializers.CharField()
    reviews = SuppressedCountField()


class IcbRollupSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="icb.pk")
    name = serializers.CharField(source="icb.name")
    ods_code = serializers.CharField(source="icb.ods_code", allow_null=True)
    region = serializers.IntegerField(source="icb.parent_id")
    quarter = serializers.CharField(source="quarter.label")
    providers = serializers.IntegerField()
    returns_expected = serializers.IntegerField(source="expected")
    returns_submitted = serializers.IntegerField(source="submitted")
    returns_on_time = serializers.IntegerField(source="on_time")
    completeness = serializers.IntegerField(allow_null=True)
    timeliness = serializers.IntegerField(allow_null=True)
    cycle = serializers.SerializerMethodField()
    assessments = serializers.IntegerField()
    assessments_signed_off = serializers.IntegerField(source="signed_off")
    cycle_completion = serializers.IntegerField(allow_null=True)
    organisations_with_gaps = serializers.IntegerField()
    role_gaps = serializers.IntegerField()
    designated_vacancies = serializers.IntegerField()
    metrics = MetricShareSerializer(many=True)
    reviews = serializers.SerializerMethodField()

    def get_cycle(self, rollup) -> str | None:
        return rollup.cycle.period_label if rollup.cycle else None

    @extend_schema_field(TrackerRowSerializer(many=True))
    def get_reviews(self, rollup):
        return [{"group": g, "label": label, "reviews": n} for g, label, n in rollup.tracker.rows]


class RollUpViewSet(viewsets.GenericViewSet):
    permission_classes = [ScopedPermission, RollUpReaders]
    open_to_nhs_england = True  # core.permissions: NHS England's roles may call it
    pagination_class = None  # a handful of regions, at most 42 ICBs: the whole roll-up in one answer

    def get_queryset(self):
        """For the schema only (ids are ICBs' and regions'): answers are built from regions.reports, and no
        `queryset` attribute is set, so ScopedPermission does not apply Organisation's ICB roles here."""
        return Organisation.objects.none()


class RegionViewSet(RollUpViewSet):
    """The regions the user may see, each added up from its ICBs' roll-ups."""

    serializer_class = RegionSummarySerializer

    @extend_schema(parameters=[QUARTER], responses=RegionSummarySerializer(many=True))
    def list(self, request):
        try:
            quarter = quarter_of(request)
        except BadQuarter as error:
            return bad_quarter(error)
        rollups = reports.rollups(icbs_for(request.user), quarter)
        summaries = reports.region_summaries(regions_for(request.user), rollups)
        return Response(RegionSummarySerializer(summaries, many=True).data)


class IcbRollupViewSet(RollUpViewSet):
    """Each ICB the user may see (`?region=<id>` for one region's), with its aggregates for the quarter."""

    serializer_class = IcbRollupSerializer
    lookup_value_regex = r"[0-9]+"

    @extend_schema(
        parameters=[QUARTER, OpenApiParameter("region", OpenApiTypes.INT, description="Only this region's ICBs.")],
        responses=IcbRollupSerializer(many=True),
    )
    def list(self, request):
        try:
            quarter = quarter_of(request)
        except BadQuarter as error:
            return bad_quarter(error)
        icbs = icbs_for(request.user)
        region = request.query_params.get("region")
        if region:
            if not region.isdigit() or not regions_for(request.user).filter(pk=int(region)).exists():
                return Response(
                    {"region": ["Select a valid choice. That choice is not one of the available choices."]}, status=400
                )
            icbs = icbs.filter(parent_id=int(region))
        return Response(IcbRollupSerializer(reports.rollups(icbs, quarter), many=True).data)

    @extend_schema(parameters=[QUARTER, ID], responses=IcbRollupSerializer)
    def retrieve(self, request, pk=None):
        try:
            quarter = quarter_of(request)
        except BadQuarter as error:
            return bad_quarter(error)
        found = reports.rollups(icbs_for(request.user).filter(pk=int(pk)), quarter)
        if not found:
            raise Http404("Not found, or not yours to see.")
        return Response(IcbRollupSerializer(found[0]).data)


# --- The ICB's quarterly assurance return to its region [SAAF 5.3] ---------------------------------------------


class AssuranceReturnSerializer(serializers.ModelSerializer):
    icb_name = serializers.CharField(source="icb.name", read_only=True)
    region_name = serializers.CharField(source="region.name", read_only=True)
    quarter = serializers.CharField(source="quarter_label", read_only=True)
    report = ScopedRelatedField(Report, help_text="The ICB's approved quarterly assurance report for the quarter.")
    figures = serializers.JSONField(read_only=True, help_text="The ICB's aggregates for the quarter when sent.")

    class Meta:
        model = AssuranceReturn
        fields = [
            "id",
            "icb",
            "icb_name",
            "region",
            "region_name",
            "quarter",
            "period_start",
            "period_end",
            "report",
            "statement",
            "figures",
            "submitted_by",
            "submitted_at",
            "status",
            "feedback",
            "reviewed_by",
            "reviewed_at",
            "withdrawn_reason",
            "withdrawn_by",
            "withdrawn_at",
            "number",
            "supersedes",
            "replaced_at",
            "version",
        ]
        read_only_fields = [f for f in fields if f not in ("report", "statement")]


class ReturnReviewSerializer(serializers.Serializer):
    feedback = serializers.CharField(max_length=20000, allow_blank=True)


class ReturnWithdrawSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=20000, allow_blank=True, help_text="Why the return is withdrawn.")


class ReturnResendSerializer(serializers.Serializer):
    report = ScopedRelatedField(Report, help_text="The ICB's approved quarterly assurance report of the same quarter.")
    statement = serializers.CharField(max_length=20000, allow_blank=True, required=False, default="")


class AssuranceReturnViewSet(ScopedViewSet):
    """The ICB's quarterly assurance returns to its region: the ICB's team sends one (POST), withdraws it before the
    region reviews it (POST withdraw/), sends a corrected one in place of a withdrawn or reviewed one (POST
    resend/: a new return, version + 1; the old one is kept with `replaced_at`) and reads its own with the region's
    feedback; the regional lead reads its region's and reviews one (POST review/); the national team reads every
    region's. Every version is listed. Aggregates only."""

    queryset = AssuranceReturn.objects.select_related("icb", "region")
    serializer_class = AssuranceReturnSerializer
    http_method_names = ["get", "post", "head", "options"]
    open_to_nhs_england = True

    def perform_create(self, serializer):
        serializer.instance = actions.do_send_return(acting_user=self.request.user, **serializer.validated_data)

    @extend_schema(request=ReturnReviewSerializer, responses=AssuranceReturnSerializer)
    @action(detail=True, methods=["post"])
    def review(self, request, pk=None):
        """The regional lead's review, with written feedback to the ICB."""
        sent = self.get_object()
        payload = ReturnReviewSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        actions.do_review_return(sent, feedback=payload.validated_data["feedback"], acting_user=request.user)
        return Response(self.get_serializer(sent).data)

    def _current_version(self, response):
        """A correction answers the new return: its ETag is the new return's version, not the replaced one's."""
        if getattr(self, "action", None) == "resend" and isinstance(response.data, dict):
            found = AssuranceReturn._base_manager.filter(pk=response.data.get("id"))
            return found.values_list("version", flat=True).first()
        return super()._current_version(response)

    def _icb_return(self):
        """The return, for the ICB's team only (a 403 before the body is read); If-Match is checked here too."""
        sent = self.get_object()
        if self.request.user.role not in ICB_SENDERS:
            raise PermissionDenied("Only the ICB's safeguarding team withdraws or corrects its return.")
        return sent

    @extend_schema(request=ReturnWithdrawSerializer, responses=AssuranceReturnSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        """The ICB withdraws a return the region has not reviewed yet, with the reason the region reads."""
        sent = self._icb_return()
        payload = ReturnWithdrawSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        actions.do_withdraw_return(sent, reason=payload.validated_data["reason"], acting_user=request.user)
        return Response(self.get_serializer(sent).data)

    @extend_schema(request=ReturnResendSerializer, responses={201: AssuranceReturnSerializer})
    @action(detail=True, methods=["post"])
    def resend(self, request, pk=None):
        """A corrected return for the same quarter in place of a withdrawn or reviewed one: answers the new return."""
        sent = self._icb_return()
        payload = ReturnResendSerializer(data=request.data, context=self.get_serializer_context())
        payload.is_valid(raise_exception=True)
        corrected = actions.do_resend_return(sent, acting_user=request.user, **payload.validated_data)
        return Response(self.get_serializer(corrected).data, status=201)


def register(router):
    router.register("nhse-regions", RegionViewSet, basename="nhse-regions")
    router.register("nhse-icb-rollups", IcbRollupViewSet, basename="nhse-icb-rollups")
    router.register("regional-assurance-returns", AssuranceReturnViewSet, basename="regional-assurance-returns")
