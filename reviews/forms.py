from django import forms
from django.db.models import Q

from core.forms import NHSFormMixin
from core.scoping import allowed_organisations
from organisations.choices import PARTNER_KINDS, PROVIDER_KINDS
from reviews.choices import ContributionKind, ContributionStatus, DecisionOutcome
from reviews.models import (
    LEAD_KINDS,
    Contribution,
    LearningEntry,
    NonParticipation,
    Review,
    ReviewKind,
    SafeguardingEnquiry,
    Theme,
)
from reviews.rules import NHS_BODY_KINDS

DATE_WIDGETS = dict.fromkeys(
    ("incident_date", "awareness_date", "notification_date", "decision_date", "initiation_date", "publication_date"),
    forms.DateInput,
)
ACKNOWLEDGE_HELP = (
    "Vigil warns when a field looks like a person's name or holds a valid NHS number. Tick only if you have "
    "checked that it is a pseudonym."
)


def acknowledge_identifiers_field():
    return forms.BooleanField(
        label="I confirm there is no real name or NHS number here", required=False, help_text=ACKNOWLEDGE_HELP
    )


class ReviewForm(NHSFormMixin, forms.ModelForm):
    abuse_or_neglect = forms.NullBooleanField(
        label="Abuse or neglect known or suspected", widget=forms.NullBooleanSelect, required=False
    )
    subject_has_children = forms.NullBooleanField(
        label="Subject has children", widget=forms.NullBooleanSelect, required=False
    )
    agencies_concern = forms.NullBooleanField(
        label="Concern about how agencies worked together",
        widget=forms.NullBooleanSelect,
        required=False,
        help_text="Part of the test for a CSPR, SCR or SAR [SAAF 4.5.2, 4.5.6; DUDLEY 30.1; NEL 8.3].",
    )
    tor_link = forms.URLField(label="Terms of reference link", required=False, assume_scheme="https")
    acknowledge_identifiers = forms.BooleanField(
        label="I confirm there is no real name or NHS number here", required=False, help_text=ACKNOWLEDGE_HELP
    )

    class Meta:
        model = Review
        fields = [
            "kind",
            "subject_reference",
            "summary",
            "abuse_or_neglect",
            "harm",
            "subject_age",
            "subject_has_children",
            "care_leaver_or_ld",
            "agencies_concern",
            "lead_partnership",
            "incident_date",
            "awareness_date",
            "notification_date",
            "decision_date",
            "initiation_date",
            "publication_date",
            "status",
            "themes",
            "linked_reviews",
            "tor_file",
            "tor_link",
        ]
        widgets = {**DATE_WIDGETS, "summary": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].queryset = ReviewKind.objects.filter(active=True)
        self.fields["lead_partnership"].queryset = allowed_organisations(user).filter(
            kind__in=LEAD_KINDS, archived_at__isnull=True
        )
        self.fields["themes"].queryset = Theme.objects.filter(active=True)
        linked = Review.objects.restrict(user).filter(archived_at__isnull=True).select_related("kind")
        if self.instance.pk:
            linked = linked.exclude(pk=self.instance.pk)
        self.fields["linked_reviews"].queryset = linked
        for name in ("linked_reviews", "themes"):
            self.fields[name].help_text = "Hold Ctrl (Cmd on a Mac) to choose more than one."

    def _post_clean(self):
        """Model validation runs in the action, with the acknowledgement."""

    def action_fields(self, changed_only=False):
        """The cleaned data for the action: a new or cleared file only; on edit, only what changed."""
        data = dict(self.cleaned_data)
        if changed_only:
            data = {name: value for name, value in data.items() if name in self.changed_data}
            data["acknowledge_identifiers"] = self.cleaned_data.get("acknowledge_identifiers", False)
        if "tor_file" not in self.changed_data:
            data.pop("tor_file", None)
        elif data.get("tor_file") is False:  # "clear" ticked
            data["tor_file"] = ""
        return data


class DecisionForm(NHSFormMixin, forms.Form):
    decision_date = forms.DateField(widget=forms.DateInput)
    outcome = forms.ChoiceField(label="What was decided", choices=DecisionOutcome.choices)
    initiation_date = forms.DateField(
        widget=forms.DateInput,
        required=False,
        help_text="When the review (for a rapid review: the CSPR) was initiated, if known.",
    )


def involvable_organisations(user):
    return allowed_organisations(user).filter(kind__in=PROVIDER_KINDS | PARTNER_KINDS, archived_at__isnull=True)


class ContributionForm(NHSFormMixin, forms.Form):
    organisation = forms.ModelChoiceField(queryset=None)
    kinds = forms.MultipleChoiceField(
        label="What it must contribute",
        choices=ContributionKind.choices,
        help_text="Hold Ctrl (Cmd on a Mac) to choose more than one.",
    )
    due_date = forms.DateField(widget=forms.DateInput)
    notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)
    acknowledge_identifiers = acknowledge_identifiers_field()

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = involvable_organisations(user)


