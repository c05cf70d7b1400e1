"""Build register records through the real actions (synthetic data only)."""

import datetime as dt
import itertools

from django.utils import timezone

from casework import actions
from core.testing import make_organisation
from organisations.choices import OrganisationKind

_n = itertools.count(1)
RECENT = dt.date(2026, 11, 20)  # a Friday


def local_authority(world):
    existing = getattr(world, "_la", None)
    if existing is None:
        existing = world._la = make_organisation(
            OrganisationKind.LOCAL_AUTHORITY, parent=world.icb, name="Test Council"
        )
    return existing


def allegation(world, *, organisation=None, acting_user=None, **fields):
    values = {
        "organisation": organisation or world.provider,
        "person_name": "Invented Staffmember",
        "person_role": "Healthcare assistant",
        "category": "harmed",
        "summary": "Synthetic allegation for a test.",
        "made_on": RECENT,
        **fields,
    }
    return actions.do_record_allegation(acting_user=acting_user, acknowledge_warnings=True, **values)


def escalation(world, *, organisation=None, stages=(), acting_user=None, **fields):
    values = {
        "organisation": organisation or world.provider,
        "case_reference": f"Child {next(_n)}",
        "raised_by": "Named nurse",
        "other_agency": "Children's social care",
        "local_authority": local_authority(world),
        "theme": "threshold",
        **fields,
    }
    record = actions.do_open_escalation(acting_user=acting_user, **values)
    for stage, day in enumerate(stages, start=1):
        actions.do_record_stage(record, stage=stage, reached_on=day, agreed=f"Agreed at {stage}", acting_user=None)
    return record


def advice(world, *, organisation=None, **fields):
    values = {
        "organisation": organisation or world.provider,
        "caller": "Named nurse",
        "called_at": timezone.now(),
        "category": "neglect",
        "advice_given": "Synthetic advice.",
        **fields,
    }
    return actions.do_log_advice(acting_user=None, **values)


def referral(world, **fields):
    values = {
        "organisation": world.icb,
        "local_authority": local_authority(world),
        "subject_reference": f"Child {next(_n)}",
        "referred_by": "Designated nurse",
        "category": "neglect",
        "referred_at": timezone.now(),
        **fields,
    }
    return actions.do_record_referral(acting_user=None, **values)


def incident(world, *, organisation=None, **fields):
    values = {
        "organisation": organisation or world.provider,
        "summary": "Synthetic incident.",
        "occurred_on": RECENT,
        "reported_on": RECENT,
        **fields,
    }
    return actions.do_record_incident(acting_user=None, **values)


def concern(world, *, organisation=None, **fields):
    values = {
        "organisation": organisation or world.provider,
        "kind": "fii",
        "subject_reference": f"Child {next(_n)}",
        "concern": "Synthetic concern.",
        "raised_on": RECENT,
        "return_deadline": RECENT + dt.timedelta(days=14),
        **fields,
    }
    return actions.do_raise_health_concern(acting_user=None, **values)


def disclosure(world, *, organisation=None, **fields):
    values = {
        "organisation": organisation or world.icb,
        "subject_reference": f"Adult {next(_n)}",
        "disclosed_on": RECENT,
        "disclosed_to": "Police public protection unit",
        "information_shared": "Synthetic summary.",
        "lawful_basis": "public_task",
        "article_9_condition": "safeguarding",
        "consent_exception": "delay",
        "reasoning": "Risk of serious harm outweighed confidentiality.",
        "decided_by": "Designated nurse",
        "person_told": True,
        **fields,
    }
    return actions.do_log_disclosure(acting_user=None, **values)


BUILDERS = {
    "allegations": allegation,
    "escalations": escalation,
    "advice": advice,
    "referrals": referral,
    "serious-incidents": incident,
    "complex-health-needs": concern,
    "disclosures": disclosure,
}
