"""Pages and API beyond the matrix: masking, restricted supervision content, actions to the tracker, capacity,
provider training from the returns, the home panel and reminders."""

import datetime as dt

import pytest
from auditlog.models import LogEntry
from django.core import mail
from openpyxl import load_workbook

from core.choices import Role
from core.models import TrackedAction
from core.reminders import send_due_reminders
from core.testing import make_user
from workforce import actions, reports, rules
from workforce.models import DbsCheck, StaffMember, SupervisionSession
from workforce.tests.conftest import L1, L3, csv_file, extract_row

pytestmark = pytest.mark.django_db
CERTIFICATE = "001234567890"


def xlsx_text(response):
    import io

    book = load_workbook(io.BytesIO(response.content))
    return " ".join(str(c.value) for sheet in book for r in sheet.iter_rows() for c in r if c.value is not None)


@pytest.fixture
def dbs(world, staff, today):
    member = staff("S1", regulated_activity=True, start_date=today - dt.timedelta(days=10))
    return actions.do_record_dbs_check(
        staff=member,
        level="enhanced_barred",
        checked_on=today - dt.timedelta(days=3),
        certificate_number=CERTIFICATE,
        references_received=2,
        reference_from_recent_employer=True,
        acting_user=world.user(Role.HR),
    )


def test_the_certificate_number_is_never_shown_in_full(world, dbs, client_for):
    client = client_for(world.user(Role.HR))
    pages = [
        client.get("/workforce/dbs/").content.decode(),
        client.get(f"/workforce/dbs/{dbs.pk}/edit/").content.decode(),
        client.get(f"/workforce/staff/{dbs.staff_id}/").content.decode(),
        xlsx_text(client.get("/workforce/dbs/xlsx/")),
        str(world.api(Role.HR).get(f"/api/v1/workforce-dbs/{dbs.pk}/").json()),
        str(world.api(Role.HR).get("/api/v1/workforce-dbs/").json()),
        str(list(LogEntry.objects.values_list("changes", flat=True))),
    ]
    for text in pages:
        assert CERTIFICATE not in text
    assert "7890" in pages[0] and "7890" in pages[3]


def test_changing_a_check_keeps_the_stored_number_when_left_blank(world, dbs):
    response = world.api(Role.HR).patch(f"/api/v1/workforce-dbs/{dbs.pk}/", {"update_service": True}, format="json")
    assert response.status_code == 200
    dbs.refresh_from_db()
    assert dbs.certificate_number == CERTIFICATE and dbs.update_service


def test_a_bad_certificate_number_is_a_400_naming_the_field(world, dbs):
    response = world.api(Role.HR).post(
        "/api/v1/workforce-dbs/",
        {"staff": dbs.staff_id, "level": "enhanced", "checked_on": "2026-01-01", "certificate_number": "12AB"},
        format="json",
    )
    assert response.status_code == 400 and "certificate_number" in response.json()


def test_started_without_the_check_is_flagged(world, staff, today, client_for):
    late = staff("LATE", regulated_activity=True, start_date=today - dt.timedelta(days=30))
    actions.do_record_dbs_check(
        staff=late,
        level="enhanced_barred",
        checked_on=today - dt.timedelta(days=29),
        certificate_number="000000001111",
        acting_user=world.user(Role.HR),
    )
    on_time = staff("ONTIME", regulated_activity=True, start_date=today - dt.timedelta(days=30))
    actions.do_record_dbs_check(
        staff=on_time,
        level="enhanced_barred",
        checked_on=today - dt.timedelta(days=30),
        certificate_number="000000002222",
        acting_user=world.user(Role.HR),
    )
    flags = {row.staff.staff_key: row.problem for row in reports.dbs_rows(StaffMember.objects.all(), today)}
    assert flags["ONTIME"] is None and "after the start date" in flags["LATE"]
    assert (
        "Started without the required check"
        in client_for(world.user(Role.DESIGNATED)).get("/workforce/dbs/").content.decode()
    )


def test_self_disclosure_reminders(world, dbs, today, icb):
    hr = world.user(Role.HR)
    hr.email = "hr@example.org"
    hr.save()
    actions.do_record_self_disclosure(dbs, on=today - dt.timedelta(days=360), acting_user=hr)
    send_due_reminders(today)
    assert any("self-disclosure" in m.subject and m.to == ["hr@example.org"] for m in mail.outbox)
    sent = len(mail.outbox)
    send_due_reminders(today)
    assert len(mail.outbox) == sent


