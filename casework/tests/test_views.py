"""Pages: view logging, forms with clear errors and pseudonym warnings, the due page, the quarterly report."""

import datetime as dt
import io

import pytest
from auditlog.models import LogEntry
from openpyxl import load_workbook

from casework.models import Allegation, Escalation
from casework.tests import factories
from core.choices import Role
from core.testing import count_queries

FRIDAY = factories.RECENT


def access_entries(record, how=None):
    entries = LogEntry.objects.get_for_object(record).filter(action=LogEntry.Action.ACCESS)
    return entries.filter(additional_data__how=how) if how else entries


class TestViewLogging:
    def test_opening_a_record_twice_leaves_two_entries(self, world, client_for):
        allegation = factories.allegation(world)
        client = client_for(world.user(Role.HR))
        client.get(f"/casework/allegations/{allegation.pk}/")
        client.get(f"/casework/allegations/{allegation.pk}/")
        entries = access_entries(allegation)
        assert entries.count() == 2
        assert {e.actor.username for e in entries} == {"hr"}

    def test_a_list_shows_summaries_and_logs_nothing(self, world, client_for):
        records = [factories.allegation(world) for _ in range(3)]
        response = client_for(world.user(Role.HR)).get("/casework/allegations/")
        assert response.status_code == 200
        page = response.content.decode()
        assert all(r.reference in page for r in records)
        assert "Invented Staffmember" not in page
        assert LogEntry.objects.filter(action=LogEntry.Action.ACCESS).count() == 0

    def test_a_list_then_one_record_logs_only_that_record(self, world, client_for):
        shown, other = factories.allegation(world), factories.allegation(world)
        client = client_for(world.user(Role.DESIGNATED))
        client.get("/casework/allegations/")
        client.get(f"/casework/allegations/{shown.pk}/")
        assert access_entries(shown).count() == 1
        assert access_entries(other).count() == 0

    def test_the_api_logs_a_record_opened_but_not_the_summary_list(self, world):
        incident = factories.incident(world)
        api = world.api(Role.DESIGNATED)
        listed = api.get("/api/v1/casework/serious-incidents/").json()["results"][0]
        assert "summary" not in listed
        assert access_entries(incident).count() == 0
        assert api.get(f"/api/v1/casework/serious-incidents/{incident.pk}/").json()["summary"] == "Synthetic incident."
        assert access_entries(incident, "view").count() == 1

    def test_an_export_logs_every_record_exported(self, world, client_for):
        records = [factories.disclosure(world) for _ in range(2)]
        response = client_for(world.user(Role.EXECUTIVE)).get("/casework/disclosures/export/")
        assert response["Content-Type"].startswith("application/vnd.openxmlformats")
        sheet = load_workbook(io.BytesIO(response.content)).active
        assert [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)] == [r.reference for r in records][::-1]
        assert all(access_entries(r, "export").count() == 1 for r in records)

    def test_an_export_by_a_non_reader_is_refused_and_logs_nothing(self, world, client_for):
        factories.disclosure(world)
        assert client_for(world.user(Role.ADMINISTRATOR)).get("/casework/disclosures/export/").status_code == 403
        assert world.api(Role.HR).get("/api/v1/casework/disclosures/export/").status_code == 403
        assert LogEntry.objects.filter(action=LogEntry.Action.ACCESS).count() == 0


class TestAllegationPages:
    def form(self, world, **overrides):
        return {
            "organisation": world.provider.pk,
            "setting": "children",
            "person_name": "Invented Person",
            "person_role": "Play worker",
            "subject_reference": "Child Q",
            "category": "harmed",
            "summary": "Synthetic.",
            "made_on": FRIDAY.isoformat(),
            "suspension_decision": "pending",
            **overrides,
        }

    def test_hr_records_an_allegation_and_sees_the_lado_due_date(self, world, client_for):
        client = client_for(world.user(Role.HR))
        response = client.post("/casework/allegations/add/", self.form(world), follow=True)
        allegation = Allegation.objects.get()
        assert response.redirect_chain[-1][0] == f"/casework/allegations/{allegation.pk}/"
        assert "Monday 23 November 2026" in response.content.decode()

    def test_a_lado_date_before_the_allegation_is_a_form_error_and_nothing_is_saved(self, world, client_for):
        response = client_for(world.user(Role.HR)).post(
            "/casework/allegations/add/", self.form(world, lado_informed_on="2026-11-19")
        )
        page = response.content.decode()
        assert response.status_code == 200 and "There is a problem" in page
        assert "cannot be before the allegation was made" in page
        assert not Allegation.objects.exists()

    def test_an_nhs_number_warning_must_be_ticked_before_saving(self, world, client_for):
        from core.tests.synthetic import first_synthetic_nhs_number as synthetic_nhs_number

        client = client_for(world.user(Role.HR))
        assert (
            'type="checkbox" name="acknowledge_warnings"'
            not in client.get("/casework/allegations/add/").content.decode()
        )
        data = self.form(world, subject_reference=synthetic_nhs_number())
        page = client.post("/casework/allegations/add/", data).content.decode()
        assert "valid NHS number" in page
        assert (
            'type="checkbox" name="acknowledge_warnings"' in page
            and "checked" not in page.split("acknowledge_warnings")[1][:80]
        )
        assert not Allegation.objects.exists()
        client.post("/casework/allegations/add/", {**data, "acknowledge_warnings": "on"})
        assert Allegation.objects.count() == 1

    def test_a_name_in_the_allegation_summary_must_be_acknowledged(self, world, client_for):
        """Issue 9 item 7: free text of the restricted registers is checked like the review summary."""
        client = client_for(world.user(Role.HR))
        data = self.form(world, summary="Parent says JOHN SMITH handled the child roughly.")
        page = client.post("/casework/allegations/add/", data).content.decode()
        assert "looks like a person" in page and 'type="checkbox" name="acknowledge_warnings"' in page
        assert not Allegation.objects.exists()
        client.post("/casework/allegations/add/", {**data, "acknowledge_warnings": "on"})
        assert Allegation.objects.count() == 1

    def test_an_allegation_about_a_designated_professional_is_routed_away_from_the_recorder(self, world, client_for):
        client = client_for(world.user(Role.DESIGNATED))
        response = client.post("/casework/allegations/add/", self.form(world, concerns_designated_professional="on"))
        assert response.status_code == 302 and response["Location"] == "/casework/allegations/"
        assert client.get(f"/casework/allegations/{Allegation.objects.get().pk}/").status_code == 404


