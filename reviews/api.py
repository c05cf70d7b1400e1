"""/api/v1/reviews/ and its sub-resources: review-contributions, review-recommendations, review-learning,
review-kinds and review-themes. Every query goes through `restrict`; every write through reviews.actions."""

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field, inline_serializer
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from core.api import CodeField, ScopedOrganisationField, ScopedViewSet, StrictSerializer, days_remaining
from core.choices import ICB_ROLES
from core.scoping import CHANGE, VIEW
from core.working_calendars import Calendars
from reviews import actions, reports, rules
from reviews.choices import OPEN_CONTRIBUTION_STATUSES, ContributionKind, DecisionOutcome
from reviews.filters import (
    ContributionFilter,
    EnquiryFilter,
    LearningFilter,
    NonParticipationFilter,
    RecommendationFilter,
    ReviewFilter,
)
from reviews.models import (
    Contribution,
    LearningEntry,
    MilestoneRule,
    NonParticipation,
    Recommendation,
    Review,
    ReviewKind,
    SafeguardingEnquiry,
    Theme,
)
from reviews.views import hints_for


class ScopedReviewField(serializers.PrimaryKeyRelatedField):
    """A review the requesting user may change (or see, with action=VIEW); others read as 'does not exist'."""

    def __init__(self, **kwargs):
        self.scope_action = kwargs.pop("scope_action", CHANGE)
        super().__init__(**kwargs)

    def get_queryset(self):
        return Review.objects.restrict(self.context["request"].user, self.scope_action)


def milestone_data(milestone, today):
    """A milestone with its computed clock: days remaining (calendar days to the due date, negative once overdue;
    null when met or not yet dated) and whether it is overdue, as the review's page shows it."""
    return {
        "code": milestone.rule.code,
        "name": milestone.rule.name,
        "rule": milestone.rule.description,
        "source": milestone.rule.source,
        "due": milestone.due,
        "state": milestone.state,
        "met_on": milestone.met_on,
        "waiting_for": milestone.waiting_for or None,
        "days_remaining": None if milestone.met_on else days_remaining(milestone.due, today),
        "overdue": milestone.state == rules.OVERDUE,
    }


MILESTONE_SCHEMA = inline_serializer(
    "Milestone",
    {
        "code": serializers.CharField(),
        "name": serializers.CharField(),
        "rule": serializers.CharField(),
        "source": serializers.CharField(),
        "due": serializers.DateField(allow_null=True),
        "state": serializers.CharField(),
        "met_on": serializers.DateField(allow_null=True),
        "waiting_for": serializers.CharField(allow_null=True),
        "days_remaining": serializers.IntegerField(allow_null=True),
        "overdue": serializers.BooleanField(),
    },
    many=True,
)
NOTIFICATION_LIST_SCHEMA = inline_serializer(
    "NotificationList",
    {
        "year": serializers.IntegerField(),
        "quarter": serializers.IntegerField(),
        "label": serializers.CharField(),
        "reviews": inline_serializer(
            "NotificationListEntry",
            {"id": serializers.IntegerField(), "reference": serializers.CharField(), "what": serializers.CharField()},
            many=True,
        ),
    },
)


