"""Organisations, their contracts and their register of required safeguarding role holders.

Glossary:
- ICB: Integrated Care Board, the NHS commissioner for a population (formerly a CCG).
- ODS code: the NHS Organisation Data Service identifier (e.g. RX1 for a trust, A81001
  for a GP practice).
- SC32: the safeguarding clause of the NHS Standard Contract; SC32.2 requires a provider to
  name its safeguarding, child sexual abuse and exploitation, MCA/DoLS and Prevent leads.
- Designated professionals are the ICB's experts (designated nurse, doctor...); named
  professionals are a provider's (named nurse, named doctor, named midwife...).
- PA: programmed activity, a 4-hour session of a doctor's week; capacity is recorded as
  PA sessions per week or as WTE (whole-time equivalent).
"""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse

from core.choices import ALL_ROLES, ICB_ROLES, ActionSource, Role
from core.scoping import VIEW, Access, AuditScopeMixin, ScopedQuerySet
from core.versioning import Versioned
from organisations import rules
from organisations.choices import (
    PROVIDER_KINDS,
    CapacityPeriod,
    CommissioningKind,
    CommissioningStage,
    ContactService,
    NotificationReason,
    OrganisationKind,
    RoleCondition,
    SafeguardingRole,
    ScheduleAudience,
    SpecificationKind,
)

ORGANISATION_EDITORS = frozenset({Role.DESIGNATED, Role.ADMINISTRATOR})


class Organisation(AuditScopeMixin, Versioned):
    """Any body Vigil knows: region > ICB > provider > site, and partner agencies."""

    access = Access(scope="", view=ALL_ROLES, change=ORGANISATION_EDITORS)

    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=40, choices=OrganisationKind.choices)
    ods_code = models.CharField(
        "ODS code", max_length=10, unique=True, null=True, blank=True, help_text=rules.ODS_CODE_HELP
    )
    parent = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="children")
    icb = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        help_text="The ICB this organisation belongs to (itself for an ICB); derived from the parent.",
    )
    other_icbs = models.ManyToManyField(
        "self",
        symmetrical=False,
        blank=True,
        related_name="shared_partners",
        verbose_name="other ICBs it works with",
        help_text="A local authority or partnership whose area more than one ICB covers [SAAF 6.8.1].",
    )
    provides_children_services = models.BooleanField(default=False)
    provides_maternity_services = models.BooleanField(default=False)
    archived_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["icb", "kind"])]

    def __str__(self):
        return f"{self.name} ({self.ods_code})" if self.ods_code else self.name

    @property
    def is_archived(self):
        return self.archived_at is not None

    def get_absolute_url(self):
        return reverse("organisations:detail", args=[self.pk])

    @property
    def is_provider(self):
        return self.kind in PROVIDER_KINDS

    def clean(self):
        self.ods_code = rules.normalise_ods_code(self.ods_code)
        errors = {}
        if problem := rules.ods_code_problem(self.ods_code):
            errors["ods_code"] = problem
        if problem := rules.parent_problem(self.kind, self.parent.kind if self.parent else None):
            errors["parent"] = problem
        if errors:
            raise ValidationError(errors)


class Contract(AuditScopeMixin, Versioned):
    """A provider's contract: services, dates, commissioners and the safeguarding schedule."""

    access = Access(
        scope="provider",
        view=ICB_ROLES | {Role.PROVIDER},
        change=frozenset({Role.DESIGNATED, Role.ADMINISTRATOR, Role.CONTRACTS}),
    )

    provider = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="contracts")
    reference = models.CharField(max_length=60)
    services = models.TextField(help_text="The services commissioned under this contract.")
    start_date = models.DateField()
    end_date = models.DateField()
    lead_commissioner = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="led_contracts")
    associate_commissioners = models.ManyToManyField(Organisation, blank=True, related_name="associate_contracts")
    safeguarding_schedule_included = models.BooleanField(
        "safeguarding standards schedule included",
        default=False,
        help_text="Whether the contract carries the ICB's safeguarding standards schedule.",
    )
    archived_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["provider__name", "start_date"]
        constraints = [models.UniqueConstraint(fields=["provider", "reference"], name="unique_contract_reference")]

    def __str__(self):
        return f"{self.reference}: {self.provider.name}"

    def clean(self):
        if problem := rules.contract_dates_problem(self.start_date, self.end_date):
            raise ValidationError({"end_date": problem})


