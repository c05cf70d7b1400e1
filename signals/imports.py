"""Imports of the extracts a team receives: CSV or XLSX (first sheet), one shape per feed (docs/signals.md).

Every import is all-or-nothing: the whole file is read and checked first, and any problem refuses it with a report
naming the row and column (`core.imports.Problems`); nothing is stored from that file. It is idempotent: each row
has a natural key (an attendance: child, arrival, setting; a notification: household, date, police reference and
child...), and a row already held, or repeated in the file, counts once. Rows are written in bulk, one audit entry
per record (core.audit.log_many). A file of more than SIGNALS_IMPORT_JOB_ROWS rows runs as a stored job
(`enqueue_import`, core.jobs), calling the same `do_import`.

Headers are matched case-insensitively, spaces and underscores alike; the optional `organisation` column holds an
ODS code, which must be the organisation's own or one of its sites'.
"""

import csv
import datetime as dt
import io
import uuid
from dataclasses import dataclass, field

from auditlog.models import LogEntry
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from core.actions import audited
from core.audit import log_many
from core.imports import Limits, Problems, open_workbook, sheet_rows
from core.jobs import enqueue, register_job
from core.uploads import extension_of, format_size
from organisations.models import Organisation
from signals import conf, rules
from signals.actions import children_for, chunks, lock_organisation
from signals.choices import Feed, FlagKind, Setting, Severity
from signals.models import (
    Attendance,
    CpisFlag,
    DomesticAbuseNotification,
    FeedUpload,
    GpCode,
    Household,
    MissedAppointment,
    NotificationChild,
)

ADULT_AGE = 18

# Columns of each feed: (name, required). Aliases: the words teams' systems use for the same column.
COLUMNS = {
    Feed.ATTENDANCES: [("nhs_number", True), ("date_of_birth", True), ("arrival", True), ("setting", True)],
    Feed.DOMESTIC_ABUSE: [
        ("notification_date", True),
        ("household", True),
        ("police_reference", False),
        ("severity", True),
        ("nhs_number", True),
        ("age", True),
        ("date_of_birth", False),
    ],
    Feed.MISSED_APPOINTMENTS: [
        ("nhs_number", True),
        ("date_of_birth", False),
        ("appointment_date", True),
        ("service", True),
    ],
    Feed.CPIS: [
        ("nhs_number", True),
        ("date_of_birth", False),
        ("flag", True),
        ("start_date", True),
        ("end_date", False),
        ("local_authority", False),
    ],
    Feed.GP_CODES: [("nhs_number", True), ("date_of_birth", False), ("snomed_code", True), ("recorded_on", True)],
}
ALIASES = {
    "nhs_no": "nhs_number",
    "nhs": "nhs_number",
    "dob": "date_of_birth",
    "birth_date": "date_of_birth",
    "arrival_date_time": "arrival",
    "arrival_date_and_time": "arrival",
    "arrived_at": "arrival",
    "household_key": "household",
    "date": "notification_date",
    "code": "snomed_code",
    "snomed_ct_code": "snomed_code",
    "date_recorded": "recorded_on",
    "ods_code": "organisation",
}
SETTING_WORDS = {
    "ed": Setting.EMERGENCY_DEPARTMENT,
    "a&e": Setting.EMERGENCY_DEPARTMENT,
    "emergency department": Setting.EMERGENCY_DEPARTMENT,
    "utc": Setting.URGENT_TREATMENT_CENTRE,
    "urgent treatment centre": Setting.URGENT_TREATMENT_CENTRE,
    "wic": Setting.WALK_IN_CENTRE,
    "walk-in centre": Setting.WALK_IN_CENTRE,
    "walk in centre": Setting.WALK_IN_CENTRE,
    "111": Setting.NHS_111,
    "nhs 111": Setting.NHS_111,
    **{value: value for value in Setting.values},
    **{label.lower(): value for value, label in Setting.choices},
}
SEVERITY_WORDS = {**{v: v for v in Severity.values}, **{label.lower(): v for v, label in Severity.choices}}
FLAG_WORDS = {
    **{v: v for v in FlagKind.values},
    **{label.lower(): v for v, label in FlagKind.choices},
    "child protection plan": FlagKind.CHILD_PROTECTION_PLAN,
    "cp": FlagKind.CHILD_PROTECTION_PLAN,
    "cic": FlagKind.CHILD_IN_CARE,
    "lac": FlagKind.CHILD_IN_CARE,
    "looked after": FlagKind.CHILD_IN_CARE,
    "child in care": FlagKind.CHILD_IN_CARE,
    "in care": FlagKind.CHILD_IN_CARE,
    "unborn": FlagKind.UNBORN,
}


