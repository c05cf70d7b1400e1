"""A file of more than SIGNALS_IMPORT_JOB_ROWS rows is imported by a stored job from the page and the API: the page
(or the 202's poll URL) shows its progress, then its counts, or its refusal as the import report (nothing stored)."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from core import jobs
from core.models import Job
from signals import imports
from signals.models import Attendance, FeedUpload, ReviewTask
from signals.tests.ui_support import attendance_rows, csv_file, test_nhs_number

BORN = dt.date(2018, 4, 9)
HEADER = ["NHS number", "Date of birth", "Arrival", "Setting"]


@pytest.fixture(autouse=True)
def small_job_threshold(settings):
    settings.VIGIL = {**(getattr(settings, "VIGIL", None) or {}), "SIGNALS_IMPORT_JOB_ROWS": 2}


def three_attendances(name="big.csv"):
    return csv_file(name, HEADER, attendance_rows(test_nhs_number(300), BORN, (60, 30, 5)))


def refused_file():
    rows = attendance_rows(test_nhs_number(300), BORN, (60, 30, 5))
    rows[1] = ("9990000000", *rows[1][1:])  # a wrong check digit
    return csv_file("bad.csv", HEADER, rows)


class TestCounting:
    def test_csv_rows_are_line_breaks_less_the_header(self):
        upload = SimpleUploadedFile("a.csv", b"h\n1\n2\n3")
        assert imports.rows_estimate(upload, "a.csv") == 3 and upload.read(1) == b"h"  # left at its start
        assert imports.rows_estimate(SimpleUploadedFile("b.csv", b"h\n1\n"), "b.csv") == 1
        assert imports.rows_estimate(SimpleUploadedFile("c.csv", b""), "c.csv") == 0

    def test_an_xlsx_is_judged_by_its_size(self):
        upload = SimpleUploadedFile("a.xlsx", b"x" * (imports.XLSX_BYTES_PER_ROW * 3))
        assert imports.rows_estimate(upload, "a.xlsx") == 3 and imports.goes_to_job(upload, "a.xlsx")


class TestPage:
    def test_a_large_file_is_queued_then_imported_and_evaluated(self, world, user, client_for):
        client = client_for(user)
        response = client.post("/signals/uploads/attendances/", {"file": three_attendances()})
        job = Job.objects.get(kind="signals.import")
        assert response.status_code == 302 and response["Location"] == f"/signals/uploads/jobs/{job.pk}/"
        assert not Attendance.objects.exists()  # nothing imported in the request
        page = client.get(response["Location"]).content.decode()
        assert "Queued" in page and "Check the progress again" in page
        assert f"/signals/uploads/jobs/{job.pk}/" in client.get("/signals/uploads/").content.decode()

        assert jobs.run_pending() == 1
        page = client.get(response["Location"]).content.decode()
        assert "Imported" in page and "3 new record(s)" in page and "Check the progress again" not in page
        assert FeedUpload.objects.get().rows == 3
        assert ReviewTask.objects.filter(signal="S1").count() == 1  # the rules were evaluated by the job

    def test_a_refused_file_shows_the_import_report_and_stores_nothing(self, world, user, client_for):
        client = client_for(user)
        response = client.post("/signals/uploads/attendances/", {"file": refused_file()})
        assert jobs.run_pending() == 1
        page = client.get(response["Location"]).content.decode()
        assert (
            "The file was refused: nothing was stored" in page
            and "bad.csv, row 3, column A: This is not a valid NHS number" in page
        )
        assert not Attendance.objects.exists() and not FeedUpload.objects.exists()

    def test_a_small_file_is_still_imported_at_once(self, world, user, client_for):
        small = csv_file("small.csv", HEADER, attendance_rows(test_nhs_number(300), BORN, (60, 30)))
        response = client_for(user).post("/signals/uploads/attendances/", {"file": small})
        assert response["Location"] == "/signals/uploads/" and not Job.objects.exists()

    def test_another_organisations_job_is_not_found(self, world, user, client_for):
        client_for(user).post("/signals/uploads/attendances/", {"file": three_attendances()})
        job = Job.objects.get()
        other = client_for(world.other_provider_user)
        assert other.get(f"/signals/uploads/jobs/{job.pk}/").status_code == 404
        assert job.payload["name"] not in other.get("/signals/uploads/").content.decode()


class TestApi:
    def test_202_with_the_job_to_poll_then_its_result(self, world, user):
        api = world.api(user)
        answer = api.post("/api/v1/signals/uploads/", {"feed": "attendances", "file": three_attendances()})
        assert answer.status_code == 202, answer.json()
        body = answer.json()
        assert body["status"] == "queued" and body["url"] == f"/api/v1/signals/uploads/jobs/{body['id']}/"
        assert body["page"] == f"/signals/uploads/jobs/{body['id']}/"
        assert api.get(body["url"]).json()["status"] == "queued"
        jobs.run_pending()
        done = api.get(body["url"]).json()
        assert done["status"] == "done" and done["new_records"] == 3 and done["upload"] == FeedUpload.objects.get().pk
        assert world.api(world.other_provider_user).get(body["url"]).status_code == 404

    def test_a_refused_job_answers_the_import_report(self, world, user):
        api = world.api(user)
        body = api.post("/api/v1/signals/uploads/", {"feed": "attendances", "file": refused_file()}).json()
        jobs.run_pending()
        refused = api.get(body["url"]).json()
        assert refused["status"] == "refused" and any("row 3" in line for line in refused["file"])
        assert not FeedUpload.objects.exists()

    def test_a_large_file_of_the_wrong_kind_is_refused_at_once(self, world, user):
        upload = SimpleUploadedFile("big.txt", b"a\n" * 10)
        answer = world.api(user).post("/api/v1/signals/uploads/", {"feed": "attendances", "file": upload})
        assert answer.status_code == 400 and "file" in answer.json() and not Job.objects.exists()
