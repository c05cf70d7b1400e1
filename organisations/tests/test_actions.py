import pytest
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError
from django.db.models import ProtectedError

from core.choices import Role
from core.testing import make_organisation, make_provider
from organisations import actions, reports
from organisations.choices import OrganisationKind
from organisations.choices import SafeguardingRole as R
from organisations.models import Organisation


class TestOrganisations:
    def test_a_provider_under_a_place_belongs_to_the_places_icb(self, world):
        place = make_organisation(OrganisationKind.PLACE, parent=world.icb, name="Lowbridge place")
        pharmacy = make_organisation(OrganisationKind.COMMUNITY_PHARMACY, parent=place, ods_code="FA123")
        assert place.icb == world.icb and pharmacy.icb == world.icb
        designated = world.user(Role.DESIGNATED)
        assert Organisation.objects.restrict(designated).filter(pk=pharmacy.pk).exists()
        assert not Organisation.objects.restrict(world.user(Role.REGIONAL)).exists()

    def test_icb_is_its_own_icb_and_providers_and_sites_inherit_it(self, world):
        site = actions.do_create_organisation(
            name="Main site", kind=OrganisationKind.SITE, parent=world.provider, acting_user=None
        )
        assert world.icb.icb == world.icb
        assert world.provider.icb == world.icb
        assert site.icb == world.icb

    def test_duplicate_ods_code_is_refused_whatever_its_case(self, world):
        with pytest.raises(ValidationError) as error:
            make_provider(world.icb, ods_code=world.provider.ods_code.lower())
        assert "ods_code" in error.value.message_dict

    def test_archive_keeps_the_record_and_deleting_with_history_is_refused(self, world):
        designated = world.user(Role.DESIGNATED)
        actions.do_add_role_holder(
            organisation=world.provider, role=R.PREVENT_LEAD, holder_name="A Person", acting_user=designated
        )
        actions.do_archive_organisation(world.provider, acting_user=designated)
        assert Organisation.objects.get(pk=world.provider.pk).is_archived
        with pytest.raises(ProtectedError):
            world.provider.delete()

    def test_every_change_is_audited_with_actor_and_before_after(self, world):
        designated = world.user(Role.DESIGNATED)
        actions.do_update_organisation(world.provider, name="Renamed Provider", acting_user=designated)
        entry = LogEntry.objects.get_for_object(world.provider).filter(action=LogEntry.Action.UPDATE).get()
        assert entry.actor == designated
        assert entry.changes_dict["name"] == ["Provider One", "Renamed Provider"]

    def test_archived_organisation_cannot_be_changed(self, world):
        actions.do_archive_organisation(world.provider, acting_user=world.user(Role.DESIGNATED))
        with pytest.raises(ValidationError):
            actions.do_update_organisation(world.provider, name="X", acting_user=world.user(Role.DESIGNATED))


class TestRoleHolders:
    def test_a_holder_on_an_archived_organisation_is_refused(self, world):
        actions.do_archive_organisation(world.provider, acting_user=None)
        with pytest.raises(ValidationError) as error:
            actions.do_add_role_holder(
                organisation=world.provider, role=R.PREVENT_LEAD, holder_name="B", acting_user=None
            )
        assert "organisation" in error.value.message_dict

    def test_gaps_follow_the_register(self, world):
        gaps = {g.role for g in reports.gaps_for(world.provider)}
        assert R.PREVENT_LEAD in gaps and R.NAMED_NURSE in gaps  # children's services need a named nurse
        actions.do_add_role_holder(organisation=world.provider, role=R.PREVENT_LEAD, holder_name="C", acting_user=None)
        vacant = actions.do_add_role_holder(organisation=world.provider, role=R.NAMED_NURSE, acting_user=None)
        gaps = {g.role: g.status for g in reports.gaps_for(world.provider)}
        assert R.PREVENT_LEAD not in gaps
        assert gaps[R.NAMED_NURSE] == "vacant"
        actions.do_archive_role_holder(vacant, acting_user=None)
        assert reports.gaps_for(world.provider)[0].status in {"missing", "vacant"}
        assert {g.role: g.status for g in reports.gaps_for(world.provider)}[R.NAMED_NURSE] == "missing"

    def test_gap_report_queries_do_not_grow_with_organisations(self, world):
        from core.testing import count_queries

        few, _ = count_queries(lambda: reports.gaps_by_organisation(Organisation.objects.all()))
        for _ in range(10):
            make_provider(world.icb)
        many, result = count_queries(lambda: reports.gaps_by_organisation(Organisation.objects.all()))
        assert many == few
        assert len(result) >= 12
