import pytest

from core.choices import Role
from core.testing import count_queries, make_provider
from organisations import actions
from organisations.choices import SafeguardingRole as R
from organisations.models import Organisation, RoleHolder


@pytest.fixture
def designated(world, client_for):
    return client_for(world.user(Role.DESIGNATED))


class TestOrganisationPages:
    def test_list_filters_by_kind_and_searches(self, world, designated):
        response = designated.get("/organisations/", {"q": "provider one"})
        assert list(response.context["organisations"]) == [world.provider]
        response = designated.get("/organisations/", {"kind": "icb"})
        assert list(response.context["organisations"]) == [world.icb]

    def test_detail_shows_gaps_and_vacancies(self, world, designated):
        actions.do_add_role_holder(organisation=world.provider, role=R.NAMED_NURSE, acting_user=None)
        page = designated.get(f"/organisations/{world.provider.pk}/").content.decode()
        assert "Named nurse for safeguarding children: vacant" in page
        assert "Prevent lead: no one recorded" in page

    def test_create_form_shows_an_error_summary_naming_the_field(self, world, designated):
        response = designated.post(
            "/organisations/add/", {"name": "Bad", "kind": "care_home", "ods_code": "BAD-1", "parent": world.icb.pk}
        )
        assert response.status_code == 200
        page = response.content.decode()
        assert "There is a problem" in page and "ODS code: Enter a valid ODS code" in page
        assert not Organisation.objects.filter(name="Bad").exists()

    def test_duplicate_ods_on_form_is_an_error_not_a_500(self, world, designated):
        response = designated.post(
            "/organisations/add/",
            {"name": "Dup", "kind": "care_home", "ods_code": world.provider.ods_code, "parent": world.icb.pk},
        )
        assert response.status_code == 200
        assert "ODS code" in response.content.decode()

    def test_create_and_edit_round_trip(self, world, designated):
        response = designated.post(
            "/organisations/add/",
            {"name": "Larch House", "kind": "care_home", "ods_code": "vx9", "parent": world.icb.pk},
        )
        created = Organisation.objects.get(name="Larch House")
        assert response.status_code == 302 and created.ods_code == "VX9"
        designated.post(
            f"/organisations/{created.pk}/edit/",
            {"name": "Larch Court", "kind": "care_home", "ods_code": "VX9", "parent": world.icb.pk},
        )
        created.refresh_from_db()
        assert created.name == "Larch Court"
        assert "Larch House" in designated.get(f"/organisations/{created.pk}/").content.decode()  # history

    def test_history_includes_role_holder_changes(self, world, designated):
        holder = actions.do_add_role_holder(
            organisation=world.provider,
            role=R.PREVENT_LEAD,
            holder_name="Ann Oak",
            acting_user=world.user(Role.DESIGNATED),
        )
        actions.do_update_role_holder(holder, holder_name="Bea Elm", acting_user=world.user(Role.PROVIDER))
        history = designated.get(f"/organisations/{world.provider.pk}/").context["history"]
        holder_entries = [e for e in history if e.content_type.model == "roleholder"]
        assert [e.actor.username for e in holder_entries] == ["provider.one", "designated"]
        assert holder_entries[0].changes_dict["holder_name"] == ["Ann Oak", "Bea Elm"]

    def test_archive_from_the_page(self, world, designated):
        designated.post(f"/organisations/{world.other_provider.pk}/archive/")
        assert Organisation.objects.get(pk=world.other_provider.pk).is_archived

    def test_list_and_gap_pages_do_not_query_per_row(self, world, designated):
        few, _ = count_queries(lambda: designated.get("/organisations/gaps/"))
        few_list, _ = count_queries(lambda: designated.get("/organisations/"))
        for _ in range(8):
            make_provider(world.icb)
        many, _ = count_queries(lambda: designated.get("/organisations/gaps/"))
        many_list, _ = count_queries(lambda: designated.get("/organisations/"))
        assert (many, many_list) == (few, few_list)


class TestRoleHolderPages:
    def test_provider_adds_its_own_prevent_lead(self, world, client_for):
        client = client_for(world.user(Role.PROVIDER))
        response = client.post(
            f"/organisations/{world.provider.pk}/role-holders/add/",
            {"role": R.PREVENT_LEAD, "holder_name": "Ali Brook", "wte": "0.4"},
        )
        assert response.status_code == 302
        assert RoleHolder.objects.get(organisation=world.provider).holder_name == "Ali Brook"

    def test_capacity_error_is_on_the_form(self, world, designated):
        response = designated.post(
            f"/organisations/{world.provider.pk}/role-holders/add/",
            {"role": R.NAMED_DOCTOR, "holder_name": "Dr A", "pa_sessions": "30"},
        )
        assert response.status_code == 200
        assert "PA sessions must be more than 0" in response.content.decode()

    def test_gap_list_answers_which_providers_have_no_prevent_lead(self, world, designated):
        actions.do_add_role_holder(organisation=world.provider, role=R.PREVENT_LEAD, holder_name="X", acting_user=None)
        entries = designated.get("/organisations/gaps/", {"role": R.PREVENT_LEAD}).context["entries"]
        assert [e.organisation for e in entries if e.organisation.is_provider] == [world.other_provider]


class TestContractsPages:
    def test_contract_ending_before_start_is_a_form_error(self, world, client_for):
        client = client_for(world.user(Role.CONTRACTS))
        response = client.post(
            "/organisations/contracts/add/",
            {
                "provider": world.provider.pk,
                "reference": "C-1",
                "services": "x",
                "start_date": "2026-04-01",
                "end_date": "2026-01-01",
                "lead_commissioner": world.icb.pk,
            },
        )
        assert response.status_code == 200
        assert "The end date must be on or after the start date." in response.content.decode()

    def test_contracts_lacking_the_schedule_are_counted(self, world, client_for):
        actions.do_create_contract(
            provider=world.provider,
            reference="C-1",
            services="x",
            start_date="2026-04-01",
            end_date="2027-03-31",
            lead_commissioner=world.icb,
            acting_user=None,
        )
        response = client_for(world.user(Role.CONTRACTS)).get("/organisations/contracts/")
        assert response.context["missing_count"] == 1
        assert "Missing" in response.content.decode()


def test_home_page_shows_designated_professional_the_gaps(world, designated):
    panels = designated.get("/").context["panels"]
    gap_panel = next(p for p in panels if p.title == "Organisations with role gaps")
    assert gap_panel.count >= 2
