"""Imports: every feed shape, idempotent re-import, all-or-nothing, a report naming row and column, XLSX, jobs."""

import datetime as dt
import io

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from openpyxl import Workbook

from core import jobs
from signals import imports
from signals.models import (
    Attendance,
    Child,
    CpisFlag,
    DomesticAbuseNotification,
    FeedUpload,
    GpCode,
    Household,
    MissedAppointment,
    NotificationChild,
)
from signals.tests.factories import (
    ATTENDANCE_HEADER,
    BORN,
    attendance_rows,
    csv_file,
    days_before_today,
    import_attendances,
    import_notifications,
    nhs_numbers,
)


def refused(call):
    with pytest.raises(ValidationError) as error:
        call()
    return error.value.message_dict["file"]


class TestAttendances:
    def test_the_same_rows_twice_count_once(self, world, user):
        number = nhs_numbers(1)[0]
        rows = attendance_rows(number, BORN, days_before_today(40, 20, 5))
        first = import_attendances(world.provider, user, rows + rows[:1])
        assert (first.rows, first.new_records, first.already_held) == (4, 3, 1)
        again = import_attendances(world.provider, user, rows)
        assert (again.new_records, again.already_held) == (0, 3)
        assert Attendance.objects.count() == 3 and Child.objects.count() == 1

    def test_codes_and_labels_name_a_setting(self, world, user):
        number = nhs_numbers(1)[0]
        days = days_before_today(9, 8, 7, 6)
        rows = [
            (number, BORN, f"{days[0]:%Y-%m-%d}T09:30", "ED"),
            (number, BORN, f"{days[1]:%d/%m/%Y} 09:30", "NHS 111"),
            (number, BORN, f"{days[2]:%Y-%m-%d} 09:30:00", "Walk-in centre"),
            (number, BORN, f"{days[3]:%Y-%m-%d} 09:30", "urgent_treatment_centre"),
        ]
        import_attendances(world.provider, user, rows)
        assert sorted(Attendance.objects.values_list("setting", flat=True)) == [
            "emergency_department",
            "nhs_111",
            "urgent_treatment_centre",
            "walk_in_centre",
        ]

    def test_bad_rows_refuse_the_whole_file_with_row_and_column(self, world, user):
        good, other = nhs_numbers(2)
        future = timezone.localtime() + dt.timedelta(days=2)
        yesterday = days_before_today(1)[0]
        rows = [
            (good, BORN, f"{yesterday:%Y-%m-%d} 10:00", "emergency_department"),
            (good[:9] + str((int(good[9]) + 1) % 10), BORN, f"{yesterday:%Y-%m-%d} 10:00", "emergency_department"),
            (other, BORN, f"{future:%Y-%m-%d %H:%M}", "emergency_department"),
            (other, yesterday + dt.timedelta(days=1), f"{yesterday:%Y-%m-%d} 10:00", "emergency_department"),
            (other, BORN, f"{yesterday:%Y-%m-%d} 11:00", "dentist"),
        ]
        report = refused(lambda: import_attendances(world.provider, user, rows, name="ed.csv"))
        assert report == [
            "ed.csv, row 3, column A: This is not a valid NHS number: its check digit is wrong.",
            "ed.csv, row 4, column C: The arrival is in the future.",
            "ed.csv, row 5, column B: The date of birth is after the arrival.",
            "ed.csv, row 6, column D: Unknown setting 'dentist'.",
        ]
        assert not Attendance.objects.exists() and not Child.objects.exists() and not FeedUpload.objects.exists()

    def test_a_row_for_another_organisation_or_an_adult_is_refused(self, world, user):
        number = nhs_numbers(1)[0]
        yesterday = days_before_today(1)[0]
        header = (*ATTENDANCE_HEADER, "Organisation")
        rows = [
            (number, BORN, f"{yesterday:%Y-%m-%d} 10:00", "ed", world.provider.ods_code),
            (number, BORN, f"{yesterday:%Y-%m-%d} 11:00", "ed", world.other_provider.ods_code),
            (number, dt.date(1990, 1, 1), f"{yesterday:%Y-%m-%d} 12:00", "ed", ""),
        ]
        upload = csv_file(header, rows)
        report = refused(
            lambda: imports.do_import(
                organisation=world.provider, feed="attendances", upload=upload, name="x.csv", acting_user=user
            )
        )
        assert report == [
            f"x.csv, row 3, column E: This row is for {world.other_provider.ods_code}: it is not part of this "
            "organisation's feed.",
            "x.csv, row 4, column C: This person was 18 or over on the arrival: not a child for this feed.",
        ]
        assert not Attendance.objects.exists()

    def test_a_missing_column_and_a_wrong_file_type(self, world, user):
        upload = csv_file(("NHS number", "Arrival"), [])
        report = refused(
            lambda: imports.do_import(
                organisation=world.provider, feed="attendances", upload=upload, name="x.csv", acting_user=user
            )
        )
        assert report == [
            "x.csv, row 1: The column 'date of birth' is missing.",
            "x.csv, row 1: The column 'setting' is missing.",
        ]
        report = refused(
            lambda: imports.do_import(
                organisation=world.provider,
                feed="attendances",
                upload=io.BytesIO(b"x"),
                name="x.txt",
                acting_user=user,
            )
        )
        assert report == ["Upload the extract as a CSV or XLSX file."]

    def test_an_xlsx_extract_with_real_dates(self, world, user):
        number = nhs_numbers(1)[0]
        book = Workbook()
        sheet = book.active
        sheet.title = "ECDS"
        sheet.append(list(ATTENDANCE_HEADER))
        sheet.append([number, BORN, dt.datetime(2026, 1, 5, 22, 15), "Emergency department"])
        data = io.BytesIO()
        book.save(data)
        data.seek(0)
        imports.do_import(
            organisation=world.provider, feed="attendances", upload=data, name="ecds.xlsx", acting_user=user
        )
        attendance = Attendance.objects.get()
        assert timezone.localtime(attendance.arrived_at).replace(tzinfo=None) == dt.datetime(2026, 1, 5, 22, 15)