@pytest.fixture
def session(world, staff, today):
    supervisee_user = make_user(Role.ADMINISTRATOR, world.icb, username="named.one")
    supervisee = staff("NAMED1", supervision_group="named", user=supervisee_user)
    supervisor = staff("DES1", supervision_group="designated")
    return actions.do_record_session(
        supervisee=supervisee,
        supervisor=supervisor,
        post="Named nurse",
        base="ICB office",
        held_on=today - dt.timedelta(days=100),
        venue="Room 1",
        duration_minutes=60,
        topics="Secret case discussion",
        outcomes="Plan agreed",
        acting_user=world.user(Role.DESIGNATED),
    )


def test_session_content_is_for_the_parties_and_designated_professionals_and_logged(world, session, client, client_for):
    url = f"/workforce/supervision/sessions/{session.pk}/"
    seen = client_for(world.user(Role.DESIGNATED)).get(url).content.decode()
    assert "Secret case discussion" in seen
    hr_page = client_for(world.user(Role.HR)).get(url).content.decode()
    assert "Secret case discussion" not in hr_page and "NAMED1" in hr_page
    client.force_login(session.supervisee.user)
    assert "Secret case discussion" in client.get(url).content.decode()
    assert client_for(world.user(Role.EXECUTIVE)).get(url).status_code == 404
    logged = LogEntry.objects.filter(action=LogEntry.Action.ACCESS, object_pk=str(session.pk))
    assert {(entry.actor.username, entry.additional_data["how"]) for entry in logged} == {
        ("designated", "view"),
        ("hr", "view, no content"),  # every view is logged, like casework
        ("named.one", "view"),
    }
    api_hr = world.api(Role.HR).get(f"/api/v1/workforce-sessions/{session.pk}/").json()
    assert "topics" not in api_hr
    assert world.api(Role.DESIGNATED).get(f"/api/v1/workforce-sessions/{session.pk}/").json()["topics"]
    assert "topics" not in world.api(Role.DESIGNATED).get("/api/v1/workforce-sessions/").json()["results"][0]
    assert "Secret" not in str(list(LogEntry.objects.values_list("changes", flat=True)))


def test_supervision_overdue_and_an_action_from_a_session(world, session, today, client_for):
    rows = reports.supervision_rows(world.icb.pk, today)
    named = next(r for r in rows if r.staff.staff_key == "NAMED1")
    assert named.overdue and named.last == today - dt.timedelta(days=100)
    response = client_for(world.user(Role.DESIGNATED)).post(
        f"/workforce/supervision/sessions/{session.pk}/action/",
        {
            "title": "Refer case to MASH",
            "owner": "Named nurse",
            "due_date": today + dt.timedelta(days=14),
            "success_measure": "Referral acknowledged",
        },
    )
    assert response.status_code == 302
    action = TrackedAction.objects.get()
    assert action.source_id == session.pk and action.organisation == world.icb


def test_an_upload_with_problems_shows_the_nhs_error_summary(world, icb, client_for):
    client = client_for(world.user(Role.HR))
    response = client.post("/workforce/extract/", {"file": csv_file([extract_row(completed_on="2999-01-01")])})
    page = response.content.decode()
    assert response.status_code == 200 and "nhsuk-error-summary" in page
    assert "row 2, column G: completion date 1 January 2999 is in the future" in page
    assert not StaffMember.objects.exists()


def test_hr_uploads_and_the_designated_professional_raises_an_action_on_a_red_cell(world, icb, today, client_for):
    rows = [extract_row(staff_key=f"S{n}", competence=L1) for n in range(4)]  # level 1 does not satisfy level 2
    rows.append(extract_row(staff_key="S9"))
    response = client_for(world.user(Role.HR)).post("/workforce/extract/", {"file": csv_file(rows)})
    assert response.status_code == 302
    client = client_for(world.user(Role.DESIGNATED))
    page = client.get("/workforce/").content.decode()
    assert 'data-rating="red"' in page and "1/5" in page
    response = client.post(
        "/workforce/action/?topic=children&level=2&group=Administrative+and+Clerical",
        {
            "title": "Book level 2 training",
            "owner": "HR lead",
            "due_date": today + dt.timedelta(days=30),
            "success_measure": "90 % up to date",
        },
    )
    assert response.status_code == 302
    assert (
        "Safeguarding children, level 2, Administrative and Clerical (red, 1/5)"
        in TrackedAction.objects.get().source_label
    )
    board = client_for(world.user(Role.BOARD)).get("/workforce/").content.decode()
    assert "1/5" in board and "Expiring in the next 90 days" not in board


