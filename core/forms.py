"""Form helpers: NHS.UK design-system classes and turning action errors into form errors."""

from django import forms
from django.core.exceptions import ValidationError

from core.bounds import bounded_field_class

WIDGET_CLASSES = {
    forms.CheckboxInput: "nhsuk-checkboxes__input",
    forms.Select: "nhsuk-select",
    forms.SelectMultiple: "nhsuk-select",
    forms.Textarea: "nhsuk-textarea",
    forms.ClearableFileInput: "nhsuk-file-upload",
}


class NHSFormMixin:
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            field.__class__ = bounded_field_class(field.__class__)  # a huge id or number is a form error
            widget = field.widget
            css = next((c for t, c in WIDGET_CLASSES.items() if isinstance(widget, t)), "nhsuk-input")
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()
            if isinstance(widget, forms.DateInput):
                widget.input_type = "date"
                widget.format = "%Y-%m-%d"
            if field.help_text:
                widget.attrs["aria-describedby"] = f"id_{name}-hint"

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                widget.attrs["class"] += " nhsuk-input--error"

    def apply_action_error(self, error: ValidationError):
        """Attach a ValidationError raised by an action to the right fields of this form."""
        if hasattr(error, "error_dict"):
            for field, messages in error.message_dict.items():
                self.add_error(field if field in self.fields else None, messages)
        else:
            self.add_error(None, error.messages)


class ClosureDayForm(NHSFormMixin, forms.Form):
    date = forms.DateField(widget=forms.DateInput)
    reason = forms.CharField(max_length=200)


class ActionNoteForm(NHSFormMixin, forms.Form):
    note = forms.CharField(label="Progress note", widget=forms.Textarea(attrs={"rows": 3}))


class ActionEvidenceForm(NHSFormMixin, forms.Form):
    evidence = forms.CharField(
        label="Evidence that the action is complete",
        help_text="Describe the evidence, or give a link to where it is kept.",
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class ActionReopenForm(NHSFormMixin, forms.Form):
    note = forms.CharField(label="Why the evidence is not enough", widget=forms.Textarea(attrs={"rows": 3}))


class StandaloneActionForm(NHSFormMixin, forms.Form):
    """An action from an inspection or assurance visit, raised directly in the tracker."""

    organisation = forms.ModelChoiceField(queryset=None)
    source_kind = forms.ChoiceField(label="Arising from", choices=[])
    source_label = forms.CharField(
        label="Which inspection or visit", max_length=250, help_text="For example: unannounced assurance visit, 12 Nov"
    )
    title = forms.CharField(label="What will be done", widget=forms.Textarea(attrs={"rows": 3}), required=False)
    owner = forms.CharField(label="Owner", max_length=150, required=False)
    due_date = forms.DateField(widget=forms.DateInput, required=False)
    success_measure = forms.CharField(
        label="How success will be measured", widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    def __init__(self, *args, organisations, **kwargs):
        from core.choices import ActionSource

        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations
        self.fields["source_kind"].choices = [(c.value, c.label) for c in (ActionSource.INSPECTION, ActionSource.OTHER)]


class FinancialQuarterForm(forms.Form):
    """?year=2026&quarter=3: a financial quarter chosen in a query string (pages and reports)."""

    year = forms.IntegerField(min_value=2000, max_value=2100)
    quarter = forms.TypedChoiceField(choices=[(n, f"Q{n}") for n in range(1, 5)], coerce=int)


class AuditSearchForm(forms.Form):
    """The auditor's search (query string). A value that does not parse is a form error on the page,
    and that criterion is left out."""

    q = forms.CharField(required=False, max_length=200)
    actor = forms.CharField(required=False, max_length=150)
    action = forms.TypedChoiceField(required=False, coerce=int, empty_value=None)
    record = forms.CharField(required=False, max_length=100)
    date_from = forms.DateField(required=False, label="From")
    date_to = forms.DateField(required=False, label="To")

    def __init__(self, data, action_choices):
        # "from" is a Python keyword, so the query string's from/to map onto date_from/date_to.
        renamed = {"date_from": data.get("from", ""), "date_to": data.get("to", "")}
        super().__init__({**data.dict(), **renamed}, auto_id="%s")
        self.fields["action"].choices = [("", "Any"), *action_choices]

    def criteria(self):
        """The cleaned values of the fields that are valid and given."""
        self.is_valid()
        cleaned = getattr(self, "cleaned_data", {})
        return {name: cleaned[name] for name in self.fields if cleaned.get(name) not in (None, "")}
