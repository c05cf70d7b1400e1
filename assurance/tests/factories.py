"""Test data for assurance, built through the real actions."""

import datetime as dt

from django.utils import timezone

from assurance import actions
from assurance.models import Framework
from assurance.reference import load_frameworks


def framework(key="section11-children"):
    if not Framework.objects.exists():
        load_frameworks()
    return Framework.objects.filter(key=key).order_by("-effective_date").first()


def open_cycle(world, *, key="section11-children", organisations=None, due_in_days=30, period="2026/27"):
    return actions.do_open_cycle(
        icb=world.icb,
        framework=framework(key),
        period_label=period,
        due_date=timezone.localdate() + dt.timedelta(days=due_in_days),
        organisations=organisations or [world.provider, world.other_provider],
        acting_user=world.user("designated"),
    )


def assessment_of(cycle, organisation):
    return cycle.assessments.get(organisation=organisation)


def add_action(response, user):
    return actions.do_add_shortfall_action(
        response,
        title="Write and ratify the missing policy",
        owner="Named nurse",
        due_date=timezone.localdate() + dt.timedelta(days=60),
        success_measure="Policy ratified by the board and published on the intranet",
        acting_user=user,
    )


def complete(assessment, user, *, rating="fully_met", shortfall_codes=()):
    """Rate every requirement; those in shortfall_codes partially met with an action."""
    answers = {}
    for response in assessment.responses.select_related("requirement"):
        code = response.requirement.code
        answers[response] = {
            "rating": "partially_met" if code in shortfall_codes else rating,
            "narrative": f"Narrative for {code}",
        }
    actions.do_save_responses(assessment, answers, acting_user=user)
    for response in assessment.responses.select_related("requirement"):
        if response.requirement.code in shortfall_codes:
            add_action(response, user)
    return assessment


def submitted(world, assessment, **kwargs):
    user = world.user("provider") if assessment.organisation == world.provider else world.other_provider_user
    complete(assessment, user, **kwargs)
    return actions.do_submit_assessment(assessment, acting_user=user)


# Regulators and inspections


def inspection_records(world, provider=None, designated=None):
    """A CQC registration, an inspection with one action, and a requirement notice with none, of `provider`."""

    provider = provider or world.provider
    designated = designated or world.user("designated")
    today = timezone.localdate()
    registration = actions.do_record_registration(
        provider=provider,
        registration_id=f"1-90000{provider.pk:04d}",
        current_rating="requires_improvement",
        rated_on=today - dt.timedelta(days=30),
        acting_user=designated,
    )
    inspection = actions.do_record_inspection(
        organisation=provider,
        body="cqc",
        kind="cqc_inspection",
        title="Unannounced inspection",
        started_on=today - dt.timedelta(days=40),
        rating="requires_improvement",
        findings="Training below target.",
        acting_user=designated,
    )
    action = actions.do_raise_inspection_action(
        inspection,
        organisation=provider,
        title="Train ED staff",
        owner="Named nurse",
        due_date=today + dt.timedelta(days=30),
        success_measure="90% trained",
        acting_user=designated,
    )
    notice = actions.do_record_notice(
        provider=provider,
        kind="requirement",
        issued_on=today - dt.timedelta(days=20),
        summary="Regulation 13: follow up every referral.",
        acting_user=designated,
    )
    return {"registration": registration, "inspection": inspection, "action": action, "notice": notice}