def test_capacity_gap_for_the_named_doctor_for_children_in_care(world, icb, today, client_for):
    designated = world.user(Role.DESIGNATED)
    actions.do_record_capacity(icb=icb, role="named_doctor_lac", amount=2, unit="pa_week", acting_user=designated)
    actions.do_record_capacity(icb=icb, role="designated_doctor_lac", amount=2, unit="pa_month", acting_user=designated)
    actions.do_record_population(
        icb=icb, as_of=today, children=200000, children_in_care=1000, adults=800000, acting_user=designated
    )
    rows = {row.role: row for row in reports.capacity_rows(icb.pk)[0]}
    assert rows["named_doctor_lac"].gap == 2 and rows["named_doctor_lac"].required == 10
    assert rows["designated_doctor_lac"].gap is None
    page = client_for(designated).get("/workforce/capacity/").content.decode()
    assert "2.0 hours short" in page and "2 PA per month" in page


def test_provider_training_comes_from_the_returns(world, client_for):
    from returns.tests.factories import Q, submitted_return

    submitted_return(world.provider, overrides={"TRN-CH": (70, 100)})
    submitted_return(world.other_provider)
    page = client_for(world.user(Role.DESIGNATED)).get(f"/workforce/providers/?quarter={Q.slug}").content.decode()
    assert "Provider One" in page and "Provider Two" in page and "70.0 %" in page
    own = client_for(world.user(Role.PROVIDER)).get(f"/workforce/providers/?quarter={Q.slug}").content.decode()
    assert "Provider One" in own and "Provider Two" not in own


def test_home_panel_lists_red_cells(world, upload, client_for):
    upload([extract_row(competence=L1)])
    page = client_for(world.user(Role.BOARD)).get("/").content.decode()
    assert "ICB staff training and supervision" in page and "Administrative and Clerical: 0/1" in page
    assert "ICB staff training" not in client_for(world.user(Role.PROVIDER)).get("/").content.decode()


def test_sections_for_the_reports_are_aggregates(world, upload):
    upload([extract_row(competence=L1)])
    sections = dict(reports.sections(world.user(Role.BOARD)))
    assert ("Safeguarding children, level 2", "0/1 (0.0 %)") in sections["ICB staff training compliance"]
    assert reports.sections(world.user(Role.PROVIDER)) == []
    assert "S0001" not in str(sections)


def test_expiry_reminders_go_to_the_line_manager(world, upload, today):
    completed = today.replace(year=today.year - 3) + dt.timedelta(days=20)
    upload([extract_row(completed_on=completed.isoformat())])
    StaffMember.objects.update(line_manager_email="manager@example.org")
    send_due_reminders(today)
    assert any(m.to == ["manager@example.org"] and "expires" in m.subject for m in mail.outbox)


def test_session_dates_cannot_be_in_the_future(world, staff, today):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        actions.do_record_session(
            supervisee=staff("A"),
            supervisor=staff("B"),
            post="p",
            base="b",
            held_on=today + dt.timedelta(days=1),
            venue="v",
            duration_minutes=30,
            topics="t",
            outcomes="o",
            acting_user=world.user(Role.DESIGNATED),
        )
    assert not SupervisionSession.objects.exists() and not DbsCheck.objects.exists()


def test_vacancies_come_from_the_role_holder_register_too(world, icb):
    from organisations import actions as organisation_actions

    organisation_actions.do_add_role_holder(organisation=icb, role="named_doctor_lac", holder_name="", acting_user=None)
    actions.do_record_capacity(
        icb=icb, role="named_doctor_lac", amount=1, unit="pa_week", vacant=True, acting_user=world.user(Role.DESIGNATED)
    )
    rows = {row.role: row for row in reports.capacity_rows(icb.pk)[0]}
    assert rows["named_doctor_lac"].vacancies == 2 and rows["named_doctor_lac"].hours == 0