class RoleRequirement(AuditScopeMixin, models.Model):
    """Data: an organisation of `kind` must fill `role` (when `condition` holds).

    Loaded from organisations/data/role_requirements.json; the ICB can add its own.
    """

    access = Access(scope="", view=frozenset(), change=frozenset())

    kind = models.CharField(max_length=40, choices=OrganisationKind.choices)
    role = models.CharField(max_length=40, choices=SafeguardingRole.choices)
    condition = models.CharField(max_length=30, choices=RoleCondition.choices, default=RoleCondition.ALWAYS)
    source = models.CharField(max_length=200, help_text="Where the requirement comes from.")

    class Meta:
        ordering = ["kind", "role"]
        constraints = [models.UniqueConstraint(fields=["kind", "role", "condition"], name="unique_role_requirement")]

    def __str__(self):
        return f"{self.get_kind_display()} needs {self.get_role_display()} ({self.get_condition_display()})"

    def as_rule(self):
        return rules.Requirement(role=self.role, kind=self.kind, condition=self.condition)


class RoleHolder(AuditScopeMixin, Versioned):
    """Who holds a safeguarding post at an organisation. A post with no holder is a vacancy."""

    access = Access(
        scope="organisation",
        view=ALL_ROLES,
        change=frozenset({Role.DESIGNATED, Role.ADMINISTRATOR, Role.PROVIDER}),
    )

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="role_holders")
    role = models.CharField(max_length=40, choices=SafeguardingRole.choices)
    holder_name = models.CharField(max_length=120, blank=True, help_text="Leave blank to record the post as vacant.")
    job_title = models.CharField(max_length=120, blank=True)
    email = models.EmailField(blank=True)
    wte = models.DecimalField("WTE", max_digits=4, decimal_places=2, null=True, blank=True)
    pa_sessions = models.DecimalField("PA sessions", max_digits=4, decimal_places=1, null=True, blank=True)
    pa_period = models.CharField(
        "PA sessions counted", max_length=10, choices=CapacityPeriod.choices, default=CapacityPeriod.WEEK, blank=True
    )
    start_date = models.DateField(null=True, blank=True)
    archived_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["organisation__name", "role"]

    def __str__(self):
        return f"{self.get_role_display()}: {self.holder_name or 'vacant'}"

    @property
    def is_vacant(self):
        return not self.holder_name

    @property
    def capacity(self):
        if self.pa_sessions is not None:
            return f"{self.pa_sessions.normalize():f} PA {self.get_pa_period_display()}"
        if self.wte is not None:
            return f"{self.wte.normalize():f} WTE"
        return ""

    def clean(self):
        errors = {}
        if self.organisation_id and self.organisation.is_archived:
            errors["organisation"] = "This organisation is archived: role holders cannot be added or changed."
        self.pa_period = self.pa_period or CapacityPeriod.WEEK
        if problem := rules.capacity_problem(self.wte, self.pa_sessions, self.pa_period):
            errors[problem[0]] = problem[1]
        if errors:
            raise ValidationError(errors)


# --- Commissioning with safeguarding in it [NEL 3.1, 5.1, App. A-B; CPCCG 6.8, App. 1; SAAF 4.7.1; DDICB] ----------
# Contracts and commissioning managers and designated professionals manage these records; every ICB role reads
# them (the board among them); a provider user sees its own service specifications and nothing else here.

COMMISSIONING_MANAGERS = frozenset({Role.DESIGNATED, Role.CONTRACTS, Role.ADMINISTRATOR})