class ReviewSerializer(StrictSerializer):
    kind = CodeField(queryset=ReviewKind.objects.filter(active=True))
    lead_partnership = ScopedOrganisationField(allow_null=True, required=False)
    themes = serializers.PrimaryKeyRelatedField(many=True, queryset=Theme.objects.all(), required=False)
    linked_reviews = ScopedReviewField(many=True, required=False, scope_action=VIEW)
    acknowledge_identifiers = serializers.BooleanField(write_only=True, required=False, default=False)
    tor_file = serializers.FileField(write_only=True, required=False, allow_empty_file=False)
    has_tor_file = serializers.SerializerMethodField()
    reference = serializers.CharField(read_only=True)
    milestones = serializers.SerializerMethodField()
    eligibility_hints = serializers.SerializerMethodField()

    class Meta:
        model = Review
        fields = [
            "id",
            "reference",
            "kind",
            "subject_reference",
            "summary",
            "abuse_or_neglect",
            "harm",
            "subject_age",
            "subject_has_children",
            "care_leaver_or_ld",
            "agencies_concern",
            "incident_date",
            "awareness_date",
            "notification_date",
            "decision_date",
            "decision_outcome",
            "initiation_date",
            "publication_date",
            "lead_partnership",
            "status",
            "tor_link",
            "tor_file",
            "has_tor_file",
            "themes",
            "linked_reviews",
            "acknowledge_identifiers",
            "milestones",
            "eligibility_hints",
            "created_at",
            "updated_at",
            "archived_at",
        ]
        read_only_fields = ["decision_outcome", "created_at", "updated_at", "archived_at"]

    def get_has_tor_file(self, review) -> bool:
        return bool(review.tor_file)

    @extend_schema_field(MILESTONE_SCHEMA)
    def get_milestones(self, review):
        calendars = self.context.setdefault("calendars", Calendars())
        today = self.context.setdefault("today", timezone.localdate())
        return [milestone_data(m, today) for m in reports.milestones_for(review, calendars[review.icb_id], today)]

    def get_eligibility_hints(self, review) -> list[dict]:
        return [{"level": h.level, "text": h.text, "source": h.source} for h in hints_for(review)]


class DecisionSerializer(serializers.Serializer):
    decision_date = serializers.DateField()
    outcome = serializers.ChoiceField(choices=DecisionOutcome.choices)
    initiation_date = serializers.DateField(required=False, allow_null=True)


class ReviewViewSet(ScopedViewSet):
    queryset = reports.with_rules(Review.objects.all()).prefetch_related("themes", "linked_reviews")
    serializer_class = ReviewSerializer
    filterset_class = ReviewFilter
    create_action = staticmethod(actions.do_open_review)
    update_action = staticmethod(actions.do_update_review)
    archive_action = staticmethod(actions.do_archive_review)

    def _check_change_scope(self, data):
        """The review is the ICB's own; the lead partnership field is already scoped."""

    @extend_schema(responses=MILESTONE_SCHEMA)
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def milestones(self, request, pk=None):
        return Response(self.get_serializer(self.get_object()).data["milestones"])

    @action(detail=True, methods=["post"], serializer_class=DecisionSerializer)
    def decision(self, request, pk=None):
        """Record the decision; for a rapid review deciding on a CSPR, the answer is the new CSPR."""
        review = self.get_object()
        serializer = DecisionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        result = actions.do_record_decision(review, acting_user=request.user, **serializer.validated_data)
        return Response(
            ReviewSerializer(self.get_queryset().get(pk=result.pk), context=self.get_serializer_context()).data
        )

    @extend_schema(
        parameters=[OpenApiParameter("year", int), OpenApiParameter("quarter", int, enum=[1, 2, 3, 4])],
        responses=NOTIFICATION_LIST_SCHEMA,
    )
    @action(detail=False, methods=["get"], url_path="notification-list")
    def notification_list(self, request):
        """Every review opened or changed in a financial quarter (?year=2026&quarter=3) for NHS England."""
        if request.user.role not in ICB_ROLES:
            raise PermissionDenied("Only ICB staff see the NHS England notification list.")
        from reviews.views import requested_quarter

        year, quarter = requested_quarter(request.query_params)
        rows = reports.notification_list(Review.objects.restrict(request.user), year, quarter)
        return Response(
            {
                "year": year,
                "quarter": quarter,
                "label": rules.quarter_label(year, quarter),
                "reviews": [{"id": row.review.pk, "reference": row.review.reference, "what": row.what} for row in rows],
            }
        )


def acknowledge_identifiers_field():
    return serializers.BooleanField(write_only=True, required=False, default=False)


