import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from core.choices import Role
from core.testing import count_queries, make_organisation, make_provider
from organisations.choices import OrganisationKind
from regions import reports
from regions.scoping import icbs_for
from returns.tests.factories import Q, submitted_return

QUARTER = f"?quarter={Q.slug}"


class TestScope:
    def test_a_regional_lead_sees_its_regions_icbs_only(self, world, neighbour):
        assert set(icbs_for(world.user(Role.REGIONAL))) == {world.icb, neighbour[0]}

    def test_the_national_team_sees_every_icb(self, world, neighbour):
        assert {world.icb, world.other_icb, neighbour[0]} <= set(icbs_for(world.user(Role.NATIONAL)))

    @pytest.mark.parametrize("role", sorted(set(Role.values) - {Role.REGIONAL, Role.NATIONAL}))
    def test_no_icb_or_provider_role_sees_a_roll_up(self, world, role):
        assert not icbs_for(world.user(role)).exists()


class TestPages:
    def test_the_region_page_rolls_up_its_icbs(self, world, neighbour, client_for):
        submitted_return(world.provider, pct=(50, 100))
        submitted_return(neighbour[1])
        response = client_for(world.user(Role.REGIONAL)).get(f"/regions/{world.region.pk}/{QUARTER}")
        assert response.status_code == 200
        page = response.content.decode()
        assert "Test ICB" in page and "Neighbour ICB" in page and "Other ICB" not in page
        assert "Provider One" not in page  # aggregates only: no provider is named

    def test_the_icb_page_shows_shares_per_metric(self, world, client_for):
        submitted_return(world.provider, pct=(50, 100))
        response = client_for(world.user(Role.REGIONAL)).get(f"/regions/icbs/{world.icb.pk}/{QUARTER}")
        assert response.status_code == 200
        assert "TRN-CH" in response.content.decode()

    def test_an_icb_outside_the_region_is_a_404(self, world, client_for):
        client = client_for(world.user(Role.REGIONAL))
        assert client.get(f"/regions/icbs/{world.other_icb.pk}/").status_code == 404
        assert client.get(f"/regions/{world.other_region.pk}/").status_code == 404
        assert client.get(f"/regions/{world.other_region.pk}/xlsx/").status_code == 404

    def test_the_national_team_opens_any_region(self, world, client_for):
        client = client_for(world.user(Role.NATIONAL))
        assert client.get(f"/regions/{world.other_region.pk}/").status_code == 200
        assert client.get(f"/regions/icbs/{world.other_icb.pk}/").status_code == 200

    def test_a_quarter_with_no_data_is_an_empty_labelled_page(self, world, client_for):
        response = client_for(world.user(Role.NATIONAL)).get(f"/regions/{world.region.pk}/?quarter=2030/31 Q1")
        assert response.status_code == 200
        assert "2030/31 Q1" in response.content.decode()
        assert "No quarterly return has been submitted" in response.content.decode()

    def test_the_export_is_a_workbook_of_aggregates(self, world, client_for):
        submitted_return(world.provider)
        response = client_for(world.user(Role.REGIONAL)).get(f"/regions/{world.region.pk}/xlsx/{QUARTER}")
        assert response.status_code == 200
        book = load_workbook(io.BytesIO(response.content))
        assert book.sheetnames == ["ICBs", "Metrics", "Case reviews"]
        cells = {str(c.value) for sheet in book for row in sheet.iter_rows() for c in row}
        assert "Test ICB" in cells and "Provider One" not in cells

    @pytest.mark.parametrize("role", sorted(set(Role.values) - {Role.REGIONAL, Role.NATIONAL}))
    @pytest.mark.parametrize(
        "url", ["/regions/", "/regions/{region}/", "/regions/icbs/{icb}/", "/regions/{region}/xlsx/"]
    )
    def test_icb_and_provider_roles_are_refused(self, world, client_for, role, url):
        target = url.format(region=world.region.pk, icb=world.icb.pk)
        assert client_for(world.user(role)).get(target).status_code == 403