class CommissioningEvent(AuditScopeMixin, Versioned):
    """A procurement, tender, redesign or decommissioning of a service, followed through the commissioning cycle,
    with the designated professionals' consultations and their sign-off of the specification [NEL 3.1, App. B;
    SAAF 4.7.1; CPCCG App. 1]."""

    access = Access(scope="icb", view=ICB_ROLES, change=COMMISSIONING_MANAGERS)
    action_source_kind = ActionSource.OTHER

    icb = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="commissioning_events", editable=False)
    title = models.CharField(max_length=200, help_text="The service being commissioned, redesigned or stopped.")
    kind = models.CharField(max_length=20, choices=CommissioningKind.choices)
    stage = models.CharField(
        max_length=20,
        choices=CommissioningStage.choices,
        default=CommissioningStage.PLANNING,
        help_text="Where the event is in the commissioning cycle now.",
    )
    provider = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="commissioning_events_as_provider",
        help_text="The provider, once known (the incumbent for a redesign or decommissioning).",
    )
    contract = models.ForeignKey(
        Contract, on_delete=models.PROTECT, null=True, blank=True, related_name="commissioning_events"
    )
    started_on = models.DateField()
    commissioner = models.CharField("commissioning lead", max_length=150, blank=True)
    specification_signed_off_on = models.DateField(
        "specification signed off on",
        null=True,
        blank=True,
        help_text="When a designated professional signed off the safeguarding content of the specification.",
    )
    specification_signed_off_by = models.CharField(max_length=150, blank=True)
    archived_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-started_on", "title"]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.title}"

    def get_absolute_url(self):
        return reverse("organisations:commissioning-detail", args=[self.pk])

    def clean(self):
        errors = {}
        if self.specification_signed_off_on and not self.specification_signed_off_by.strip():
            errors["specification_signed_off_by"] = "Say which designated professional signed the specification off."
        if self.provider_id and self.provider.kind not in PROVIDER_KINDS:
            errors["provider"] = "Choose a provider."
        if self.contract_id and self.provider_id and self.contract.provider_id != self.provider_id:
            errors["contract"] = "Choose a contract of this provider."
        if errors:
            raise ValidationError(errors)


class DesignatedConsultation(AuditScopeMixin, models.Model):
    """One consultation of a designated professional on a commissioning event: who, when, at which stage, and what
    they advised [NEL 3.1; SAAF 4.7.1]. Kept as written; a mistaken entry is archived and entered again."""

    access = Access(scope="event__icb", view=ICB_ROLES, change=COMMISSIONING_MANAGERS)

    event = models.ForeignKey(CommissioningEvent, on_delete=models.PROTECT, related_name="consultations")
    stage = models.CharField(max_length=20, choices=CommissioningStage.choices)
    consulted_on = models.DateField()
    professional = models.CharField(
        "designated professional consulted", max_length=150, help_text="Name and post, e.g. designated nurse."
    )
    advice = models.TextField("what they advised")
    archived_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["consulted_on", "pk"]

    def __str__(self):
        return f"{self.professional}, {self.consulted_on:%d %B %Y}"


class ServiceSpecification(AuditScopeMixin, Versioned):
    """A service specification or service level agreement beside a contract, with its children's or adults'
    safeguarding schedule and the checklist of the contents the policies require [CPCCG 6.8; DDICB Commissioning
    and Contract Managers; NEL App. A]."""

    access = Access(scope="contract__provider", view=ICB_ROLES | {Role.PROVIDER}, change=COMMISSIONING_MANAGERS)
    action_source_kind = ActionSource.OTHER

    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="specifications")
    kind = models.CharField(max_length=20, choices=SpecificationKind.choices, default=SpecificationKind.SPECIFICATION)
    audience = models.CharField("schedule", max_length=20, choices=ScheduleAudience.choices)
    title = models.CharField(max_length=200)
    agreed_on = models.DateField(null=True, blank=True)
    review_on = models.DateField("next review", null=True, blank=True)
    covers_safeguarding_standards = models.BooleanField("safeguarding service standards", default=False)
    covers_training = models.BooleanField("training", default=False)
    covers_supervision = models.BooleanField("supervision", default=False)
    covers_information_sharing = models.BooleanField("information sharing and Caldicott", default=False)
    covers_diversity = models.BooleanField("cultural and ethnic diversity", default=False)
    covers_vulnerable_parents = models.BooleanField("adult parents and carers with vulnerabilities", default=False)
    covers_reporting = models.BooleanField("reporting", default=False)
    archived_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["contract__provider__name", "contract__reference", "audience", "title"]

    def __str__(self):
        return f"{self.title} ({self.get_audience_display().lower()})"

    def get_absolute_url(self):
        return reverse("organisations:specification-detail", args=[self.pk])

    @property
    def missing_items(self):
        return rules.missing_checklist_items({name: getattr(self, name) for name in rules.CHECKLIST_FIELDS})

    def clean(self):
        if problem := rules.review_date_problem(self.agreed_on, self.review_on):
            raise ValidationError({"review_on": problem})


