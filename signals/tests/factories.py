"""Test data for the signals app, built through the real imports and actions. Synthetic NHS numbers only (the test
range 999 000 0000 to 999 999 9999, with their modulus 11 check digit)."""

import datetime as dt
import io

from django.utils import timezone

from core.tests.synthetic import synthetic_nhs_number
from signals import actions, imports

BORN = dt.date(2018, 5, 1)  # a child's date of birth


def nhs_numbers(count, start=999_000_100):
    """`count` distinct valid test-range NHS numbers."""
    found, base = [], start
    while len(found) < count:
        number = synthetic_nhs_number(f"{base:09d}")
        if number:
            found.append(number)
        base += 1
    return found


def csv_file(header, rows):
    lines = [",".join(header), *(",".join(str(v) for v in row) for row in rows)]
    return io.BytesIO(("\n".join(lines) + "\n").encode())


def arrival(day, hour=10):
    """The arrival on `day` at `hour`; today at midnight (a test run before 10:00 would send an arrival in the
    future, which the import refuses)."""
    return f"{day:%Y-%m-%d} {0 if day >= timezone.localdate() else hour:02d}:00"


def attendance_rows(number, born, days, setting="emergency_department"):
    return [(number, f"{born:%Y-%m-%d}", arrival(day), setting) for day in days]


ATTENDANCE_HEADER = ("NHS number", "Date of birth", "Arrival", "Setting")
NOTIFICATION_HEADER = ("Notification date", "Household", "Police reference", "Severity", "NHS number", "Age")


def import_attendances(organisation, user, rows, name="attendances.csv"):
    return imports.do_import(
        organisation=organisation,
        feed="attendances",
        upload=csv_file(ATTENDANCE_HEADER, rows),
        name=name,
        acting_user=user,
    )


def import_notifications(organisation, user, rows, name="notifications.csv"):
    return imports.do_import(
        organisation=organisation,
        feed="domestic_abuse",
        upload=csv_file(NOTIFICATION_HEADER, rows),
        name=name,
        acting_user=user,
    )


def days_before_today(*offsets):
    today = timezone.localdate()
    return [today - dt.timedelta(days=offset) for offset in offsets]


def evaluate(world, user):
    """The provider's rules evaluated by `user`; returns the evaluation's counts per signal."""
    return actions.do_evaluate(world.provider, acting_user=user)