# ---------------------------------------------------------------------------------------------- reading


def limits():
    base = Limits.from_settings()
    return Limits(
        max_bytes=int(conf.get("SIGNALS_IMPORT_MAX_BYTES")),
        max_uncompressed_bytes=max(base.max_uncompressed_bytes, 5 * int(conf.get("SIGNALS_IMPORT_MAX_BYTES"))),
        max_zip_members=base.max_zip_members,
        max_sheets=base.max_sheets,
        max_rows=int(conf.get("SIGNALS_IMPORT_MAX_ROWS")) + 1,
        max_columns=base.max_columns,
        max_problems_shown=base.max_problems_shown,
    )


def read_file(upload, name):
    """(where, [(row number, values)]) of a CSV or XLSX (first sheet) within the limits; a refusal names "file"."""
    bounds = limits()
    extension = extension_of(name)
    if extension == "csv":
        data = upload.read(bounds.max_bytes + 1) if hasattr(upload, "read") else bytes(upload)
        if len(data) > bounds.max_bytes:
            raise ValidationError({"file": f"The file is larger than {format_size(bounds.max_bytes)}."})
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise ValidationError({"file": "The file is not UTF-8 text: save the CSV as UTF-8."}) from error
        if "\x00" in text:
            raise ValidationError({"file": "The file is not a CSV file."})
        rows = []
        for number, values in enumerate(csv.reader(io.StringIO(text)), start=1):
            if number > bounds.max_rows:
                raise ValidationError({"file": f"The file has more than {bounds.max_rows - 1:,} data rows."})
            if any(v.strip() for v in values):
                rows.append((number, tuple(values)))
        return name, rows
    if extension != "xlsx":
        raise ValidationError({"file": "Upload the extract as a CSV or XLSX file."})
    with open_workbook(upload, limits=bounds, field="file", what="an XLSX workbook") as book:
        sheet = book.worksheets[0]
        first = next(sheet_rows(sheet, width=bounds.max_columns, field="file"), None)
        if first is None:
            return f"{name}, sheet {sheet.title}", []
        width = max((i for i, v in enumerate(first[1], start=1) if v not in (None, "")), default=1)
        return f"{name}, sheet {sheet.title}", list(sheet_rows(sheet, width=width, field="file"))


def _header_name(value):
    name = str(value or "").strip().lower().replace(" ", "_").replace("-", "_")
    return ALIASES.get(name, name)


# --------------------------------------------------------------------------------------------- checking


@dataclass
class Checked:
    """The checked rows of a file, ready to write: people, and per feed the records by natural key."""

    rows: int = 0
    people: dict = field(default_factory=dict)  # nhs number -> (date of birth, is mother)
    records: dict = field(default_factory=dict)  # natural key -> (row number, fields)


