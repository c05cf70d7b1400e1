import pytest

from core.choices import Role
from organisations import actions
from organisations.choices import SafeguardingRole as R
from organisations.models import Contract, Organisation


@pytest.fixture
def contract(world):
    return actions.do_create_contract(
        provider=world.provider,
        reference="C-1",
        services="Acute care",
        start_date="2026-04-01",
        end_date="2027-03-31",
        lead_commissioner=world.icb,
        acting_user=None,
    )


class TestOrganisationsApi:
    def test_it_lists_only_the_icbs_organisations(self, world):
        response = world.api(Role.DESIGNATED).get("/api/v1/organisations/")
        names = {row["name"] for row in response.json()["results"]}
        assert {"Provider One", "Provider Two", "Test ICB"} <= names
        assert "Provider Elsewhere" not in names

    def test_it_filters_by_kind_and_searches_name_or_ods(self, world):
        api = world.api(Role.DESIGNATED)
        rows = api.get("/api/v1/organisations/", {"q": world.provider.ods_code.lower()}).json()["results"]
        assert [r["name"] for r in rows] == ["Provider One"]
        rows = api.get("/api/v1/organisations/", {"kind": "icb"}).json()["results"]
        assert [r["name"] for r in rows] == ["Test ICB"]

    def test_it_creates_an_organisation(self, world):
        response = world.api(Role.DESIGNATED).post(
            "/api/v1/organisations/",
            {"name": "New Care Home", "kind": "care_home", "ods_code": "vn1ab", "parent": world.icb.pk},
            format="json",
        )
        assert response.status_code == 201, response.json()
        created = Organisation.objects.get(pk=response.json()["id"])
        assert created.ods_code == "VN1AB" and created.icb == world.icb

    @pytest.mark.parametrize(
        ("payload", "field"),
        [
            ({"name": "X", "kind": "care_home", "ods_code": "BAD-CODE"}, "ods_code"),
            ({"name": "X", "kind": "care_home", "colour": "red"}, "colour"),
            ({"name": "X", "kind": "not_a_kind"}, "kind"),
            ({"name": "X", "kind": "care_home"}, "parent"),
        ],
    )
    def test_bad_input_gets_400_naming_the_field(self, world, payload, field):
        if field != "parent":
            payload["parent"] = world.icb.pk
        response = world.api(Role.DESIGNATED).post("/api/v1/organisations/", payload, format="json")
        assert response.status_code == 400
        assert field in response.json()

    def test_duplicate_ods_code_is_400(self, world):
        response = world.api(Role.DESIGNATED).post(
            "/api/v1/organisations/",
            {"name": "Dup", "kind": "care_home", "parent": world.icb.pk, "ods_code": world.provider.ods_code},
            format="json",
        )
        assert response.status_code == 400
        assert "ods_code" in response.json()

    def test_delete_is_refused_and_archive_works(self, world):
        api = world.api(Role.DESIGNATED)
        assert api.delete(f"/api/v1/organisations/{world.provider.pk}/").status_code == 405
        response = api.post(f"/api/v1/organisations/{world.provider.pk}/archive/")
        assert response.status_code == 200 and response.json()["archived_at"]

    def test_a_parent_in_another_icb_reads_as_missing(self, world):
        response = world.api(Role.DESIGNATED).post(
            "/api/v1/organisations/", {"name": "X", "kind": "site", "parent": world.foreign_provider.pk}, format="json"
        )
        assert response.status_code == 400 and "parent" in response.json()


