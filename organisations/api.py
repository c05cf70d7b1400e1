from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.api import ScopedOrganisationField, ScopedRelatedField, ScopedViewSet, StrictSerializer
from core.scoping import CHANGE
from organisations import actions, rules
from organisations.choices import OrganisationKind
from organisations.filters import (
    AssociateNotificationFilter,
    CommissioningEventFilter,
    ContractFilter,
    OrganisationFilter,
    RoleHolderFilter,
    SafeguardingContactFilter,
    ServiceSpecificationFilter,
    SubcontractorFilter,
    SupplierDueDiligenceFilter,
)
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


class OrganisationSerializer(StrictSerializer):
    parent = ScopedOrganisationField(allow_null=True, required=False)
    icb = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)
    other_icbs = serializers.PrimaryKeyRelatedField(
        many=True, required=False, queryset=Organisation.objects.filter(kind=OrganisationKind.ICB)
    )

    class Meta:
        model = Organisation
        fields = [
            "id",
            "name",
            "kind",
            "ods_code",
            "parent",
            "icb",
            "other_icbs",
            "provides_children_services",
            "provides_maternity_services",
            "archived_at",
        ]
        read_only_fields = ["archived_at"]
        extra_kwargs = {"ods_code": {"validators": []}}


class ContractSerializer(StrictSerializer):
    provider = ScopedOrganisationField()
    lead_commissioner = ScopedOrganisationField()
    associate_commissioners = ScopedOrganisationField(many=True, required=False)

    class Meta:
        model = Contract
        fields = [
            "id",
            "provider",
            "reference",
            "services",
            "start_date",
            "end_date",
            "lead_commissioner",
            "associate_commissioners",
            "safeguarding_schedule_included",
            "archived_at",
        ]
        read_only_fields = ["archived_at"]
        validators = []


class RoleHolderSerializer(StrictSerializer):
    organisation = ScopedOrganisationField()
    is_vacant = serializers.BooleanField(read_only=True)

    class Meta:
        model = RoleHolder
        fields = [
            "id",
            "organisation",
            "role",
            "holder_name",
            "job_title",
            "email",
            "wte",
            "pa_sessions",
            "pa_period",
            "start_date",
            "is_vacant",
            "archived_at",
        ]
        read_only_fields = ["archived_at"]


class OrganisationViewSet(ScopedViewSet):
    queryset = Organisation.objects.select_related("parent", "icb")
    serializer_class = OrganisationSerializer
    filterset_class = OrganisationFilter
    create_action = staticmethod(actions.do_create_organisation)
    update_action = staticmethod(actions.do_update_organisation)
    archive_action = staticmethod(actions.do_archive_organisation)


class ContractViewSet(ScopedViewSet):
    queryset = Contract.objects.select_related("provider", "lead_commissioner").prefetch_related(
        "associate_commissioners"
    )
    serializer_class = ContractSerializer
    filterset_class = ContractFilter
    create_action = staticmethod(actions.do_create_contract)
    update_action = staticmethod(actions.do_update_contract)
    archive_action = staticmethod(actions.do_archive_contract)


class RoleHolderViewSet(ScopedViewSet):
    queryset = RoleHolder.objects.select_related("organisation")
    serializer_class = RoleHolderSerializer
    filterset_class = RoleHolderFilter
    create_action = staticmethod(actions.do_add_role_holder)
    update_action = staticmethod(actions.do_update_role_holder)
    archive_action = staticmethod(actions.do_archive_role_holder)


def register(router):
    router.register("organisations", OrganisationViewSet)
    router.register("contracts", ContractViewSet)
    router.register("role-holders", RoleHolderViewSet)
    register_commissioning(router)
    router.register("safeguarding-contacts", SafeguardingContactViewSet)


# --- Commissioning with safeguarding in it ------------------------------------------------------------------------


class ChangeableRecordField(ScopedRelatedField):
    """A parent record the user may change (any other id reads as 'does not exist')."""

    def get_queryset(self):
        return self.scoped_model.objects.restrict(self.context["request"].user, CHANGE)