def test_the_icbs_choices_through_the_api(world, icb):
    url = "/api/v1/workforce-settings/"
    policy = world.api(Role.BOARD).get(url).json()["results"][0]
    assert policy["target_choice"] == "85" and "[NEL Std 11" in dict(policy["choices"])["Target for ICB staff"]
    response = world.api(Role.HR).patch(f"{url}{policy['id']}/", {"target_choice": "95"}, format="json")
    assert response.status_code == 400 and "target_choice" in response.json()
    assert world.api(Role.HR).patch(f"{url}{policy['id']}/", {"target_choice": "90"}, format="json").status_code == 200
    assert actions.WorkforcePolicy.objects.get(icb=icb).target_choice == "90"


def test_supervision_and_capacity_exports(world, session, icb, client_for):
    client = client_for(world.user(Role.DESIGNATED))
    supervision = xlsx_text(client.get("/workforce/supervision/xlsx/"))
    assert "NAMED1" in supervision and "Secret case discussion" not in supervision
    actions.do_record_capacity(
        icb=icb, role="named_doctor_lac", amount=2, unit="pa_week", acting_user=world.user(Role.DESIGNATED)
    )
    capacity = xlsx_text(client.get("/workforce/capacity/xlsx/"))
    assert "2 PA per week" in capacity and "400 children in care" in capacity


def test_staff_page_shows_required_training_and_hours(world, upload, client_for):
    upload([extract_row(competence=L1, hours="1.5")])
    member = StaffMember.objects.get()
    page = client_for(world.user(Role.HR)).get(f"/workforce/staff/{member.pk}/").content.decode()
    assert "Safeguarding children, level 2" in page and "<td>3.0</td>" in page and "<td>1.50</td>" in page
    actions.do_update_staff_member(member, staff_group="Medical and Dental", acting_user=world.user(Role.HR))
    page = client_for(world.user(Role.HR)).get(f"/workforce/staff/{member.pk}/").content.decode()
    assert "Safeguarding children, level 3" in page and "0 of 8.0 hours by 1 Jan 2021" in page
    tna = client_for(world.user(Role.HR)).get("/workforce/tna/").content.decode()
    assert "Adult Safeguarding: Roles and Competencies, 2nd edition" in tna and "8.0 h within 12 months" in tna


def test_a_party_with_another_icb_role_reads_their_own_session_only(world, staff, today, client):
    executive = world.user(Role.EXECUTIVE)
    mine = actions.do_record_session(
        supervisee=staff("EXEC1", user=executive),
        supervisor=staff("DES9"),
        post="p",
        base="b",
        held_on=today,
        venue="v",
        duration_minutes=30,
        topics="My own reflection",
        outcomes="o",
        acting_user=world.user(Role.DESIGNATED),
    )
    other = actions.do_record_session(
        supervisee=staff("OTHER1"),
        supervisor=staff("DES8"),
        post="p",
        base="b",
        held_on=today,
        venue="v",
        duration_minutes=30,
        topics="Not yours",
        outcomes="o",
        acting_user=world.user(Role.DESIGNATED),
    )
    client.force_login(executive)
    assert "My own reflection" in client.get(f"/workforce/supervision/sessions/{mine.pk}/").content.decode()
    assert client.get(f"/workforce/supervision/sessions/{other.pk}/").status_code == 404


def test_the_auditor_sees_that_a_session_was_read_not_what_it_says(world, session, client_for):
    client_for(world.user(Role.DESIGNATED)).get(f"/workforce/supervision/sessions/{session.pk}/")
    page = client_for(world.user(Role.AUDITOR)).get("/audit/").content.decode()
    assert "Supervision of NAMED1" in page and "Secret case discussion" not in page
    assert client_for(world.user(Role.AUDITOR)).get(f"/workforce/supervision/sessions/{session.pk}/").status_code == 404


def test_a_provider_sees_only_its_own_training_figures_through_the_api(world):
    from returns.tests.factories import submitted_return

    submitted_return(world.provider)
    submitted_return(world.other_provider)
    listed = world.api(Role.PROVIDER).get("/api/v1/workforce-provider-training/").json()
    assert [row["name"] for row in listed] == ["Provider One"]
    assert {row["name"] for row in world.api(Role.DESIGNATED).get("/api/v1/workforce-provider-training/").json()} == {
        "Provider One",
        "Provider Two",
    }


