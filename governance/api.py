"""/api/v1/ governance endpoints: committees, committee-meetings, committee-papers, committee-decisions,
policies, policy-documents, risks (with rescore and escalate), risk-escalations, annual-reports (with
receive and review), monitoring-checks (with record, a check done) and monitoring-check-records. Every
query goes through `restrict`; every write through governance.actions; records are archived, never
deleted."""

import datetime as dt

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from core.api import ScopedOrganisationField, ScopedRelatedField, ScopedViewSet, StrictSerializer
from core.scoping import CHANGE
from governance import actions, reports, rules
from governance.choices import CheckOutcome
from governance.filters import (
    AnnualReportFilter,
    CommitteeFilter,
    DecisionFilter,
    MeetingFilter,
    MonitoringCheckFilter,
    MonitoringCheckRecordFilter,
    PaperFilter,
    PolicyDocumentFilter,
    PolicyFilter,
    RiskFilter,
)
from governance.models import (
    AnnualReport,
    Committee,
    Decision,
    Meeting,
    MonitoringCheck,
    MonitoringCheckRecord,
    Paper,
    Policy,
    PolicyDocument,
    Risk,
    RiskEscalation,
)


class ChangeableField(ScopedRelatedField):
    """A record the user may change (others read as 'does not exist')."""

    def get_queryset(self):
        return self.scoped_model.objects.restrict(self.context["request"].user, CHANGE)


def _fixed(serializer, data, names):
    """Refuse a change to a parent link on update."""
    if serializer.instance is not None:
        moved = sorted(name for name in names if name in data)
        if moved:
            raise serializers.ValidationError({name: ["This cannot change: add a new record."] for name in moved})
    return data


class GovernanceViewSet(ScopedViewSet):
    """Roles come from each model's Access (core.permissions); records from `restrict`."""

    def _check_change_scope(self, data):
        """The ICB is the user's; parent records come through fields that only offer records they may change."""


class CommitteeSerializer(StrictSerializer):
    class Meta:
        model = Committee
        fields = ["id", "name", "kind", "chair", "terms_of_reference", "created_at", "archived_at"]
        read_only_fields = ["created_at", "archived_at"]


class CommitteeViewSet(GovernanceViewSet):
    queryset = Committee.objects.all()
    serializer_class = CommitteeSerializer
    filterset_class = CommitteeFilter
    create_action = staticmethod(actions.do_create_committee)
    update_action = staticmethod(actions.do_update_committee)
    archive_action = staticmethod(actions.do_archive_record)


class MeetingSerializer(StrictSerializer):
    committee = ChangeableField(Committee)

    class Meta:
        model = Meeting
        fields = ["id", "committee", "date", "minute_reference", "notes", "archived_at"]
        read_only_fields = ["archived_at"]

    def validate(self, data):
        return _fixed(self, data, ["committee"])


def create_meeting(*, acting_user, committee, **data):
    return actions.do_record_meeting(committee, acting_user=acting_user, **data)


class MeetingViewSet(GovernanceViewSet):
    queryset = Meeting.objects.select_related("committee")
    serializer_class = MeetingSerializer
    filterset_class = MeetingFilter
    create_action = staticmethod(create_meeting)
    update_action = staticmethod(actions.do_update_meeting)
    archive_action = staticmethod(actions.do_archive_record)


class PaperSerializer(StrictSerializer):
    meeting = ChangeableField(Meeting)

    class Meta:
        model = Paper
        fields = ["id", "meeting", "title", "presented_by", "record_link", "archived_at"]
        read_only_fields = ["archived_at"]

    def validate(self, data):
        return _fixed(self, data, ["meeting"])


def create_paper(*, acting_user, meeting, **data):
    return actions.do_add_paper(meeting, acting_user=acting_user, **data)


class PaperViewSet(GovernanceViewSet):
    queryset = Paper.objects.select_related("meeting")
    serializer_class = PaperSerializer
    filterset_class = PaperFilter
    create_action = staticmethod(create_paper)
    update_action = staticmethod(actions.do_update_paper)
    archive_action = staticmethod(actions.do_archive_record)


class CommitteeDecisionSerializer(StrictSerializer):
    meeting = ScopedRelatedField(Meeting)
    paper = ScopedRelatedField(Paper, required=False, allow_null=True)

    class Meta:
        model = Decision
        fields = ["id", "meeting", "text", "paper", "created_at", "archived_at"]
        read_only_fields = ["created_at", "archived_at"]

    def validate(self, data):
        return _fixed(self, data, ["meeting"])


