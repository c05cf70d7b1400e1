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
