"""Statutory reviews and the learning from them.

Glossary:
- Rapid review: the safeguarding partners' first look at a serious child safeguarding case, which
  decides whether to hold a child safeguarding practice review (CSPR) [SAAF 4.5.1].
- CSPR: child safeguarding practice review (formerly serious case review, SCR), local or national,
  where abuse or neglect is known or suspected and a child died or was seriously harmed [NEL 8.1].
- SAR: safeguarding adults review, convened by the safeguarding adults board (SAB) [NEL 8.3].
- DHR: domestic homicide review, convened by the community safety partnership (CSP) [NEL 8.4].
- LeDeR: learning from lives and deaths of people with a learning disability and autistic people [SAAF 4.5.4].
- IMR: individual management review, an agency's own report into a review [DUDLEY 19.5].
- CDOP: child death overview panel; MAPPA: multi-agency public protection arrangements.
- Milestone: a step of a review with a due date set by a rule of its kind (N working days or N
  calendar months after an earlier date of the review).

Scoping: a review belongs to an ICB (`icb`). ICB staff see their ICB's reviews through the usual
core.scoping rule; a provider user sees a review only when its organisation is involved in it, and
within it only its own contributions and recommendations (see ReviewScopedQuerySet).
"""

from django.core.exceptions import ValidationError
from django.db import models

from core.choices import ICB_ROLES, ActionSource, Role
from core.models import User
from core.scoping import VIEW, Access, AuditScopeMixin, ScopedQuerySet, restrict
from core.versioning import Versioned
from organisations.models import Organisation
from reviews import conf, rules
from reviews.choices import (
    BASE_DATE_CHOICES,
    UNIT_CHOICES,
    ContributionKind,
    ContributionStatus,
    DecisionOutcome,
    Harm,
    ReviewStatus,
)

REVIEW_EDITORS = frozenset({Role.DESIGNATED, Role.ADMINISTRATOR})
REVIEW_VIEWERS = ICB_ROLES | {Role.PROVIDER}
CONTRIBUTION_EDITORS = REVIEW_EDITORS | {Role.PROVIDER}
PARTNERSHIP_KINDS = frozenset({"scp", "sab", "csp"})
# Child death reviews are led by the child death review partners, the ICB and the local authority [SAAF 4.5.3].
CDR_PARTNER_KINDS = frozenset({"icb", "local_authority"})
LEAD_KINDS = PARTNERSHIP_KINDS | CDR_PARTNER_KINDS


class ReviewKind(models.Model):
    """A kind of statutory review (reference data from reviews/data/review_kinds.json)."""

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=120)
    group = models.CharField(max_length=20, help_text="children, adults or any")
    order = models.PositiveSmallIntegerField(default=0)
    partnership_kinds = models.JSONField(
        default=list, blank=True, help_text="Kinds of partnership that usually lead this kind of review."
    )
    source = models.CharField(max_length=250)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["order", "name"]

    def __str__(self):
        return self.name


class MilestoneRule(models.Model):
    """A milestone of a review kind and the rule that sets its due date."""

    kind = models.ForeignKey(ReviewKind, on_delete=models.CASCADE, related_name="milestone_rules")
    code = models.SlugField(max_length=40)
    name = models.CharField(max_length=200)
    base = models.CharField("counted from", max_length=20, choices=BASE_DATE_CHOICES)
    unit = models.CharField(max_length=20, choices=UNIT_CHOICES)
    amount = models.PositiveSmallIntegerField(help_text="The default; the setting named below overrides it.")
    met_by = models.CharField("met when this date is recorded", max_length=20, choices=BASE_DATE_CHOICES, blank=True)
    setting = models.CharField(max_length=60, blank=True, help_text="settings.VIGIL key that overrides the amount.")
    source = models.CharField(max_length=250)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["kind", "order", "pk"]
        constraints = [models.UniqueConstraint(fields=["kind", "code"], name="unique_milestone_per_kind")]

    def __str__(self):
        return f"{self.kind.name}: {self.name}"

    def as_rule(self):
        amount = conf.setting(self.setting, self.amount) if self.setting else self.amount
        return rules.MilestoneRule(
            code=self.code,
            name=self.name,
            base=self.base,
            unit=self.unit,
            amount=int(amount),
            met_by=self.met_by,
            source=self.source,
        )