def create_decision(*, acting_user, meeting, **data):
    return actions.do_record_decision(meeting, acting_user=acting_user, **data)


class DecisionViewSet(GovernanceViewSet):
    queryset = Decision.objects.select_related("meeting")
    serializer_class = CommitteeDecisionSerializer
    filterset_class = DecisionFilter
    create_action = staticmethod(create_decision)
    update_action = staticmethod(actions.do_update_decision)
    archive_action = staticmethod(actions.do_archive_record)


class PolicySerializer(StrictSerializer):
    organisation = ScopedOrganisationField(required=False)
    approving_committee = ScopedRelatedField(Committee, required=False, allow_null=True)
    review_interval_months = serializers.IntegerField(required=False)
    review_state = serializers.SerializerMethodField()

    class Meta:
        model = Policy
        fields = [
            "id",
            "organisation",
            "reference",
            "title",
            "owner",
            "document_version",
            "status",
            "approved_on",
            "approving_committee",
            "review_interval_months",
            "next_review_on",
            "review_state",
            "created_at",
            "updated_at",
            "archived_at",
        ]
        read_only_fields = ["next_review_on", "created_at", "updated_at", "archived_at"]

    def get_review_state(self, policy) -> str:
        return policy.review_state_on(self.context.setdefault("today", timezone.localdate()))


class PolicyViewSet(GovernanceViewSet):
    queryset = Policy.objects.select_related("organisation")
    serializer_class = PolicySerializer
    filterset_class = PolicyFilter
    create_action = staticmethod(actions.do_add_policy)
    update_action = staticmethod(actions.do_update_policy)
    archive_action = staticmethod(actions.do_archive_record)


class PolicyDocumentSerializer(StrictSerializer):
    policy = ChangeableField(Policy)
    file = serializers.FileField(write_only=True, allow_empty_file=True)
    download = serializers.SerializerMethodField()

    class Meta:
        model = PolicyDocument
        fields = ["id", "policy", "version", "file", "note", "download", "uploaded_at", "archived_at"]
        read_only_fields = ["uploaded_at", "archived_at"]
        extra_kwargs = {"version": {"required": False, "allow_blank": True}}

    def get_download(self, document) -> str:
        from django.urls import reverse

        return reverse("governance:policy-document", args=[document.pk])


def create_policy_document(*, acting_user, policy, **data):
    return actions.do_add_policy_document(policy, acting_user=acting_user, **data)


class PolicyDocumentViewSet(GovernanceViewSet):
    """Upload a version (multipart) and list them; a version is never changed, only archived."""

    queryset = PolicyDocument.objects.select_related("policy")
    serializer_class = PolicyDocumentSerializer
    filterset_class = PolicyDocumentFilter
    parser_classes = [MultiPartParser, FormParser, JSONParser]
    http_method_names = ["get", "post", "head", "options"]
    create_action = staticmethod(create_policy_document)
    archive_action = staticmethod(actions.do_archive_record)


class RiskScoreHistorySerializer(serializers.Serializer):
    scored_on = serializers.DateField()
    likelihood = serializers.IntegerField()
    consequence = serializers.IntegerField()
    score = serializers.IntegerField()
    note = serializers.CharField()


class RiskEscalationSerializer(serializers.ModelSerializer):
    class Meta:
        model = RiskEscalation
        fields = ["id", "risk", "committee", "escalated_on", "score", "note"]


class RiskSerializer(StrictSerializer):
    reference = serializers.CharField(read_only=True)
    band = serializers.SerializerMethodField()
    needs_escalation = serializers.SerializerMethodField()
    history = RiskScoreHistorySerializer(source="scores", many=True, read_only=True)
    escalations = RiskEscalationSerializer(many=True, read_only=True)
    note = serializers.CharField(write_only=True, required=False, allow_blank=True)
    # Plain integers: the action refuses a value outside 1-5 with one message naming the field.
    initial_likelihood = serializers.IntegerField()
    initial_consequence = serializers.IntegerField()
    current_likelihood = serializers.IntegerField()
    current_consequence = serializers.IntegerField()
    target_likelihood = serializers.IntegerField()
    target_consequence = serializers.IntegerField()

    class Meta:
        model = Risk
        fields = [
            "id",
            "reference",
            "title",
            "cause",
            "effect",
            "owner",
            "controls",
            "assurances",
            "gaps",
            *actions.SCORE_FIELDS,
            "current_score",
            "band",
            "needs_escalation",
            "opened_on",
            "review_date",
            "status",
            "note",
            "history",
            "escalations",
            "created_at",
            "updated_at",
            "archived_at",
        ]
        read_only_fields = ["current_score", "created_at", "updated_at", "archived_at"]

    def get_band(self, risk) -> str:
        return rules.band_for(risk.current_score, self.context.setdefault("bands", reports.risk_bands())).code

    def get_needs_escalation(self, risk) -> bool:
        threshold = self.context.setdefault("threshold", reports.escalation_threshold())
        history = [(s.scored_on, s.score) for s in risk.scores.all()]
        return rules.escalation_due(history, [e.escalated_on for e in risk.escalations.all()], threshold)


