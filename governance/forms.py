from django import forms

from core.forms import NHSFormMixin, SmartActionForm
from core.scoping import allowed_organisations
from governance import rules
from governance.actions import ANNUAL_REPORT_KINDS, SCORE_FIELDS
from governance.choices import CheckOutcome
from governance.models import Committee, Decision, Meeting, MonitoringCheck, Paper, Policy, Risk
from organisations.choices import OrganisationKind

SCALE_CHOICES = [("", "Choose")] + [(n, str(n)) for n in rules.SCALE]
LIKELIHOOD_CHOICES = [("", "Choose")] + [(n, f"{n} {label}") for n, label in rules.LIKELIHOOD_LABELS.items()]
CONSEQUENCE_CHOICES = [("", "Choose")] + [(n, f"{n} {label}") for n, label in rules.CONSEQUENCE_LABELS.items()]


class ActionModelForm(NHSFormMixin, forms.ModelForm):
    """A model form whose model validation runs in the action; `changed_fields()` for edits."""

    def _post_clean(self):
        """The action validates (and names the field)."""

    def changed_fields(self):
        return {name: self.cleaned_data[name] for name in self.changed_data if name in self.cleaned_data}


class CommitteeForm(ActionModelForm):
    class Meta:
        model = Committee
        fields = ["name", "kind", "chair", "terms_of_reference"]
        widgets = {"terms_of_reference": forms.Textarea(attrs={"rows": 3})}


class MeetingForm(ActionModelForm):
    class Meta:
        model = Meeting
        fields = ["date", "minute_reference", "notes"]
        widgets = {"date": forms.DateInput, "notes": forms.Textarea(attrs={"rows": 3})}


class PaperForm(ActionModelForm):
    class Meta:
        model = Paper
        fields = ["title", "presented_by", "record_link"]


