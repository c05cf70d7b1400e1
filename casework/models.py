"""Restricted casework registers: the most sensitive records in Vigil.

Glossary:
- LADO: the local authority designated officer, told of every allegation against someone who works
  with children; PiPoT: a person in a position of trust with adults at risk (the adults' equivalent).
- DBS barring referral: a referral to the Disclosure and Barring Service when someone is removed from
  regulated activity, resigns or ceases to be used (agency, bank, volunteer) because of safeguarding concerns.
- Professional disagreement / escalation: a health professional disputes another agency's decision
  (usually children's social care); it moves through stages 1-5 of the ICB's escalation procedure (data:
  casework/data/escalation_procedures.json), each reached on a date; an urgent case may start at any stage.
- FII: fabricated or induced illness; a health professionals meeting reviews what every health
  agency knows about a child whose health needs are perceived as complex.
- Caldicott guardian: the senior person who protects the confidentiality of patient information.
- Duty of candour: the statutory duty to tell a patient (or family) when something has gone wrong.

Every record carries a pseudonymous reference (e.g. "ALG-2026-001") and a pseudonymous subject
reference; `__str__` is the reference only, because it is what the audit trail stores and shows.
The named person in an allegation is shown only to the allegations register's readers.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from casework import rules
from casework.choices import (
    AbuseCategory,
    AllegationCategory,
    AllegationOutcome,
    AllegationSetting,
    Article9Condition,
    ConcernKind,
    ConcernReferral,
    ConsentDecision,
    ConsentException,
    DutyOfCandour,
    EmploymentOutcome,
    EscalationContact,
    EscalationTheme,
    LawfulBasis,
    ReferralRoute,
    SuspensionDecision,
)
from core.choices import ActionSource, Role
from core.scoping import VIEW, Access, AuditScopeMixin, ScopedQuerySet
from core.versioning import Versioned
from organisations.choices import OrganisationKind

D, A, E, H, P = Role.DESIGNATED, Role.ADMINISTRATOR, Role.EXECUTIVE, Role.HR, Role.PROVIDER

ALLEGATION_READERS = frozenset({D, H, E})
# An allegation about a designated professional goes to the chief nurse [DUDLEY 9.2]: only these see it.
DESIGNATED_ALLEGATION_READERS = frozenset({H, E})
TEAM_READERS = frozenset({D, A, E})  # the ICB safeguarding team and its executive lead
TEAM_EDITORS = frozenset({D, A})
SUBJECT_HELP = "A pseudonymous reference (e.g. 'Child A', a case number). Never a name or NHS number."
ORG = "organisations.Organisation"


class CaseRecord(AuditScopeMixin, Versioned):
    # Every reader of a restricted register signs in with a second factor (core.second_factor).
    restricted_register = True

    reference = models.CharField(max_length=20, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    archived_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = ScopedQuerySet.as_manager()

    # Fields where a pseudonym is expected (searched by the list filter).
    pseudonym_fields = ("subject_reference",)
    # Free text that should name no one. These and the pseudonym fields are checked for names and NHS
    # numbers before saving (core.identifiers), and the user acknowledges any warning.
    free_text_fields = ()

    class Meta:
        abstract = True
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return self.reference


class AllegationQuerySet(ScopedQuerySet):
    def restrict(self, user, action=VIEW):
        queryset = super().restrict(user, action)
        if getattr(user, "role", None) not in DESIGNATED_ALLEGATION_READERS:
            queryset = queryset.exclude(concerns_designated_professional=True)
        return queryset


class Allegation(CaseRecord):
    """An allegation against someone who works with children (LADO) or a person in a position of
    trust with adults (PiPoT) [DDICB Managing allegations; SAAF 3.2, 3.5.6-3.5.7; DUDLEY 9; NEL Std 10]."""

    prefix = "ALG"
    access = Access(scope="organisation", view=ALLEGATION_READERS, change=ALLEGATION_READERS)
    free_text_fields = ("summary",)

    organisation = models.ForeignKey(ORG, on_delete=models.PROTECT, related_name="+", verbose_name="employer")
    setting = models.CharField(max_length=20, choices=AllegationSetting.choices, default=AllegationSetting.CHILDREN)
    person_name = models.CharField(
        "name of the person the allegation is about", max_length=150, help_text="Shown only to the register's readers."
    )
    person_role = models.CharField("their role", max_length=150)
    concerns_designated_professional = models.BooleanField(
        "the person is an ICB designated professional",
        default=False,
        help_text="Routes the allegation to the executive lead: only the executive lead and HR see it.",
    )
    subject_reference = models.CharField(
        "child or adult (pseudonymous reference)", max_length=60, blank=True, help_text=SUBJECT_HELP
    )
    category = models.CharField(max_length=20, choices=AllegationCategory.choices)
    summary = models.TextField("what was alleged")
    made_on = models.DateField("date the allegation was made")
    icb_learnt_on = models.DateField("date the ICB learnt of it", null=True, blank=True)
    is_historical = models.BooleanField("historical allegation", default=False)
    suspension_decision = models.CharField(
        max_length=20, choices=SuspensionDecision.choices, default=SuspensionDecision.PENDING
    )
    lado_informed_on = models.DateField(
        "LADO informed on", null=True, blank=True, help_text="Allegations about people who work with children."
    )
    designated_informed_on = models.DateField(
        "designated professional informed on",
        null=True,
        blank=True,
        help_text="Children: the designated nurse or doctor [NEL Std 10]. Adults (PiPoT): the designated adult "
        "safeguarding professional [SAAF 3.5.7].",
    )
    chief_nurse_told_on = models.DateField(
        "executive lead (chief nurse) told on",
        null=True,
        blank=True,
        help_text="Every concern about ICB staff goes to the chief nurse [DDICB Managing allegations].",
    )
    hr_representative = models.CharField(
        "HR representative in the investigation", max_length=150, blank=True, help_text="Post [DUDLEY 9]."
    )
    still_works_with_children = models.BooleanField(
        "historical: the person still works with children or adults at risk",
        null=True,
        blank=True,
        help_text="For a historical allegation [DDICB Managing allegations].",
    )
    current_employer_told_on = models.DateField("historical: current employer told on", null=True, blank=True)
    police_involved = models.BooleanField("police involvement", default=False)
    employment_outcome = models.CharField(max_length=20, choices=EmploymentOutcome.choices, blank=True)
    dbs_referral_on = models.DateField("DBS barring referral made on", null=True, blank=True)
    regulator_referral = models.CharField(
        "regulator referred to", max_length=100, blank=True, help_text="e.g. NMC, GMC, HCPC, Social Work England."
    )
    regulator_referral_on = models.DateField("regulator referral made on", null=True, blank=True)
    outcome = models.CharField(max_length=20, choices=AllegationOutcome.choices, blank=True)
    closed_on = models.DateField(null=True, blank=True)

    objects = AllegationQuerySet.as_manager()

    class Meta(CaseRecord.Meta):
        pass

    def clean(self):
        problems = rules.allegation_problems(
            made_on=self.made_on,
            icb_learnt_on=self.icb_learnt_on,
            lado_informed_on=self.lado_informed_on,
            designated_informed_on=self.designated_informed_on,
            chief_nurse_told_on=self.chief_nurse_told_on,
            current_employer_told_on=self.current_employer_told_on,
            setting=self.setting,
            outcome=self.outcome,
            closed_on=self.closed_on,
            employment_outcome=self.employment_outcome,
            dbs_referral_on=self.dbs_referral_on,
            today=timezone.localdate(),
        )
        if problems:
            raise ValidationError(problems)

    @property
    def is_open(self):
        return self.closed_on is None and self.archived_at is None


class Escalation(CaseRecord):
    """A professional disagreement escalated through up to five stages of the ICB's procedure
    [DUDLEY 28.2, App. 6; CPCCG App. 5]."""

    prefix = "ESC"
    pseudonym_fields = ("case_reference",)
    free_text_fields = ("outcome", "panel_decision")
    access = Access(scope="organisation", view=TEAM_READERS | {P}, change=TEAM_EDITORS | {P})

    organisation = models.ForeignKey(
        ORG, on_delete=models.PROTECT, related_name="+", verbose_name="raising organisation"
    )
    case_reference = models.CharField("case (pseudonymous reference)", max_length=60, help_text=SUBJECT_HELP)
    raised_by = models.CharField("raised by (post)", max_length=150)
    other_agency = models.CharField(max_length=150)
    local_authority = models.ForeignKey(ORG, on_delete=models.PROTECT, related_name="+")
    theme = models.CharField(max_length=30, choices=EscalationTheme.choices)
    procedure = models.ForeignKey(
        "casework.EscalationProcedure",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        help_text="The escalation procedure the ICB followed when the escalation was opened.",
    )
    multiple_cases = models.BooleanField(
        "multiple cases / systemic poor practice",
        default=False,
        help_text="A provider's concern about poor practice across multiple cases: the designated doctor or nurse "
        "must be informed immediately [CPCCG App. 5 Definition].",
    )
    designated_informed_on = models.DateField("designated professional informed on", null=True, blank=True)
    partnership_manager_notified_on = models.DateField(
        "safeguarding partnership manager notified on",
        null=True,
        blank=True,
        help_text="From stage 3 [DUDLEY App. 6 3.3].",
    )
    chair_informed_on = models.DateField(
        "partnership chair informed on",
        null=True,
        blank=True,
        help_text="At stage 5 [DUDLEY App. 6 3.5; CPCCG App. 5].",
    )
    panel_decision = models.TextField(
        "resolution panel's decision", blank=True, help_text="When the chair convened a panel [DUDLEY App. 6 3.5]."
    )
    outcome = models.TextField("agreed outcome", blank=True)
    outcome_in_writing_on = models.DateField("outcome confirmed in writing on", null=True, blank=True)
    partnership_manager_told_outcome_on = models.DateField(
        "partnership manager told the outcome on", null=True, blank=True, help_text="[DUDLEY App. 6 3.4]"
    )
    outcome_shared_with_raiser_on = models.DateField(
        "outcome shared with the person who raised it on", null=True, blank=True, help_text="[DUDLEY App. 6 notes]"
    )
    closed_on = models.DateField(null=True, blank=True)

    class Meta(CaseRecord.Meta):
        pass

    def clean(self):
        problems = {}
        if self.local_authority_id and self.local_authority.kind != OrganisationKind.LOCAL_AUTHORITY:
            problems["local_authority"] = "Choose a local authority."
        if self.closed_on and not (self.outcome or "").strip():
            problems["outcome"] = "Record the agreed outcome before closing the escalation."
        if self.outcome_in_writing_on and not (self.outcome or "").strip():
            problems["outcome"] = "Record the outcome that was confirmed in writing."
        if problems:
            raise ValidationError(problems)


class EscalationProcedure(models.Model):
    """Reference data: an escalation procedure (stage names, who raises it with whom, who is told at which
    stage), loaded from casework/data/escalation_procedures.json. An ICB follows one (`icbs`); one with none
    follows the procedure of the CASEWORK_ESCALATION_PROCEDURE setting."""

    code = models.SlugField(unique=True)
    name = models.CharField(max_length=200)
    source = models.CharField(max_length=200)
    definition = models.JSONField(help_text="Stages and who is told when: see casework.rules.Procedure.")
    icbs = models.ManyToManyField(
        ORG, blank=True, related_name="escalation_procedures", verbose_name="ICBs following it"
    )

    class Meta:
        ordering = ["code"]

    def __str__(self):
        return self.name

    def as_rule(self):
        return rules.Procedure.from_definition(self.code, self.name, self.source, self.definition)


class EscalationStage(AuditScopeMixin, models.Model):
    """One stage reached in an escalation, with what was agreed at it."""

    access = Access(scope="escalation__organisation", view=Escalation.access.view, change=Escalation.access.change)

    escalation = models.ForeignKey(Escalation, on_delete=models.PROTECT, related_name="stages")
    stage = models.PositiveSmallIntegerField()
    reached_on = models.DateField()
    raised_by = models.CharField("raised by", max_length=30, choices=EscalationContact.choices, blank=True)
    raised_with = models.CharField("raised with", max_length=30, choices=EscalationContact.choices, blank=True)
    agreed = models.TextField("what was agreed")
    skip_reason = models.TextField(
        "why earlier stages were skipped",
        blank=True,
        help_text="An urgent case may start at any stage [DUDLEY App. 6; CPCCG App. 5 Salient points].",
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["stage"]
        constraints = [models.UniqueConstraint(fields=["escalation", "stage"], name="one_escalation_stage_each")]

    def __str__(self):
        return f"{self.escalation.reference} stage {self.stage}"


class AdviceEntry(CaseRecord):
    """A telephone discussion or consultation with the safeguarding team and the plan agreed [DUDLEY 10.3]."""

    prefix = "ADV"
    access = Access(scope="organisation", view=TEAM_READERS, change=TEAM_EDITORS)
    free_text_fields = ("advice_given", "action_plan")

    organisation = models.ForeignKey(
        ORG, on_delete=models.PROTECT, related_name="+", verbose_name="caller's organisation"
    )
    caller = models.CharField("who called (post)", max_length=150)
    called_at = models.DateTimeField()
    subject_reference = models.CharField(
        "child, adult or family (pseudonymous reference)", max_length=60, blank=True, help_text=SUBJECT_HELP
    )
    category = models.CharField("concern category", max_length=30, choices=AbuseCategory.choices)
    advice_given = models.TextField()
    action_plan = models.TextField("action plan agreed", blank=True)
    follow_up_on = models.DateField("follow up by", null=True, blank=True)
    followed_up_on = models.DateField("followed up on", null=True, blank=True)

    class Meta(CaseRecord.Meta):
        verbose_name_plural = "advice entries"


class Referral(CaseRecord):
    """A referral to children's social care made by ICB staff [DDICB What to do; DUDLEY 15], or straight to
    the police for forced marriage or honour-based abuse [DUDLEY 25.2-25.3]."""

    prefix = "REF"
    access = Access(scope="organisation", view=TEAM_READERS, change=TEAM_EDITORS)
    free_text_fields = ("outcome", "why_family_not_told")

    organisation = models.ForeignKey(
        ORG, on_delete=models.PROTECT, related_name="+", verbose_name="referring organisation"
    )
    local_authority = models.ForeignKey(
        ORG,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        help_text="Not needed for a referral straight to the police [DUDLEY 25.3].",
    )
    subject_reference = models.CharField("child (pseudonymous reference)", max_length=60, help_text=SUBJECT_HELP)
    referred_by = models.CharField("referred by (post)", max_length=150)
    category = models.CharField("concern category", max_length=30, choices=AbuseCategory.choices)
    route = models.CharField(max_length=20, choices=ReferralRoute.choices, default=ReferralRoute.TELEPHONE)
    referred_at = models.DateTimeField(
        "referral made at", help_text="The call, the online submission or the police call."
    )
    family_told = models.BooleanField(
        "the child or family was told of the referral",
        null=True,
        blank=True,
        help_text="Good practice unless it would harm the child or an investigation [DUDLEY 15.1].",
    )
    why_family_not_told = models.TextField("why the family was not told", blank=True)
    written_follow_up_at = models.DateTimeField("written follow-up sent at", null=True, blank=True)
    receipt_confirmed_on = models.DateField(
        "receipt confirmed on", null=True, blank=True, help_text="The sender makes sure it arrived [DUDLEY 15.2]."
    )
    outcome_chased_on = models.DateField("outcome chased on", null=True, blank=True)
    outcome = models.TextField(blank=True)
    outcome_received_on = models.DateField("outcome received on", null=True, blank=True)
    copy_to_designated_on = models.DateField("copy sent to the designated nurse on", null=True, blank=True)

    class Meta(CaseRecord.Meta):
        pass

    def clean(self):
        problems = {}
        if self.local_authority_id and self.local_authority.kind != OrganisationKind.LOCAL_AUTHORITY:
            problems["local_authority"] = "Choose a local authority."
        problems = {
            **rules.referral_problems(
                route=self.route,
                has_local_authority=bool(self.local_authority_id),
                family_told=self.family_told,
                why_family_not_told=self.why_family_not_told,
                written_follow_up_at=self.written_follow_up_at,
            ),
            **problems,
        }
        if self.referred_at and self.written_follow_up_at and self.written_follow_up_at < self.referred_at:
            problems["written_follow_up_at"] = "The written follow-up cannot be before the referral."
        referred_on = timezone.localtime(self.referred_at).date() if self.referred_at else None
        for name in ("outcome_chased_on", "outcome_received_on", "copy_to_designated_on", "receipt_confirmed_on"):
            value = getattr(self, name)
            if referred_on and value and value < referred_on:
                problems[name] = "This cannot be before the referral."
        if self.outcome_received_on and not (self.outcome or "").strip():
            problems["outcome"] = "Record the outcome that was received."
        if problems:
            raise ValidationError(problems)


class SeriousIncident(CaseRecord):
    """A provider's serious incident with a safeguarding element [NEL 7.0; DUDLEY 19.7]."""

    prefix = "SI"
    access = Access(scope="organisation", view=TEAM_READERS | {P}, change=TEAM_EDITORS | {P})
    free_text_fields = ("summary", "escalation_reasoning")
    action_source_kind = ActionSource.INCIDENT

    organisation = models.ForeignKey(ORG, on_delete=models.PROTECT, related_name="+", verbose_name="provider")
    incident_reference = models.CharField(
        "provider's incident reference", max_length=60, blank=True, help_text="e.g. the StEIS or PSIRF number."
    )
    subject_reference = models.CharField(
        "patient (pseudonymous reference)", max_length=60, blank=True, help_text=SUBJECT_HELP
    )
    summary = models.TextField("what happened")
    occurred_on = models.DateField()
    reported_on = models.DateField("reported to the ICB on")
    escalated_as_safeguarding = models.BooleanField("escalated as a safeguarding concern", null=True, blank=True)
    escalation_reasoning = models.TextField("why (not) escalated", blank=True)
    leads_informed_on = models.DateField("provider safeguarding leads informed on", null=True, blank=True)
    designated_informed_on = models.DateField("designated professionals informed on", null=True, blank=True)
    duty_of_candour = models.CharField(
        max_length=20, choices=DutyOfCandour.choices, default=DutyOfCandour.NOT_APPLICABLE
    )
    cqc_notified_on = models.DateField("CQC notified on", null=True, blank=True)
    statutory_review = models.ForeignKey(
        "reviews.Review",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="serious_incidents",
        verbose_name="linked statutory review",
        help_text="The CSPR, SAR, DHR or other review recorded in Vigil that this incident led to.",
    )
    statutory_review_reference = models.CharField(
        "other review reference",
        max_length=60,
        blank=True,
        help_text="The reference of a review not recorded in Vigil (for example another area's).",
    )
    closed_on = models.DateField(null=True, blank=True)

    class Meta(CaseRecord.Meta):
        pass

    def clean(self):
        problems = {}
        if self.occurred_on and self.reported_on and self.reported_on < self.occurred_on:
            problems["reported_on"] = "The incident cannot be reported before it happened."
        if self.escalated_as_safeguarding is False and not (self.escalation_reasoning or "").strip():
            problems["escalation_reasoning"] = "Say why the incident was not escalated as a safeguarding concern."
        if (
            self.statutory_review_id
            and self.organisation_id
            and self.statutory_review.icb_id != self.organisation.icb_id
        ):
            problems["statutory_review"] = "Link a review of the provider's own ICB."
        if problems:
            raise ValidationError(problems)


