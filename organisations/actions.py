"""Every change to organisations, contracts and role holders. Each is atomic and audited."""

from django.core.exceptions import ValidationError
from django.db import transaction

from core.actions import audited, do_archive, save_fields
from organisations import rules
from organisations.choices import OrganisationKind
from organisations.models import Contract, Organisation, RoleHolder


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