class TestQueries:
    def test_the_roll_up_query_count_does_not_grow_with_providers(self, world, neighbour):
        user = world.user(Role.REGIONAL)
        submitted_return(world.provider)
        few, _ = count_queries(lambda: reports.rollups(icbs_for(user), Q))
        for n in range(4):
            submitted_return(make_provider(world.icb, name=f"Extra {n}"))
        many, _ = count_queries(lambda: reports.rollups(icbs_for(user), Q))
        assert many == few

    def test_the_roll_up_query_count_does_not_grow_with_icbs(self, world, neighbour):
        """Closure days (for the due dates) of every ICB in one query, not one per ICB."""
        from core.models import ClosureDay

        user = world.user(Role.NATIONAL)
        submitted_return(world.provider)
        few, _ = count_queries(lambda: reports.rollups(icbs_for(user), Q))
        for n in range(3):
            icb = make_organisation(OrganisationKind.ICB, parent=world.region, name=f"More ICB {n}", ods_code=f"QM{n}")
            submitted_return(make_provider(icb, name=f"More Trust {n}"))
            ClosureDay.objects.create(icb=icb, date=dt.date(2026, 12, 24 + n), reason="Closed")
        many, rollups = count_queries(lambda: reports.rollups(icbs_for(user), Q))
        assert len(rollups) >= 5 and many == few


class TestReviews:
    def test_review_counts_are_suppressed_below_five(self, world):
        from reviews import actions

        for n in range(3):
            actions.do_open_review(
                acting_user=None,
                icb=world.icb,
                kind="sar",
                subject_reference=f"Adult {n}",
                notification_date=dt.date(2026, 5, 1),
            )
        rollup = reports.rollups(icbs_for(world.user(Role.REGIONAL)).filter(pk=world.icb.pk), Q)[0]
        assert rollup.tracker.total == 3
        assert rollup.open_reviews_shown == "fewer than 5"
        rows = rollup.tracker.rows
        assert ("Status", "Open", "fewer than 5") in rows
        # the total would give the suppressed count away (open + closed): withheld, and so is the other breakdown
        assert ("Reviews", "All reviews since 1 April 2021 (and historic open)", "not shown") in rows
        assert all(
            shown == "not shown" for group, _, shown in rows if group == "Type of review" and "converted" not in _
        )


class TestAggregates:
    def rollup(self, world):
        return reports.rollups(icbs_for(world.user(Role.NATIONAL)).filter(pk=world.icb.pk), Q)[0]

    def test_cycle_completion_counts_signed_off_assessments_of_the_latest_cycle(self, world):
        from assurance.tests.factories import open_cycle

        open_cycle(world)
        rollup = self.rollup(world)
        assert (rollup.assessments, rollup.signed_off, rollup.cycle_completion) == (2, 0, 0)

    def test_gaps_of_providers_and_vacancies_in_the_icbs_designated_posts(self, world):
        from organisations import actions
        from organisations.choices import SafeguardingRole as R

        before = self.rollup(world)
        assert before.organisations_with_gaps >= 2 and before.designated_vacancies > 0
        actions.do_add_role_holder(
            organisation=world.icb, role=R.DESIGNATED_NURSE_CHILDREN, holder_name="N", acting_user=None
        )
        assert self.rollup(world).designated_vacancies == before.designated_vacancies - 1

    def test_a_rapid_review_that_becomes_a_cspr_counts_as_converted(self, world):
        from reviews import actions

        rapid = actions.do_open_review(
            acting_user=None,
            icb=world.icb,
            kind="rapid_review",
            subject_reference="Child Q",
            notification_date=dt.date(2026, 5, 1),
        )
        actions.do_record_decision(rapid, decision_date=dt.date(2026, 5, 20), outcome="local_cspr", acting_user=None)
        tracker = self.rollup(world).tracker
        assert tracker.converted == 1 and tracker.total == 2
        assert tracker.by_status == {"open": 1, "closed": 1}
