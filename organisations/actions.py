"""Every change to organisations, contracts and role holders. Each is atomic and audited."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from core.actions import audited, do_archive, do_create_tracked_action, save_fields
from organisations import rules
from organisations.choices import OrganisationKind
from organisations.models import (
    ORGANISATION_EDITORS,
    AssociateNotification,
    CommissioningEvent,
    Contract,
    DesignatedConsultation,
    ModernSlaveryStatement,
    Organisation,
    RoleHolder,
    SafeguardingContact,
    ServiceSpecification,
    Subcontractor,
    SupplierDueDiligence,
)


def _icb_for(organisation):
    if organisation.kind == OrganisationKind.ICB:
        return organisation
    return organisation.parent.icb if organisation.parent else None


def _set_other_icbs(organisation, other_icbs):
    """The other ICBs a local authority or partnership works with [SAAF 6.8.1]."""
    if other_icbs is None:
        return
    other_icbs = list(other_icbs)
    ids = {icb.pk for icb in other_icbs}
    if problem := rules.other_icbs_problem(organisation.kind, ids, organisation.icb_id):
        raise ValidationError({"other_icbs": problem})
    if any(icb.kind != OrganisationKind.ICB for icb in other_icbs):
        raise ValidationError({"other_icbs": "Choose ICBs only."})
    organisation.other_icbs.set(other_icbs)


def do_create_organisation(*, acting_user, other_icbs=None, **fields):
    with audited(acting_user), transaction.atomic():
        organisation = Organisation(**fields)
        organisation.full_clean()
        organisation.icb = None if organisation.kind == OrganisationKind.ICB else _icb_for(organisation)
        organisation.save()
        if organisation.kind == OrganisationKind.ICB:
            organisation.icb = organisation
            organisation.save(update_fields=["icb"])
        _set_other_icbs(organisation, other_icbs)
    return organisation


def do_update_organisation(organisation, *, acting_user, other_icbs=None, **fields):
    if organisation.is_archived:
        raise ValidationError({"name": "This organisation is archived and cannot be changed."})
    with audited(acting_user), transaction.atomic():
        organisation = save_fields(organisation, fields, acting_user=acting_user)
        expected_icb = _icb_for(organisation)
        if expected_icb != organisation.icb:
            save_fields(organisation, {"icb": expected_icb}, acting_user=acting_user)
        _set_other_icbs(organisation, other_icbs)
    return organisation


def do_archive_organisation(organisation, *, acting_user):
    return do_archive(organisation, acting_user=acting_user)


def do_create_contract(*, acting_user, associate_commissioners=(), **fields):
    with audited(acting_user):
        contract = Contract(**fields)
        contract.full_clean()
        contract.save()
        contract.associate_commissioners.set(associate_commissioners)
    return contract


def do_update_contract(contract, *, acting_user, associate_commissioners=None, **fields):
    from returns.ratings import contract_dates_changed

    dates = contract.start_date, contract.end_date
    with audited(acting_user):
        save_fields(contract, fields, acting_user=acting_user)
        if associate_commissioners is not None:
            contract.associate_commissioners.set(associate_commissioners)
        contract_dates_changed(contract, *dates, acting_user=acting_user)  # its overrides may apply to other quarters
    return contract


def do_add_role_holder(*, acting_user, **fields):
    with audited(acting_user):
        holder = RoleHolder(**fields)
        holder.full_clean()
        holder.save()
    return holder


def do_update_role_holder(holder, *, acting_user, **fields):
    return save_fields(holder, fields, acting_user=acting_user)


def do_archive_role_holder(holder, *, acting_user):
    """A holder who leaves is archived, so the register keeps who held the post and when."""
    return do_archive(holder, acting_user=acting_user)


def do_archive_contract(contract, *, acting_user):
    return do_archive(contract, acting_user=acting_user)


# --- Commissioning with safeguarding in it ------------------------------------------------------------------------


def _icb_of(acting_user, icb):
    icb = icb or getattr(getattr(acting_user, "organisation", None), "icb", None)
    if icb is None:
        raise ValidationError({"icb": "Say which ICB this record belongs to."})
    return icb


def _create(model, acting_user, **fields):
    with audited(acting_user):
        record = model(**fields)
        record.full_clean()
        record.save()
    return record


def _update(record, fields, acting_user):
    if record.archived_at:
        raise ValidationError("This record is archived and cannot be changed.")
    return save_fields(record, fields, acting_user=acting_user)


def do_create_commissioning_event(*, acting_user, icb=None, **fields):
    """A procurement, tender, redesign or decommissioning event [NEL 3.1]."""
    return _create(CommissioningEvent, acting_user, icb=_icb_of(acting_user, icb), **fields)


def do_update_commissioning_event(event, *, acting_user, **fields):
    """Move the event through the cycle, record the specification's sign-off, link the provider or contract."""
    return _update(event, fields, acting_user)