class Theme(models.Model):
    """A theme of learning across reviews (a managed list, edited in the admin)."""

    name = models.CharField(max_length=80, unique=True)
    order = models.PositiveSmallIntegerField(default=0)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["order", "name"]

    def __str__(self):
        return self.name


class ReviewScopedQuerySet(ScopedQuerySet):
    """core.scoping.restrict for ICB roles; for a provider user, the model's `provider_q(own_id)`:
    reviews its organisation is involved in, and only its own parts of them."""

    def restrict(self, user, action=VIEW):
        if getattr(user, "role", None) != Role.PROVIDER:
            return restrict(self, user, action)
        if not (user.is_authenticated and user.is_active and user.organisation_id):
            return self.none()
        if user.role not in self.model.access.roles(action):
            return self.none()
        return self.filter(self.model.provider_q(user.organisation_id))


def _own(prefix, own):
    return models.Q(**{f"{prefix}_id": own}) | models.Q(**{f"{prefix}__parent_id": own})


def involved_review_ids(own):
    return Involvement.objects.filter(_own("organisation", own), archived_at__isnull=True).values("review_id")


class Review(AuditScopeMixin, Versioned):
    """A statutory review the ICB takes part in: kind, pseudonymous subject, key dates, lead partnership,
    organisations involved and their contributions, terms of reference, themes and linked reviews."""

    access = Access(scope="icb", view=REVIEW_VIEWERS, change=REVIEW_EDITORS)
    action_source_kind = ActionSource.REVIEW

    icb = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+", editable=False)
    kind = models.ForeignKey(ReviewKind, on_delete=models.PROTECT, related_name="reviews")
    subject_reference = models.CharField(
        max_length=60,
        help_text="A pseudonym such as “Child Q” or “Adult R”: never a name or an NHS number.",
    )
    summary = models.TextField(blank=True, help_text="A short, non-identifying summary.")
    abuse_or_neglect = models.BooleanField("abuse or neglect known or suspected", null=True, blank=True)
    harm = models.CharField("outcome for the subject", max_length=20, choices=Harm.choices, blank=True)
    subject_age = models.PositiveSmallIntegerField("subject's age", null=True, blank=True)
    subject_has_children = models.BooleanField("subject has children", null=True, blank=True)
    care_leaver_or_ld = models.BooleanField(
        "care leaver or young person with learning disabilities",
        default=False,
        help_text="Their needs may extend to their 21st birthday [DUDLEY 3.4].",
    )
    agencies_concern = models.BooleanField(
        "concern about how agencies worked together",
        null=True,
        blank=True,
        help_text="Part of the test for a CSPR, SCR or SAR [SAAF 4.5.2, 4.5.6; DUDLEY 30.1; NEL 8.3].",
    )
    incident_date = models.DateField(null=True, blank=True)
    awareness_date = models.DateField(
        "date the agency became aware", null=True, blank=True, help_text="For example when the local authority knew."
    )
    notification_date = models.DateField(null=True, blank=True)
    decision_date = models.DateField(null=True, blank=True)
    decision_outcome = models.CharField(max_length=20, choices=DecisionOutcome.choices, blank=True)
    initiation_date = models.DateField(null=True, blank=True)
    publication_date = models.DateField("completion or publication date", null=True, blank=True)
    lead_partnership = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="led_reviews",
        help_text="The safeguarding children partnership, SAB or community safety partnership leading it; for a "
        "child death review, the child death review partners (the ICB or the local authority) [SAAF 4.5.3].",
    )
    status = models.CharField(max_length=20, choices=ReviewStatus.choices, default=ReviewStatus.OPEN)
    tor_file = models.FileField("terms of reference document", upload_to="reviews/tor/%Y/", blank=True)
    tor_link = models.URLField("terms of reference link", blank=True)
    themes = models.ManyToManyField(Theme, blank=True, related_name="reviews")
    linked_reviews = models.ManyToManyField(
        "self", blank=True, symmetrical=True, help_text="Parallel processes about the same events."
    )
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    archived_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = ReviewScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["icb", "status"])]

    def __str__(self):
        return f"{self.reference} {self.kind.name}: {self.subject_reference}"

    @property
    def reference(self):
        return f"R{self.pk:04d}" if self.pk else "R----"

    @staticmethod
    def provider_q(own):
        return models.Q(pk__in=involved_review_ids(own))

    def get_additional_data(self):
        return {**super().get_additional_data(), "review": self.pk}

    def dates(self):
        return {name: getattr(self, f"{name}_date") for name in rules.DATE_FIELDS}

    def clean(self):
        errors = {f"{name}_date": message for name, message in rules.date_order_problems(self.dates()).items()}
        partnership = self.lead_partnership
        child_death = self.kind_id is not None and self.kind.code == "child_death"
        if partnership is not None:
            if child_death and partnership.kind not in CDR_PARTNER_KINDS:
                errors["lead_partnership"] = (
                    "A child death review is led by the child death review partners: choose the ICB or the local "
                    "authority [SAAF 4.5.3; DDICB Child Death Review]."
                )
            elif not child_death and partnership.kind not in PARTNERSHIP_KINDS:
                errors["lead_partnership"] = (
                    "Choose a safeguarding children partnership, a safeguarding adults board or a "
                    "community safety partnership."
                )
            elif self.icb_id and partnership.icb_id != self.icb_id:
                errors["lead_partnership"] = "This partnership does not work with your ICB."
        if errors:
            raise ValidationError(errors)