class RowReader:
    def __init__(self, where, number, values, positions, problems, organisation_codes):
        self.where, self.number, self.values, self.positions = where, number, values, positions
        self.problems, self.organisation_codes, self.ok = problems, organisation_codes, True

    def column(self, name):
        return self.positions[name] + 1

    def raw(self, name):
        index = self.positions.get(name)
        if index is None or index >= len(self.values):
            return None
        value = self.values[index]
        return value.strip() if isinstance(value, str) else value

    def problem(self, name, message):
        self.ok = False
        self.problems.add(message, self.where, self.number, self.column(name))

    def text(self, name, required=True, max_length=150):
        value = self.raw(name)
        value = "" if value is None else str(value).strip()
        if not value and required:
            self.problem(name, "This column is required.")
        elif len(value) > max_length:
            self.problem(name, f"At most {max_length} characters.")
        return value

    def date(self, name, required=True):
        value = self.raw(name)
        if value in (None, ""):
            if required:
                self.problem(name, "Enter a date.")
            return None
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
            try:
                return dt.datetime.strptime(str(value), pattern).date()
            except ValueError:
                continue
        self.problem(name, f"'{value}' is not a date (use YYYY-MM-DD or DD/MM/YYYY).")
        return None

    def moment(self, name):
        value = self.raw(name)
        if value in (None, ""):
            self.problem(name, "Enter the date and time.")
            return None
        if not isinstance(value, dt.datetime):
            text = str(value).replace("T", " ")
            for pattern in ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M"):
                try:
                    value = dt.datetime.strptime(text, pattern)
                    break
                except ValueError:
                    continue
            else:
                self.problem(name, f"'{value}' is not a date and time (use YYYY-MM-DD HH:MM).")
                return None
        if timezone.is_naive(value):
            value = timezone.make_aware(value)
        return value

    def nhs_number(self):
        value = self.raw("nhs_number")
        problem = rules.nhs_number_problem(value)
        if problem:
            self.problem("nhs_number", problem)
            return None
        return rules.normalise_nhs_number(value)

    def choice(self, name, words, what):
        value = self.text(name)
        if value and value.lower() not in words:
            self.problem(name, f"Unknown {what} '{value}'.")
            return None
        return words.get(value.lower()) if value else None

    def organisation_ok(self):
        code = self.raw("organisation")
        if code not in (None, "") and str(code).strip().upper() not in self.organisation_codes:
            self.problem(
                "organisation", f"This row is for {str(code).strip()}: it is not part of this organisation's feed."
            )

    def child_age_ok(self, born, on, column, what):
        if born and on and born > on:
            self.problem("date_of_birth", f"The date of birth is after the {what}.")
        elif born and on and rules.age_on(born, on) >= ADULT_AGE:
            self.problem(column, f"This person was {ADULT_AGE} or over on the {what}: not a child for this feed.")


def positions_of(header, feed, where, number, problems):
    positions = {}
    for index, value in enumerate(header):
        name = _header_name(value)
        if name and name not in positions:
            positions[name] = index
    for name, required in COLUMNS[feed]:
        if required and name not in positions:
            problems.add(f"The column '{name.replace('_', ' ')}' is missing.", where, number)
    return positions


def check_file(organisation, feed, where, rows, today):
    """(Checked, Problems) for a file's rows."""
    problems, checked = Problems(), Checked()
    if not rows:
        problems.add("The file has no rows.")
        return checked, problems
    (header_number, header), body = rows[0], rows[1:]
    positions = positions_of(header, feed, where, header_number, problems)
    if problems:
        return checked, problems
    own = Organisation.objects.filter(Q(pk=organisation.pk) | Q(parent=organisation))
    codes = {str(code).upper() for code in own.values_list("ods_code", flat=True) if code}
    check_row = CHECKS[feed]
    for number, values in body:
        row = RowReader(where, number, values, positions, problems, codes)
        row.organisation_ok()
        result = check_row(row, today)
        if row.ok and result is not None:
            number_, born, mother, key, fields = result
            held_born, held_mother = checked.people.get(number_, (None, mother))
            checked.people[number_] = (held_born or born, held_mother or mother)
            checked.records.setdefault(key, (number, fields))
        checked.rows += 1
    return checked, problems


def _check_attendance(row, today):
    number = row.nhs_number()
    born = row.date("date_of_birth")
    arrived = row.moment("arrival")
    setting = row.choice("setting", SETTING_WORDS, "setting")
    if arrived and arrived > timezone.now():
        row.problem("arrival", "The arrival is in the future.")
    row.child_age_ok(born, arrived and timezone.localtime(arrived).date(), "arrival", "arrival")
    if not row.ok:
        return None
    return number, born, False, (number, arrived, setting), {"arrived_at": arrived, "setting": setting}


def whole_number(value):
    if isinstance(value, (int, float)) and not isinstance(value, bool) and float(value).is_integer():
        return int(value)
    text = str(value or "").strip()
    return int(text) if text.isascii() and text.isdigit() else None