class TestOtherFeeds:
    def test_notifications_group_children_by_household_and_count_once(self, world, user):
        a, b = nhs_numbers(2)
        day = days_before_today(10)[0]
        rows = [(day, "HH-1", "P/1", "high", a, 3), (day, "HH-1", "P/1", "high", b, 7)]
        first = import_notifications(world.provider, user, rows)
        assert first.new_records == 4  # a household, a notification and two children named in it
        again = import_notifications(world.provider, user, rows)
        assert again.new_records == 0 and again.already_held == 2
        assert Household.objects.get().key == "HH-1"
        assert DomesticAbuseNotification.objects.count() == 1
        assert sorted(NotificationChild.objects.values_list("age_at_notification", flat=True)) == [3, 7]

    def test_notification_problems(self, world, user):
        a = nhs_numbers(1)[0]
        future = timezone.localdate() + dt.timedelta(days=1)
        rows = [(future, "HH-1", "", "catastrophic", a, 19), (days_before_today(1)[0], a, "", "high", a, "x")]
        report = refused(lambda: import_notifications(world.provider, user, rows, name="n.csv"))
        assert report == [
            "n.csv, row 2, column D: Unknown severity 'catastrophic'.",
            "n.csv, row 2, column F: An age from 0 to 17: this row is not about a child.",
            "n.csv, row 2, column A: The notification date is in the future.",
            "n.csv, row 3, column F: Enter the child's age in whole years.",
            "n.csv, row 3, column B: A household key is the team's own reference, never an NHS number.",
        ]

    def test_missed_appointments_flags_and_gp_codes(self, world, user):
        child, mother = nhs_numbers(2)
        day = days_before_today(30)[0]

        def run(feed, header, rows):
            return imports.do_import(
                organisation=world.provider,
                feed=feed,
                upload=csv_file(header, rows),
                name=f"{feed}.csv",
                acting_user=user,
            )

        run("missed_appointments", ("NHS number", "Appointment date", "Service"), [(child, day, "Paediatrics")] * 2)
        run(
            "cpis",
            ("NHS number", "Date of birth", "Flag", "Start date", "End date", "Local authority"),
            [(child, BORN, "Child in care", day, "", "Council"), (mother, dt.date(1995, 1, 1), "unborn", day, "", "")],
        )
        run("gp_codes", ("NHS number", "SNOMED code", "Recorded on"), [(child, "342191000000101", day)])
        assert MissedAppointment.objects.count() == 1
        assert sorted(CpisFlag.objects.values_list("kind", flat=True)) == ["in_care", "unborn"]
        assert Child.objects.filter(is_expectant_mother=True).count() == 1
        assert GpCode.objects.get().code == "342191000000101"
        report = refused(
            lambda: run("gp_codes", ("NHS number", "SNOMED code", "Recorded on"), [(child, "342191000000102", day)])
        )
        assert report == [
            "gp_codes.csv, row 2, column B: This is not a valid SNOMED CT code: its check digit is wrong."
        ]


class TestLargeFiles:
    def test_an_import_runs_as_a_stored_job_and_its_file_is_deleted(self, world, user, settings):
        from django.core.files.storage import default_storage

        number = nhs_numbers(1)[0]
        upload = csv_file(ATTENDANCE_HEADER, attendance_rows(number, BORN, days_before_today(3, 2)))
        job = imports.enqueue_import(
            organisation=world.provider, feed="attendances", upload=upload, name="big.csv", acting_user=user
        )
        path = job.payload["path"]
        assert default_storage.exists(path)
        assert jobs.run_pending() == 1
        job.refresh_from_db()
        assert job.status == "done" and job.result["new_records"] == 2
        assert not default_storage.exists(path)
        assert imports.needs_job(5001) and not imports.needs_job(5000)