class ContributionUpdateForm(NHSFormMixin, forms.ModelForm):
    acknowledge_identifiers = acknowledge_identifiers_field()

    class Meta:
        model = Contribution
        fields = ["status", "submitted_on", "due_date", "notes"]
        widgets = {"submitted_on": forms.DateInput, "due_date": forms.DateInput}

    def __init__(self, *args, can_change_due_date, **kwargs):
        super().__init__(*args, **kwargs)
        if not can_change_due_date:
            del self.fields["due_date"]
            self.fields["status"].choices = [
                (value, label)
                for value, label in self.fields["status"].choices
                if value in {ContributionStatus.REQUESTED, ContributionStatus.SUBMITTED}
            ]

    def _post_clean(self):
        """Validated by the action."""


class RecommendationForm(NHSFormMixin, forms.Form):
    text = forms.CharField(
        label="Recommendation",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Write the recommendation."},
    )
    organisations = forms.ModelMultipleChoiceField(
        label="Organisations it is assigned to",
        queryset=None,
        help_text="Each organisation gets its own action in the tracker. Hold Ctrl (Cmd) to choose more than one.",
        error_messages={"required": "Assign the recommendation to at least one organisation."},
    )
    action_title = forms.CharField(
        label="What will be done",
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text="Leave blank to use the recommendation's words.",
    )
    owner = forms.CharField(
        max_length=150,
        help_text="The post responsible in each organisation.",
        error_messages={"required": "Name who owns the action."},
    )
    due_date = forms.DateField(widget=forms.DateInput, error_messages={"required": "Enter the date the action is due."})
    success_measure = forms.CharField(
        label="How success will be measured",
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Say how success will be measured."},
    )
    acknowledge_identifiers = acknowledge_identifiers_field()

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisations"].queryset = involvable_organisations(user)


class LearningForm(NHSFormMixin, forms.ModelForm):
    acknowledge_identifiers = acknowledge_identifiers_field()

    class Meta:
        model = LearningEntry
        fields = ["key_findings", "briefing_issued", "briefing_title", "disseminated_to", "date"]
        widgets = {
            "date": forms.DateInput,
            "key_findings": forms.Textarea(attrs={"rows": 4}),
            "disseminated_to": forms.Textarea(attrs={"rows": 2}),
        }

    def _post_clean(self):
        """Validated by the action."""


# NHS participation in reviews [SAAF 4.5] and parallel section 42 enquiries [SAAF 4.5.7]


def nhs_regions():
    """NHS England regions (national reference: every ICB escalates to its own region)."""
    from organisations.models import Organisation

    return Organisation.objects.filter(kind="region", archived_at__isnull=True).order_by("name")


class NonParticipationForm(NHSFormMixin, forms.ModelForm):
    class Meta:
        model = NonParticipation
        fields = ["organisation", "noted_on", "reason", "region", "escalated_on", "escalation_note", "resolved_on"]
        widgets = {
            "noted_on": forms.DateInput,
            "escalated_on": forms.DateInput,
            "resolved_on": forms.DateInput,
            "reason": forms.Textarea(attrs={"rows": 3}),
            "escalation_note": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            del self.fields["organisation"]
        else:
            self.fields["organisation"].queryset = allowed_organisations(user).filter(
                kind__in=NHS_BODY_KINDS, archived_at__isnull=True
            )
        self.fields["region"].queryset = nhs_regions()

    def _post_clean(self):
        """Validated by the action."""

    def action_fields(self):
        if self.instance.pk:
            return {name: self.cleaned_data[name] for name in self.changed_data if name in self.cleaned_data}
        return dict(self.cleaned_data)


class EnquiryForm(NHSFormMixin, forms.ModelForm):
    acknowledge_identifiers = acknowledge_identifiers_field()

    class Meta:
        model = SafeguardingEnquiry
        fields = [
            "local_authority",
            "reference",
            "subject_reference",
            "opened_on",
            "concluded_on",
            "outcome",
            "reviews",
        ]
        widgets = {
            "opened_on": forms.DateInput,
            "concluded_on": forms.DateInput,
            "outcome": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        current = Q(pk=self.instance.local_authority_id) if self.instance.pk else Q(pk__in=[])
        self.fields["local_authority"].queryset = allowed_organisations(user).filter(
            Q(kind="local_authority", archived_at__isnull=True) | current
        )
        self.fields["reviews"].queryset = Review.objects.restrict(user).filter(archived_at__isnull=True)
        self.fields["reviews"].required = False

    def _post_clean(self):
        """Validated by the action."""

    def action_fields(self):
        names = self.changed_data if self.instance.pk else list(self.cleaned_data)
        fields = {name: self.cleaned_data[name] for name in names if name in self.cleaned_data}
        fields["acknowledge_identifiers"] = self.cleaned_data.get("acknowledge_identifiers", False)
        if "reviews" in fields:
            fields["reviews"] = list(fields["reviews"])
        return fields
