"""Every change to the casework registers: atomic, audited, validated before anything is saved.

Pseudonym warnings (a name or a valid NHS number where a pseudonymous reference is expected) stop the
save until the user acknowledges them (`acknowledge_warnings=True`).
"""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models.functions import Length
from django.utils import timezone

from casework import rules
from casework.models import (
    AdviceEntry,
    Allegation,
    Disclosure,
    Escalation,
    EscalationStage,
    HealthNeedsConcern,
    InformationRequest,
    Referral,
    SeriousIncident,
)
from core.actions import audited, do_archive, do_create_tracked_action


def _next_reference(model, year):
    prefix = f"{model.prefix}-{year}-"
    last = (
        model.objects.filter(reference__startswith=prefix)
        .order_by(Length("reference").desc(), "-reference")  # ...-999 before ...-1000
        .values_list("reference", flat=True)
        .first()
    )
    number = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return f"{prefix}{number:03d}"


def _validate(instance, acknowledge_warnings, exclude=None, pseudonym_names=None):
    """All errors at once: field checks, the model's rules and unacknowledged pseudonym warnings
    (on the pseudonym fields being set: an acknowledged value does not warn again on later edits)."""
    errors = {}
    try:
        instance.full_clean(exclude=exclude)
    except ValidationError as error:
        errors.update(error.message_dict)
    names = instance.pseudonym_fields if pseudonym_names is None else pseudonym_names
    values = {name: getattr(instance, name) for name in names}
    for name, message in rules.unacknowledged_warning_errors(values, acknowledge_warnings).items():
        errors.setdefault(name, []).append(message)
    if errors:
        raise ValidationError(errors)


def _create(model, *, acting_user, acknowledge_warnings=False, **fields):
    instance = model(**fields, created_by=acting_user if getattr(acting_user, "pk", None) else None)
    _validate(instance, acknowledge_warnings, exclude=["reference"])
    year = timezone.localdate().year
    for _attempt in range(5):  # two people saving at once: take the next number
        instance.reference = _next_reference(model, year)
        try:
            with audited(acting_user), transaction.atomic():
                instance.save()
            return instance
        except IntegrityError:
            instance.pk = None
    raise ValidationError({"reference": "Could not allocate a reference; please try again."})


def _update(instance, *, acting_user, acknowledge_warnings=False, **fields):
    if instance.archived_at is not None:
        raise ValidationError({"__all__": "This record is archived and cannot be changed."})
    original = {name: getattr(instance, name) for name in fields}
    for name, value in fields.items():
        setattr(instance, name, value)
    try:
        _validate(instance, acknowledge_warnings, pseudonym_names=[n for n in instance.pseudonym_fields if n in fields])
    except ValidationError:
        for name, value in original.items():  # nothing partial: the instance is left as it was
            setattr(instance, name, value)
        raise
    with audited(acting_user):
        instance.save(update_fields=[*fields, "updated_at"] if fields else None)
    return instance


def _archive(instance, *, acting_user):
    return do_archive(instance, acting_user=acting_user)


# Allegations against staff


def do_record_allegation(*, acting_user, **fields):
    return _create(Allegation, acting_user=acting_user, **fields)


def do_update_allegation(allegation, *, acting_user, **fields):
    return _update(allegation, acting_user=acting_user, **fields)


do_archive_allegation = _archive


# Professional disagreement escalations


def do_open_escalation(*, acting_user, stage_one_on=None, stage_one_agreed="", **fields):
    """Open an escalation; with `stage_one_on`, stage 1 is recorded in the same transaction."""
    with audited(acting_user):
        escalation = _create(Escalation, acting_user=acting_user, **fields)
        if stage_one_on:
            do_record_stage(
                escalation, stage=1, reached_on=stage_one_on, agreed=stage_one_agreed, acting_user=acting_user
            )
    return escalation


def do_update_escalation(escalation, *, acting_user, **fields):
    return _update(escalation, acting_user=acting_user, **fields)


def do_record_stage(escalation, *, stage, reached_on, agreed, acting_user):
    """Record that `escalation` reached `stage` on `reached_on`; stage N needs stage N-1 [DUDLEY 28.2]."""
    if escalation.archived_at is not None or escalation.closed_on:
        raise ValidationError({"stage": "This escalation is closed."})
    dates = dict(escalation.stages.values_list("stage", "reached_on"))
    if problem := rules.stage_problem(set(dates), stage, reached_on, dates):
        raise ValidationError({"stage": problem})
    if not (agreed or "").strip():
        raise ValidationError({"agreed": "Record what was agreed at this stage."})
    with audited(acting_user):
        record = EscalationStage(escalation=escalation, stage=stage, reached_on=reached_on, agreed=agreed.strip())
        record.full_clean()
        record.save()
    return record


do_archive_escalation = _archive


# Advice and consultation log


def do_log_advice(*, acting_user, **fields):
    return _create(AdviceEntry, acting_user=acting_user, **fields)


def do_update_advice(entry, *, acting_user, **fields):
    return _update(entry, acting_user=acting_user, **fields)


do_archive_advice = _archive


# Referrals to children's social care


def do_record_referral(*, acting_user, **fields):
    return _create(Referral, acting_user=acting_user, **fields)


def do_update_referral(referral, *, acting_user, **fields):
    return _update(referral, acting_user=acting_user, **fields)


do_archive_referral = _archive


# Serious incidents


def do_record_incident(*, acting_user, **fields):
    return _create(SeriousIncident, acting_user=acting_user, **fields)


def do_update_incident(incident, *, acting_user, **fields):
    return _update(incident, acting_user=acting_user, **fields)


def do_add_incident_action(incident, *, title, owner, due_date, success_measure, acting_user):
    """An action arising from the incident, in the shared action tracker."""
    return do_create_tracked_action(
        source=incident,
        organisation=incident.organisation,
        title=title,
        owner=owner,
        due_date=due_date,
        success_measure=success_measure,
        acting_user=acting_user,
    )


do_archive_incident = _archive


# Complex health needs / fabricated or induced illness


def do_raise_health_concern(*, acting_user, **fields):
    return _create(HealthNeedsConcern, acting_user=acting_user, **fields)


def do_update_health_concern(concern, /, *, acting_user, **fields):  # `concern` is also a field
    return _update(concern, acting_user=acting_user, **fields)


def do_request_information(concern, *, agency, requested_on, return_by=None, acting_user):
    """Ask one health agency for what it knows; the return deadline defaults to the concern's."""
    return_by = return_by or concern.return_deadline
    if not return_by:
        raise ValidationError({"return_by": "Give a return deadline (or set one on the concern)."})
    with audited(acting_user):
        request = InformationRequest(concern=concern, agency=agency, requested_on=requested_on, return_by=return_by)
        request.full_clean()
        request.save()
    return request


def do_record_information_returned(request, *, returned_on, acting_user):
    with audited(acting_user):
        request.returned_on = returned_on
        request.full_clean()
        request.save(update_fields=["returned_on"])
    return request


do_archive_health_concern = _archive


# Disclosure log


def do_log_disclosure(*, acting_user, **fields):
    return _create(Disclosure, acting_user=acting_user, **fields)


def do_update_disclosure(disclosure, *, acting_user, **fields):
    return _update(disclosure, acting_user=acting_user, **fields)


do_archive_disclosure = _archive