class RiskRescoreSerializer(serializers.Serializer):
    likelihood = serializers.IntegerField()
    consequence = serializers.IntegerField()
    note = serializers.CharField(required=False, allow_blank=True)


class RiskEscalateSerializer(serializers.Serializer):
    committee = serializers.IntegerField()
    escalated_on = serializers.DateField(required=False, allow_null=True)
    note = serializers.CharField(required=False, allow_blank=True)


class RiskViewSet(GovernanceViewSet):
    queryset = Risk.objects.prefetch_related("scores", "escalations")
    serializer_class = RiskSerializer
    filterset_class = RiskFilter
    create_action = staticmethod(actions.do_add_risk)
    update_action = staticmethod(actions.do_update_risk)
    archive_action = staticmethod(actions.do_archive_record)

    def _answer(self, risk):
        return Response(self.get_serializer(self.get_queryset().get(pk=risk.pk)).data)

    @extend_schema(request=RiskRescoreSerializer)
    @action(detail=True, methods=["post"])
    def rescore(self, request, pk=None):
        risk = self.get_object()
        payload = RiskRescoreSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        actions.do_rescore_risk(risk, acting_user=request.user, **payload.validated_data)
        return self._answer(risk)

    @extend_schema(request=RiskEscalateSerializer)
    @action(detail=True, methods=["post"])
    def escalate(self, request, pk=None):
        risk = self.get_object()
        payload = RiskEscalateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        data["committee"] = Committee.objects.restrict(request.user).filter(pk=data["committee"]).first()
        actions.do_escalate_risk(risk, acting_user=request.user, **data)
        return self._answer(risk)


class RiskEscalationViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = RiskEscalation.objects.select_related("committee")
    serializer_class = RiskEscalationSerializer

    def get_queryset(self):
        return super().get_queryset().restrict(self.request.user)


class AnnualReportSerializer(StrictSerializer):
    provider = ScopedOrganisationField(read_only=True)
    year_label = serializers.CharField(read_only=True)
    state = serializers.CharField(read_only=True)
    has_document = serializers.SerializerMethodField()

    class Meta:
        model = AnnualReport
        fields = [
            "id",
            "provider",
            "year",
            "year_label",
            "subject",
            "due_date",
            "received_on",
            "has_document",
            "reviewed_on",
            "feedback",
            "state",
            "archived_at",
        ]
        read_only_fields = fields

    def get_has_document(self, report) -> bool:
        return bool(report.document)


class AnnualReportExpectSerializer(serializers.Serializer):
    year = serializers.IntegerField()


class AnnualReportReceiveSerializer(serializers.Serializer):
    received_on = serializers.DateField()
    document = serializers.FileField(required=False, allow_empty_file=True)


class AnnualReportReviewSerializer(serializers.Serializer):
    reviewed_on = serializers.DateField()
    feedback = serializers.CharField(allow_blank=True)


class AnnualReportViewSet(GovernanceViewSet):
    """Reports are expected for a year (POST expect/), then received and reviewed; never edited directly."""

    queryset = AnnualReport.objects.select_related("provider")
    serializer_class = AnnualReportSerializer
    filterset_class = AnnualReportFilter
    parser_classes = [MultiPartParser, FormParser, JSONParser]
    http_method_names = ["get", "post", "head", "options"]
    archive_action = staticmethod(actions.do_archive_record)

    def create(self, request, *args, **kwargs):
        raise PermissionDenied("POST to annual-reports/expect/ with a year to expect every provider's reports.")

    def _step(self, request, serializer_class, step):
        report = self.get_object()
        payload = serializer_class(data=request.data)
        payload.is_valid(raise_exception=True)
        step(report, acting_user=request.user, **payload.validated_data)
        return Response(self.get_serializer(self.get_queryset().get(pk=report.pk)).data)

    @extend_schema(request=AnnualReportExpectSerializer)
    @action(detail=False, methods=["post"])
    def expect(self, request):
        payload = AnnualReportExpectSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        made = actions.do_expect_annual_reports(acting_user=request.user, **payload.validated_data)
        return Response(self.get_serializer(made, many=True).data, status=201)

    @extend_schema(request=AnnualReportReceiveSerializer)
    @action(detail=True, methods=["post"])
    def receive(self, request, pk=None):
        return self._step(request, AnnualReportReceiveSerializer, actions.do_receive_annual_report)

    @extend_schema(request=AnnualReportReviewSerializer)
    @action(detail=True, methods=["post"])
    def review(self, request, pk=None):
        return self._step(request, AnnualReportReviewSerializer, actions.do_review_annual_report)


