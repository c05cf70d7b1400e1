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
from django.db import models
from django.urls import reverse

from core.choices import ALL_ROLES, ICB_ROLES, Role
from core.scoping import VIEW, Access, AuditScopeMixin, ScopedQuerySet
from core.versioning import Versioned
from organisations import rules
from organisations.choices import (
    PROVIDER_KINDS,
    CapacityPeriod,
    ContactService,
    OrganisationKind,
    RoleCondition,
    SafeguardingRole,
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
