import copy

from django import forms
from django.utils import timezone

from assurance.choices import Rating, ReviewDecision
from assurance.models import (
    ChildrenInCareSpecification,
    CqcRegistration,
    FundingPanelAssurance,
    Inspection,
    RegulatoryNotice,
)
from core.forms import NHSFormMixin, SmartActionForm, VersionedFormMixin, smart_action_fields
from core.rules import smart_action_problems
from organisations.choices import PROVIDER_KINDS, OrganisationKind


class CycleForm(NHSFormMixin, forms.Form):
    framework = forms.ModelChoiceField(
        queryset=None, help_text="The framework version the organisations assess against."
    )
    period_label = forms.CharField(label="Period", max_length=60, help_text="For example: 2026/27")
    due_date = forms.DateField(widget=forms.DateInput)
    organisations = forms.ModelMultipleChoiceField(
        queryset=None, widget=forms.CheckboxSelectMultiple, help_text="Each organisation gets its own assessment."
    )
    roll_forward_from = forms.ModelChoiceField(
        label="Start from an earlier cycle",
        queryset=None,
        required=False,
        empty_label="No: start every assessment blank",
        help_text="Each organisation's answers and evidence of that cycle become its starting point (it still checks "
        "and submits them itself), and its open actions move across. The cycle must be of the same framework.",
    )

    def __init__(self, *args, frameworks, organisations, cycles, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["roll_forward_from"].queryset = cycles
        self.fields["framework"].queryset = frameworks
        self.fields["organisations"].queryset = organisations.filter(
            kind__in=[*PROVIDER_KINDS, OrganisationKind.ICB], archived_at__isnull=True
        ).order_by("name")
        self.fields["organisations"].widget.attrs["class"] = "nhsuk-checkboxes__input"


class CycleCloseForm(NHSFormMixin, forms.Form):
    reason = forms.CharField(
        label="Why the cycle closes now",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Needed when an assessment is not signed off; it stays as it is.",
    )


class SectionForm(VersionedFormMixin, forms.Form):
    """Ratings and narratives of one section's requirements (one set of fields per response)."""

    def __init__(self, *args, responses, **kwargs):
        super().__init__(*args, **kwargs)
        self.responses = list(responses)
        for response in self.responses:
            prefix = f"r{response.pk}"
            self.fields[f"{prefix}_rating"] = forms.ChoiceField(
                label="Rating",
                choices=Rating.choices,
                required=False,
                widget=forms.RadioSelect,
                initial=response.rating,
            )
            self.fields[f"{prefix}_na_reason"] = forms.CharField(
                label="Why it does not apply",
                required=False,
                initial=response.na_reason,
                widget=forms.Textarea(attrs={"rows": 2, "class": "nhsuk-textarea"}),
            )
            self.fields[f"{prefix}_narrative"] = forms.CharField(
                label="What you have in place",
                required=False,
                initial=response.narrative,
                widget=forms.Textarea(attrs={"rows": 4, "class": "nhsuk-textarea"}),
            )

    def items(self):
        for response in self.responses:
            prefix = f"r{response.pk}"
            yield response, self[f"{prefix}_rating"], self[f"{prefix}_na_reason"], self[f"{prefix}_narrative"]

    def answers(self):
        return {
            response: {
                "rating": self.cleaned_data[f"r{response.pk}_rating"],
                "na_reason": self.cleaned_data[f"r{response.pk}_na_reason"],
                "narrative": self.cleaned_data[f"r{response.pk}_narrative"],
            }
            for response in self.responses
        }

    def apply_action_error(self, error):
        self.add_error(
            None, error.messages if not hasattr(error, "error_dict") else sum(error.message_dict.values(), [])
        )


class ActionForm(SmartActionForm):
    """A SMART action against one requirement of an assessment."""


class EvidenceForm(NHSFormMixin, forms.Form):
    upload = forms.FileField(
        label="File", required=False, help_text="PDF, DOCX, XLSX, PNG, JPG, TXT or CSV, up to 10 MB."
    )
    url = forms.URLField(label="Or a link", required=False, assume_scheme="https")
    description = forms.CharField(label="Description", max_length=300, required=False)

    def clean(self):
        data = super().clean()
        if not data.get("upload") and not data.get("url"):
            raise forms.ValidationError("Choose a file or enter a link.")
        return data


class ReplyForm(NHSFormMixin, forms.Form):
    text = forms.CharField(label="Your answer to the challenge", widget=forms.Textarea(attrs={"rows": 3}))


SMART_NAMES = ("title", "owner", "due_date", "success_measure")


class ReviewForm(NHSFormMixin, forms.Form):
    """One decision (accept / challenge) and comment per response awaiting review, and beside it an optional SMART
    action (the tracker's four fields: all of them, or none). The button "accept_rest" accepts every requirement
    left without a decision as well (assurance.actions.do_review)."""

    def __init__(self, *args, responses, **kwargs):
        super().__init__(*args, **kwargs)
        self.responses = list(responses)
        smart = smart_action_fields()
        for response in self.responses:
            code = response.requirement.code
            self.fields[f"r{response.pk}_decision"] = forms.ChoiceField(
                label=f"Decision on {code}", choices=ReviewDecision.choices, required=False, widget=forms.RadioSelect
            )
            self.fields[f"r{response.pk}_comment"] = forms.CharField(
                label=f"Comment on {code}",
                required=False,
                help_text="Needed with a challenge: say what the provider must add or change.",
                widget=forms.Textarea(attrs={"rows": 2, "class": "nhsuk-textarea"}),
            )
            for name in SMART_NAMES:
                field = copy.deepcopy(smart[name])
                field.required = False  # the action as a whole is optional; clean() asks for all four once one is given
                field.all_or_none = True  # its label is not marked "(optional)" alone (includes/field.html)
                field.label = f"{field.label} ({code})"
                self.fields[f"r{response.pk}_{name}"] = field

    def items(self):
        for response in self.responses:
            prefix = f"r{response.pk}"
            yield (
                response,
                self[f"{prefix}_decision"],
                self[f"{prefix}_comment"],
                [self[f"{prefix}_{name}"] for name in SMART_NAMES],
            )

    @property
    def accept_rest(self):
        return "accept_rest" in self.data

    def clean(self):
        data = super().clean()
        today = timezone.localdate()
        for response in self.responses:
            prefix = f"r{response.pk}"
            smart = {name: data.get(f"{prefix}_{name}") for name in SMART_NAMES}
            if not any(value not in (None, "") for value in smart.values()):
                continue
            if any(f"{prefix}_{name}" in self.errors for name in SMART_NAMES):
                continue
            for name, message in smart_action_problems(**smart, today=today).items():
                self.add_error(f"{prefix}_{name}", message)
            if not data.get(f"{prefix}_decision") and not self.accept_rest:
                self.add_error(f"{prefix}_decision", "Choose accept or challenge for the requirement of this action.")
        return data

    def decisions(self):
        return {
            response: (self.cleaned_data[f"r{response.pk}_decision"], self.cleaned_data[f"r{response.pk}_comment"])
            for response in self.responses
            if self.cleaned_data[f"r{response.pk}_decision"]
        }

    def smart_actions(self):
        actions = {}
        for response in self.responses:
            smart = {name: self.cleaned_data.get(f"r{response.pk}_{name}") for name in SMART_NAMES}
            if any(value not in (None, "") for value in smart.values()):
                actions[response] = smart
        return actions

    def apply_action_error(self, error):
        if hasattr(error, "error_dict"):
            for code, messages in error.message_dict.items():
                self.add_error(None, [f"{code}: {m}" for m in messages])
        else:
            self.add_error(None, error.messages)


class ImportForm(NHSFormMixin, forms.Form):
    upload = forms.FileField(label="Completed XLSX template")


class _IcbDutyForm(NHSFormMixin, forms.ModelForm):
    """A record of the ICB's own duties; the action validates (and names the field)."""

    def _post_clean(self):
        """The action validates."""

    def action_fields(self):
        if self.instance.pk:
            return {name: self.cleaned_data[name] for name in self.changed_data if name in self.cleaned_data}
        return dict(self.cleaned_data)


class ChildrenInCareSpecificationForm(_IcbDutyForm):
    class Meta:
        model = ChildrenInCareSpecification
        fields = ["title", "provider_name", "approved_on", "review_date", "child_voice"]
        widgets = {
            "approved_on": forms.DateInput,
            "review_date": forms.DateInput,
            "child_voice": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["review_date"].required = False


class FundingPanelForm(_IcbDutyForm):
    class Meta:
        model = FundingPanelAssurance
        fields = ["panel", "mca_compliant", "evidence", "assured_on"]
        widgets = {"evidence": forms.Textarea(attrs={"rows": 3}), "assured_on": forms.DateInput}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mca_compliant"] = forms.TypedChoiceField(
            label="Are the panel's decisions documented as compliant with the Mental Capacity Act?",
            choices=[("True", "Yes"), ("False", "No")],
            coerce=lambda value: value in ("True", True),
            widget=forms.RadioSelect,
        )


class RecordModelForm(NHSFormMixin, forms.ModelForm):
    """A model form whose validation runs in the action (which names the field); `action_fields()` gives the
    fields to create a record with, or the ones changed on an edit."""

    def _post_clean(self):
        """The action validates."""

    def action_fields(self):
        if self.instance.pk:
            return {name: self.cleaned_data[name] for name in self.changed_data if name in self.cleaned_data}
        return dict(self.cleaned_data)


def _dates(*names):
    return dict.fromkeys(names, forms.DateInput)


class CqcRegistrationForm(RecordModelForm):
    class Meta:
        model = CqcRegistration
        fields = [
            "provider",
            "registration_id",
            "registered_on",
            "current_rating",
            "rated_on",
            "conditions",
            "icb_told_on",
        ]
        widgets = {
            **_dates("registered_on", "rated_on", "icb_told_on"),
            "conditions": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            del self.fields["provider"]
        else:
            self.fields["provider"].queryset = organisations.filter(
                kind__in=PROVIDER_KINDS, archived_at__isnull=True
            ).order_by("name")


class InspectionForm(RecordModelForm):
    class Meta:
        model = Inspection
        fields = [
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
        ]
        widgets = {
            **_dates("started_on", "ended_on", "published_on", "designated_informed_on", "icb_told_on"),
            "findings": forms.Textarea(attrs={"rows": 5}),
        }

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            del self.fields["organisation"]
        else:
            self.fields["organisation"].queryset = (
                organisations.filter(archived_at__isnull=True).exclude(kind=OrganisationKind.SITE).order_by("name")
            )


class RegulatoryNoticeForm(RecordModelForm):
    class Meta:
        model = RegulatoryNotice
        fields = ["provider", "inspection", "kind", "issued_on", "summary", "icb_told_on", "lifted_on"]
        widgets = {**_dates("issued_on", "icb_told_on", "lifted_on"), "summary": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, organisations, inspections, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            del self.fields["provider"]
            inspections = inspections.filter(organisation_id=self.instance.provider_id)
        else:
            self.fields["provider"].queryset = organisations.filter(
                kind__in=PROVIDER_KINDS, archived_at__isnull=True
            ).order_by("name")
        self.fields["inspection"].queryset = inspections.filter(archived_at__isnull=True).select_related("organisation")
        self.fields["inspection"].required = False


class InspectionActionForm(SmartActionForm):
    """A SMART action raised in the one tracker from an inspection or a regulatory notice."""

    organisation = forms.ModelChoiceField(queryset=None, help_text="Whose action it is.")
    field_order = ["organisation"]

    def __init__(self, *args, organisations, default, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = (
            organisations.filter(archived_at__isnull=True).exclude(kind=OrganisationKind.SITE).order_by("name")
        )
        self.fields["organisation"].initial = default