class TestEscalationPages:
    def test_stage_four_without_stage_three_is_refused_on_the_page(self, world, client_for):
        escalation = factories.escalation(world, stages=[FRIDAY, FRIDAY])
        response = client_for(world.user(Role.DESIGNATED)).post(
            f"/casework/escalations/{escalation.pk}/stages/add/",
            {"stage": "4", "reached_on": FRIDAY.isoformat(), "agreed": "x"},
        )
        assert "say why earlier stages were skipped" in response.content.decode()
        assert escalation.stages.count() == 2

    def test_an_urgent_stage_four_with_its_reason_is_recorded_and_shown(self, world, client_for):
        """[DUDLEY App. 6; CPCCG App. 5 Salient points]."""
        escalation = factories.escalation(world)
        client = client_for(world.user(Role.DESIGNATED))
        response = client.post(
            f"/casework/escalations/{escalation.pk}/stages/add/",
            {
                "stage": "4",
                "reached_on": FRIDAY.isoformat(),
                "raised_by": "named_professional",
                "raised_with": "head_of_service",
                "agreed": "Strategy discussion today",
                "skip_reason": "Child at risk of immediate harm",
            },
        )
        assert response.status_code == 302
        page = client.get(f"/casework/escalations/{escalation.pk}/").content.decode()
        assert "Urgent start" in page and "Child at risk of immediate harm" in page and "Head of service" in page

    def test_stage_three_without_the_designated_professional_is_flagged(self, world, client_for):
        escalation = factories.escalation(world, stages=[FRIDAY, FRIDAY, FRIDAY])
        page = client_for(world.user(Role.DESIGNATED)).get(f"/casework/escalations/{escalation.pk}/").content.decode()
        assert "The designated professional has not been recorded as informed." in page

    def test_the_quarterly_report_counts_and_downloads(self, world, client_for):
        q3 = [dt.date(2026, 10, 5), dt.date(2026, 10, 20), dt.date(2026, 11, 2)]
        factories.escalation(world, stages=q3)
        factories.escalation(world, stages=q3[:1], theme="closure")
        client = client_for(world.user(Role.EXECUTIVE))
        response = client.get("/casework/escalations/report/?year=2026&quarter=3")
        counts = response.context["counts"]
        assert counts.total == 2 and counts.by_stage == {1: 1, 2: 0, 3: 1, 4: 0, 5: 0}
        download = client.get("/casework/escalations/report/?year=2026&quarter=3&format=xlsx")
        rows = list(load_workbook(io.BytesIO(download.content)).active.iter_rows(values_only=True))
        assert rows[-1] == ("All", "All", 1, 0, 1, 0, 0, 2)


class TestDuePage:
    def test_it_lists_the_clocks_of_the_registers_the_user_reads(self, world, client_for):
        allegation = factories.allegation(world, made_on=dt.date(2026, 11, 20))
        referral = factories.referral(world)
        hr_page = client_for(world.user(Role.HR)).get("/casework/due/").content.decode()
        assert allegation.reference in hr_page and referral.reference not in hr_page
        admin_page = client_for(world.user(Role.ADMINISTRATOR)).get("/casework/due/").content.decode()
        assert referral.reference in admin_page and allegation.reference not in admin_page

    def test_done_clocks_and_closed_records_are_not_listed(self, world, client_for):
        factories.allegation(world, lado_informed_on=FRIDAY, designated_informed_on=FRIDAY)
        factories.allegation(world, outcome="unfounded", closed_on=FRIDAY)
        response = client_for(world.user(Role.HR)).get("/casework/due/")
        assert response.context["items"] == []

    def test_the_due_page_does_not_query_per_record(self, world, client_for):
        client = client_for(world.user(Role.DESIGNATED))
        factories.escalation(world, stages=[FRIDAY, FRIDAY, FRIDAY])
        factories.concern(world)
        few, _ = count_queries(lambda: client.get("/casework/due/"))
        for _ in range(4):
            factories.escalation(world, stages=[FRIDAY, FRIDAY, FRIDAY])
            factories.concern(world)
            factories.allegation(world)
        many, _ = count_queries(lambda: client.get("/casework/due/"))
        assert many == few


