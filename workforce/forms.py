from django import forms

from core.forms import NHSFormMixin, SmartActionForm
from workforce import conf, rules
from workforce.choices import StaffStatus, Topic
from workforce.models import (
    CapacityEntry,
    DbsCheck,
    PopulationFigures,
    StaffMember,
    SupervisionAgreement,
    SupervisionSession,
)


class PolicyForm(NHSFormMixin, forms.Form):
    l1_refresher_months = forms.ChoiceField(label="Children level 1 refresher", widget=forms.RadioSelect)
    target_choice = forms.ChoiceField(label="Target for ICB staff", widget=forms.RadioSelect)
    excluded_statuses = forms.MultipleChoiceField(
        label="Out of scope while",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=[(s.value, s.label) for s in StaffStatus if s != StaffStatus.ACTIVE],
        help_text="People with these statuses are left out of the denominator [reference A1.8].",
    )
    check_hours = forms.BooleanField(
        label="Check training hours",
        required=False,
        help_text="A person below the framework's hours for a level over 3 years (for example children level 3: "
        "6 hours [E1]) is not compliant for that level; a new starter, past the grace period and inside the initial "
        "window, needs the initial hours since starting instead (children level 3: 8 hours within 12 months [E1, E2]). "
        "Levels the framework gives no hours for are not checked.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["l1_refresher_months"].choices = list(conf.setting("WORKFORCE_L1_REFRESHER_OPTIONS").items())
        self.fields["target_choice"].choices = list(conf.setting("WORKFORCE_TARGET_OPTIONS").items())


class TnaChangeForm(NHSFormMixin, forms.Form):
    staff_group = forms.CharField(max_length=80)
    role = forms.CharField(max_length=120, required=False, help_text="Blank: every role in the staff group.")
    topic = forms.ChoiceField(choices=Topic.choices)
    level = forms.IntegerField(min_value=0, max_value=6, help_text="0: not required. Board level is 6.")
    effective_from = forms.DateField(widget=forms.DateInput)


class ColumnMappingForm(NHSFormMixin, forms.Form):
    """One heading per field of the extract: the column of the ICB's file that holds it."""

    def __init__(self, *args, headers=None, **kwargs):
        super().__init__(*args, **kwargs)
        for name, (label, required) in rules.FIELDS.items():
            self.fields[name] = forms.CharField(
                label=label, required=required, max_length=120, initial=(headers or {}).get(name, "")
            )

    def action_fields(self):
        return {"headers": {name: value for name, value in self.cleaned_data.items() if value}}


class CompetenceMappingForm(NHSFormMixin, forms.Form):
    name = forms.CharField(label="Competence name in the extract", max_length=200)
    topic = forms.ChoiceField(choices=Topic.choices)
    level = forms.IntegerField(min_value=1, max_value=6)


class ExtractUploadForm(NHSFormMixin, forms.Form):
    file = forms.FileField(
        label="Extract (CSV or XLSX)", help_text="Person-level rows; the first row holds the headings."
    )
    full_extract = forms.BooleanField(
        label="This file is the complete staff list",
        required=False,
        help_text="Anyone on the staff list but not in the file is ended the day before the upload. Leave it "
        "unticked for a training extract, which may leave out people with no completions.",
    )


class RaiseActionForm(SmartActionForm):
    """A SMART action raised from a workforce gap or a training session."""


class StaffMemberForm(NHSFormMixin, forms.ModelForm):
    class Meta:
        model = StaffMember
        fields = [
            "staff_key",
            "role",
            "staff_group",
            "start_date",
            "end_date",
            "status",
            "supervision_group",
            "regulated_activity",
            "line_manager_email",
        ]
        widgets = {"start_date": forms.DateInput, "end_date": forms.DateInput}


class _IcbStaffMixin:
    staff_fields = ()

    def __init__(self, *args, staff=None, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.staff_fields:
            if name in self.fields:
                self.fields[name].queryset = staff


class DbsCheckForm(_IcbStaffMixin, NHSFormMixin, forms.ModelForm):
    staff_fields = ("staff",)
    certificate_number = forms.CharField(
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
        help_text="12 digits. Once saved it is only shown masked; leave blank when changing a check to keep it.",
    )

    class Meta:
        model = DbsCheck
        fields = [
            "staff",
            "level",
            "checked_on",
            "certificate_number",
            "update_service",
            "self_disclosure_on",
            "references_received",
            "reference_from_recent_employer",
            "panel_member_trained",
            "identity_and_qualifications_checked",
            "employment_history_checked",
        ]
        widgets = {"checked_on": forms.DateInput, "self_disclosure_on": forms.DateInput}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.pop("certificate_number", None)
        if self.instance.pk is None:
            self.fields["certificate_number"].required = True
        else:
            self.fields.pop("staff")

    def _post_clean(self):  # the action validates the model: the form must not write into the instance
        pass


class AgreementForm(_IcbStaffMixin, NHSFormMixin, forms.ModelForm):
    staff_fields = ("supervisee", "supervisor")

    class Meta:
        model = SupervisionAgreement
        fields = ["supervisee", "supervisor", "agreed_on", "supervisee_signed_on", "supervisor_signed_on", "review_on"]
        widgets = dict.fromkeys(fields[2:], forms.DateInput)

    def _post_clean(self):
        pass


class SessionForm(_IcbStaffMixin, NHSFormMixin, forms.ModelForm):
    staff_fields = ("supervisee", "supervisor")

    class Meta:
        model = SupervisionSession
        fields = [
            "supervisee",
            "post",
            "base",
            "supervisor",
            "held_on",
            "venue",
            "duration_minutes",
            "one_to_one",
            "topics",
            "outcomes",
            "evaluation",
            "comments",
            "supervisee_confirmed",
            "supervisor_confirmed",
        ]
        widgets = {"held_on": forms.DateInput}

    def _post_clean(self):
        pass


class SessionContentForm(NHSFormMixin, forms.ModelForm):
    """A session's record as its supervisee, its supervisor or a designated professional changes it: the parties
    stay; each party confirms only their own side (`party`: "supervisee", "supervisor" or None)."""

    class Meta:
        model = SupervisionSession
        fields = [
            "post",
            "base",
            "held_on",
            "venue",
            "duration_minutes",
            "one_to_one",
            "topics",
            "outcomes",
            "evaluation",
            "comments",
            "supervisee_confirmed",
            "supervisor_confirmed",
        ]
        widgets = {"held_on": forms.DateInput}

    def __init__(self, *args, party=None, designated=False, **kwargs):
        super().__init__(*args, **kwargs)
        if not designated and party is not None:
            other = "supervisor" if party == "supervisee" else "supervisee"
            del self.fields[f"{other}_confirmed"]

    def _post_clean(self):
        pass


class CapacityForm(NHSFormMixin, forms.ModelForm):
    class Meta:
        model = CapacityEntry
        fields = ["role", "amount", "unit", "area", "vacant"]

    def _post_clean(self):
        pass


class PopulationForm(NHSFormMixin, forms.ModelForm):
    class Meta:
        model = PopulationFigures
        fields = ["as_of", "children", "children_in_care", "adults"]
        widgets = {"as_of": forms.DateInput}

    def _post_clean(self):
        pass