def _check_notification(row, today):
    day = row.date("notification_date")
    household = row.text("household", max_length=60)
    reference = row.text("police_reference", required=False, max_length=60)
    severity = row.choice("severity", SEVERITY_WORDS, "severity")
    number = row.nhs_number()
    born = row.date("date_of_birth", required=False)
    age_text = row.raw("age")
    age = whole_number(age_text)
    if age is None:
        row.problem("age", "Enter the child's age in whole years.")
    elif not 0 <= age < ADULT_AGE:
        row.problem("age", f"An age from 0 to {ADULT_AGE - 1}: this row is not about a child.")
    if day and day > today:
        row.problem("notification_date", "The notification date is in the future.")
    if born and day:
        row.child_age_ok(born, day, "date_of_birth", "notification date")
    if household and rules.normalise_nhs_number(household):
        row.problem("household", "A household key is the team's own reference, never an NHS number.")
    if not row.ok:
        return None
    fields = {"household": household, "notified_on": day, "police_reference": reference, "severity": severity}
    return number, born, False, (household, day, reference, number), fields | {"age": age}


def _check_missed(row, today):
    number = row.nhs_number()
    born = row.date("date_of_birth", required=False)
    day = row.date("appointment_date")
    service = row.text("service", max_length=100)
    if day and day > today:
        row.problem("appointment_date", "The appointment date is in the future.")
    row.child_age_ok(born, day, "appointment_date", "appointment date")
    if not row.ok:
        return None
    return number, born, False, (number, day, service), {"appointment_on": day, "service": service}


def _check_flag(row, today):
    number = row.nhs_number()
    born = row.date("date_of_birth", required=False)
    kind = row.choice("flag", FLAG_WORDS, "flag")
    starts = row.date("start_date")
    ends = row.date("end_date", required=False)
    authority = row.text("local_authority", required=False)
    if starts and ends and ends < starts:
        row.problem("end_date", "The end date is before the start date.")
    if kind != FlagKind.UNBORN:  # an unborn child's flag carries the mother's number and date of birth
        row.child_age_ok(born, starts, "start_date", "start date")
    if not row.ok:
        return None
    fields = {"kind": kind, "starts_on": starts, "ends_on": ends, "local_authority": authority}
    return number, born, kind == FlagKind.UNBORN, (number, kind, starts), fields


def _check_code(row, today):
    number = row.nhs_number()
    born = row.date("date_of_birth", required=False)
    code = row.text("snomed_code", max_length=18)
    day = row.date("recorded_on")
    if code and (problem := rules.snomed_code_problem(code)):
        row.problem("snomed_code", problem)
    if day and day > today:
        row.problem("recorded_on", "The date is in the future.")
    row.child_age_ok(born, day, "recorded_on", "date recorded")
    if not row.ok:
        return None
    return number, born, False, (number, code, day), {"code": code, "recorded_on": day}


CHECKS = {
    Feed.ATTENDANCES: _check_attendance,
    Feed.DOMESTIC_ABUSE: _check_notification,
    Feed.MISSED_APPOINTMENTS: _check_missed,
    Feed.CPIS: _check_flag,
    Feed.GP_CODES: _check_code,
}


# ---------------------------------------------------------------------------------------------- writing


def do_import(*, organisation, feed, upload, name, acting_user, today=None):
    """Import one extract all-or-nothing (a ValidationError on "file" with the report when any row is wrong);
    returns the FeedUpload with the counts of new and already held records."""
    if feed not in Feed.values:
        raise ValidationError({"feed": "Choose a feed."})
    today = today or timezone.localdate()
    where, rows = read_file(upload, name)
    checked, problems = check_file(organisation, feed, where, rows, today)
    problems.raise_if_any("file")
    with audited(acting_user), transaction.atomic():
        lock_organisation(organisation.pk)  # after an evaluation, not under it: its markers trust the ids (actions)
        record = FeedUpload.objects.create(
            organisation=organisation, feed=feed, file_name=name[:200], uploaded_by=acting_user, rows=checked.rows
        )
        extra = {"upload": record.pk, "file": record.file_name}
        children = children_for(organisation, checked.people, acting_user=acting_user, extra=extra)
        new, new_rows = WRITERS[feed](organisation, record, checked, children)
        for instance in new:
            instance.organisation = organisation
        log_many(
            [(instance, {"upload": ["", str(record.pk)]}, extra) for instance in new],
            action=LogEntry.Action.CREATE,
            actor=acting_user,
        )
        record.new_records, record.already_held = len(new), checked.rows - new_rows
        record.save(update_fields=["new_records", "already_held"])
    return record