class Subcontractor(AuditScopeMixin, Versioned):
    """A provider's subcontractor under a contract: the provider must require it to comply with the standards and
    append the policy to the subcontract, estates staff too (grounds, cleaning, transport) [NEL 5.1]."""

    access = Access(scope="contract__provider", view=ICB_ROLES, change=COMMISSIONING_MANAGERS)

    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="subcontractors")
    name = models.CharField(max_length=200)
    services = models.CharField(max_length=250, help_text="What it does, e.g. cleaning, patient transport.")
    compliance_confirmed_on = models.DateField(
        "compliance confirmed on",
        null=True,
        blank=True,
        help_text="When the provider confirmed the subcontractor complies with the safeguarding standards.",
    )
    policy_appended = models.BooleanField("safeguarding policy appended to the subcontract", default=False)
    archived_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["contract__provider__name", "name"]

    def __str__(self):
        return f"{self.name} (subcontractor of {self.contract.provider.name})"

    @property
    def gaps(self):
        return rules.subcontractor_gaps(
            compliance_confirmed_on=self.compliance_confirmed_on, policy_appended=self.policy_appended
        )


class AssociateNotification(AuditScopeMixin, Versioned):
    """The lead commissioner telling an associate commissioner of a provider's non-compliance with the standards or
    of a serious incident affecting a resident of its population [DDICB Scope]. No names of people."""

    access = Access(scope="contract__provider", view=ICB_ROLES, change=COMMISSIONING_MANAGERS)

    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="associate_notifications")
    associate_commissioner = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(max_length=20, choices=NotificationReason.choices)
    summary = models.CharField(max_length=250, help_text="What happened, without names or identifiers.")
    occurred_on = models.DateField("arose on")
    notified_on = models.DateField(null=True, blank=True, help_text="Leave blank until the associate is told.")
    archived_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-occurred_on", "pk"]

    def __str__(self):
        return f"{self.get_reason_display()}: {self.contract.reference} to {self.associate_commissioner.name}"

    def clean(self):
        errors = {}
        if problem := rules.notification_dates_problem(self.occurred_on, self.notified_on):
            errors["notified_on"] = problem
        if (
            self.contract_id
            and self.associate_commissioner_id
            and not self.contract.associate_commissioners.filter(pk=self.associate_commissioner_id).exists()
        ):
            errors["associate_commissioner"] = "Choose one of the contract's associate commissioners."
        if errors:
            raise ValidationError(errors)


class ModernSlaveryStatement(AuditScopeMixin, Versioned):
    """The ICB's statement under s.54 Modern Slavery Act 2015, one a financial year, signed off by the chief officer
    [DDICB Modern Slavery]."""

    access = Access(scope="icb", view=ICB_ROLES, change=COMMISSIONING_MANAGERS)

    icb = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+", editable=False)
    financial_year = models.PositiveSmallIntegerField(
        help_text="The year the financial year starts in: 2026 for 2026/27.",
        validators=[MinValueValidator(2015), MaxValueValidator(2100)],
    )
    chief_officer = models.CharField("chief officer signing off", max_length=150, blank=True)
    signed_off_on = models.DateField(null=True, blank=True)
    published_on = models.DateField(null=True, blank=True)
    archived_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-financial_year"]
        constraints = [
            models.UniqueConstraint(fields=["icb", "financial_year"], name="one_modern_slavery_statement_a_year")
        ]

    def __str__(self):
        return f"Modern slavery statement {rules.financial_year_label(self.financial_year)}"

    def clean(self):
        if self.signed_off_on and not self.chief_officer.strip():
            raise ValidationError({"chief_officer": "Name the chief officer who signed the statement off."})


