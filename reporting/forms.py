from django import forms
from django.utils import timezone

from core.forms import NHSFormMixin
from reporting import rules
from reporting.choices import OrganisationLevel
from reporting.models import ReportType

QUARTER_CHOICES = [("", "Choose")] + [
    (1, "Q1 (April to June)"),
    (2, "Q2 (July to September)"),
    (3, "Q3 (October to December)"),
    (4, "Q4 (January to March)"),
]


class NewReportForm(NHSFormMixin, forms.Form):
    report_type = forms.ModelChoiceField(
        label="Report", queryset=ReportType.objects.filter(organisation_level=OrganisationLevel.ICB)
    )
    financial_year = forms.IntegerField(
        label="Financial year",
        min_value=2015,
        max_value=2100,
        help_text="The year it starts in: 2026 for 2026/27 (April 2026 to March 2027).",
    )
    quarter = forms.TypedChoiceField(
        label="Quarter",
        choices=QUARTER_CHOICES,
        coerce=int,
        required=False,
        empty_value=None,
        help_text="Only for the quarterly and exception reports; an annual report covers the financial year.",
    )

    def __init__(self, *args, level=OrganisationLevel.ICB, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["report_type"].queryset = ReportType.objects.filter(organisation_level=level)
        if level == OrganisationLevel.REGION:
            self.fields["quarter"].widget = forms.HiddenInput()
        today = timezone.localdate()
        self.fields["financial_year"].initial = today.year if today.month >= 4 else today.year - 1


class NarrativeForm(NHSFormMixin, forms.Form):
    text = forms.CharField(label="Text", widget=forms.Textarea(attrs={"rows": 8}), required=False)

    def __init__(self, *args, label="Text", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["text"].label = label


class ConfirmForm(NHSFormMixin, forms.Form):
    """A step with nothing to fill in (submit, approve, publish, build, new version)."""


class ReturnForm(NHSFormMixin, forms.Form):
    comments = forms.CharField(
        label="What needs to change",
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": rules.return_problems("")["comments"]},
    )


_BLANK = rules.presentation_problems(meeting_date=None, minute_reference="", approved_on=None)


class PresentForm(NHSFormMixin, forms.Form):
    meeting = forms.ModelChoiceField(
        label="Meeting (optional)",
        queryset=None,
        required=False,
        help_text="The meeting in the committee register, when it is recorded there.",
    )
    meeting_date = forms.DateField(
        label="Meeting date", widget=forms.DateInput, error_messages={"required": _BLANK["meeting_date"]}
    )
    minute_reference = forms.CharField(
        label="Minute reference",
        max_length=100,
        help_text="For example QSG/2026/07.",
        error_messages={"required": _BLANK["minute_reference"]},
    )

    def __init__(self, *args, meetings, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["meeting"].queryset = meetings