class ReviewPart(AuditScopeMixin, Versioned):
    """Something belonging to one review: its audit entries name the review, for the quarterly list."""

    class Meta:
        abstract = True

    def review_id_for_audit(self):
        return self.review_id

    def get_additional_data(self):
        return {**super().get_additional_data(), "review": self.review_id_for_audit()}


class Involvement(ReviewPart):
    """An organisation taking part in a review."""

    access = Access(scope="review__icb", view=REVIEW_VIEWERS, change=REVIEW_EDITORS)

    review = models.ForeignKey(Review, on_delete=models.PROTECT, related_name="involvements")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="review_involvements")
    created_at = models.DateTimeField(auto_now_add=True)
    archived_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = ReviewScopedQuerySet.as_manager()

    class Meta:
        ordering = ["organisation__name"]
        constraints = [models.UniqueConstraint(fields=["review", "organisation"], name="unique_involvement")]

    def __str__(self):
        return f"{self.organisation.name} in {self.review.reference}"

    @staticmethod
    def provider_q(own):
        return _own("organisation", own)


class Contribution(ReviewPart):
    """What an involved organisation must provide to a review (chronology, agency report, panel
    attendance), by when, and whether it has."""

    access = Access(scope="involvement__review__icb", view=REVIEW_VIEWERS, change=CONTRIBUTION_EDITORS)

    involvement = models.ForeignKey(Involvement, on_delete=models.PROTECT, related_name="contributions")
    kind = models.CharField(max_length=30, choices=ContributionKind.choices)
    due_date = models.DateField()
    status = models.CharField(max_length=20, choices=ContributionStatus.choices, default=ContributionStatus.REQUESTED)
    submitted_on = models.DateField(null=True, blank=True)
    notes = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    archived_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = ReviewScopedQuerySet.as_manager()

    class Meta:
        ordering = ["due_date", "pk"]

    def __str__(self):
        return f"{self.get_kind_display()} from {self.involvement.organisation.name}"

    def review_id_for_audit(self):
        return self.involvement.review_id

    @staticmethod
    def provider_q(own):
        return _own("involvement__organisation", own)

    def is_overdue_on(self, today):
        return self.status == ContributionStatus.REQUESTED and self.due_date < today


class Recommendation(ReviewPart):
    """A recommendation of a review, assigned to one or more organisations; each becomes a tracked
    action per organisation. Closed only when every action is verified by the ICB."""

    access = Access(scope="review__icb", view=REVIEW_VIEWERS, change=REVIEW_EDITORS)
    action_source_kind = ActionSource.REVIEW

    review = models.ForeignKey(Review, on_delete=models.PROTECT, related_name="recommendations")
    number = models.PositiveSmallIntegerField()
    text = models.TextField("recommendation")
    organisations = models.ManyToManyField(Organisation, related_name="review_recommendations")
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    archived_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = ReviewScopedQuerySet.as_manager()

    class Meta:
        ordering = ["review", "number"]
        constraints = [models.UniqueConstraint(fields=["review", "number"], name="unique_recommendation_number")]

    def __str__(self):
        return f"{self.review.reference} recommendation {self.number}"

    @staticmethod
    def provider_q(own):
        return models.Q(
            pk__in=Recommendation.organisations.through.objects.filter(_own("organisation", own)).values(
                "recommendation_id"
            )
        )


