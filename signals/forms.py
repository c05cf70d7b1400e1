"""Forms of the signals pages: the review outcome, a rule's settings, a feed upload."""

from django import forms

from casework.choices import AbuseCategory, ReferralRoute
from core.forms import NHSFormMixin
from organisations.choices import OrganisationKind
from organisations.models import Organisation
from signals import rules
from signals.choices import Outcome, Owner, TimescaleUnit


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


WINDOW_RULES = ("S1", "S3", "S6")


class Checkboxes(forms.CheckboxSelectMultiple):
    """Checkboxes whose field id is the first box's: the error summary's link lands on it."""

    def id_for_label(self, id_, index="0"):
        return super().id_for_label(id_, index)


BAND_ROWS = 6  # S2's default is three bands: three spare rows to split one


class RuleForm(NHSFormMixin, forms.Form):
    """A rule's settings (thresholds as data): what the signal uses, and who acts. S2 routes by age: its bands
    (from, to, owners) replace the owners; a blank band row is left out."""

    enabled = forms.BooleanField(required=False, label="Evaluate this rule")
    threshold = forms.IntegerField(
        required=False, min_value=1, label="Threshold", help_text="At least this many. Blank: not evaluated."
    )
    window_months = forms.IntegerField(required=False, min_value=1, max_value=120, label="Rolling window in months")
    timescale = forms.IntegerField(
        required=False,
        min_value=0,
        max_value=365,
        label="Review due within",
        help_text="Your own time frame. Blank: the review has no due date.",
    )
    timescale_unit = forms.ChoiceField(choices=TimescaleUnit.choices, label="Unit of the timescale")
    owners = forms.MultipleChoiceField(
        choices=Owner.choices,
        widget=Checkboxes,
        label="Owners",
        help_text="Who acts on the review.",
        error_messages={"required": "Choose at least one owner: someone must act on the signal."},
    )

    def __init__(self, *args, rule, **kwargs):
        super().__init__(*args, **kwargs)
        self.rule = rule
        if rule.signal not in (*WINDOW_RULES, "S8"):
            del self.fields["threshold"], self.fields["window_months"]
        elif rule.signal == "S8":
            del self.fields["threshold"]
            self.fields["window_months"].label = "Months in hospital before the local authority is told"
        if rule.signal in ("S8", "S9"):  # no feed: nothing is evaluated whatever this says
            self.fields["enabled"].label = "Switched on (used once a feed exists)"
        if rule.signal == "S2":
            del self.fields["owners"]
            self.band_rows = max(BAND_ROWS, len(self.rule_bands()) + 1)
            for row in range(1, self.band_rows + 1):  # a row is given whole or left blank (no "(optional)")
                self.fields[f"band_{row}_from"] = forms.IntegerField(
                    required=False,
                    min_value=0,
                    max_value=rules.OLDEST_BAND_AGE,
                    label=f"Band {row}: from age",
                    widget=forms.NumberInput(attrs={"class": "nhsuk-input nhsuk-input--width-2"}),
                )
                self.fields[f"band_{row}_to"] = forms.IntegerField(
                    required=False,
                    min_value=1,
                    max_value=rules.OLDEST_BAND_AGE,
                    label=f"Band {row}: up to age",
                    help_text="Not included: up to 5 ends on the 5th birthday.",
                    widget=forms.NumberInput(attrs={"class": "nhsuk-input nhsuk-input--width-2"}),
                )
                self.fields[f"band_{row}_owners"] = forms.MultipleChoiceField(
                    required=False, choices=Owner.choices, widget=Checkboxes, label=f"Band {row}: owners"
                )
                for key in ("from", "to", "owners"):
                    self.fields[f"band_{row}_{key}"].all_or_none = True

    def rule_bands(self):
        bands = (self.rule.parameters or {}).get("age_bands") if isinstance(self.rule.parameters, dict) else None
        return bands if isinstance(bands, list) else []

    @staticmethod
    def initial_for(rule):
        names = ("enabled", "threshold", "window_months", "timescale", "timescale_unit", "owners")
        initial = {name: getattr(rule, name) for name in names}
        bands = (rule.parameters or {}).get("age_bands") if isinstance(rule.parameters, dict) else None
        for row, band in enumerate(bands or [], start=1):
            if isinstance(band, dict):
                initial |= {f"band_{row}_{key}": band.get(key) for key in ("from", "to", "owners")}
        return initial

    def band_fields(self):
        """[(row, from field, to field, owners field)] for the page."""
        return [
            (row, self[f"band_{row}_from"], self[f"band_{row}_to"], self[f"band_{row}_owners"])
            for row in range(1, getattr(self, "band_rows", 0) + 1)
        ]

    def clean(self):
        data = super().clean()
        if self.rule.signal == "S2":
            data["age_bands"] = self._clean_bands(data)
        return data

    def _clean_bands(self, data):
        bands, rows = [], []
        for row in range(1, self.band_rows + 1):
            names = {key: f"band_{row}_{key}" for key in ("from", "to", "owners")}
            if any(name in self.errors for name in names.values()):
                continue  # its own error is shown; the bands are checked together once every row reads
            values = {key: data.get(name) for key, name in names.items()}
            if values["from"] is None and values["to"] is None and not values["owners"]:
                continue  # a blank row
            for key in ("from", "to"):
                if values[key] is None:
                    self.add_error(names[key], f"Give the age, or clear band {row}.")
            bands.append({"from": values["from"], "to": values["to"], "owners": list(values["owners"] or [])})
            rows.append(row)
        if any(name.startswith("band_") for name in self.errors):
            return None
        for index, key, message in rules.age_band_problems(bands, Owner.values):
            self.add_error(f"band_{rows[index]}_{key}" if index is not None and key else None, message)
        return bands

    def changes(self):
        """The settings to save (do_update_rule's keywords)."""
        names = [n for n in self.cleaned_data if n in self.fields and not n.startswith("band_") and n != "version"]
        changes = {name: self.cleaned_data[name] for name in names}
        if self.rule.signal == "S2":
            changes["age_bands"] = self.cleaned_data["age_bands"]
        if "owners" in changes:
            changes["owners"] = list(changes["owners"])
        return changes


class UploadForm(NHSFormMixin, forms.Form):
    file = forms.FileField(label="Extract (CSV or XLSX)")