class CommissioningViewSet(ScopedViewSet):
    """The ICB is the user's own; a contract or event comes through a field that offers only records the user may
    change, so the organisation check of the base class (which reads the first step of `scope`) is not needed."""

    def _check_change_scope(self, data):
        """Scoped by the fields."""


class AppendOnlyViewSet(CommissioningViewSet):
    """Kept as written: created and archived, never changed."""

    http_method_names = ["get", "post", "head", "options"]


class CommissioningEventSerializer(StrictSerializer):
    provider = ScopedOrganisationField(required=False, allow_null=True)
    contract = ChangeableRecordField(Contract, required=False, allow_null=True)
    gaps = serializers.SerializerMethodField()

    class Meta:
        model = CommissioningEvent
        fields = [
            "id",
            "title",
            "kind",
            "stage",
            "provider",
            "contract",
            "started_on",
            "commissioner",
            "specification_signed_off_on",
            "specification_signed_off_by",
            "gaps",
            "archived_at",
        ]
        read_only_fields = ["archived_at"]

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_gaps(self, event) -> list[str]:
        consulted = [c.stage for c in event.consultations.all() if c.archived_at is None]
        gaps = rules.commissioning_gaps(
            stage=event.stage, consulted_stages=consulted, signed_off_on=event.specification_signed_off_on
        )
        return [gap.text for gap in gaps]


class DesignatedConsultationSerializer(StrictSerializer):
    event = ChangeableRecordField(CommissioningEvent)

    class Meta:
        model = DesignatedConsultation
        fields = ["id", "event", "stage", "consulted_on", "professional", "advice", "archived_at"]
        read_only_fields = ["archived_at"]


class ServiceSpecificationSerializer(StrictSerializer):
    contract = ChangeableRecordField(Contract)
    missing_items = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta:
        model = ServiceSpecification
        fields = [
            "id",
            "contract",
            "kind",
            "audience",
            "title",
            "agreed_on",
            "review_on",
            *rules.CHECKLIST_FIELDS,
            "missing_items",
            "archived_at",
        ]
        read_only_fields = ["archived_at"]


class SubcontractorSerializer(StrictSerializer):
    contract = ChangeableRecordField(Contract)

    class Meta:
        model = Subcontractor
        fields = ["id", "contract", "name", "services", "compliance_confirmed_on", "policy_appended", "archived_at"]
        read_only_fields = ["archived_at"]


class AssociateNotificationSerializer(StrictSerializer):
    contract = ChangeableRecordField(Contract)
    associate_commissioner = serializers.PrimaryKeyRelatedField(
        queryset=Organisation.objects.filter(kind=OrganisationKind.ICB)
    )

    class Meta:
        model = AssociateNotification
        fields = [
            "id",
            "contract",
            "associate_commissioner",
            "reason",
            "summary",
            "occurred_on",
            "notified_on",
            "archived_at",
        ]
        read_only_fields = ["archived_at"]


class ModernSlaveryStatementSerializer(StrictSerializer):
    class Meta:
        model = ModernSlaveryStatement
        fields = ["id", "financial_year", "chief_officer", "signed_off_on", "published_on", "archived_at"]
        read_only_fields = ["archived_at"]
        validators = []


class SupplierDueDiligenceSerializer(StrictSerializer):
    contract = ChangeableRecordField(Contract)

    class Meta:
        model = SupplierDueDiligence
        fields = [
            "id",
            "contract",
            "completed_on",
            "completed_by",
            "no_convictions_found",
            "confirmations_received",
            "notes",
            "archived_at",
        ]
        read_only_fields = ["archived_at"]


def record_consultation(*, acting_user, event, **data):
    return actions.do_record_consultation(event, acting_user=acting_user, **data)