class LearningEntry(ReviewPart):
    """The learning log of a review: key findings, the briefing issued, where it was disseminated, when."""

    access = Access(scope="review__icb", view=REVIEW_VIEWERS, change=REVIEW_EDITORS)

    review = models.ForeignKey(Review, on_delete=models.PROTECT, related_name="learning")
    key_findings = models.TextField()
    briefing_issued = models.BooleanField("a learning briefing was issued", default=False)
    briefing_title = models.CharField(max_length=200, blank=True)
    disseminated_to = models.TextField("where it was disseminated", help_text="Forums, teams, newsletters, training.")
    date = models.DateField()
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    archived_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = ReviewScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "-pk"]
        verbose_name_plural = "learning entries"

    def __str__(self):
        return f"Learning from {self.review.reference} ({self.date:%d %b %Y})"

    @staticmethod
    def provider_q(own):
        return models.Q(review_id__in=involved_review_ids(own))


class NonParticipation(ReviewPart):
    """An NHS body that does not take part in a statutory review, and the route taken: escalation to the
    NHS England region, with its date [SAAF 4.5: NHS organisations take part in statutory reviews; NHS England
    regions hold the NHS to account for it]. Open until the body takes part (`resolved_on`)."""

    access = Access(scope="review__icb", view=ICB_ROLES, change=REVIEW_EDITORS)

    review = models.ForeignKey(Review, on_delete=models.PROTECT, related_name="non_participations")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="review_non_participations", help_text="The NHS body."
    )
    noted_on = models.DateField("date it was clear it would not take part")
    reason = models.TextField("what happened", help_text="For example: no chronology after two requests.")
    region = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="NHS England region escalated to",
    )
    escalated_on = models.DateField("date escalated", null=True, blank=True)
    escalation_note = models.TextField("escalation and response", blank=True)
    resolved_on = models.DateField("date it took part", null=True, blank=True)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    archived_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = ReviewScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-noted_on", "-pk"]
        verbose_name = "NHS body not taking part"
        verbose_name_plural = "NHS bodies not taking part"

    def __str__(self):
        return f"{self.organisation.name} not taking part in {self.review.reference}"

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("reviews:detail", args=[self.review_id]) + f"#non-participation-{self.pk}"

    @staticmethod
    def provider_q(own):
        return models.Q(pk__in=[])

    @property
    def awaiting_escalation(self):
        return rules.awaiting_escalation(self.escalated_on, self.resolved_on)


class SafeguardingEnquiry(AuditScopeMixin, Versioned):
    """A local authority's safeguarding enquiry under section 42 of the Care Act 2014, running in parallel to
    statutory reviews (which link to it) [SAAF 4.5.7: reviews "may run parallel to local authority safeguarding
    inquiries and serious incident investigations"]. The person is a pseudonym, never a name."""

    access = Access(scope="icb", view=ICB_ROLES, change=REVIEW_EDITORS)

    icb = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+", editable=False)
    local_authority = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="s42_enquiries")
    reference = models.CharField("local authority's reference", max_length=60, blank=True)
    subject_reference = models.CharField(
        max_length=60, help_text="A pseudonym such as “Adult R”: never a name or an NHS number."
    )
    opened_on = models.DateField("enquiry opened")
    concluded_on = models.DateField("enquiry concluded", null=True, blank=True)
    outcome = models.TextField(blank=True)
    reviews = models.ManyToManyField(
        Review, blank=True, related_name="parallel_enquiries", help_text="The statutory reviews it runs beside."
    )
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    archived_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-opened_on", "-pk"]
        verbose_name = "section 42 safeguarding enquiry"
        verbose_name_plural = "section 42 safeguarding enquiries"

    def __str__(self):
        label = f" {self.reference}" if self.reference else ""
        return f"Section 42 enquiry{label}: {self.subject_reference} ({self.local_authority.name})"

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("reviews:enquiries") + f"#enquiry-{self.pk}"
