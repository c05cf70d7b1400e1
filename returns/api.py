"""API: /api/v1/returns/ — list and read returns (scoped), submit figures (POST), review (accept/send back).

POST /api/v1/returns/ with
    {"provider": 12, "quarter": "2026/27 Q2", "submit": true,
     "values": {"TRN-CH": {"numerator": 80, "denominator": 100, "explanation": "",
                           "breakdown": {"level": {"L1": [50, 60], ...}, "professional_group": {...}}},
                "ESC": {"numerator": 3, "breakdown": {"theme": {"threshold": [3, null]}}},
                "AUDIT": {"numerator": 1}, "ANNUAL": {"date": "2026-08-20"}}}
stores the figures in the provider's return for that quarter (starting it when needed) and, unless
"submit" is false, submits it. All or nothing: any error (unknown metric code, numerator above
denominator, breakdown not adding up...) is an HTTP 400 naming metric, breakdown and field; nothing is stored.
"""

from django.db import transaction
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from core.api import CodeField, ScopedOrganisationField, ScopedRelatedField, ScopedViewSet, StrictSerializer
from core.choices import Role
from core.scoping import CHANGE, can
from organisations.models import Contract
from returns import actions, catalogue, reports, rules
from returns.choices import Source
from returns.filters import ReturnFilter
from returns.models import JudgedMetric, Metric, MetricValue, Return, ThresholdOverride

VALUE_KEYS = {"numerator", "denominator", "date", "explanation", "breakdown"}


class ReturnSerializer(StrictSerializer):
    quarter = serializers.SerializerMethodField()
    provider_name = serializers.CharField(source="provider.name", read_only=True)
    is_late = serializers.BooleanField(read_only=True)

    class Meta:
        model = Return
        fields = [
            "id",
            "provider",
            "provider_name",
            "quarter",
            "status",
            "due_date",
            "first_submitted_at",
            "last_submitted_at",
            "is_late",
            "review_comment",
        ]
        read_only_fields = fields

    def get_quarter(self, obj) -> str:
        return obj.quarter.label


class ReturnDetailSerializer(ReturnSerializer):
    versions = serializers.SerializerMethodField()
    values = serializers.SerializerMethodField()
    judged = serializers.SerializerMethodField()

    class Meta(ReturnSerializer.Meta):
        fields = [*ReturnSerializer.Meta.fields, "versions", "values", "judged"]
        read_only_fields = fields

    def get_versions(self, obj) -> list[dict]:
        return [{"number": v.number, "submitted_at": v.submitted_at, "source": v.source} for v in obj.versions.all()]

    def _rated(self, obj):
        """(version, {code: Rated}, {judged code: JudgedCell}) once per object (values and judged share it)."""
        if getattr(self, "_rated_for", None) != obj.pk:
            version = reports.latest_submitted_versions([obj]).get(obj.pk) or reports.working_version(obj)
            request = self.context.get("request")
            visible = request is None or reports.judgements_visible(request.user, obj)
            self._rated_for = obj.pk
            self._rated_cache = (version, *reports.rate_return(obj, version, judged=visible))
        return self._rated_cache

    def _suppressed(self):
        """Signals counts reach everyone but the provider's own users suppressed (returns.signal_metrics)."""
        request = self.context.get("request")
        return request is None or getattr(request.user, "role", None) != Role.PROVIDER

    def get_values(self, obj) -> dict[str, dict]:
        version, rated, _ = self._rated(obj)
        result = {}
        for code, cell in rated.items():
            value = cell.value
            if value is None:
                continue
            result[code] = {
                "version": version.number,
                "numerator": cell.shown_numerator if self._suppressed() else value.numerator,
                "denominator": value.denominator,
                "date": value.date_value,
                "explanation": value.explanation,
                "percentage": None if cell.pct is None else round(float(cell.pct), 2),
                "rating": cell.rating if version.submitted_at else None,
                "numeric_rating": cell.numeric_rating if version.submitted_at else None,
                "rated_on": cell.driven_by,
                "breakdown": _breakdown(value),
            }
        return result

    def get_judged(self, obj) -> dict[str, dict]:
        version, rated, judged = self._rated(obj)
        evidence = reports.evidence_of(version)
        result = {}
        for judged_metric in catalogue.judged_metrics_for(obj.provider.kind):
            cell = judged.get(judged_metric.code)
            judgement = cell.judgement if cell else None
            result[judged_metric.code] = {
                "evidence": evidence.get(judged_metric.code, {}),
                "rating": judgement.rating if judgement else None,
                "to_rate": bool(cell and cell.to_rate),
                "reason": judgement.reason if judgement else None,
                "revision": judgement.revision if judgement else None,
                "rated_at": judgement.rated_at if judgement else None,
                "caps": judged_metric.caps,
            }
        return result