class HealthNeedsConcern(CaseRecord):
    """A provider's concern about perceived complex health needs or fabricated or induced illness:
    the ICB gathers what every health agency knows by a return deadline and a health professionals
    meeting follows 7-10 days later [CPCCG App. 6]."""

    prefix = "CHN"
    access = Access(scope="organisation", view=TEAM_READERS | {P}, change=TEAM_EDITORS | {P})
    free_text_fields = ("concern", "outcome")

    organisation = models.ForeignKey(ORG, on_delete=models.PROTECT, related_name="+", verbose_name="raising provider")
    kind = models.CharField(max_length=20, choices=ConcernKind.choices)
    subject_reference = models.CharField("child (pseudonymous reference)", max_length=60, help_text=SUBJECT_HELP)
    concern = models.TextField()
    raised_on = models.DateField()
    return_deadline = models.DateField("information return deadline", null=True, blank=True)
    meeting_on = models.DateField("health professionals meeting held on", null=True, blank=True)
    outcome = models.TextField(blank=True)
    referral = models.CharField(max_length=20, choices=ConcernReferral.choices, blank=True)
    closed_on = models.DateField(null=True, blank=True)

    class Meta(CaseRecord.Meta):
        pass

    def clean(self):
        problems = {}
        if self.raised_on and self.return_deadline and self.return_deadline < self.raised_on:
            problems["return_deadline"] = "The return deadline cannot be before the concern was raised."
        if self.return_deadline and self.meeting_on and self.meeting_on < self.return_deadline:
            problems["meeting_on"] = "The meeting cannot be held before the information return deadline."
        if self.closed_on and not (self.outcome or "").strip():
            problems["outcome"] = "Record the outcome before closing the concern."
        if problems:
            raise ValidationError(problems)


