from django import forms

from core.forms import NHSFormMixin, SmartActionForm
from returns import catalogue, rules
from returns.choices import Unit
from returns.models import Metric

BLANK_HELP = "Leave blank if not known yet; every figure is needed before submission."


def _number_field(label):
    return forms.CharField(label=label, required=False, widget=forms.TextInput(attrs={"inputmode": "numeric"}))


class ReturnFiguresForm(NHSFormMixin, forms.Form):
    """Every applicable metric of a return: totals, breakdown rows and an explanation. Numbers are read
    by returns.rules (so a non-numeric entry is named with its metric and breakdown)."""

    def __init__(self, *args, metrics, local_authorities=(), entries=None, prefilled=None, **kwargs):
        entries = entries or {}
        prefilled = prefilled or {}
        initial = {}
        self.metrics = metrics
        self.layout = []
        super().__init__(*args, **kwargs)
        for metric in metrics:
            entry = entries.get(metric.code, rules.Entry())
            section = {"metric": metric, "totals": [], "tables": [], "explanation": None}
            if metric.code in prefilled:
                section["prefilled"] = (
                    f"Prefilled from the {prefilled[metric.code]}: check it and correct it if needed."
                )
            if metric.unit == Unit.PERCENTAGE:
                self.fields[f"{metric.code}__num"] = _number_field(f"{metric.code} numerator")
                self.fields[f"{metric.code}__den"] = _number_field(f"{metric.code} denominator")
                initial[f"{metric.code}__num"], initial[f"{metric.code}__den"] = entry.numerator, entry.denominator
                section["totals"] = [f"{metric.code}__num", f"{metric.code}__den"]
            elif metric.unit == Unit.COUNT:
                self.fields[f"{metric.code}__num"] = _number_field(f"{metric.code} count")
                initial[f"{metric.code}__num"] = entry.numerator
                section["totals"] = [f"{metric.code}__num"]
            elif metric.unit == Unit.YES_NO:
                self.fields[f"{metric.code}__num"] = forms.ChoiceField(
                    label=f"{metric.code} yes or no", required=False, choices=[("", "–"), ("1", "Yes"), ("0", "No")]
                )
                initial[f"{metric.code}__num"] = "" if entry.numerator is None else str(int(entry.numerator))
                section["totals"] = [f"{metric.code}__num"]
            else:
                self.fields[f"{metric.code}__date"] = forms.DateField(
                    label=f"{metric.code} date", required=False, widget=forms.DateInput
                )
                initial[f"{metric.code}__date"] = entry.date_value
                section["totals"] = [f"{metric.code}__date"]
            for dimension in metric.breakdowns:
                rows = []
                for category, label in catalogue.categories(dimension, local_authorities):
                    num_name = f"{metric.code}__{dimension}__{category}__num"
                    self.fields[num_name] = _number_field(f"{metric.code} {label} numerator")
                    existing = entry.breakdown.get(dimension, {}).get(category, (None, None))
                    initial[num_name] = existing[0]
                    den_name = None
                    if metric.unit == Unit.PERCENTAGE:
                        den_name = f"{metric.code}__{dimension}__{category}__den"
                        self.fields[den_name] = _number_field(f"{metric.code} {label} denominator")
                        initial[den_name] = existing[1]
                    rows.append({"label": label, "num": num_name, "den": den_name})
                section["tables"].append({"title": catalogue.dimension_title(dimension), "rows": rows})
            self.fields[f"{metric.code}__exp"] = forms.CharField(
                label=f"{metric.code} explanation", required=False, widget=forms.Textarea(attrs={"rows": 2})
            )
            initial[f"{metric.code}__exp"] = entry.explanation
            section["explanation"] = f"{metric.code}__exp"
            self.layout.append(section)
        if not self.is_bound:
            self.initial = {k: ("" if v is None else v) for k, v in initial.items()}
        for field in self.fields.values():  # narrow figure boxes (NHSFormMixin gave every field its NHS.UK class)
            if field.widget.attrs.get("class") == "nhsuk-input":
                field.widget.attrs["class"] = "nhsuk-input nhsuk-input--width-10"
        for section in self.layout:
            section["totals"] = [self[name] for name in section["totals"]]
            section["explanation"] = self[section["explanation"]]
            for table in section["tables"]:
                for row in table["rows"]:
                    row["num"] = self[row["num"]]
                    row["den"] = self[row["den"]] if row["den"] else None

    def clean(self):
        data = super().clean()
        self.entries = {}
        for metric in self.metrics:
            entry = rules.Entry(explanation=data.get(f"{metric.code}__exp", ""))
            entry.numerator = self._number(f"{metric.code}__num", metric.unit)
            entry.denominator = self._number(f"{metric.code}__den", metric.unit)
            entry.date_value = data.get(f"{metric.code}__date")
            for dimension in metric.breakdowns:
                rows = {}
                for name in self.fields:
                    prefix = f"{metric.code}__{dimension}__"
                    if name.startswith(prefix) and name.endswith("__num"):
                        category = name[len(prefix) : -len("__num")]
                        num = self._number(name, metric.unit)
                        den = self._number(f"{prefix}{category}__den", metric.unit)
                        if num is not None or den is not None:
                            rows[category] = (num, den)
                if rows:
                    entry.breakdown[dimension] = rows
            has_any = (
                entry.numerator is not None
                or entry.denominator is not None
                or entry.date_value
                or entry.breakdown
                or entry.explanation
            )
            if has_any:
                self.entries[metric.code] = entry
        return data

    def _number(self, name, unit):
        if name not in self.fields:
            return None
        raw = self.cleaned_data.get(name)
        try:
            return rules.parse_yes_no(raw) if unit == Unit.YES_NO else rules.parse_number(raw)
        except rules.NotANumber as error:
            self.add_error(name, f"{self.fields[name].label}: {error}")
            return None


