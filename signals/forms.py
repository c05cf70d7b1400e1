"""Forms of the signals pages: the review outcome, a rule's settings, a feed upload."""

from django import forms

from casework.choices import AbuseCategory, ReferralRoute
from core.forms import NHSFormMixin
from organisations.choices import OrganisationKind
from organisations.models import Organisation
from signals.choices import Outcome, TimescaleUnit


class OutcomeForm(NHSFormMixin, forms.Form):
    """What the review decided [issue 13 item 4]. A referral also records the casework referral (its clocks)."""

    outcome = forms.ChoiceField(choices=Outcome.choices, widget=forms.RadioSelect)
    notes = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 4}), label="Notes (optional)", max_length=5000
    )
    completed_on = forms.DateField(
        required=False, widget=forms.DateInput, label="Review completed on (optional)", help_text="Blank: today."
    )
    local_authority = forms.ModelChoiceField(
        queryset=Organisation.objects.none(),
        required=False,
        label="Local authority referred to (referral only)",
    )
    referred_by = forms.CharField(required=False, max_length=150, label="Referred by (post) (referral only)")
    category = forms.ChoiceField(
        choices=[("", "Choose a category"), *AbuseCategory.choices], required=False, label="Concern (referral only)"
    )
    route = forms.ChoiceField(
        choices=[("", "Choose a route"), *ReferralRoute.choices], required=False, label="Route (referral only)"
    )

    def __init__(self, *args, organisation=None, **kwargs):
        super().__init__(*args, **kwargs)
        if organisation is not None:
            self.fields["local_authority"].queryset = Organisation.objects.filter(
                icb_id=organisation.icb_id, kind=OrganisationKind.LOCAL_AUTHORITY, archived_at__isnull=True
            ).order_by("name")

    def clean(self):
        data = super().clean()
        if data.get("outcome") == Outcome.REFERRAL:
            for name in ("local_authority", "referred_by", "category"):
                if not data.get(name):
                    self.add_error(name, "Give this for a referral to children's social care.")
        return data

    def referral(self):
        data = self.cleaned_data
        if data.get("outcome") != Outcome.REFERRAL:
            return None
        fields = {name: data[name] for name in ("local_authority", "referred_by", "category") if data.get(name)}
        if data.get("route"):
            fields["route"] = data["route"]
        return fields


class RuleForm(NHSFormMixin, forms.Form):
    """A rule's settings (thresholds as data). Owners and S2's age bands are changed through the API."""

    enabled = forms.BooleanField(required=False, label="Evaluate this rule")
    threshold = forms.IntegerField(
        required=False, min_value=1, label="Threshold (optional)", help_text="At least this many. Blank: not evaluated."
    )
    window_months = forms.IntegerField(
        required=False, min_value=1, max_value=120, label="Rolling window in months (optional)"
    )
    timescale = forms.IntegerField(
        required=False,
        min_value=0,
        max_value=365,
        label="Review due within (optional)",
        help_text="Your own time frame. Blank: the review has no due date.",
    )
    timescale_unit = forms.ChoiceField(choices=TimescaleUnit.choices, label="Unit of the timescale")


class UploadForm(NHSFormMixin, forms.Form):
    file = forms.FileField(label="Extract (CSV or XLSX)")