class DecisionForm(ActionModelForm):
    class Meta:
        model = Decision
        fields = ["text", "paper"]
        widgets = {"text": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, meeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["paper"].queryset = meeting.papers.filter(archived_at__isnull=True)
        self.fields["paper"].required = False


class TrackedActionForm(SmartActionForm):
    """A SMART action raised in the one tracker from a meeting, a decision or a risk."""

    organisation = forms.ModelChoiceField(queryset=None, help_text="Whose action it is: the ICB or a provider.")
    field_order = ["organisation"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        organisations = allowed_organisations(user).filter(archived_at__isnull=True)
        self.fields["organisation"].queryset = organisations.filter(
            kind__in=[OrganisationKind.ICB, *ANNUAL_REPORT_KINDS, OrganisationKind.GP_PRACTICE]
        )
        self.fields["organisation"].initial = user.organisation.icb_id


class PolicyForm(ActionModelForm):
    review_interval_months = forms.IntegerField(
        label="Review interval (months)",
        required=False,
        help_text="Leave blank for the default of 24 months [DDICB]; at least 36 for safer recruitment [NEL Std 10].",
    )

    class Meta:
        model = Policy
        fields = [
            "organisation",
            "reference",
            "title",
            "owner",
            "document_version",
            "status",
            "approved_on",
            "approving_committee",
            "review_interval_months",
        ]
        widgets = {"approved_on": forms.DateInput}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = allowed_organisations(user).filter(
            kind__in=[OrganisationKind.ICB, *ANNUAL_REPORT_KINDS, OrganisationKind.GP_PRACTICE]
        )
        self.fields["organisation"].initial = user.organisation.icb_id
        self.fields["organisation"].help_text = "Your ICB for its own policies, or the provider whose policy it is."
        self.fields["approving_committee"].queryset = Committee.objects.restrict(user).filter(archived_at__isnull=True)

    def action_fields(self):
        data = self.changed_fields() if self.instance.pk else dict(self.cleaned_data)
        if data.get("review_interval_months") is None and not self.instance.pk:
            data.pop("review_interval_months", None)
        return data


class PolicyDocumentForm(NHSFormMixin, forms.Form):
    file = forms.FileField(label="Document", help_text="PDF or Word, up to 20 MB. Earlier versions are kept.")
    version = forms.CharField(max_length=30, required=False, help_text="Leave blank for the policy's version.")
    note = forms.CharField(label="What changed", max_length=250, required=False)


class RiskForm(ActionModelForm):
    class Meta:
        model = Risk
        fields = [
            "title",
            "cause",
            "effect",
            "owner",
            "controls",
            "assurances",
            "gaps",
            *SCORE_FIELDS,
            "opened_on",
            "review_date",
            "status",
        ]
        widgets = {
            **{
                name: forms.Textarea(attrs={"rows": 2})
                for name in ("cause", "effect", "controls", "assurances", "gaps")
            },
            "opened_on": forms.DateInput,
            "review_date": forms.DateInput,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in SCORE_FIELDS:
            choices = LIKELIHOOD_CHOICES if name.endswith("likelihood") else CONSEQUENCE_CHOICES
            label = name.replace("_", " ").capitalize()
            self.fields[name] = forms.TypedChoiceField(
                label=label, choices=choices, coerce=int, required=False, empty_value=None
            )
        if not self.instance.pk:
            del self.fields["status"]

    def action_fields(self):
        return self.changed_fields() if self.instance.pk else dict(self.cleaned_data)


class RescoreForm(NHSFormMixin, forms.Form):
    likelihood = forms.TypedChoiceField(choices=LIKELIHOOD_CHOICES, coerce=int, required=False, empty_value=None)
    consequence = forms.TypedChoiceField(choices=CONSEQUENCE_CHOICES, coerce=int, required=False, empty_value=None)
    note = forms.CharField(label="Why the score changed", max_length=250, required=False)

    def clean(self):
        data = super().clean()
        for name in ("likelihood", "consequence"):
            if data.get(name) in ("", None):
                data[name] = None
        return data


class EscalationForm(NHSFormMixin, forms.Form):
    committee = forms.ModelChoiceField(queryset=None, empty_label="Choose a committee", required=False)
    escalated_on = forms.DateField(label="Date escalated", widget=forms.DateInput, required=False)
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["committee"].queryset = Committee.objects.restrict(user).filter(archived_at__isnull=True)


class ExpectReportsForm(NHSFormMixin, forms.Form):
    year = forms.IntegerField(
        label="Financial year", help_text="Its first year: 2025 for the year April 2025 to March 2026."
    )


class ReceiveReportForm(NHSFormMixin, forms.Form):
    received_on = forms.DateField(label="Date received", widget=forms.DateInput, required=False)
    document = forms.FileField(required=False, help_text="PDF or Word, up to 20 MB.")


class ReviewReportForm(NHSFormMixin, forms.Form):
    reviewed_on = forms.DateField(label="Date reviewed", widget=forms.DateInput, required=False)
    feedback = forms.CharField(label="The ICB's feedback", widget=forms.Textarea(attrs={"rows": 4}), required=False)


class MonitoringCheckForm(ActionModelForm):
    class Meta:
        model = MonitoringCheck
        fields = [
            "title",
            "purpose",
            "owner",
            "frequency_months",
            "reviewing_committee",
            "oversight",
            "source",
            "first_due_on",
            "reminder_days",
        ]
        widgets = {"purpose": forms.Textarea(attrs={"rows": 2}), "first_due_on": forms.DateInput}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reviewing_committee"].queryset = Committee.objects.restrict(user).filter(archived_at__isnull=True)
        self.fields["first_due_on"].required = False
        self.fields["frequency_months"].required = False

    def action_fields(self):
        return self.changed_fields() if self.instance.pk else dict(self.cleaned_data)


class CheckDoneForm(NHSFormMixin, forms.Form):
    done_on = forms.DateField(label="Date done", widget=forms.DateInput, required=False)
    done_by = forms.CharField(max_length=150, required=False, help_text="Who did the check.")
    outcome = forms.ChoiceField(choices=CheckOutcome.choices)
    findings = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), required=False)
    reported_to = forms.ModelChoiceField(
        queryset=None, required=False, empty_label="Not yet reported", help_text="The meeting the result went to."
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reported_to"].queryset = (
            Meeting.objects.restrict(user).filter(archived_at__isnull=True).select_related("committee")
        )