class UploadForm(NHSFormMixin, forms.Form):
    file = forms.FileField(label="Completed return template (.xlsx)")


class StartReturnForm(NHSFormMixin, forms.Form):
    quarter = forms.CharField(label="Quarter", help_text="For example 2026/27 Q2")

    def clean_quarter(self):
        try:
            return rules.Quarter.parse(self.cleaned_data["quarter"])
        except ValueError as error:
            raise forms.ValidationError(str(error)) from error


class CommentForm(NHSFormMixin, forms.Form):
    comment = forms.CharField(label="What must be corrected", widget=forms.Textarea(attrs={"rows": 3}))


class OverrideForm(NHSFormMixin, forms.Form):
    contract = forms.ModelChoiceField(queryset=None)
    metric = forms.ModelChoiceField(queryset=Metric.objects.filter(unit=Unit.PERCENTAGE, active=True))
    effective_from = forms.CharField(label="In force from quarter", help_text="For example 2026/27 Q3")
    green_above = forms.DecimalField(label="Green above (%)", max_digits=5, decimal_places=2)
    amber_from = forms.DecimalField(label="Amber from (%, inclusive)", max_digits=5, decimal_places=2, required=False)
    require_breakdown = forms.BooleanField(
        label="Red when not broken down by professional group and level", required=False, initial=True
    )
    target = forms.DecimalField(label="Target (%)", max_digits=5, decimal_places=2, required=False)
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, contracts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contract"].queryset = contracts

    def clean_effective_from(self):
        try:
            return rules.Quarter.parse(self.cleaned_data["effective_from"])
        except ValueError as error:
            raise forms.ValidationError(str(error)) from error


class TrackedActionForm(SmartActionForm):
    """A SMART action raised from a return (a red figure, a late return)."""


class EvidenceForm(NHSFormMixin, forms.Form):
    """The provider's evidence for each judged metric (narrative per field). Every field is optional: the ICB
    judges what is given, and no evidence of effect on practice caps the rating at amber."""

    def __init__(self, *args, judged_metrics, answers=None, **kwargs):
        answers = answers or {}
        self.base_fields = {}  # built per return, before the NHS styling of NHSFormMixin runs over them
        layout = []
        for judged in judged_metrics:
            names = []
            for spec in judged.evidence_fields:
                name = f"{judged.code}__{spec['code']}"
                self.base_fields[name] = forms.CharField(
                    label=spec["label"],
                    help_text=spec["hint"],
                    required=False,
                    max_length=10000,
                    widget=forms.Textarea(attrs={"rows": 4}),
                    initial=answers.get(judged.code, {}).get(spec["code"], ""),
                )
                names.append(name)
            layout.append((judged, names))
        super().__init__(*args, **kwargs)
        self.layout = [(judged, [self[name] for name in names]) for judged, names in layout]

    @property
    def answers(self):
        """{judged code: {field code: text}} from the cleaned data."""
        result = {}
        for name, text in self.cleaned_data.items():
            code, field = name.split("__", 1)
            result.setdefault(code, {})[field] = text
        return result


class EvidenceAttachmentForm(NHSFormMixin, forms.Form):
    judged_metric = forms.ModelChoiceField(
        label="Judged metric", queryset=None, empty_label="Choose the metric the file is evidence for"
    )
    upload = forms.FileField(label="File", help_text="PDF, DOCX, XLSX, PNG, JPG, TXT or CSV, up to 10 MB.")
    description = forms.CharField(label="Description", max_length=300, required=False)

    def __init__(self, *args, judged_metrics, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["judged_metric"].queryset = judged_metrics
        self.fields["judged_metric"].label_from_instance = lambda judged: f"{judged.code} {judged.title}"


class JudgementForm(NHSFormMixin, forms.Form):
    """The ICB's rating of one judged metric: a descriptor, and a reason for anything but green."""

    rating = forms.ChoiceField(label="Rating", widget=forms.RadioSelect)
    reason = forms.CharField(
        label="Reason",
        help_text="Needed for red or amber: what the evidence shows or lacks.",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, judged_metric, **kwargs):
        super().__init__(*args, **kwargs)
        self.allowed = tuple(r for r in rules.JUDGEMENT_RATINGS if r in judged_metric.descriptors)
        self.fields["rating"].choices = [
            (rating, f"{rating.title()}: {judged_metric.descriptors[rating]}") for rating in self.allowed
        ]

    def clean(self):
        data = super().clean()
        problems = rules.judgement_problems(data.get("rating"), data.get("reason"), allowed=self.allowed)
        for name, message in problems.items():
            if name in self.fields and name not in self.errors:
                self.add_error(name, message)
        return data
