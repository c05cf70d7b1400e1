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


# --- Commissioning with safeguarding in it ------------------------------------------------------------------------


@dataclass(frozen=True)
class CommissioningGapRow:
    """One record with what it lacks: `record` is an event, a specification, a subcontractor, a notification or a
    contract; `organisation` is whose action a gap would be (the ICB or the provider)."""

    area: str
    record: object
    organisation: object
    gaps: list

    @property
    def text(self):
        return "; ".join(self.gaps)

    @property
    def url(self):
        from django.urls import reverse

        from organisations.models import CommissioningEvent, ServiceSpecification

        if isinstance(self.record, CommissioningEvent | ServiceSpecification):
            return self.record.get_absolute_url()
        return reverse("organisations:commissioning")


def event_rows(events):
    """[(event, [CommissioningGap])] for the active events (2 queries)."""
    from django.db.models import Prefetch

    from organisations.models import DesignatedConsultation

    live = DesignatedConsultation.objects.filter(archived_at__isnull=True)
    events = (
        events.filter(archived_at__isnull=True)
        .select_related("icb", "provider", "contract")
        .prefetch_related(Prefetch("consultations", queryset=live, to_attr="live_consultations"))
    )
    return [
        (
            event,
            rules.commissioning_gaps(
                stage=event.stage,
                consulted_stages=[c.stage for c in event.live_consultations],
                signed_off_on=event.specification_signed_off_on,
            ),
        )
        for event in events
    ]


def due_diligence_rows(contracts):
    """[(contract, gap or None)] for the active contracts (2 queries)."""
    from django.db.models import Prefetch

    from organisations.models import SupplierDueDiligence

    live = SupplierDueDiligence.objects.filter(archived_at__isnull=True)
    contracts = (
        contracts.filter(archived_at__isnull=True)
        .select_related("provider")
        .prefetch_related(Prefetch("due_diligence", queryset=live, to_attr="live_due_diligence"))
    )
    return [
        (contract, rules.due_diligence_gap(contract.start_date, [d.completed_on for d in contract.live_due_diligence]))
        for contract in contracts
    ]


def commissioning_gaps(user, today=None):
    """Every commissioning gap `user` may see, as CommissioningGapRow, in a fixed number of queries: events past
    their specification without consultation or sign-off, specifications missing checklist items, subcontractors
    without confirmation, associates not told, contracts let before due diligence, and the ICB's statement."""
    from django.utils import timezone

    from core.scoping import VIEW, can
    from organisations.models import (
        AssociateNotification,
        CommissioningEvent,
        ModernSlaveryStatement,
        ServiceSpecification,
        Subcontractor,
    )

    today = today or timezone.localdate()
    rows = []
    for event, gaps in event_rows(CommissioningEvent.objects.restrict(user)):
        if gaps:
            rows.append(CommissioningGapRow("Commissioning", event, event.icb, [g.text for g in gaps]))
    specifications = (
        ServiceSpecification.objects.restrict(user)
        .filter(archived_at__isnull=True)
        .select_related("contract__provider")
    )
    for specification in specifications:
        if missing := specification.missing_items:
            rows.append(
                CommissioningGapRow(
                    "Specification", specification, specification.contract.provider, [f"Missing: {'; '.join(missing)}"]
                )
            )
    subcontractors = (
        Subcontractor.objects.restrict(user).filter(archived_at__isnull=True).select_related("contract__provider")
    )
    for subcontractor in subcontractors:
        if subcontractor.gaps:
            rows.append(
                CommissioningGapRow("Subcontractor", subcontractor, subcontractor.contract.provider, subcontractor.gaps)
            )
    notifications = (
        AssociateNotification.objects.restrict(user)
        .filter(archived_at__isnull=True, notified_on__isnull=True)
        .select_related("contract__provider", "contract__lead_commissioner", "associate_commissioner")
    )
    for notification in notifications:
        rows.append(
            CommissioningGapRow(
                "Associate commissioner",
                notification,
                notification.contract.lead_commissioner,
                [rules.notification_gap(notification.notified_on)],
            )
        )
    for contract, gap in due_diligence_rows(Contract.objects.restrict(user)):
        if gap:
            rows.append(CommissioningGapRow("Due diligence", contract, contract.provider, [gap]))
    if can(user, ModernSlaveryStatement, VIEW):
        statements = ModernSlaveryStatement.objects.restrict(user).filter(archived_at__isnull=True)
        if gap := rules.statement_gap(statements.values_list("financial_year", "signed_off_on"), today):
            icb = user.organisation.icb
            rows.append(CommissioningGapRow("Modern slavery statement", icb, icb, [gap]))
    return rows


def sections(user, as_of=None):
    """Aggregates for the governance reports: [(title, [(label, value)])], for an ICB user who may read them."""
    from django.utils import timezone

    from core.scoping import VIEW, can
    from organisations.models import CommissioningEvent, ServiceSpecification

    as_of = as_of or timezone.localdate()
    if not can(user, CommissioningEvent, VIEW):
        return []
    events = event_rows(CommissioningEvent.objects.restrict(user))
    specifications = list(
        ServiceSpecification.objects.restrict(user).filter(archived_at__isnull=True).select_related("contract")
    )
    gaps = commissioning_gaps(user, as_of)
    by_area = {}
    for gap in gaps:
        by_area[gap.area] = by_area.get(gap.area, 0) + 1
    past_specification = [(e, g) for e, g in events if rules.is_past_specification(e.stage)]
    unconsulted = sum(1 for _, g in past_specification if any(x.code == "not_consulted" for x in g))
    unsigned = sum(1 for _, g in past_specification if any(x.code == "not_signed_off" for x in g))
    complete = sum(1 for s in specifications if not s.missing_items)
    return [
        (
            "Commissioning with safeguarding in it",
            [
                ("Commissioning events in progress or closed", str(len(events))),
                ("Past the specification stage", str(len(past_specification))),
                ("… of which a stage passed without designated consultation", str(unconsulted)),
                ("… of which the specification is not signed off", str(unsigned)),
                ("Specifications and SLAs with every checklist item", f"{complete}/{len(specifications)}"),
            ],
        ),
        (
            "Commissioning gaps",
            [(area, str(count)) for area, count in sorted(by_area.items())] or [("Gaps", "0")],
        ),
    ]


def gaps_for_icb(icb_id):
    """[OrganisationGaps] of one ICB and its organisations, by organisation name (a fixed number of queries)."""
    from organisations.models import Organisation

    found = gaps_by_organisation(Organisation.objects.filter(icb_id=icb_id))  # an ICB is its own icb
    return sorted(found, key=lambda g: (g.organisation.name, g.organisation.pk))
