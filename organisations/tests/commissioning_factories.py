"""Commissioning records built through the real actions (synthetic data only)."""

import datetime as dt

from django.utils import timezone

from core.choices import Role
from organisations import actions
from organisations.choices import CommissioningKind, CommissioningStage, NotificationReason, ScheduleAudience
from organisations.rules import CHECKLIST_FIELDS


def contract(provider, icb, reference, start=dt.date(2026, 4, 1), associates=()):
    return actions.do_create_contract(
        provider=provider,
        reference=reference,
        services="Community services",
        start_date=start,
        end_date=dt.date(2028, 3, 31),
        lead_commissioner=icb,
        associate_commissioners=associates,
        acting_user=None,
    )


def event(icb, stage=CommissioningStage.PROCUREMENT, provider=None, **fields):
    return actions.do_create_commissioning_event(
        icb=icb,
        title=fields.pop("title", "Children's community services tender"),
        kind=fields.pop("kind", CommissioningKind.TENDER),
        stage=stage,
        provider=provider,
        started_on=fields.pop("started_on", timezone.localdate() - dt.timedelta(days=60)),
        acting_user=None,
        **fields,
    )


def specification(on_contract, missing=(), **fields):
    return actions.do_add_specification(
        contract=on_contract,
        audience=fields.pop("audience", ScheduleAudience.CHILDREN),
        title=fields.pop("title", "Children's safeguarding schedule"),
        **{name: name not in missing for name in CHECKLIST_FIELDS},
        acting_user=None,
        **fields,
    )


def subcontractor(on_contract, **fields):
    return actions.do_add_subcontractor(
        contract=on_contract,
        name=fields.pop("name", "Clean Co"),
        services=fields.pop("services", "Cleaning"),
        acting_user=None,
        **fields,
    )


def notification(on_contract, associate, **fields):
    return actions.do_record_associate_notification(
        contract=on_contract,
        associate_commissioner=associate,
        reason=fields.pop("reason", NotificationReason.NON_COMPLIANCE),
        summary=fields.pop("summary", "Training below the expected level"),
        occurred_on=fields.pop("occurred_on", timezone.localdate() - dt.timedelta(days=5)),
        acting_user=None,
        **fields,
    )


def statement(icb, year, **fields):
    return actions.do_add_statement(icb=icb, financial_year=year, acting_user=None, **fields)


def due_diligence(on_contract, completed_on, **fields):
    return actions.do_record_due_diligence(
        contract=on_contract, completed_on=completed_on, completed_by="Contracts manager", acting_user=None, **fields
    )


def consultation(on_event, stage, **fields):
    return actions.do_record_consultation(
        on_event,
        stage=stage,
        consulted_on=fields.pop("consulted_on", timezone.localdate()),
        professional=fields.pop("professional", "Designated nurse"),
        advice=fields.pop("advice", "Add the children's schedule"),
        acting_user=None,
        **fields,
    )


def build(world):
    """{name: record}: one of each for the first provider and the ICB, and one for the other provider."""
    neighbour = world.other_icb
    own = contract(world.provider, world.icb, "CM-1", associates=[neighbour])
    other = contract(world.other_provider, world.icb, "CM-2")
    the_event = event(world.icb, provider=world.provider)
    return {
        "contract": own,
        "other_contract": other,
        "event": the_event,
        "consultation": consultation(the_event, CommissioningStage.SPECIFICATION),
        "specification": specification(own),
        "other_specification": specification(other),
        "subcontractor": subcontractor(own),
        "other_subcontractor": subcontractor(other),
        "notification": notification(own, neighbour),
        "statement": statement(world.icb, 2026),
        "due_diligence": due_diligence(own, dt.date(2026, 3, 1)),
        "designated": world.user(Role.DESIGNATED),
    }
