"""The signals pages for the organisation's safeguarding users: queue, review, outcome, child, household, uploads,
rules, export; each view of a person-level record logged."""

from io import BytesIO

import pytest
from auditlog.models import LogEntry
from openpyxl import load_workbook

from core.choices import Role
from signals.models import Child, Household, ReviewTask
from signals.tests.ui_support import attendance_rows, csv_file, seed, test_nhs_number


@pytest.fixture
def seeded(world):
    user = world.user(Role.PROVIDER)
    number, born = seed(world.provider, user)
    return user, number, born


def test_queue_lists_open_reviews_with_masked_numbers(world, seeded, client_for):
    user, number, _ = seeded
    html = client_for(user).get("/signals/").content.decode()
    assert "S1 Unscheduled care" in html and f"*** *** {number[-4:]}" in html
    assert number not in html  # masked on the list
    assert "Article 6(1)(e)" in html and "Caldicott Principle 7" in html


def test_review_page_shows_evidence_and_logs_the_view(world, seeded, client_for):
    user, number, _ = seeded
    task = ReviewTask.objects.get(signal="S1")
    html = client_for(user).get(f"/signals/tasks/{task.pk}/").content.decode()
    assert number in html and html.count("Emergency department") == 3
    assert LogEntry.objects.filter(action=LogEntry.Action.ACCESS, object_pk=str(task.pk), actor=user).exists()


def test_recording_the_outcome_closes_the_review(world, seeded, client_for):
    user, _, _ = seeded
    task = ReviewTask.objects.get(signal="S1")
    client = client_for(user)
    bad = client.post(f"/signals/tasks/{task.pk}/outcome/", {"outcome": "referral"})
    assert bad.status_code == 200 and "Give this for a referral" in bad.content.decode()
    response = client.post(f"/signals/tasks/{task.pk}/outcome/", {"outcome": "nfa", "notes": "Reviewed."})
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.status == "done" and task.outcome == "nfa"


def test_child_and_household_pages(world, seeded, client_for):
    user, number, _ = seeded
    client = client_for(user)
    child = Child.objects.get()
    assert number in client.get(f"/signals/children/{child.pk}/").content.decode()
    household = Household.objects.get()
    html = client.get(f"/signals/households/{household.pk}/").content.decode()
    assert "HH-0" in html and "S3 Repeat domestic abuse" in html
    assert LogEntry.objects.filter(action=LogEntry.Action.ACCESS, object_pk=str(household.pk)).exists()


def test_upload_refuses_a_bad_file_naming_row_and_column(world, client_for):
    user = world.user(Role.PROVIDER)
    number = test_nhs_number(700)
    rows = attendance_rows(number, __import__("datetime").date(2018, 1, 1), (10,))
    rows.append(("9990000000", "2018-01-01", "2026-01-01 10:00", "ED"))
    bad = csv_file("bad.csv", ["NHS number", "Date of birth", "Arrival", "Setting"], rows)
    response = client_for(user).post("/signals/uploads/attendances/", {"file": bad})
    html = response.content.decode()
    assert response.status_code == 200 and "row 3" in html.lower() and "nhs_number" in html.lower().replace(" ", "_")
    assert not Child.objects.exists()


def test_upload_imports_and_evaluates(world, client_for):
    user = world.user(Role.PROVIDER)
    number = test_nhs_number(900)
    good = csv_file(
        "a.csv",
        ["NHS number", "Date of birth", "Arrival", "Setting"],
        attendance_rows(number, __import__("datetime").date(2018, 1, 1), (30, 20, 10)),
    )
    response = client_for(user).post("/signals/uploads/attendances/", {"file": good})
    assert response.status_code == 302
    assert ReviewTask.objects.filter(signal="S1", organisation=world.provider).count() == 1
    assert "a.csv" in client_for(user).get("/signals/uploads/").content.decode()


def test_rules_page_edit_and_icb_read_only(world, client_for):
    user = world.user(Role.PROVIDER)
    client = client_for(user)
    assert "S1 Unscheduled care" in client.get("/signals/rules/").content.decode()
    rule = world.provider and __import__("signals.models", fromlist=["SignalRule"]).SignalRule.objects.get(
        organisation=world.provider, signal="S1"
    )
    response = client.post(
        f"/signals/rules/{rule.pk}/edit/",
        {
            "enabled": "on",
            "threshold": "4",
            "window_months": "12",
            "timescale": "10",
            "timescale_unit": "working_days",
            "owners": ["safeguarding_team", "gp"],
        },
    )
    assert response.status_code == 302
    rule.refresh_from_db()
    assert rule.threshold == 4 and rule.timescale == 10 and rule.owners == ["safeguarding_team", "gp"]
    icb = client_for(world.user(Role.DESIGNATED)).get("/signals/rules/").content.decode()
    assert world.provider.name in icb and f"/signals/rules/{rule.pk}/edit/" not in icb


def test_export_is_the_teams_own_and_logged(world, seeded, client_for):
    user, number, _ = seeded
    response = client_for(user).get("/signals/tasks/xlsx/")
    sheet = load_workbook(BytesIO(response.content)).worksheets[0]
    values = [cell.value for row in sheet.iter_rows() for cell in row]
    assert number in values and "HH-0" in values
    assert LogEntry.objects.filter(action=LogEntry.Action.ACCESS, additional_data__how="export").count() == (
        ReviewTask.objects.count()
    )


def test_home_panel_lists_overdue_reviews(world, seeded, client_for):
    user, _, _ = seeded
    task = ReviewTask.objects.get(signal="S1")
    ReviewTask.objects.filter(pk=task.pk).update(due_on=task.opened_on.replace(year=task.opened_on.year - 1))
    html = client_for(user).get("/").content.decode()
    assert "Overdue signal reviews" in html and f"/signals/tasks/{task.pk}/" in html


def test_api_lists_masked_tasks_records_outcomes_and_refuses_bad_uploads(world, seeded):
    user, number, _ = seeded
    api = world.api(user)
    listed = api.get("/api/v1/signals/tasks/").json()["results"]
    assert number not in str(listed) and any(row["subject"].endswith(number[-4:]) for row in listed)
    task = ReviewTask.objects.get(signal="S1")
    detail = api.get(f"/api/v1/signals/tasks/{task.pk}/").json()
    assert len(detail["evidence"]) == 3
    assert LogEntry.objects.filter(action=LogEntry.Action.ACCESS, additional_data__how="api").exists()
    done = api.post(f"/api/v1/signals/tasks/{task.pk}/outcome/", {"outcome": "shared"}, format="json")
    assert done.status_code == 200 and done.json()["status"] == "done"
    again = api.post(f"/api/v1/signals/tasks/{task.pk}/outcome/", {"outcome": "shared"}, format="json")
    assert again.status_code == 400
    bad = csv_file("bad.csv", ["NHS number", "Date of birth", "Arrival", "Setting"], [("123", "2018-01-01", "x", "ED")])
    refused = api.post("/api/v1/signals/uploads/", {"feed": "attendances", "file": bad}, format="multipart")
    assert refused.status_code == 400 and "row 2" in str(refused.json()).lower()
