"""Shared set-up of the page tests: a practice's extracts imported through the core's import, rules evaluated."""

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from signals import actions, imports


def test_nhs_number(seed):
    """A valid NHS number from the test range 999 000 0000-999 999 9999 (modulus 11)."""
    n = seed
    while True:
        body = f"999{n:06d}"
        total = sum(int(d) * w for d, w in zip(body, range(10, 1, -1), strict=True))
        check = 11 - total % 11
        if check != 10:
            return body + str(0 if check == 11 else check)
        n += 1


test_nhs_number.__test__ = False  # a helper, not a test


def csv_file(name, header, rows):
    text = "\n".join([",".join(header), *(",".join(map(str, row)) for row in rows)]) + "\n"
    return SimpleUploadedFile(name, text.encode())


def attendance_rows(number, born, days_ago):
    today = timezone.localdate()
    return [
        (number, born.isoformat(), f"{(today - dt.timedelta(days=d)).isoformat()} 10:{i:02d}", "ED")
        for i, d in enumerate(days_ago)
    ]


def seed(organisation, user, *, offset=0):
    """One child with three attendances (an S1 review), one household with four notifications (an S3 review).
    Returns (child number, date of birth)."""
    number, born = test_nhs_number(100 + offset * 50), dt.date(2019, 5, 17)
    extract = csv_file(
        "attendances.csv",
        ["NHS number", "Date of birth", "Arrival", "Setting"],
        attendance_rows(number, born, (90, 40, 5)),
    )
    imports.do_import(
        organisation=organisation, feed="attendances", upload=extract, name=extract.name, acting_user=user
    )
    today = timezone.localdate()
    notifications = csv_file(
        "da.csv",
        ["Notification date", "Household", "Police reference", "Severity", "NHS number", "Age"],
        [
            ((today - dt.timedelta(days=d)).isoformat(), f"HH-{offset}", f"P{offset}{d}", "high", number, 6)
            for d in (100, 60, 30, 3)
        ],
    )
    imports.do_import(
        organisation=organisation,
        feed="domestic_abuse",
        upload=notifications,
        name=notifications.name,
        acting_user=user,
    )
    actions.do_evaluate(organisation, acting_user=user)
    return number, born