class MonitoringCheckSerializer(StrictSerializer):
    reviewing_committee = ScopedRelatedField(Committee, required=False, allow_null=True)
    frequency_months = serializers.IntegerField()
    state = serializers.SerializerMethodField()
    last_done_on = serializers.SerializerMethodField()

    class Meta:
        model = MonitoringCheck
        fields = [
            "id",
            "title",
            "purpose",
            "owner",
            "frequency_months",
            "reviewing_committee",
            "oversight",
            "source",
            "first_due_on",
            "reminder_days",
            "next_due_on",
            "last_done_on",
            "state",
            "created_at",
            "archived_at",
        ]
        read_only_fields = ["next_due_on", "created_at", "archived_at"]

    def get_state(self, check) -> str:
        return check.state_on(self.context.setdefault("today", timezone.localdate()))

    def get_last_done_on(self, check) -> dt.date | None:
        done = [record.done_on for record in check.records.all()]
        return max(done) if done else None


class MonitoringCheckRecordSerializer(serializers.ModelSerializer):
    class Meta:
        model = MonitoringCheckRecord
        fields = ["id", "monitoring_check", "done_on", "done_by", "outcome", "findings", "reported_to", "recorded_at"]


class CheckDoneSerializer(serializers.Serializer):
    done_on = serializers.DateField()
    done_by = serializers.CharField(allow_blank=True)
    outcome = serializers.ChoiceField(choices=CheckOutcome.choices)
    findings = serializers.CharField(allow_blank=True)
    reported_to = serializers.IntegerField(required=False, allow_null=True)


class MonitoringCheckViewSet(GovernanceViewSet):
    """The monitoring schedule: checks are added, changed and archived; POST record/ records a check done."""

    queryset = MonitoringCheck.objects.select_related("reviewing_committee").prefetch_related("records")
    serializer_class = MonitoringCheckSerializer
    filterset_class = MonitoringCheckFilter
    create_action = staticmethod(actions.do_add_monitoring_check)
    update_action = staticmethod(actions.do_update_monitoring_check)
    archive_action = staticmethod(actions.do_archive_record)

    @extend_schema(request=CheckDoneSerializer, responses=MonitoringCheckSerializer)
    @action(detail=True, methods=["post"])
    def record(self, request, pk=None):
        check = self.get_object()
        payload = CheckDoneSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        meeting_id = data.pop("reported_to", None)
        meeting = None
        if meeting_id is not None:
            meeting = Meeting.objects.restrict(request.user).filter(pk=meeting_id).first()
            if meeting is None:
                message = "Choose a meeting of one of your ICB's committees."
                raise serializers.ValidationError({"reported_to": [message]})
        actions.do_record_check_done(check, acting_user=request.user, reported_to=meeting, **data)
        return Response(self.get_serializer(self.get_queryset().get(pk=check.pk)).data)


class MonitoringCheckRecordViewSet(viewsets.ReadOnlyModelViewSet):
    """The checks done, newest first (read only: a correction is a new record)."""

    queryset = MonitoringCheckRecord.objects.select_related("monitoring_check")
    serializer_class = MonitoringCheckRecordSerializer
    filterset_class = MonitoringCheckRecordFilter

    def get_queryset(self):
        return super().get_queryset().restrict(self.request.user)


def register(router):
    """Add this app's viewsets to the /api/v1/ router."""
    router.register("committees", CommitteeViewSet)
    router.register("committee-meetings", MeetingViewSet)
    router.register("committee-papers", PaperViewSet)
    router.register("committee-decisions", DecisionViewSet)
    router.register("policies", PolicyViewSet)
    router.register("policy-documents", PolicyDocumentViewSet)
    router.register("risks", RiskViewSet)
    router.register("risk-escalations", RiskEscalationViewSet)
    router.register("annual-reports", AnnualReportViewSet)
    router.register("monitoring-checks", MonitoringCheckViewSet)
    router.register("monitoring-check-records", MonitoringCheckRecordViewSet)