def test_raising_an_action_needs_a_real_cell(world, icb, client_for):
    client = client_for(world.user(Role.DESIGNATED))
    assert client.get("/workforce/action/").status_code == 404
    assert client.get("/workforce/action/?topic=astrology&level=1&group=x").status_code == 404
    assert client.get("/workforce/action/?topic=children&level=two&group=x").status_code == 404


def test_every_form_page_saves_through_its_action(world, icb, staff, today, client_for):
    hr, designated = client_for(world.user(Role.HR)), None
    iso = today.isoformat()
    assert (
        hr.post(
            "/workforce/staff/add/",
            {
                "staff_key": "NEW1",
                "role": "Clerk",
                "staff_group": "Board",
                "start_date": iso,
                "status": "active",
                "supervision_group": "other",
            },
        ).status_code
        == 302
    )
    member = StaffMember.objects.get(staff_key="NEW1")
    supervisor = staff("SUP1")
    response = hr.post(
        "/workforce/dbs/add/",
        {
            "staff": member.pk,
            "level": "enhanced_barred",
            "checked_on": iso,
            "certificate_number": "0012 3456 7890",
            "references_received": 2,
        },
    )
    assert response.status_code == 302
    check = DbsCheck.objects.get()
    assert check.certificate_number == CERTIFICATE
    assert (
        hr.post(
            f"/workforce/dbs/{check.pk}/edit/",
            {"level": "enhanced_barred", "checked_on": iso, "certificate_number": "", "references_received": 3},
        ).status_code
        == 302
    )
    check.refresh_from_db()
    assert check.certificate_number == CERTIFICATE and check.references_received == 3
    assert (
        hr.post(
            "/workforce/supervision/agreements/add/",
            {
                "supervisee": member.pk,
                "supervisor": supervisor.pk,
                "agreed_on": iso,
                "supervisee_signed_on": iso,
                "supervisor_signed_on": iso,
            },
        ).status_code
        == 302
    )
    assert hr.post("/workforce/settings/", {"l1_refresher_months": "12", "target_choice": "90"}).status_code == 302
    assert (
        hr.post(
            "/workforce/tna/", {"staff_group": "Board", "topic": "prevent", "level": 3, "effective_from": iso}
        ).status_code
        == 302
    )
    bad = hr.post("/workforce/tna/", {"staff_group": "Board", "topic": "prevent", "level": 2, "effective_from": iso})
    assert bad.status_code == 200 and "has no level 2" in bad.content.decode()
    assert (
        hr.post(
            "/workforce/extract/competences/", {"name": "Local Prevent", "topic": "prevent", "level": 3}
        ).status_code
        == 302
    )
    headers = dict(actions.ColumnMapping.objects.get(icb=icb).headers) | {"staff_key": "Key"}
    assert hr.post("/workforce/extract/columns/", headers).status_code == 302
    assert actions.ColumnMapping.objects.get(icb=icb).headers["staff_key"] == "Key"
    designated = client_for(world.user(Role.DESIGNATED))
    response = designated.post(
        "/workforce/supervision/sessions/add/",
        {
            "supervisee": member.pk,
            "supervisor": supervisor.pk,
            "post": "p",
            "base": "b",
            "held_on": iso,
            "venue": "v",
            "duration_minutes": 60,
            "topics": "t",
            "outcomes": "o",
        },
    )
    assert response.status_code == 302
    assert (
        designated.post(
            "/workforce/capacity/add/", {"role": "named_doctor_lac", "amount": "2", "unit": "pa_week"}
        ).status_code
        == 302
    )
    assert (
        designated.post("/workforce/capacity/population/", {"as_of": iso, "children_in_care": 400}).status_code == 302
    )
    assert reports.capacity_rows(icb.pk)[0][0].label


def test_supervision_compliance_per_group_is_rated(world, session, staff, today):
    fresh = staff("NAMED2", supervision_group="named")
    actions.do_record_session(
        supervisee=fresh,
        supervisor=session.supervisor,
        post="p",
        base="b",
        held_on=today,
        venue="v",
        duration_minutes=30,
        topics="t",
        outcomes="o",
        acting_user=world.user(Role.DESIGNATED),
    )
    by_group = reports.supervision_compliance(reports.supervision_rows(world.icb.pk, today))
    assert by_group["named"] == (1, 2, "red")
    assert by_group["designated"] == (0, 1, "red")  # DES1 started 400 days ago and was never supervised