class ContributionSerializer(StrictSerializer):
    review = ScopedReviewField(source="involvement.review", required=False)
    organisation = ScopedOrganisationField(source="involvement.organisation", required=False)
    acknowledge_identifiers = acknowledge_identifiers_field()
    days_remaining = serializers.SerializerMethodField(
        help_text="Calendar days to the due date while the contribution is still requested; negative once overdue."
    )
    overdue = serializers.SerializerMethodField(help_text="Still requested after its due date.")

    class Meta:
        model = Contribution
        fields = [
            "id",
            "review",
            "organisation",
            "kind",
            "due_date",
            "status",
            "submitted_on",
            "notes",
            "days_remaining",
            "overdue",
            "archived_at",
            "acknowledge_identifiers",
        ]
        read_only_fields = ["archived_at"]

    def get_days_remaining(self, contribution) -> int | None:
        if contribution.status not in OPEN_CONTRIBUTION_STATUSES:
            return None
        return days_remaining(contribution.due_date, self.context.setdefault("today", timezone.localdate()))

    def get_overdue(self, contribution) -> bool:
        return contribution.is_overdue_on(self.context.setdefault("today", timezone.localdate()))

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["review"], data["organisation"] = instance.involvement.review_id, instance.involvement.organisation_id
        return data

    def validate(self, data):
        involvement = data.pop("involvement", {})
        if self.instance is None:
            missing = {
                name: ["This field is required."]
                for name, value in (
                    ("review", involvement.get("review")),
                    ("organisation", involvement.get("organisation")),
                )
                if value is None
            }
            if missing:
                raise serializers.ValidationError(missing)
            data.update(involvement)
        elif involvement or "kind" in data:
            raise serializers.ValidationError(
                {"kind": ["The review, organisation and kind of a contribution cannot change: add a new one."]}
            )
        return data


def create_contribution(
    *, acting_user, review, organisation, kind, due_date, notes="", acknowledge_identifiers=False, **extra
):
    if kind not in ContributionKind.values:
        kind = ""
    (contribution,) = actions.do_add_contributions(
        review,
        organisation=organisation,
        kinds=[kind] if kind else [],
        due_date=due_date,
        notes=notes,
        acknowledge_identifiers=acknowledge_identifiers,
        acting_user=acting_user,
    )
    if extra:
        actions.do_update_contribution(contribution, acting_user=acting_user, **extra)
    return contribution


class ContributionViewSet(ScopedViewSet):
    queryset = Contribution.objects.select_related("involvement__organisation", "involvement__review")
    serializer_class = ContributionSerializer
    filterset_class = ContributionFilter
    create_action = staticmethod(create_contribution)
    update_action = staticmethod(actions.do_update_contribution)
    archive_action = staticmethod(actions.do_archive_contribution)

    def _check_change_scope(self, data):
        """Providers change only the status, date submitted and notes of their own contributions (the action checks)."""

    def perform_create(self, serializer):
        if self.request.user.role not in Review.access.change:
            raise PermissionDenied("Only the ICB asks organisations to contribute.")
        super().perform_create(serializer)

    def archive(self, request, pk=None):
        if request.user.role not in Review.access.change:
            raise PermissionDenied("Only the ICB withdraws a contribution.")
        return super().archive(request, pk)