class CommissioningEventViewSet(CommissioningViewSet):
    queryset = CommissioningEvent.objects.select_related("provider", "contract").prefetch_related("consultations")
    serializer_class = CommissioningEventSerializer
    filterset_class = CommissioningEventFilter
    create_action = staticmethod(actions.do_create_commissioning_event)
    update_action = staticmethod(actions.do_update_commissioning_event)
    archive_action = staticmethod(actions.do_archive_commissioning_record)


class DesignatedConsultationViewSet(AppendOnlyViewSet):
    queryset = DesignatedConsultation.objects.select_related("event")
    serializer_class = DesignatedConsultationSerializer
    create_action = staticmethod(record_consultation)
    archive_action = staticmethod(actions.do_archive_commissioning_record)


class ServiceSpecificationViewSet(CommissioningViewSet):
    queryset = ServiceSpecification.objects.select_related("contract")
    serializer_class = ServiceSpecificationSerializer
    filterset_class = ServiceSpecificationFilter
    create_action = staticmethod(actions.do_add_specification)
    update_action = staticmethod(actions.do_update_specification)
    archive_action = staticmethod(actions.do_archive_commissioning_record)


class SubcontractorViewSet(CommissioningViewSet):
    queryset = Subcontractor.objects.select_related("contract")
    serializer_class = SubcontractorSerializer
    filterset_class = SubcontractorFilter
    create_action = staticmethod(actions.do_add_subcontractor)
    update_action = staticmethod(actions.do_update_subcontractor)
    archive_action = staticmethod(actions.do_archive_commissioning_record)


class AssociateNotificationViewSet(CommissioningViewSet):
    queryset = AssociateNotification.objects.select_related("contract", "associate_commissioner")
    serializer_class = AssociateNotificationSerializer
    filterset_class = AssociateNotificationFilter
    create_action = staticmethod(actions.do_record_associate_notification)
    update_action = staticmethod(actions.do_update_associate_notification)
    archive_action = staticmethod(actions.do_archive_commissioning_record)


class ModernSlaveryStatementViewSet(CommissioningViewSet):
    queryset = ModernSlaveryStatement.objects.all()
    serializer_class = ModernSlaveryStatementSerializer
    create_action = staticmethod(actions.do_add_statement)
    update_action = staticmethod(actions.do_update_statement)
    archive_action = staticmethod(actions.do_archive_commissioning_record)


class SupplierDueDiligenceViewSet(AppendOnlyViewSet):
    queryset = SupplierDueDiligence.objects.select_related("contract")
    serializer_class = SupplierDueDiligenceSerializer
    filterset_class = SupplierDueDiligenceFilter
    create_action = staticmethod(actions.do_record_due_diligence)
    archive_action = staticmethod(actions.do_archive_commissioning_record)


def register_commissioning(router):
    router.register("commissioning-events", CommissioningEventViewSet)
    router.register("designated-consultations", DesignatedConsultationViewSet)
    router.register("service-specifications", ServiceSpecificationViewSet)
    router.register("subcontractors", SubcontractorViewSet)
    router.register("associate-notifications", AssociateNotificationViewSet)
    router.register("modern-slavery-statements", ModernSlaveryStatementViewSet)
    router.register("supplier-due-diligence", SupplierDueDiligenceViewSet)


class SafeguardingContactSerializer(StrictSerializer):
    organisation = ScopedOrganisationField()

    class Meta:
        model = SafeguardingContact
        fields = [
            "id",
            "organisation",
            "service",
            "team",
            "phone",
            "duty_phone",
            "email",
            "hours",
            "notes",
            "created_at",
            "updated_at",
            "archived_at",
        ]
        read_only_fields = ["created_at", "updated_at", "archived_at"]


class SafeguardingContactViewSet(ScopedViewSet):
    """The safeguarding contacts directory [DUDLEY 10.1, 10.4]."""

    queryset = SafeguardingContact.objects.select_related("organisation")
    serializer_class = SafeguardingContactSerializer
    filterset_class = SafeguardingContactFilter
    create_action = staticmethod(actions.do_add_contact)
    update_action = staticmethod(actions.do_update_contact)
    archive_action = staticmethod(actions.do_archive_contact)