def _by_child_key(model, organisation, children, key_fields):
    child_ids = [c.pk for c in children.values()]
    return {
        key
        for chunk in chunks(child_ids)
        for key in model.objects.filter(organisation=organisation, child_id__in=chunk).values_list(*key_fields)
    }


def _write_attendances(organisation, record, checked, children):
    held = _by_child_key(Attendance, organisation, children, ("child_id", "arrived_at", "setting"))
    new = []
    for (number, arrived, setting), (_row, fields) in checked.records.items():
        child = children[number]
        if (child.pk, arrived, setting) not in held:
            new.append(Attendance(organisation=organisation, child=child, upload=record, **fields))
    Attendance.objects.bulk_create(new, batch_size=2000)
    return new, len(new)


def _write_missed(organisation, record, checked, children):
    held = _by_child_key(MissedAppointment, organisation, children, ("child_id", "appointment_on", "service"))
    new = [
        MissedAppointment(organisation=organisation, child=children[number], upload=record, **fields)
        for (number, day, service), (_row, fields) in checked.records.items()
        if (children[number].pk, day, service) not in held
    ]
    MissedAppointment.objects.bulk_create(new, batch_size=2000)
    return new, len(new)


def _write_flags(organisation, record, checked, children):
    held = _by_child_key(CpisFlag, organisation, children, ("child_id", "kind", "starts_on"))
    new = [
        CpisFlag(organisation=organisation, child=children[number], upload=record, **fields)
        for (number, kind, starts), (_row, fields) in checked.records.items()
        if (children[number].pk, kind, starts) not in held
    ]
    CpisFlag.objects.bulk_create(new, batch_size=2000)
    return new, len(new)


def _write_codes(organisation, record, checked, children):
    held = _by_child_key(GpCode, organisation, children, ("child_id", "code", "recorded_on"))
    new = [
        GpCode(organisation=organisation, child=children[number], upload=record, **fields)
        for (number, code, day), (_row, fields) in checked.records.items()
        if (children[number].pk, code, day) not in held
    ]
    GpCode.objects.bulk_create(new, batch_size=2000)
    return new, len(new)


def _write_notifications(organisation, record, checked, children):
    """Households by key (created when new), notifications by (household, date, police reference), the children
    named in them by (notification, child)."""
    keys = {fields["household"] for _row, fields in checked.records.values()}
    households = {h.key: h for h in Household.objects.filter(organisation=organisation, key__in=keys)}
    new_households = [Household(organisation=organisation, key=key) for key in sorted(keys - set(households))]
    Household.objects.bulk_create(new_households, batch_size=2000)
    households.update({h.key: h for h in new_households})
    held = {
        (n.household_id, n.notified_on, n.police_reference): n
        for chunk in chunks([h.pk for h in households.values()])
        for n in DomesticAbuseNotification.objects.filter(organisation=organisation, household_id__in=chunk)
    }
    notifications, new_notifications = dict(held), []
    for _row, fields in checked.records.values():
        household = households[fields["household"]]
        key = (household.pk, fields["notified_on"], fields["police_reference"])
        if key not in notifications:
            notification = DomesticAbuseNotification(
                organisation=organisation,
                household=household,
                notified_on=fields["notified_on"],
                police_reference=fields["police_reference"],
                severity=fields["severity"],
                upload=record,
            )
            notifications[key] = notification
            new_notifications.append(notification)
    DomesticAbuseNotification.objects.bulk_create(new_notifications, batch_size=2000)
    linked = {
        pair
        for chunk in chunks([n.pk for n in held.values()])
        for pair in NotificationChild.objects.filter(notification_id__in=chunk).values_list(
            "notification_id", "child_id"
        )
    }
    links = []
    for (_household, _day, _reference, number), (_row, fields) in checked.records.items():
        household = households[fields["household"]]
        notification = notifications[(household.pk, fields["notified_on"], fields["police_reference"])]
        child = children[number]
        if (notification.pk, child.pk) not in linked:
            linked.add((notification.pk, child.pk))
            link = NotificationChild(notification=notification, child=child, age_at_notification=fields["age"])
            links.append(link)
    NotificationChild.objects.bulk_create(links, batch_size=2000)
    for link in links:
        link.notification.organisation = organisation
    return [*new_households, *new_notifications, *links], len(links)