class RecommendationSerializer(StrictSerializer):
    review = ScopedReviewField()
    organisations = ScopedOrganisationField(many=True, required=False)
    action_title = serializers.CharField(write_only=True, required=False, allow_blank=True)
    owner = serializers.CharField(write_only=True, required=False, allow_blank=True)
    due_date = serializers.DateField(write_only=True, required=False, allow_null=True)
    success_measure = serializers.CharField(write_only=True, required=False, allow_blank=True)
    acknowledge_identifiers = acknowledge_identifiers_field()
    closed = serializers.SerializerMethodField()
    actions = serializers.SerializerMethodField()

    class Meta:
        model = Recommendation
        fields = [
            "id",
            "review",
            "number",
            "text",
            "organisations",
            "action_title",
            "owner",
            "due_date",
            "success_measure",
            "closed",
            "actions",
            "archived_at",
            "acknowledge_identifiers",
        ]
        read_only_fields = ["number", "archived_at"]
        extra_kwargs = {"text": {"required": False, "allow_blank": True}}

    def validate(self, data):
        if self.instance is not None:
            fixed = sorted(set(data) - {"text", "acknowledge_identifiers"})
            if fixed:
                raise serializers.ValidationError(
                    {name: ["Only the text of a recommendation can change: add a new one."] for name in fixed}
                )
        return data

    def _states(self):
        if "states" not in self.context:
            instances = self.parent.instance if self.parent is not None else [self.instance]
            ids = [r.pk for r in instances]
            user = self.context["request"].user
            self.context["states"] = {
                s.recommendation.pk: s
                for s in reports.recommendation_states(Recommendation.objects.filter(pk__in=ids), user)
            }
        return self.context["states"]

    def _state(self, recommendation):
        state = self._states().get(recommendation.pk)
        if state is None:  # created in this request
            self.context.pop("states")
            state = self._states()[recommendation.pk]
        return state

    def get_closed(self, recommendation) -> bool:
        return self._state(recommendation).closed

    def get_actions(self, recommendation) -> list[dict]:
        return [
            {"id": a.pk, "organisation": a.organisation_id, "status": a.status, "due_date": a.due_date}
            for a in self._state(recommendation).actions
        ]


def create_recommendation(*, acting_user, review, **data):
    return actions.do_add_recommendation(review, acting_user=acting_user, **data)


class RecommendationViewSet(ScopedViewSet):
    queryset = Recommendation.objects.select_related("review").prefetch_related("organisations")
    serializer_class = RecommendationSerializer
    filterset_class = RecommendationFilter
    create_action = staticmethod(create_recommendation)
    update_action = staticmethod(actions.do_update_recommendation)
    archive_action = staticmethod(actions.do_archive_recommendation)

    def _check_change_scope(self, data):
        """The review field only offers reviews the user may change."""


class LearningSerializer(StrictSerializer):
    review = ScopedReviewField()
    acknowledge_identifiers = acknowledge_identifiers_field()

    class Meta:
        model = LearningEntry
        fields = [
            "id",
            "review",
            "key_findings",
            "briefing_issued",
            "briefing_title",
            "disseminated_to",
            "date",
            "archived_at",
            "acknowledge_identifiers",
        ]
        read_only_fields = ["archived_at"]

    def validate(self, data):
        if self.instance is not None and "review" in data:
            raise serializers.ValidationError({"review": ["A learning entry stays with its review."]})
        return data


def create_learning(*, acting_user, review, **data):
    return actions.do_add_learning(review, acting_user=acting_user, **data)


class LearningViewSet(ScopedViewSet):
    queryset = LearningEntry.objects.select_related("review")
    serializer_class = LearningSerializer
    filterset_class = LearningFilter
    create_action = staticmethod(create_learning)
    update_action = staticmethod(actions.do_update_learning)
    archive_action = staticmethod(actions.do_archive_learning)

    def _check_change_scope(self, data):
        """The review field only offers reviews the user may change."""


class MilestoneRuleSerializer(serializers.ModelSerializer):
    amount = serializers.SerializerMethodField(help_text="The amount in force (the setting, else the default).")

    class Meta:
        model = MilestoneRule
        fields = ["code", "name", "base", "unit", "amount", "met_by", "setting", "source"]

    def get_amount(self, rule) -> int:
        return rule.as_rule().amount


class ReviewKindSerializer(serializers.ModelSerializer):
    milestones = MilestoneRuleSerializer(source="milestone_rules", many=True, read_only=True)

    class Meta:
        model = ReviewKind
        fields = ["id", "code", "name", "group", "partnership_kinds", "source", "active", "milestones"]


class ReviewKindViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = ReviewKind.objects.prefetch_related("milestone_rules")
    serializer_class = ReviewKindSerializer


class ThemeSerializer(serializers.ModelSerializer):
    class Meta:
        model = Theme
        fields = ["id", "name", "active"]


class ThemeViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Theme.objects.all()
    serializer_class = ThemeSerializer


# NHS participation in reviews [SAAF 4.5] and parallel section 42 enquiries [SAAF 4.5.7]


@extend_schema_field(OpenApiTypes.INT)
class RegionField(serializers.PrimaryKeyRelatedField):
    """An NHS England region (national reference data)."""

    def get_queryset(self):
        from organisations.models import Organisation

        return Organisation.objects.filter(kind="region")


class NonParticipationSerializer(StrictSerializer):
    review = ScopedReviewField()
    organisation = ScopedOrganisationField()
    region = RegionField(required=False, allow_null=True)
    awaiting_escalation = serializers.BooleanField(read_only=True)

    class Meta:
        model = NonParticipation
        fields = [
            "id",
            "review",
            "organisation",
            "noted_on",
            "reason",
            "region",
            "escalated_on",
            "escalation_note",
            "resolved_on",
            "awaiting_escalation",
            "created_at",
            "archived_at",
        ]
        read_only_fields = ["created_at", "archived_at"]

    def validate(self, data):
        if self.instance is not None:
            moved = sorted(name for name in ("review", "organisation") if name in data)
            if moved:
                raise serializers.ValidationError({name: ["This cannot change: record a new one."] for name in moved})
        return data


def create_non_participation(*, acting_user, review, **data):
    return actions.do_record_non_participation(review, acting_user=acting_user, **data)


class NonParticipationViewSet(ScopedViewSet):
    """NHS bodies not taking part in a statutory review and their escalation to the NHS England region."""

    queryset = NonParticipation.objects.select_related("review", "organisation", "region")
    serializer_class = NonParticipationSerializer
    filterset_class = NonParticipationFilter
    create_action = staticmethod(create_non_participation)
    update_action = staticmethod(actions.do_update_non_participation)
    archive_action = staticmethod(actions.do_archive_review_record)

    def _check_change_scope(self, data):
        """The review and organisation fields only offer what the user may see; the action checks the ICB."""


class EnquirySerializer(StrictSerializer):
    local_authority = ScopedOrganisationField()
    reviews = ScopedReviewField(many=True, required=False)
    acknowledge_identifiers = acknowledge_identifiers_field()

    class Meta:
        model = SafeguardingEnquiry
        fields = [
            "id",
            "local_authority",
            "reference",
            "subject_reference",
            "opened_on",
            "concluded_on",
            "outcome",
            "reviews",
            "acknowledge_identifiers",
            "created_at",
            "updated_at",
            "archived_at",
        ]
        read_only_fields = ["created_at", "updated_at", "archived_at"]


class EnquiryViewSet(ScopedViewSet):
    """Local authorities' section 42 enquiries running in parallel to reviews [SAAF 4.5.7]."""

    queryset = SafeguardingEnquiry.objects.select_related("local_authority").prefetch_related("reviews")
    serializer_class = EnquirySerializer
    filterset_class = EnquiryFilter
    create_action = staticmethod(actions.do_record_enquiry)
    update_action = staticmethod(actions.do_update_enquiry)
    archive_action = staticmethod(actions.do_archive_review_record)


def register(router):
    """Add this app's viewsets to the /api/v1/ router."""
    router.register("review-non-participation", NonParticipationViewSet, basename="review-non-participation")
    router.register("s42-enquiries", EnquiryViewSet, basename="s42-enquiry")
    router.register("reviews", ReviewViewSet)
    router.register("review-contributions", ContributionViewSet)
    router.register("review-recommendations", RecommendationViewSet)
    router.register("review-learning", LearningViewSet)
    router.register("review-kinds", ReviewKindViewSet)
    router.register("review-themes", ThemeViewSet)