def _breakdown(value: MetricValue):
    result = {}
    for row in value.breakdown.all():
        result.setdefault(row.dimension, {})[row.category] = [row.numerator, row.denominator]
    return result


class StrictPayload(serializers.Serializer):
    """A request body whose unknown fields are refused, naming each (as StrictSerializer does for models)."""

    def to_internal_value(self, data):
        unknown = set(data) - set(self.fields) if hasattr(data, "keys") else set()
        if unknown:
            raise serializers.ValidationError({name: ["Unknown field."] for name in sorted(unknown)})
        return super().to_internal_value(data)


class JudgementEvidenceSerializer(StrictPayload):
    answers = serializers.DictField(
        child=serializers.DictField(child=serializers.CharField(allow_blank=True, max_length=10000))
    )


class JudgementSerializer(StrictPayload):
    judged_metric = serializers.CharField(max_length=20)
    rating = serializers.ChoiceField(choices=rules.JUDGEMENT_RATINGS)
    reason = serializers.CharField(allow_blank=True, required=False, default="", max_length=5000)


class SubmissionSerializer(serializers.Serializer):
    provider = ScopedOrganisationField()
    quarter = serializers.CharField()
    values = serializers.DictField(child=serializers.DictField())
    submit = serializers.BooleanField(default=True)

    def to_internal_value(self, data):
        if hasattr(data, "keys"):
            unknown = sorted(set(data.keys()) - set(self.fields))
            if unknown:
                raise serializers.ValidationError({name: ["Unknown field."] for name in unknown})
        return super().to_internal_value(data)

    def validate_quarter(self, value):
        try:
            return rules.Quarter.parse(value)
        except ValueError as error:
            raise serializers.ValidationError(str(error)) from error

    def validate(self, data):
        provider = data["provider"]
        known = {m.code: m for m in catalogue.metrics_for(provider.kind)}
        unknown = sorted(set(data["values"]) - set(known))
        if unknown:
            all_codes = set(Metric.objects.values_list("code", flat=True))
            raise serializers.ValidationError(
                {
                    "values": [
                        f"Unknown metric code: {code}"
                        if code not in all_codes
                        else f"Metric {code} does not apply to this provider"
                        for code in unknown
                    ]
                }
            )
        errors, entries = [], {}
        for code, raw in data["values"].items():
            entries[code] = _entry(known[code], raw, errors)
        if errors:
            raise serializers.ValidationError({"values": errors})
        data["entries"] = entries
        return data


def _entry(metric, raw, errors):
    entry = rules.Entry(explanation=str(raw.get("explanation") or ""))
    for key in sorted(set(raw) - VALUE_KEYS):
        errors.append(f"{metric.code}: unknown field {key}")

    def number(value, where):
        try:
            if metric.unit == "yes_no":
                return rules.parse_yes_no(value)
            return rules.parse_number(value)
        except rules.NotANumber as error:
            errors.append(f"{where}: {error}")
            return None

    entry.numerator = number(raw.get("numerator"), f"{metric.code} / numerator")
    entry.denominator = number(raw.get("denominator"), f"{metric.code} / denominator")
    if raw.get("date"):
        try:
            entry.date_value = rules.parse_date(raw["date"])
        except rules.NotANumber as error:
            errors.append(f"{metric.code} / date: {error}")
    breakdown = raw.get("breakdown") or {}
    if not isinstance(breakdown, dict):
        errors.append(f"{metric.code} / breakdown: must be an object of dimensions")
        return entry
    for dimension, rows in breakdown.items():
        if dimension not in metric.breakdowns:
            errors.append(f"{metric.code} / {dimension}: {metric.code} has no such breakdown")
            continue
        entry.breakdown[dimension] = {}
        for category, pair in (rows or {}).items():
            where = f"{metric.code} / {dimension}: {category}"
            if isinstance(pair, dict):
                pair = [pair.get("numerator"), pair.get("denominator")]
            if not isinstance(pair, list | tuple) or len(pair) not in (1, 2):
                errors.append(f"{where}: give [numerator, denominator]")
                continue
            num = number(pair[0], f"{where} / numerator")
            den = number(pair[1], f"{where} / denominator") if len(pair) == 2 else None
            entry.breakdown[dimension][category] = (num, den)
    return entry


