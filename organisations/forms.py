from django import forms

from core.forms import NHSFormMixin, SmartActionForm
from core.scoping import CHANGE, allowed_organisations
from organisations import rules
from organisations.choices import PROVIDER_KINDS, OrganisationKind
from organisations.models import (
    AssociateNotification,
    CommissioningEvent,
    Contract,
    DesignatedConsultation,
    ModernSlaveryStatement,
    Organisation,
    RoleHolder,
    SafeguardingContact,
    ServiceSpecification,
    Subcontractor,
    SupplierDueDiligence,
)


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


# --- Commissioning with safeguarding in it ------------------------------------------------------------------------


class CommissioningModelForm(NHSFormMixin, forms.ModelForm):
    """A model form whose model validation runs in the action (which names the field)."""

    def _post_clean(self):
        """Validated by the action."""

    def changed_fields(self):
        return {name: self.cleaned_data[name] for name in self.changed_data if name in self.cleaned_data}


def _contracts_for(user):
    return Contract.objects.restrict(user, CHANGE).filter(archived_at__isnull=True).select_related("provider")


class CommissioningEventForm(CommissioningModelForm):
    class Meta:
        model = CommissioningEvent
        fields = [
            "title",
            "kind",
            "stage",
            "started_on",
            "commissioner",
            "provider",
            "contract",
            "specification_signed_off_on",
            "specification_signed_off_by",
        ]
        widgets = {"started_on": forms.DateInput, "specification_signed_off_on": forms.DateInput}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        visible = allowed_organisations(user).filter(archived_at__isnull=True)
        self.fields["provider"].queryset = visible.filter(kind__in=PROVIDER_KINDS)
        self.fields["contract"].queryset = _contracts_for(user)


class ConsultationForm(CommissioningModelForm):
    class Meta:
        model = DesignatedConsultation
        fields = ["stage", "consulted_on", "professional", "advice"]
        widgets = {"consulted_on": forms.DateInput}


class SpecificationForm(CommissioningModelForm):
    class Meta:
        model = ServiceSpecification
        fields = ["contract", "kind", "audience", "title", "agreed_on", "review_on", *rules.CHECKLIST_FIELDS]
        widgets = {"agreed_on": forms.DateInput, "review_on": forms.DateInput}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contract"].queryset = _contracts_for(user)
        for name, label, source in rules.SPECIFICATION_CHECKLIST:
            self.fields[name].help_text = f"{label} [{source}]"


class SubcontractorForm(CommissioningModelForm):
    class Meta:
        model = Subcontractor
        fields = ["contract", "name", "services", "compliance_confirmed_on", "policy_appended"]
        widgets = {"compliance_confirmed_on": forms.DateInput}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contract"].queryset = _contracts_for(user)


class AssociateNotificationForm(CommissioningModelForm):
    class Meta:
        model = AssociateNotification
        fields = ["contract", "associate_commissioner", "reason", "summary", "occurred_on", "notified_on"]
        widgets = {"occurred_on": forms.DateInput, "notified_on": forms.DateInput}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contract"].queryset = _contracts_for(user)
        self.fields["associate_commissioner"].queryset = Organisation.objects.filter(
            kind=OrganisationKind.ICB, archived_at__isnull=True
        )


class StatementForm(CommissioningModelForm):
    class Meta:
        model = ModernSlaveryStatement
        fields = ["financial_year", "chief_officer", "signed_off_on", "published_on"]
        widgets = {"signed_off_on": forms.DateInput, "published_on": forms.DateInput}


class DueDiligenceForm(CommissioningModelForm):
    class Meta:
        model = SupplierDueDiligence
        fields = ["contract", "completed_on", "completed_by", "no_convictions_found", "confirmations_received", "notes"]
        widgets = {"completed_on": forms.DateInput}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contract"].queryset = _contracts_for(user)


class CommissioningActionForm(SmartActionForm):
    """A SMART action in the one tracker from a commissioning gap."""


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
