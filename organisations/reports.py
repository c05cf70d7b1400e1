"""Read-side views of the register: gaps and vacancies, contracts lacking the schedule.

Each function takes an already-scoped queryset and issues a fixed number of queries,
whatever the number of organisations.
"""

from collections import defaultdict
from dataclasses import dataclass

from organisations import rules
from organisations.models import Contract, RoleHolder, RoleRequirement


@dataclass(frozen=True)
class OrganisationGaps:
    organisation: object
    gaps: list


def requirement_rules():
    return [r.as_rule() for r in RoleRequirement.objects.all()]


def gaps_by_organisation(organisations):
    """{organisation: [Gap, ...]} for every active organisation in the queryset with a gap."""
    organisations = list(organisations.filter(archived_at__isnull=True))
    holders = defaultdict(list)
    for organisation_id, role, holder_name in RoleHolder.objects.filter(
        organisation__in=[o.pk for o in organisations], archived_at__isnull=True
    ).values_list("organisation_id", "role", "holder_name"):
        holders[organisation_id].append((role, not holder_name))
    requirements = requirement_rules()
    result = []
    for organisation in organisations:
        required = rules.required_roles(
            requirements,
            kind=organisation.kind,
            children_services=organisation.provides_children_services,
            maternity_services=organisation.provides_maternity_services,
        )
        gaps = rules.role_gaps(required, holders[organisation.pk])
        if gaps:
            result.append(OrganisationGaps(organisation, gaps))
    return result


def gaps_for(organisation):
    found = gaps_by_organisation(type(organisation).objects.filter(pk=organisation.pk))
    return found[0].gaps if found else []


def organisation_history(organisation, limit=50):
    """Audit entries for the organisation, its role holders and its contracts, newest first."""
    from auditlog.models import LogEntry
    from django.contrib.contenttypes.models import ContentType
    from django.db.models import Q

    def entries_for(model, ids):
        return Q(content_type=ContentType.objects.get_for_model(model), object_id__in=ids)

    query = (
        entries_for(type(organisation), [organisation.pk])
        | entries_for(RoleHolder, RoleHolder.objects.filter(organisation=organisation).values("pk"))
        | entries_for(Contract, Contract.objects.filter(provider=organisation).values("pk"))
    )
    return LogEntry.objects.filter(query).select_related("actor", "content_type").order_by("-timestamp", "-pk")[:limit]


def contracts_without_schedule(contracts):
    return contracts.filter(safeguarding_schedule_included=False, archived_at__isnull=True).select_related("provider")


def local_authorities(icb_id):
    """The active local authorities an ICB works with (for escalations and returns' breakdowns): its own and
    those of another ICB that list it among the ICBs they work with [SAAF 6.8.1]."""
    from django.db.models import Q

    from organisations.choices import OrganisationKind
    from organisations.models import Organisation

    shared = Organisation.objects.filter(other_icbs=icb_id).values("pk")
    return Organisation.objects.filter(
        Q(icb_id=icb_id) | Q(pk__in=shared), kind=OrganisationKind.LOCAL_AUTHORITY, archived_at__isnull=True
    ).order_by("name")
