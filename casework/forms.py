from django import forms

from casework import rules
from core.forms import NHSFormMixin
from core.scoping import allowed_organisations
from organisations.models import Organisation

ACKNOWLEDGE_LABEL = "I have checked the warnings: this is a pseudonymous reference"


def local_authorities_for(user):
    """The local authorities the user's ICB works with (a provider user may name them too)."""
    from organisations.models import Organisation
    from organisations.reports import local_authorities

    if not user.organisation_id:
        return Organisation.objects.none()
    return local_authorities(user.organisation.icb_id)


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


class CaseworkForm(NHSFormMixin, forms.ModelForm):
    """A register's form: organisations limited to the user's scope, dates as date inputs, and the
    checkbox that acknowledges pseudonym warnings."""

    acknowledge_warnings = forms.BooleanField(label=ACKNOWLEDGE_LABEL, required=False, widget=forms.HiddenInput)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        in_scope = allowed_organisations(user).filter(archived_at__isnull=True)
        for name, field in self.fields.items():
            model_field = self._meta.model._meta.get_field(name) if name != "acknowledge_warnings" else None
            if name == "local_authority":
                field.queryset = local_authorities_for(user)
            elif isinstance(field, forms.ModelChoiceField) and field.queryset.model is Organisation:
                field.queryset = in_scope
            elif isinstance(field, forms.ModelChoiceField):
                field.queryset = field.queryset.model.objects.restrict(user)
            if model_field is not None and model_field.get_internal_type() == "DateTimeField":
                field.widget = DateTimeInput(attrs={"class": "nhsuk-input"})
                field.input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"]
        self.order_fields([n for n in self.fields if n != "acknowledge_warnings"] + ["acknowledge_warnings"])

    def apply_action_error(self, error):
        """Show the acknowledge checkbox only once a pseudonym warning has been raised."""
        super().apply_action_error(error)
        if any(rules.ACKNOWLEDGE_HINT in message for message in error.messages):
            field = self.fields["acknowledge_warnings"]
            field.widget = forms.CheckboxInput(attrs={"class": "nhsuk-checkboxes__input"})
            data = self.data.copy()
            data.pop(self.add_prefix("acknowledge_warnings"), None)  # shown unticked: the user must tick it
            self.data = data

    def _post_clean(self):
        # Rules run once, in the action (with the pseudonym warnings), so the form only checks fields.
        pass

    def action_fields(self, changed_only=False):
        names = self.changed_data if changed_only else list(self.cleaned_data)
        return {n: self.cleaned_data[n] for n in names if n != "acknowledge_warnings"}


def form_for(model, field_names):
    widgets = {
        f.name: forms.DateInput()
        for f in model._meta.concrete_fields
        if f.name in field_names and f.get_internal_type() == "DateField"
    }
    meta = type("Meta", (), {"model": model, "fields": list(field_names), "widgets": widgets})
    return type(f"{model.__name__}Form", (CaseworkForm,), {"Meta": meta})


class StageForm(NHSFormMixin, forms.Form):
    stage = forms.TypedChoiceField(choices=[(n, f"Stage {n}") for n in range(1, 6)], coerce=int)
    reached_on = forms.DateField(label="Date reached", widget=forms.DateInput)
    agreed = forms.CharField(label="What was agreed", widget=forms.Textarea(attrs={"rows": 4}))


class InformationRequestForm(NHSFormMixin, forms.Form):
    agency = forms.ModelChoiceField(queryset=None, label="Health agency")
    requested_on = forms.DateField(widget=forms.DateInput)
    return_by = forms.DateField(
        label="Return deadline", required=False, widget=forms.DateInput, help_text="Leave empty for the concern's."
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = allowed_organisations(user).filter(archived_at__isnull=True)


class ReturnedForm(NHSFormMixin, forms.Form):
    returned_on = forms.DateField(label="Information returned on", widget=forms.DateInput)


class IncidentActionForm(NHSFormMixin, forms.Form):
    title = forms.CharField(label="What will be done", widget=forms.Textarea(attrs={"rows": 3}))
    owner = forms.CharField(max_length=150, help_text="The person or post responsible.")
    due_date = forms.DateField(widget=forms.DateInput)
    success_measure = forms.CharField(label="How success will be measured", widget=forms.Textarea(attrs={"rows": 3}))
