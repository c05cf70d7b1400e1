from django import forms

from core.forms import NHSFormMixin
from core.scoping import allowed_organisations
from organisations.choices import PROVIDER_KINDS, OrganisationKind
from organisations.models import Contract, Organisation, RoleHolder, SafeguardingContact


class OrganisationForm(NHSFormMixin, forms.ModelForm):
    class Meta:
        model = Organisation
        fields = [
            "name",
            "kind",
            "ods_code",
            "parent",
            "other_icbs",
            "provides_children_services",
            "provides_maternity_services",
        ]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = allowed_organisations(user).filter(archived_at__isnull=True)
        self.fields["other_icbs"].queryset = Organisation.objects.filter(
            kind=OrganisationKind.ICB, archived_at__isnull=True
        )

    def validate_unique(self):
        """Uniqueness is checked by the action, after the ODS code is normalised."""


class ContractForm(NHSFormMixin, forms.ModelForm):
    class Meta:
        model = Contract
        fields = [
            "provider",
            "reference",
            "services",
            "start_date",
            "end_date",
            "lead_commissioner",
            "associate_commissioners",
            "safeguarding_schedule_included",
        ]
        widgets = {"start_date": forms.DateInput, "end_date": forms.DateInput}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        visible = allowed_organisations(user).filter(archived_at__isnull=True)
        self.fields["provider"].queryset = visible.filter(kind__in=PROVIDER_KINDS)
        commissioners = visible.filter(kind=OrganisationKind.ICB)
        self.fields["lead_commissioner"].queryset = commissioners
        self.fields["associate_commissioners"].queryset = commissioners

    def validate_unique(self):
        """Checked by the action."""


class RoleHolderForm(NHSFormMixin, forms.ModelForm):
    class Meta:
        model = RoleHolder
        fields = ["role", "holder_name", "job_title", "email", "wte", "pa_sessions", "pa_period", "start_date"]
        widgets = {"start_date": forms.DateInput}


class SafeguardingContactForm(NHSFormMixin, forms.ModelForm):
    class Meta:
        model = SafeguardingContact
        fields = ["organisation", "service", "team", "phone", "duty_phone", "email", "hours", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            del self.fields["organisation"]
        else:
            self.fields["organisation"].queryset = (
                allowed_organisations(user)
                .filter(archived_at__isnull=True)
                .exclude(kind=OrganisationKind.SITE)
                .order_by("name")
            )

    def _post_clean(self):
        """Validated by the action."""

    def action_fields(self):
        if self.instance.pk:
            return {name: self.cleaned_data[name] for name in self.changed_data if name in self.cleaned_data}
        return dict(self.cleaned_data)
