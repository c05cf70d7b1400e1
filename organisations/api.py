from rest_framework import serializers

from core.api import ScopedOrganisationField, ScopedViewSet, StrictSerializer
from organisations import actions
from organisations.choices import OrganisationKind
from organisations.filters import ContractFilter, OrganisationFilter, RoleHolderFilter, SafeguardingContactFilter
from organisations.models import Contract, Organisation, RoleHolder, SafeguardingContact


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


def register(router):
    router.register("organisations", OrganisationViewSet)
    router.register("contracts", ContractViewSet)
    router.register("role-holders", RoleHolderViewSet)
    router.register("safeguarding-contacts", SafeguardingContactViewSet)