class ReturnViewSet(ScopedViewSet):
    queryset = Return.objects.select_related("provider").filter(archived_at__isnull=True)
    serializer_class = ReturnSerializer
    filterset_class = ReturnFilter
    http_method_names = ["get", "post", "head", "options"]

    def get_serializer_class(self):
        if self.action == "retrieve":
            return ReturnDetailSerializer
        if self.action == "create":
            return SubmissionSerializer
        return ReturnSerializer

    def get_queryset(self):
        queryset = super().get_queryset()
        if self.action == "retrieve":
            queryset = queryset.prefetch_related("versions")
        return queryset

    def create(self, request, *args, **kwargs):
        serializer = SubmissionSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        provider = data["provider"]
        if not can(request.user, Return, CHANGE, provider):
            raise PermissionDenied("You cannot submit returns for this organisation.")
        with transaction.atomic():
            return_obj = actions.get_or_start_return(
                provider=provider, quarter=data["quarter"], acting_user=request.user
            )
            actions.do_save_figures(return_obj, entries=data["entries"], acting_user=request.user, source=Source.API)
            if data["submit"]:
                actions.do_submit_return(return_obj, acting_user=request.user, source=Source.API)
        return_obj.refresh_from_db()
        return Response(
            ReturnDetailSerializer(return_obj, context={"request": request}).data, status=status.HTTP_201_CREATED
        )

    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        return_obj = self.get_object()
        actions.do_submit_return(return_obj, acting_user=request.user)
        return Response(ReturnSerializer(return_obj).data)

    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        return_obj = self.get_object()
        actions.do_accept_return(return_obj, acting_user=request.user)
        return Response(ReturnSerializer(return_obj).data)

    @action(detail=True, methods=["post"], url_path="send-back")
    def send_back(self, request, pk=None):
        return_obj = self.get_object()
        actions.do_return_for_correction(return_obj, comment=request.data.get("comment", ""), acting_user=request.user)
        return Response(ReturnSerializer(return_obj).data)

    @extend_schema(request=JudgementEvidenceSerializer, responses=ReturnDetailSerializer)
    @action(detail=True, methods=["post"])
    def evidence(self, request, pk=None):
        """The provider's evidence for the judged metrics: {"answers": {"11.a.1": {"trends": "..."}}}."""
        return_obj = self.get_object()
        serializer = JudgementEvidenceSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        actions.do_save_evidence(return_obj, answers=serializer.validated_data["answers"], acting_user=request.user)
        return Response(ReturnDetailSerializer(return_obj, context={"request": request}).data)

    @extend_schema(request=JudgementSerializer, responses=ReturnDetailSerializer)
    @action(detail=True, methods=["post"])
    def judge(self, request, pk=None):
        """The ICB rates one judged metric: {"judged_metric": "11.a.1", "rating": "amber", "reason": "..."}."""
        return_obj = self.get_object()
        serializer = JudgementSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        actions.do_rate_judged_metric(
            return_obj,
            judged_metric=actions.judged_metric_for(return_obj, data["judged_metric"]),
            rating=data["rating"],
            reason=data.get("reason", ""),
            acting_user=request.user,
        )
        return Response(ReturnDetailSerializer(return_obj, context={"request": request}).data)

    def archive(self, request, pk=None):  # returns are never archived through the API
        return Response(status=status.HTTP_405_METHOD_NOT_ALLOWED)


class ThresholdOverrideSerializer(StrictSerializer):
    """A contract's own thresholds for one percentage metric, in force from a quarter. Written as the override page
    asks for them (green above, amber from, breakdown required, target); read with the stored scheme."""

    contract = ScopedRelatedField(Contract)
    metric = CodeField(queryset=Metric.objects.filter(active=True))
    effective_from = serializers.CharField(help_text="The first quarter it applies to, e.g. 2026/27 Q3.")
    green_above = serializers.DecimalField(max_digits=5, decimal_places=2, write_only=True, min_value=0, max_value=100)
    amber_from = serializers.DecimalField(
        max_digits=5, decimal_places=2, write_only=True, required=False, allow_null=True, min_value=0, max_value=100
    )
    require_breakdown = serializers.BooleanField(write_only=True, default=True)
    target = serializers.DecimalField(
        max_digits=5, decimal_places=2, write_only=True, required=False, allow_null=True, min_value=0, max_value=100
    )
    described = serializers.SerializerMethodField()

    class Meta:
        model = ThresholdOverride
        fields = [
            "id",
            "contract",
            "metric",
            "effective_from",
            "green_above",
            "amber_from",
            "require_breakdown",
            "target",
            "scheme",
            "described",
            "reason",
            "created_at",
            "archived_at",
        ]
        read_only_fields = ["scheme", "created_at", "archived_at"]

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["effective_from"] = instance.quarter.label
        return data

    def validate_effective_from(self, value):
        try:
            return rules.Quarter.parse(value)
        except ValueError as error:
            raise serializers.ValidationError(str(error)) from error

    def get_described(self, obj) -> str:
        return rules.Scheme.from_dict(obj.scheme).describe()