class TestContractsApi:
    def test_contract_ending_before_it_starts_is_400_on_end_date(self, world):
        response = world.api(Role.CONTRACTS).post(
            "/api/v1/contracts/",
            {
                "provider": world.provider.pk,
                "reference": "C-9",
                "services": "x",
                "start_date": "2026-04-01",
                "end_date": "2026-03-01",
                "lead_commissioner": world.icb.pk,
            },
            format="json",
        )
        assert response.status_code == 400
        assert "end_date" in response.json()

    def test_contract_manager_creates_and_filters_missing_schedule(self, world, contract):
        api = world.api(Role.CONTRACTS)
        response = api.post(
            "/api/v1/contracts/",
            {
                "provider": world.other_provider.pk,
                "reference": "C-2",
                "services": "Community",
                "start_date": "2026-04-01",
                "end_date": "2027-03-31",
                "lead_commissioner": world.icb.pk,
                "safeguarding_schedule_included": True,
            },
            format="json",
        )
        assert response.status_code == 201, response.json()
        missing = api.get("/api/v1/contracts/", {"safeguarding_schedule_included": "false"}).json()["results"]
        assert [c["reference"] for c in missing] == ["C-1"]

    def test_provider_sees_only_its_own_contracts_and_cannot_write(self, world, contract):
        actions.do_create_contract(
            provider=world.other_provider,
            reference="C-3",
            services="x",
            start_date="2026-04-01",
            end_date="2027-03-31",
            lead_commissioner=world.icb,
            acting_user=None,
        )
        api = world.api(Role.PROVIDER)
        assert [c["reference"] for c in api.get("/api/v1/contracts/").json()["results"]] == ["C-1"]
        assert api.patch(f"/api/v1/contracts/{contract.pk}/", {"services": "y"}, format="json").status_code == 403
        assert Contract.objects.get(pk=contract.pk).services == "Acute care"


class TestRoleHoldersApi:
    def test_provider_records_its_own_holder(self, world):
        response = world.api(Role.PROVIDER).post(
            "/api/v1/role-holders/",
            {"organisation": world.provider.pk, "role": R.PREVENT_LEAD, "holder_name": "Pat Lee", "wte": "0.5"},
            format="json",
        )
        assert response.status_code == 201, response.json()

    def test_provider_cannot_record_for_another_provider(self, world):
        response = world.api(Role.PROVIDER).post(
            "/api/v1/role-holders/",
            {"organisation": world.other_provider.pk, "role": R.PREVENT_LEAD, "holder_name": "Pat Lee"},
            format="json",
        )
        assert response.status_code == 400
        assert "organisation" in response.json()

    def test_another_providers_holder_by_id_is_404(self, world):
        holder = actions.do_add_role_holder(
            organisation=world.other_provider, role=R.PREVENT_LEAD, holder_name="Jo Rivers", acting_user=None
        )
        api = world.api(Role.PROVIDER)
        assert api.get(f"/api/v1/role-holders/{holder.pk}/").status_code == 404
        assert api.patch(f"/api/v1/role-holders/{holder.pk}/", {"holder_name": "Me"}, format="json").status_code == 404

    def test_capacity_out_of_range_is_400(self, world):
        response = world.api(Role.DESIGNATED).post(
            "/api/v1/role-holders/",
            {"organisation": world.provider.pk, "role": R.NAMED_DOCTOR, "holder_name": "Dr Who", "pa_sessions": "40"},
            format="json",
        )
        assert response.status_code == 400 and "pa_sessions" in response.json()

    def test_holder_on_archived_organisation_is_400(self, world):
        actions.do_archive_organisation(world.provider, acting_user=None)
        response = world.api(Role.DESIGNATED).post(
            "/api/v1/role-holders/",
            {"organisation": world.provider.pk, "role": R.PREVENT_LEAD, "holder_name": "Z"},
            format="json",
        )
        assert response.status_code == 400 and "organisation" in response.json()

    def test_list_queries_do_not_grow_per_row(self, world):
        from core.testing import count_queries

        api = world.api(Role.DESIGNATED)
        for n in range(3):
            actions.do_add_role_holder(
                organisation=world.provider, role=R.MCA_LEAD, holder_name=f"P{n}", acting_user=None
            )
        few, _ = count_queries(lambda: api.get("/api/v1/role-holders/"))
        for n in range(10):
            actions.do_add_role_holder(
                organisation=world.other_provider, role=R.MCA_LEAD, holder_name=f"Q{n}", acting_user=None
            )
        many, _ = count_queries(lambda: api.get("/api/v1/role-holders/"))
        assert many == few


def test_openapi_schema_and_docs_are_served(world, client_for):
    client = client_for(world.user(Role.DESIGNATED))
    schema = client.get("/api/schema/")
    assert schema.status_code == 200
    assert b"/api/v1/organisations/" in schema.content
    assert client.get("/api/docs/").status_code == 200