def test_the_dbs_page_names_missing_safer_recruitment_checks(world, dbs, client_for):
    page = client_for(world.user(Role.HR)).get("/workforce/dbs/").content.decode()
    assert "employment history not checked" in page
    actions.do_update_dbs_check(
        dbs,
        identity_and_qualifications_checked=True,
        employment_history_checked=True,
        panel_member_trained=True,
        acting_user=world.user(Role.HR),
    )
    assert reports.dbs_rows(StaffMember.objects.all(), dbs.checked_on)[0].references_problem is None


def test_staff_are_filtered_by_staff_group(world, upload, client_for):
    upload([extract_row(), extract_row(staff_key="S0002", staff_group="Board", role="Chair")])
    page = client_for(world.user(Role.HR)).get("/workforce/staff/?staff_group=board").content.decode()
    assert "S0002" in page and "S0001" not in page
    listed = world.api(Role.HR).get("/api/v1/workforce-staff/?staff_group=Board").json()["results"]
    assert [row["staff_key"] for row in listed] == ["S0002"]


def test_the_supervisee_changes_their_sessions_record_on_its_page_and_confirms_their_own_side(world, session, client):
    client.force_login(session.supervisee.user)  # an administrator: no right to sessions but as a party
    url = f"/workforce/supervision/sessions/{session.pk}/edit/"
    opened = client.get(url)
    assert opened.status_code == 200
    form = opened.context["form"]
    assert "supervisee_confirmed" in form.fields and "supervisor_confirmed" not in form.fields
    data = {name: form[name].value() or "" for name in form.fields}
    data.update(outcomes="Plan agreed; I will book level 3 training", supervisee_confirmed="on")
    data["held_on"] = session.held_on.isoformat()
    data["one_to_one"] = "on"
    response = client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors
    session.refresh_from_db()
    assert session.supervisee_confirmed and not session.supervisor_confirmed
    assert session.outcomes.endswith("level 3 training")
    assert "Plan agreed" not in str(list(LogEntry.objects.values_list("changes", flat=True)))  # masked
    assert "My supervision" in client.get("/workforce/supervision/mine/").content.decode()


def test_a_complete_staff_list_uploaded_on_the_page_ends_who_it_leaves_out(world, icb, today, client_for):
    client = client_for(world.user(Role.HR))
    client.post("/workforce/extract/", {"file": csv_file([extract_row(), extract_row(staff_key="S0002")])})
    response = client.post("/workforce/extract/", {"file": csv_file([extract_row()]), "full_extract": "on"})
    assert response.status_code == 302
    assert StaffMember.objects.get(staff_key="S0002").end_date == today - dt.timedelta(days=1)
    page = client.get("/workforce/extract/").content.decode()
    assert "complete staff list: 1 ended" in page


def test_a_new_starters_initial_hours_count_from_the_end_of_grace(world, upload, icb, today, client_for):
    """Children level 3, 8 hours within 12 months of appointment [E1, E2] (the data), grace 12 months (the setting):
    out of scope the day before the anniversary, judged on the 8 initial hours on it, on 6 hours per 3 years after;
    the staff page shows the initial hours since starting and, inside the window, that they apply now."""
    start = rules.add_months(today, -6)
    upload(
        [
            extract_row(
                staff_group="Medical and Dental",
                role="Doctor",
                competence=L3,
                start_date=start.isoformat(),
                completed_on=start.isoformat(),
                hours="6",
            )
        ]
    )
    last = rules.add_months(start, 12)

    def cell(day):
        found = reports.compliance_for(icb.pk, day).cells.get(("children", 3, "Medical and Dental"))
        return (found.numerator, found.denominator) if found else None

    assert cell(last - dt.timedelta(days=1)) is None
    assert cell(last) == (0, 1)
    assert cell(last + dt.timedelta(days=1)) == (1, 1)
    member = StaffMember.objects.get()
    page = client_for(world.user(Role.HR)).get(f"/workforce/staff/{member.pk}/").content.decode()
    assert f"6.00 of 8.0 hours by {last:%-d %b %Y} (applies now" in page