class ThresholdOverrideViewSet(ScopedViewSet):
    """The ICB's per-contract thresholds (list, read, create; archive). Each return is rated with the scheme in
    force for its quarter, so an override never changes an earlier quarter."""

    queryset = ThresholdOverride.objects.select_related("contract", "metric")
    serializer_class = ThresholdOverrideSerializer
    http_method_names = ["get", "post", "head", "options"]
    archive_action = staticmethod(actions.do_archive_threshold_override)

    def perform_create(self, serializer):
        data = serializer.validated_data
        scheme = actions.override_scheme(
            green_above=data["green_above"],
            amber_from=data.get("amber_from"),
            require_breakdown=data["require_breakdown"],
            target=data.get("target"),
        )
        serializer.instance = actions.do_set_threshold_override(
            contract=data["contract"],
            metric=data["metric"],
            effective_from=data["effective_from"],
            scheme=scheme,
            reason=data.get("reason", ""),
            acting_user=self.request.user,
        )


class MetricSerializer(serializers.ModelSerializer):
    """A metric a return asks for, with its default rating schemes by quarter and the judged metric that caps it
    (with that judgement's descriptors)."""

    schemes = serializers.SerializerMethodField()
    judged_by = serializers.SerializerMethodField()

    class Meta:
        model = Metric
        fields = ["code", "title", "definition", "unit", "applies_to", "breakdowns", "source", "schemes", "judged_by"]
        read_only_fields = fields

    def get_schemes(self, obj) -> list[dict]:
        return [
            {"from_quarter": rules.Quarter.from_index(s.effective_from).label if s.effective_from else None}
            | {"scheme": s.scheme, "described": rules.Scheme.from_dict(s.scheme).describe()}
            for s in obj.schemes.all()
        ]

    def get_judged_by(self, obj) -> dict | None:
        judged = self.context.get("caps", {}).get(obj.code)
        if judged is None:
            return None
        return {"code": judged.code, "title": judged.title, "descriptors": judged.descriptors}


class MetricViewSet(viewsets.ReadOnlyModelViewSet):
    """The metric catalogue: every code a return asks for, so a provider's BI team can build its submission."""

    queryset = Metric.objects.filter(active=True).prefetch_related("schemes")
    serializer_class = MetricSerializer
    lookup_field = "code"
    lookup_value_regex = "[^/\\x00]+"  # PostgreSQL text cannot hold NUL: such a code is a 404

    def get_serializer_context(self):
        caps = {code: judged for judged in JudgedMetric.objects.filter(active=True) for code in judged.caps}
        return {**super().get_serializer_context(), "caps": caps}


class JudgedMetricSerializer(serializers.ModelSerializer):
    evidence = serializers.ListField(source="evidence_fields", child=serializers.DictField(), read_only=True)

    class Meta:
        model = JudgedMetric
        fields = ["code", "title", "source", "applies_to", "evidence", "descriptors", "caps", "catalogue_version"]
        read_only_fields = fields


class JudgedMetricViewSet(viewsets.ReadOnlyModelViewSet):
    """The judged quality metrics [CPCCG App. 3] with their descriptors: reference data, readable by every
    signed-in user."""

    queryset = JudgedMetric.objects.filter(active=True)
    serializer_class = JudgedMetricSerializer
    lookup_field = "code"
    lookup_value_regex = "[^/\\x00]+"  # PostgreSQL text cannot hold NUL: such a code is a 404


def register(router):
    router.register("returns", ReturnViewSet)
    router.register("metrics", MetricViewSet)
    router.register("threshold-overrides", ThresholdOverrideViewSet)
    router.register("judged-metrics", JudgedMetricViewSet)