class SupplierDueDiligence(AuditScopeMixin, models.Model):
    """Modern slavery due diligence on a supplier before it is let a contract, including an online search that it
    has never been convicted of modern slavery offences [DDICB Modern Slavery]."""

    access = Access(scope="contract__provider", view=ICB_ROLES, change=COMMISSIONING_MANAGERS)

    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="due_diligence")
    completed_on = models.DateField()
    completed_by = models.CharField(max_length=150)
    no_convictions_found = models.BooleanField("online search found no modern slavery convictions", default=False)
    confirmations_received = models.BooleanField(
        "provider's confirmations received",
        default=False,
        help_text="Steps to eradicate modern slavery; recruitment suppliers held to account; at least the national "
        "minimum or living wage; the contract may be ended if modern slavery comes to light.",
    )
    notes = models.TextField(blank=True)
    archived_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-completed_on", "pk"]

    def __str__(self):
        return f"Due diligence on {self.contract.provider.name}, {self.completed_on:%d %B %Y}"


class ContactQuerySet(ScopedQuerySet):
    """ICB staff see their ICB's directory through the usual rule; a provider user sees the whole directory of
    its ICB too (its practitioners need the local authority's and the police's numbers), never another ICB's."""

    def restrict(self, user, action=VIEW):
        if getattr(user, "role", None) != Role.PROVIDER or action != VIEW:
            return super().restrict(user, action)
        if not (user.is_authenticated and user.is_active and user.organisation_id):
            return self.none()
        return self.filter(organisation__icb_id=user.organisation.icb_id)


class SafeguardingContact(AuditScopeMixin, Versioned):
    """One entry of the safeguarding contacts directory: a service of a local authority, partnership, police
    force or provider with its phone and duty lines [DUDLEY 10.1, 10.4]. Numbers in the demo are Ofcom's
    drama ranges, never real."""

    access = Access(scope="organisation", view=ALL_ROLES, change=ORGANISATION_EDITORS)

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="safeguarding_contacts")
    service = models.CharField(max_length=30, choices=ContactService.choices)
    team = models.CharField("team or post", max_length=150, help_text="For example: Children's Front Door.")
    phone = models.CharField("phone (working hours)", max_length=30, blank=True)
    duty_phone = models.CharField(
        "duty or out-of-hours line", max_length=30, blank=True, help_text="Out of hours, on call or bleep line."
    )
    email = models.EmailField("secure e-mail", blank=True)
    hours = models.CharField("when", max_length=120, blank=True, help_text="For example: Mon–Fri 9:00–17:00.")
    notes = models.TextField(blank=True, help_text="Extensions, bleeps, how to refer.")
    archived_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ContactQuerySet.as_manager()

    class Meta:
        ordering = ["organisation__name", "service", "team"]

    def __str__(self):
        return f"{self.team} ({self.organisation.name})"

    def get_absolute_url(self):
        return reverse("organisations:contacts") + f"#contact-{self.pk}"

    def clean(self):
        errors = {}
        self.phone, self.duty_phone = rules.normalise_phone(self.phone), rules.normalise_phone(self.duty_phone)
        for name in ("phone", "duty_phone"):
            if problem := rules.phone_problem(getattr(self, name)):
                errors[name] = problem
        if not (self.phone or self.duty_phone or self.email):
            errors["phone"] = "Enter at least one way to reach the service: a phone, a duty line or an e-mail."
        if self.organisation_id and self.organisation.kind == OrganisationKind.SITE:
            errors["organisation"] = "Choose the organisation, not one of its sites."
        if errors:
            raise ValidationError(errors)
