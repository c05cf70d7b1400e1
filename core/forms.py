"""Form helpers: NHS.UK design-system classes and turning action errors into form errors."""

from django import forms
from django.core.exceptions import ValidationError

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
    arising_from = forms.ChoiceField(label="Arising from", choices=[])
    occasion = forms.CharField(
        label="Which inspection or visit", max_length=250, help_text="For example: unannounced assurance visit, 12 Nov"
    )
    title = forms.CharField(label="What will be done", widget=forms.Textarea(attrs={"rows": 3}), required=False)
    owner = forms.CharField(label="Owner", max_length=150, required=False)
    due_date = forms.DateField(widget=forms.DateInput, required=False)
    success_measure = forms.CharField(
        label="How success will be measured", widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    def __init__(self, *args, organisations, **kwargs):
        from core.rules import STANDALONE_SOURCES

        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations
        self.fields["arising_from"].choices = [(c.value, c.label) for c in STANDALONE_SOURCES]


class SecondFactorCodeForm(NHSFormMixin, forms.Form):
    """The 6-digit code from an authenticator app (spaces allowed, as some apps show "123 456")."""

    code = forms.CharField(
        label="Code from your authenticator app",
        max_length=12,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
    )
    next = forms.CharField(required=False, widget=forms.HiddenInput)

    def clean_code(self):
        code = "".join(self.cleaned_data["code"].split())
        if not (len(code) == 6 and code.isascii() and code.isdigit()):
            raise ValidationError("Enter the 6-digit code shown in your authenticator app.")
        return code


class ApiTokenForm(NHSFormMixin, forms.Form):
    name = forms.CharField(max_length=100, help_text="What the token is for, for example the name of your script.")