class TestListQueries:
    @pytest.mark.parametrize("slug", ["escalations", "referrals", "serious-incidents"])
    def test_a_list_does_not_query_per_row(self, world, client_for, slug):
        client = client_for(world.user(Role.DESIGNATED))
        factories.BUILDERS[slug](world)
        few, _ = count_queries(lambda: client.get(f"/casework/{slug}/"))
        for _ in range(4):
            factories.BUILDERS[slug](world)
        many, _ = count_queries(lambda: client.get(f"/casework/{slug}/"))
        assert many == few


def test_an_escalation_is_opened_from_the_page_by_a_provider_user_for_their_own_organisation(world, client_for):
    client = client_for(world.user(Role.PROVIDER))
    form = client.get("/casework/escalations/add/").context["form"]
    assert set(form.fields["organisation"].queryset) == {world.provider}
    response = client.post(
        "/casework/escalations/add/",
        {
            "organisation": world.other_provider.pk,
            "case_reference": "Child Z",
            "raised_by": "Named nurse",
            "other_agency": "Children's social care",
            "local_authority": factories.local_authority(world).pk,
            "theme": "threshold",
        },
    )
    assert response.status_code == 200 and not Escalation.objects.exists()


def test_editing_an_allegation_records_the_lado_date_and_logs_the_form_view(world, client_for):
    allegation = factories.allegation(world)
    client = client_for(world.user(Role.HR))
    form = client.get(f"/casework/allegations/{allegation.pk}/edit/").context["form"]
    data = {name: value for name, value in form.initial.items() if value not in (None, "") and name in form.fields}
    data = {k: ("on" if v is True else v) for k, v in data.items() if v is not False}
    data["made_on"], data["lado_informed_on"] = FRIDAY.isoformat(), "2026-11-23"
    response = client.post(f"/casework/allegations/{allegation.pk}/edit/", data)
    assert response.status_code == 302, response.context["form"].errors
    allegation.refresh_from_db()
    assert allegation.lado_informed_on == dt.date(2026, 11, 23)
    assert access_entries(allegation, "view").count() == 1


def test_the_auditors_audit_trail_shows_who_viewed_a_record_but_withholds_its_values(world, client_for):
    allegation = factories.allegation(world, acting_user=world.user(Role.HR))
    client_for(world.user(Role.EXECUTIVE)).get(f"/casework/allegations/{allegation.pk}/")
    page = client_for(world.user(Role.AUDITOR)).get("/audit/?q=" + allegation.reference).content.decode()
    assert "executive" in page and "(view)" in page and allegation.reference in page
    assert "Invented Staffmember" not in page and "[restricted]" in page


class TestHomeAndIndex:
    def test_the_home_page_shows_casework_due_to_readers_only(self, world, client_for):
        allegation = factories.allegation(world, made_on=dt.date(2026, 11, 2))
        hr_home = client_for(world.user(Role.HR)).get("/").content.decode()
        assert "Casework due today or overdue" in hr_home and allegation.reference in hr_home
        board_home = client_for(world.user(Role.BOARD)).get("/").content.decode()
        assert "Casework due today or overdue" not in board_home and allegation.reference not in board_home

    def test_the_index_lists_only_the_registers_the_user_reads(self, world, client_for):
        page = client_for(world.user(Role.PROVIDER)).get("/casework/").content.decode()
        assert "Serious incidents" in page and "Allegations" not in page and "Disclosure log" not in page


def test_the_index_says_which_source_the_icb_follows(world, client_for, settings):
    """Where two seeds disagree the page says which source the ICB follows (issue 16)."""
    client = client_for(world.user(Role.DESIGNATED))
    page = client.get("/casework/").content.decode()
    assert "within 48 clock hours [DDICB What to do; CPCCG front matter]" in page
    assert "[DUDLEY 28.2, App. 6]" in page and "28 days or more [DDICB Private Fostering]" in page
    settings.VIGIL = {
        **settings.VIGIL,
        "CASEWORK_REFERRAL_FOLLOW_UP_HOURS": 24,
        "CASEWORK_PRIVATE_FOSTERING_INCLUSIVE": False,
    }
    page = client.get("/casework/").content.decode()
    assert "within 24 clock hours [DUDLEY 15.2]" in page and "more than 28 days [DUDLEY 22.1]" in page