def do_record_consultation(event, *, acting_user, **fields):
    """A designated professional consulted on `event`: when, at which stage, what they advised [SAAF 4.7.1]."""
    if event.archived_at:
        raise ValidationError("This commissioning event is archived.")
    if problem := rules.consultation_problem(fields.get("consulted_on"), timezone.localdate()):
        raise ValidationError({"consulted_on": problem})
    return _create(DesignatedConsultation, acting_user, event=event, **fields)


def do_add_specification(*, acting_user, **fields):
    return _create(ServiceSpecification, acting_user, **fields)


def do_update_specification(specification, *, acting_user, **fields):
    return _update(specification, fields, acting_user)


def do_add_subcontractor(*, acting_user, **fields):
    return _create(Subcontractor, acting_user, **fields)


def do_update_subcontractor(subcontractor, *, acting_user, **fields):
    return _update(subcontractor, fields, acting_user)


def do_record_associate_notification(*, acting_user, **fields):
    """Non-compliance or a serious incident to tell an associate commissioner of [DDICB Scope]."""
    return _create(AssociateNotification, acting_user, **fields)


def do_update_associate_notification(notification, *, acting_user, **fields):
    return _update(notification, fields, acting_user)


def do_add_statement(*, acting_user, icb=None, **fields):
    """The ICB's modern slavery statement for a financial year [DDICB Modern Slavery]."""
    return _create(ModernSlaveryStatement, acting_user, icb=_icb_of(acting_user, icb), **fields)


def do_update_statement(statement, *, acting_user, **fields):
    return _update(statement, fields, acting_user)


def do_record_due_diligence(*, acting_user, **fields):
    """Modern slavery due diligence on a supplier, before it is let a contract [DDICB Modern Slavery]."""
    if problem := rules.consultation_problem(fields.get("completed_on"), timezone.localdate()):
        raise ValidationError({"completed_on": problem.replace("consultation", "due diligence")})
    return _create(SupplierDueDiligence, acting_user, **fields)


def do_raise_commissioning_action(source, *, organisation, acting_user, **fields):
    """A SMART action in the one tracker from a commissioning gap: an event, a specification or a contract."""
    return do_create_tracked_action(source=source, organisation=organisation, acting_user=acting_user, **fields)


def do_archive_commissioning_record(record, *, acting_user):
    return do_archive(record, acting_user=acting_user)


CONTACT_FIELDS = ("service", "team", "phone", "duty_phone", "email", "hours", "notes")


def _check_contact_editor(acting_user):
    from django.core.exceptions import PermissionDenied

    if acting_user is not None and acting_user.role not in ORGANISATION_EDITORS:
        raise PermissionDenied("Only the ICB safeguarding team keeps the contacts directory.")


def _clean_text(fields):
    return {k: (v.strip() if isinstance(v, str) else v) for k, v in fields.items()}


def do_add_contact(*, organisation, acting_user, **fields):
    """Add a service to the safeguarding contacts directory."""
    _check_contact_editor(acting_user)
    unknown = set(fields) - set(CONTACT_FIELDS)
    if unknown:
        raise ValidationError(dict.fromkeys(unknown, "This field cannot be set here."))
    if organisation is None:
        raise ValidationError({"organisation": "Choose whose service it is."})
    if acting_user is not None and organisation.icb_id != acting_user.organisation.icb_id:
        raise ValidationError({"organisation": "This organisation is not in your ICB."})
    with audited(acting_user):
        contact = SafeguardingContact(organisation=organisation, **_clean_text(fields))
        contact.full_clean()
        contact.save()
    return contact


def do_update_contact(contact, *, acting_user, **fields):
    _check_contact_editor(acting_user)
    if contact.archived_at is not None:
        raise ValidationError("This contact is archived and cannot be changed.")
    unknown = set(fields) - set(CONTACT_FIELDS)
    if unknown:
        raise ValidationError(dict.fromkeys(unknown, "This field cannot be changed here."))
    fields = _clean_text(fields)
    for name in ("phone", "duty_phone"):
        if name in fields:
            fields[name] = rules.normalise_phone(fields[name])
    return save_fields(contact, fields, acting_user=acting_user)


def do_archive_contact(contact, *, acting_user):
    _check_contact_editor(acting_user)
    return do_archive(contact, acting_user=acting_user)
