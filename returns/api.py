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
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from core.api import ScopedOrganisationField, ScopedViewSet, StrictSerializer
from core.scoping import CHANGE, can
from returns import actions, catalogue, rules, services
from returns.choices import Source
from returns.filters import ReturnFilter
from returns.models import Metric, MetricValue, Return

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

    class Meta(ReturnSerializer.Meta):
        fields = [*ReturnSerializer.Meta.fields, "versions", "values"]
        read_only_fields = fields

    def get_versions(self, obj) -> list[dict]:
        return [{"number": v.number, "submitted_at": v.submitted_at, "source": v.source} for v in obj.versions.all()]

    def get_values(self, obj) -> dict:
        version = services.latest_submitted_versions([obj]).get(obj.pk) or services.working_version(obj)
        version.return_obj = obj
        metrics = catalogue.metrics_for(obj.provider.kind)
        rated = services.rate_versions([version], services.SchemeBook([obj.provider_id], metrics), metrics)
        result = {}
        for code, cell in rated[version.pk].items():
            value = cell.value
            if value is None:
                continue
            result[code] = {
                "version": version.number,
                "numerator": value.numerator,
                "denominator": value.denominator,
                "date": value.date_value,
                "explanation": value.explanation,
                "percentage": None if cell.pct is None else round(float(cell.pct), 2),
                "rating": cell.rating if version.submitted_at else None,
                "breakdown": _breakdown(value),
            }
        return result


def _breakdown(value: MetricValue):
    result = {}
    for row in value.breakdown.all():
        result.setdefault(row.dimension, {})[row.category] = [row.numerator, row.denominator]
    return result


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
        return Response(ReturnDetailSerializer(return_obj).data, status=status.HTTP_201_CREATED)

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

    def archive(self, request, pk=None):  # returns are never archived through the API
        return Response(status=status.HTTP_405_METHOD_NOT_ALLOWED)


def register(router):
    router.register("returns", ReturnViewSet)