class InformationRequest(AuditScopeMixin, Versioned):
    """A request to one health agency for what it knows, with its return deadline."""

    access = Access(scope="concern__organisation", view=HealthNeedsConcern.access.view, change=TEAM_EDITORS)

    concern = models.ForeignKey(HealthNeedsConcern, on_delete=models.PROTECT, related_name="requests")
    agency = models.ForeignKey(ORG, on_delete=models.PROTECT, related_name="+", verbose_name="health agency")
    requested_on = models.DateField()
    return_by = models.DateField()
    returned_on = models.DateField(null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["return_by", "pk"]

    def __str__(self):
        return f"{self.concern.reference}: request {self.pk}"

    def clean(self):
        if self.requested_on and self.return_by and self.return_by < self.requested_on:
            raise ValidationError({"return_by": "The return deadline cannot be before the request."})
        if self.requested_on and self.returned_on and self.returned_on < self.requested_on:
            raise ValidationError({"returned_on": "The information cannot come back before it was requested."})


class Disclosure(CaseRecord):
    """Information shared without consent, with the decision and its lawful basis
    [CPCCG 9; DDICB Information Sharing]."""

    prefix = "DIS"
    access = Access(scope="organisation", view=frozenset({D, E}), change=frozenset({D}))
    free_text_fields = ("grounds", "information_shared", "reasoning", "wishes", "why_not_told")

    organisation = models.ForeignKey(
        ORG, on_delete=models.PROTECT, related_name="+", verbose_name="disclosing organisation"
    )
    subject_reference = models.CharField("person (pseudonymous reference)", max_length=60, help_text=SUBJECT_HELP)
    disclosed_on = models.DateField()
    disclosed_to = models.CharField("shared with (agency and post)", max_length=200)
    enquirer_verified = models.BooleanField(
        "the enquirer's identity was verified",
        null=True,
        blank=True,
        help_text="Leave empty when shared on the ICB's own initiative [DDICB Information Sharing].",
    )
    grounds = models.TextField(
        "grounds for the request, as clarified",
        blank=True,
        help_text="Why the enquirer asked [DDICB Information Sharing].",
    )
    information_shared = models.TextField()
    lawful_basis = models.CharField("UK GDPR Article 6 basis", max_length=30, choices=LawfulBasis.choices)
    article_9_condition = models.CharField(
        "Article 9 condition (special category data)",
        max_length=30,
        choices=Article9Condition.choices,
        help_text="Health data needs an Article 9 condition as well as the Article 6 basis "
        "[DDICB Information Sharing].",
    )
    consent = models.CharField(
        "consent", max_length=20, choices=ConsentDecision.choices, default=ConsentDecision.NOT_SOUGHT
    )
    consent_exception = models.CharField(
        "why consent was not sought", max_length=20, choices=ConsentException.choices, blank=True
    )
    incremental_disclosure = models.BooleanField(
        "disclosed incrementally, starting with the minimum", default=False, help_text="[CPCCG 9]"
    )
    wishes = models.TextField(
        "the person's wishes (where known) and how they were weighed", blank=True, help_text="[CPCCG 9]"
    )
    reasoning = models.TextField()
    decided_by = models.CharField("decided by (post)", max_length=150)
    caldicott_consulted = models.BooleanField("Caldicott guardian consulted", default=False)
    person_told = models.BooleanField("the person was told", default=False)
    why_not_told = models.TextField("why the person was not told", blank=True)

    class Meta(CaseRecord.Meta):
        pass

    def clean(self):
        problems = rules.disclosure_problems(
            reasoning=self.reasoning,
            person_told=self.person_told,
            why_not_told=self.why_not_told,
            enquirer_verified=self.enquirer_verified,
            grounds=self.grounds,
            consent=self.consent,
            consent_exception=self.consent_exception,
        )
        if problems:
            raise ValidationError(problems)


REGISTER_MODELS = (Allegation, Escalation, AdviceEntry, Referral, SeriousIncident, HealthNeedsConcern, Disclosure)