WRITERS = {
    Feed.ATTENDANCES: _write_attendances,
    Feed.DOMESTIC_ABUSE: _write_notifications,
    Feed.MISSED_APPOINTMENTS: _write_missed,
    Feed.CPIS: _write_flags,
    Feed.GP_CODES: _write_codes,
}


# ------------------------------------------------------------------------------------------- large files


IMPORT_JOB = "signals.import"
XLSX_BYTES_PER_ROW = 25  # a zipped row of a four- to seven-column extract: 5,000 rows are about 128 KB


def needs_job(rows):
    return rows > int(conf.get("SIGNALS_IMPORT_JOB_ROWS"))


def rows_estimate(upload, name):
    """The data rows of an uploaded file, without parsing it: a CSV's line breaks less the header (a line break
    inside a quoted value counts too, so a file may go to the job a little early), an XLSX's size over
    XLSX_BYTES_PER_ROW (counting its rows means unzipping and parsing the sheet). The file is left at its start."""
    if extension_of(name) != "csv":
        size = getattr(upload, "size", None)
        return (size if size is not None else len(upload.read())) // XLSX_BYTES_PER_ROW
    breaks, last = 0, b"\n"
    for chunk in upload.chunks() if hasattr(upload, "chunks") else [upload.read()]:
        breaks += chunk.count(b"\n")
        last = chunk[-1:] or last
    upload.seek(0)
    return max(breaks + (last != b"\n") - 1, 0)


def goes_to_job(upload, name):
    """Is this file imported by a stored job rather than in the request (more than SIGNALS_IMPORT_JOB_ROWS)?"""
    rows = rows_estimate(upload, name)
    upload.seek(0)
    return needs_job(rows)


def enqueue_import(*, organisation, feed, upload, name, acting_user):
    """Store the file privately and queue its import as a stored job; the job deletes the file when done. A file of
    the wrong kind or too large is refused at once (under "file"), as the import would refuse it."""
    if extension_of(name) not in ("csv", "xlsx"):
        raise ValidationError({"file": "Upload the extract as a CSV or XLSX file."})
    bounds = limits()
    data = upload.read(bounds.max_bytes + 1) if hasattr(upload, "read") else bytes(upload)
    if len(data) > bounds.max_bytes:
        raise ValidationError({"file": f"The file is larger than {format_size(bounds.max_bytes)}."})
    path = default_storage.save(f"signals/imports/{uuid.uuid4().hex}.{extension_of(name)}", ContentFile(data))
    payload = {
        "organisation": organisation.pk,
        "feed": feed,
        "path": path,
        "name": name[:200],
        "user": getattr(acting_user, "pk", None),
    }
    return enqueue(IMPORT_JOB, payload, acting_user=acting_user)


@register_job(IMPORT_JOB)
def run_import_job(payload):
    from core.models import User
    from signals.actions import do_evaluate

    organisation = Organisation.objects.get(pk=payload["organisation"])
    user = User.objects.filter(pk=payload.get("user")).first()
    try:
        with default_storage.open(payload["path"], "rb") as handle:
            try:
                record = do_import(
                    organisation=organisation,
                    feed=payload["feed"],
                    upload=handle,
                    name=payload["name"],
                    acting_user=user,
                )
            except ValidationError as error:  # the import report: nothing was stored
                return {"refused": error.message_dict.get("file", error.messages)}
    finally:
        default_storage.delete(payload["path"])
    evaluated = do_evaluate(organisation, acting_user=user)  # the new rows may fire a rule at once
    return {
        "upload": record.pk,
        "rows": record.rows,
        "new_records": record.new_records,
        "already_held": record.already_held,
        "evaluated": evaluated,
    }
