from django import forms

from casework import rules
from casework.choices import EscalationContact
from core.forms import NHSFormMixin, SmartActionForm
from core.scoping import allowed_organisations
from organisations.models import Organisation

ACKNOWLEDGE_LABEL = "I have checked the warnings: there is no real name or NHS number here"


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


class AcknowledgeWarningsMixin:
    """The checkbox that acknowledges identifier warnings: hidden until a warning is raised, then shown unticked."""

    def apply_action_error(self, error):
        super().apply_action_error(error)
        if any(rules.ACKNOWLEDGE_HINT in message for message in error.messages):
            field = self.fields["acknowledge_warnings"]
            field.widget = forms.CheckboxInput(attrs={"class": "nhsuk-checkboxes__input"})
            data = self.data.copy()
            data.pop(self.add_prefix("acknowledge_warnings"), None)  # shown unticked: the user must tick it
            self.data = data


def acknowledge_field():
    return forms.BooleanField(label=ACKNOWLEDGE_LABEL, required=False, widget=forms.HiddenInput)


class CaseworkForm(AcknowledgeWarningsMixin, NHSFormMixin, forms.ModelForm):
    """A register's form: organisations limited to the user's scope, dates as date inputs, and the
    checkbox that acknowledges identifier warnings."""

    acknowledge_warnings = acknowledge_field()

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


CONTACT_CHOICES = [("", "Choose"), *EscalationContact.choices]


class StageForm(AcknowledgeWarningsMixin, NHSFormMixin, forms.Form):
    """A stage reached, named as the ICB's procedure names it [DUDLEY App. 6; CPCCG App. 5]."""

    stage = forms.TypedChoiceField(choices=[(n, f"Stage {n}") for n in range(1, 6)], coerce=int)
    reached_on = forms.DateField(label="Date reached", widget=forms.DateInput)
    raised_by = forms.ChoiceField(label="Raised by", choices=CONTACT_CHOICES, required=False)
    raised_with = forms.ChoiceField(label="Raised with", choices=CONTACT_CHOICES, required=False)
    agreed = forms.CharField(label="What was agreed", widget=forms.Textarea(attrs={"rows": 4}))
    skip_reason = forms.CharField(
        label="Why earlier stages were skipped",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Only when this stage is started without the one below it: for example, a child at risk of "
        "immediate harm.",
    )
    acknowledge_warnings = acknowledge_field()

    def __init__(self, *args, procedure=None, **kwargs):
        super().__init__(*args, **kwargs)
        if procedure is not None:
            self.fields["stage"].choices = [(s.number, f"Stage {s.number}: {s.name}") for s in procedure.stages]
            self.fields["stage"].help_text = f"{procedure.name} [{procedure.source}]."

    def action_fields(self):
        return dict(self.cleaned_data)


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


class IncidentActionForm(SmartActionForm):
    """A SMART action raised from a serious incident."""
