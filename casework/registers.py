"""One description per register, used by the pages, the API and the exports alike."""

import datetime as dt
from dataclasses import dataclass, field

from django.utils import timezone

from casework import actions, models
from casework.forms import form_for


@dataclass(frozen=True)
class Register:
    slug: str
    title: str
    singular: str
    model: type
    fields: tuple  # editable fields, in form order
    create: object
    update: object
    archive: object
    summary: tuple  # list-page and API-list columns: pseudonymous, never the named person
    select_related: tuple = ("organisation",)
    prefetch_related: tuple = ()
    extra: dict = field(default_factory=dict)

    @property
    def form_class(self):
        return form_for(self.model, self.fields)

    @property
    def readers(self):
        return self.model.access.view

    @property
    def editors(self):
        return self.model.access.change


REGISTERS = [
    Register(
        slug="allegations",
        title="Allegations against staff",
        singular="allegation",
        model=models.Allegation,
        fields=(
            "organisation",
            "setting",
            "person_name",
            "person_role",
            "concerns_designated_professional",
            "subject_reference",
            "category",
            "summary",
            "made_on",
            "icb_learnt_on",
            "is_historical",
            "suspension_decision",
            "lado_informed_on",
            "designated_informed_on",
            "chief_nurse_told_on",
            "hr_representative",
            "still_works_with_children",
            "current_employer_told_on",
            "police_involved",
            "employment_outcome",
            "dbs_referral_on",
            "regulator_referral",
            "regulator_referral_on",
            "outcome",
            "closed_on",
        ),
        create=actions.do_record_allegation,
        update=actions.do_update_allegation,
        archive=actions.do_archive_allegation,
        summary=("reference", "organisation", "setting", "category", "made_on", "outcome", "closed_on"),
    ),
    Register(
        slug="escalations",
        title="Professional disagreement escalations",
        singular="escalation",
        model=models.Escalation,
        fields=(
            "organisation",
            "case_reference",
            "raised_by",
            "other_agency",
            "local_authority",
            "theme",
            "multiple_cases",
            "designated_informed_on",
            "partnership_manager_notified_on",
            "chair_informed_on",
            "panel_decision",
            "outcome",
            "outcome_in_writing_on",
            "outcome_shared_with_raiser_on",
            "partnership_manager_told_outcome_on",
            "closed_on",
        ),
        create=actions.do_open_escalation,
        update=actions.do_update_escalation,
        archive=actions.do_archive_escalation,
        summary=("reference", "organisation", "case_reference", "local_authority", "theme", "closed_on"),
        select_related=("organisation", "local_authority", "procedure"),
        prefetch_related=("stages",),
    ),
    Register(
        slug="advice",
        title="Advice and consultation log",
        singular="advice entry",
        model=models.AdviceEntry,
        fields=(
            "organisation",
            "caller",
            "called_at",
            "subject_reference",
            "category",
            "advice_given",
            "action_plan",
            "follow_up_on",
            "followed_up_on",
        ),
        create=actions.do_log_advice,
        update=actions.do_update_advice,
        archive=actions.do_archive_advice,
        summary=("reference", "organisation", "called_at", "subject_reference", "category", "follow_up_on"),
    ),
    Register(
        slug="referrals",
        title="Referrals to children's social care",
        singular="referral",
        model=models.Referral,
        fields=(
            "organisation",
            "route",
            "local_authority",
            "subject_reference",
            "referred_by",
            "category",
            "referred_at",
            "family_told",
            "why_family_not_told",
            "written_follow_up_at",
            "receipt_confirmed_on",
            "outcome_chased_on",
            "outcome",
            "outcome_received_on",
            "copy_to_designated_on",
        ),
        create=actions.do_record_referral,
        update=actions.do_update_referral,
        archive=actions.do_archive_referral,
        summary=("reference", "route", "local_authority", "subject_reference", "referred_at", "outcome_received_on"),
        select_related=("organisation", "local_authority"),
    ),
    Register(
        slug="serious-incidents",
        title="Serious incidents with a safeguarding element",
        singular="serious incident",
        model=models.SeriousIncident,
        fields=(
            "organisation",
            "incident_reference",
            "subject_reference",
            "summary",
            "occurred_on",
            "reported_on",
            "escalated_as_safeguarding",
            "escalation_reasoning",
            "leads_informed_on",
            "designated_informed_on",
            "duty_of_candour",
            "cqc_notified_on",
            "statutory_review",
            "statutory_review_reference",
            "closed_on",
        ),
        create=actions.do_record_incident,
        update=actions.do_update_incident,
        archive=actions.do_archive_incident,
        summary=("reference", "organisation", "incident_reference", "occurred_on", "reported_on", "closed_on"),
    ),
    Register(
        slug="complex-health-needs",
        title="Complex health needs and fabricated or induced illness",
        singular="concern",
        model=models.HealthNeedsConcern,
        fields=(
            "organisation",
            "kind",
            "subject_reference",
            "concern",
            "raised_on",
            "return_deadline",
            "meeting_on",
            "outcome",
            "referral",
            "closed_on",
        ),
        create=actions.do_raise_health_concern,
        update=actions.do_update_health_concern,
        archive=actions.do_archive_health_concern,
        summary=("reference", "organisation", "kind", "subject_reference", "raised_on", "return_deadline", "closed_on"),
        prefetch_related=("requests__agency",),
    ),
    Register(
        slug="disclosures",
        title="Disclosure log (information shared without consent)",
        singular="disclosure",
        model=models.Disclosure,
        fields=(
            "organisation",
            "subject_reference",
            "disclosed_on",
            "disclosed_to",
            "enquirer_verified",
            "grounds",
            "information_shared",
            "lawful_basis",
            "article_9_condition",
            "consent",
            "consent_exception",
            "incremental_disclosure",
            "wishes",
            "reasoning",
            "decided_by",
            "caldicott_consulted",
            "person_told",
            "why_not_told",
        ),
        create=actions.do_log_disclosure,
        update=actions.do_update_disclosure,
        archive=actions.do_archive_disclosure,
        summary=("reference", "organisation", "subject_reference", "disclosed_on", "lawful_basis"),
    ),
]
BY_SLUG = {register.slug: register for register in REGISTERS}
BY_MODEL = {register.model: register for register in REGISTERS}


def readable_by(user):
    return [r for r in REGISTERS if getattr(user, "role", None) in r.readers]


def display_value(record, name):
    """A field's value as a person reads it (choice labels, organisation names, '—' when empty)."""
    model_field = record._meta.get_field(name)
    value = getattr(record, name)
    if model_field.choices and value not in (None, ""):
        value = getattr(record, f"get_{name}_display")()
    if value is None or value == "":
        return "—"
    if value is True:
        return "Yes"
    if value is False:
        return "No"
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).strftime("%d %B %Y %H:%M")
    if isinstance(value, dt.date):
        return value.strftime("%d %B %Y")
    return str(value)


def label(model, name):
    return str(model._meta.get_field(name).verbose_name).capitalize()
