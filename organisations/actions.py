"""Every change to organisations, contracts and role holders. Each is atomic and audited."""

from django.core.exceptions import ValidationError
from django.db import transaction

from core.actions import audited, do_archive, save_fields
from organisations import rules
from organisations.choices import OrganisationKind
from organisations.models import ORGANISATION_EDITORS, Contract, Organisation, RoleHolder, SafeguardingContact


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
    with audited(acting_user):
        save_fields(contract, fields, acting_user=acting_user)
        if associate_commissioners is not None:
            contract.associate_commissioners.set(associate_commissioners)
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


# Safeguarding contacts directory [DUDLEY 10.1, 10.4]

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
