"""Every change of workforce state: atomic, audited, `do_…(…, *, acting_user)`."""

import copy
import csv
import datetime as dt
import io

from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from core import actions as core_actions
from core.actions import audited, do_archive, save_fields
from core.audit import log_bulk
from core.choices import Role
from core.imports import DEFAULTS as IMPORT_DEFAULTS
from core.imports import Limits, Problems, open_workbook, sheet_rows
from core.uploads import extension_of, format_size
from workforce import conf, reference, rules
from workforce.choices import DBS_ORDER, Topic
from workforce.models import (
    CapacityEntry,
    ColumnMapping,
    CompetenceMapping,
    DbsCheck,
    ExtractUpload,
    FrameworkLevel,
    PopulationFigures,
    StaffMember,
    SupervisionAgreement,
    SupervisionSession,
    TnaRequirement,
    TrainingRecord,
    WorkforcePolicy,
)

__all__ = ["do_archive", "DBS_ORDER"]


def _create(model, *, acting_user, **fields):
    with audited(acting_user):
        instance = model(**fields)
        instance.full_clean()
        instance.save()
    return instance


# ------------------------------------------------------------------------------------ the ICB's defaults


def ensure_icb_defaults(icb):
    """The ICB's settings, shipped TNA, competence names and column headers, created once (system actor)."""
    if WorkforcePolicy.objects.filter(icb=icb).exists():
        return
    with audited(None):
        WorkforcePolicy.objects.get_or_create(
            icb=icb,
            defaults={
                "l1_refresher_months": conf.setting("WORKFORCE_L1_REFRESHER_DEFAULT"),
                "target_choice": conf.setting("WORKFORCE_TARGET_DEFAULT"),
                "excluded_statuses": list(conf.setting("WORKFORCE_EXCLUDED_STATUSES")),
                "check_hours": bool(conf.setting("WORKFORCE_CHECK_HOURS_DEFAULT")),
            },
        )
        ColumnMapping.objects.get_or_create(icb=icb, defaults={"headers": dict(rules.DEFAULT_HEADERS)})
        if not TnaRequirement.objects.filter(icb=icb).exists():
            TnaRequirement.objects.bulk_create(
                TnaRequirement(icb=icb, staff_group=group, topic=topic, level=level, effective_from=start)
                for group, topic, level, start in reference.default_tna_rows()
            )
        existing = set(CompetenceMapping.objects.filter(icb=icb).values_list("name", flat=True))
        CompetenceMapping.objects.bulk_create(
            CompetenceMapping(icb=icb, name=name, topic=topic, level=level)
            for name, topic, level in reference.default_competences()
            if name not in existing
        )


def framework_levels(topic):
    return set(FrameworkLevel.objects.filter(version__topic=topic).values_list("level", flat=True))


def do_save_policy(policy, *, l1_refresher_months, target_choice, excluded_statuses, acting_user, check_hours=None):
    problems = {}
    if str(l1_refresher_months) not in conf.setting("WORKFORCE_L1_REFRESHER_OPTIONS"):
        problems["l1_refresher_months"] = "Choose one of the sourced options."
    if str(target_choice) not in conf.setting("WORKFORCE_TARGET_OPTIONS"):
        problems["target_choice"] = "Choose one of the sourced options."
    if problems:
        raise ValidationError(problems)
    fields = {
        "l1_refresher_months": str(l1_refresher_months),
        "target_choice": str(target_choice),
        "excluded_statuses": sorted(excluded_statuses),
    }
    if check_hours is not None:
        fields["check_hours"] = bool(check_hours)
    return save_fields(policy, fields, acting_user=acting_user)


def do_change_tna(icb, *, staff_group, topic, level, effective_from, role="", acting_user):
    """Require `level` of `topic` for the staff group (and role) from `effective_from`: the row in force ends
    the day before, so results for earlier dates do not change."""
    if level and level not in framework_levels(topic):
        raise ValidationError({"level": f"{Topic(topic).label} has no level {level} in any framework version."})
    rows = TnaRequirement.objects.filter(icb=icb, staff_group=staff_group, role=role, topic=topic)
    current = rows.filter(effective_to__isnull=True).order_by("-effective_from").first()
    if current and effective_from <= current.effective_from:
        raise ValidationError(
            {
                "effective_from": f"The requirement in force started {rules.fmt(current.effective_from)}: "
                "a change must start after it."
            }
        )
    with audited(acting_user):
        if current:
            save_fields(current, {"effective_to": effective_from - dt.timedelta(days=1)}, acting_user=acting_user)
        return _create(
            TnaRequirement,
            icb=icb,
            staff_group=staff_group,
            role=role,
            topic=topic,
            level=level,
            effective_from=effective_from,
            acting_user=acting_user,
        )


def do_save_column_mapping(mapping, *, acting_user, headers=None):
    headers = mapping.headers if headers is None else headers
    missing = [
        rules.FIELDS[name][0] for name, (_, required) in rules.FIELDS.items() if required and not headers.get(name)
    ]
    if missing:
        raise ValidationError({"headers": f"Give a column heading for: {', '.join(missing)}."})
    texts = [t.strip().casefold() for t in headers.values() if t and t.strip()]
    if len(texts) != len(set(texts)):
        raise ValidationError({"headers": "Two fields have the same column heading."})
    return save_fields(mapping, {"headers": {k: v.strip() for k, v in headers.items() if v}}, acting_user=acting_user)


def do_add_competence_mapping(*, icb, name, topic, level, acting_user):
    if level not in framework_levels(topic):
        raise ValidationError({"level": f"{Topic(topic).label} has no level {level} in any framework version."})
    if CompetenceMapping.objects.filter(icb=icb, name__iexact=name.strip()).exists():
        raise ValidationError({"name": "This competence name is already mapped."})
    return _create(CompetenceMapping, icb=icb, name=name.strip(), topic=topic, level=level, acting_user=acting_user)


# ----------------------------------------------------------------------------------------- the extract


def _extract_limits():
    def get(name, fallback):
        return int(conf.setting(name, None) or fallback)

    base = Limits.from_settings()
    return Limits(
        max_bytes=get("WORKFORCE_EXTRACT_MAX_BYTES", base.max_bytes),
        max_uncompressed_bytes=get("WORKFORCE_EXTRACT_MAX_UNCOMPRESSED_BYTES", base.max_uncompressed_bytes),
        max_zip_members=base.max_zip_members,
        max_sheets=base.max_sheets,
        max_rows=get("WORKFORCE_EXTRACT_MAX_ROWS", base.max_rows),
        max_columns=int(IMPORT_DEFAULTS["IMPORT_MAX_COLUMNS"]),
        max_problems_shown=base.max_problems_shown,
    )


def _csv_rows(upload, limits):
    data = upload.read(limits.max_bytes + 1) if hasattr(upload, "read") else bytes(upload)
    if len(data) > limits.max_bytes:
        raise ValidationError({"file": f"The file is larger than {format_size(limits.max_bytes)}."})
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ValidationError(
            {"file": "The file is not UTF-8 text: save the CSV as UTF-8 and upload it again."}
        ) from error
    if "\x00" in text:
        raise ValidationError({"file": "The file is not a CSV file."})
    rows = []
    for number, values in enumerate(csv.reader(io.StringIO(text)), start=1):
        if number > limits.max_rows:
            raise ValidationError({"file": f"The file has more than {limits.max_rows:,} rows."})
        if any(v.strip() for v in values):
            rows.append((number, tuple(values)))
    return rows


def read_extract(upload, name):
    """[(row number, values)] of an uploaded CSV or XLSX (first sheet), within the limits."""
    limits = _extract_limits()
    extension = extension_of(name)
    if extension == "csv":
        return "File", _csv_rows(upload, limits)
    if extension != "xlsx":
        raise ValidationError({"file": "Upload the extract as a CSV or XLSX file."})
    with open_workbook(upload, limits=limits, field="file", what="an XLSX workbook") as book:
        sheet = book.worksheets[0]
        first = next(sheet_rows(sheet, width=limits.max_columns, field="file"), None)
        if first is None:
            return sheet.title, []
        width = max(i for i, v in enumerate(first[1], start=1) if v not in (None, ""))
        return sheet.title, list(sheet_rows(sheet, width=width, field="file"))


def check_extract(icb, sheet, rows, today):
    """([ExtractRow], Problems) for an extract's rows against the ICB's column and competence mappings."""
    problems = Problems()
    if not rows:
        problems.add("The file has no rows.")
        return [], problems
    (header_number, header), body = rows[0], rows[1:]
    mapping = ColumnMapping.objects.get(icb=icb).headers
    positions, header_problems = rules.column_positions(header, mapping)
    for index, message in header_problems:
        problems.add(message, sheet, header_number, None if index is None else index + 1)
    if problems:
        return [], problems
    competences = {
        name.casefold(): (topic, level)
        for name, topic, level in CompetenceMapping.objects.filter(icb=icb).values_list("name", "topic", "level")
    }
    levels_by_topic = {}
    for topic, level in FrameworkLevel.objects.values_list("version__topic", "level"):
        levels_by_topic.setdefault(topic, set()).add(level)
    checked = rules.check_rows(body, positions, competences, levels_by_topic, today, problems, sheet)
    return checked, problems


def do_import_extract(*, icb, upload, name, acting_user, today=None, full_extract=False):
    """Import a person-level extract all-or-nothing: any problem refuses the whole file (a report naming file,
    row and column). A person is matched by staff key; a completion already held (same person, competence
    and date) is not stored twice (its expiry date and hours are corrected when the extract changes them).
    A leaving date, or a row marked as a leaver, ends the person; with `full_extract` (the file is the
    complete staff list) anyone on the staff list but not in the file is ended the day before the extract.

    Every record the import creates or changes is in the audit trail, one entry per record with the upload and
    its row (`core.audit.log_bulk`), written in bulk."""
    today = today or timezone.localdate()
    sheet, rows = read_extract(upload, name)
    checked, problems = check_extract(icb, f"{name}, sheet {sheet}" if sheet != "File" else name, rows, today)
    problems.raise_if_any("file")
    people = rules.people_from_rows(checked)
    with audited(acting_user):
        upload_record = ExtractUpload.objects.create(
            icb=icb,
            file_name=name[:200],
            uploaded_by=acting_user,
            rows=len(checked),
            people=len(people),
            full_extract=full_extract,
        )
        staff, staff_changes = _upsert_staff(icb, people, upload_record, today, acting_user)
        new, changed = _store_completions(icb, checked, staff, upload_record, acting_user)
        counts = {"new_records": new, "changed_records": changed, **staff_changes}
        save_fields(upload_record, counts, acting_user=acting_user)
    return upload_record


def _store_completions(icb, checked, staff, upload_record, acting_user):
    """(created, changed) training records, bulk-written and audited per record."""
    held = {
        (staff_id, competence, completed_on): (pk, expiry_on, hours)
        for pk, staff_id, competence, completed_on, expiry_on, hours in TrainingRecord.objects.filter(
            staff__icb=icb
        ).values_list("pk", "staff_id", "competence", "completed_on", "expiry_on", "hours")
    }
    new, changed = {}, {}
    for row in checked:
        member = staff[row.staff_key]
        key = (member.pk, row.competence, row.completed_on)
        if key in new or key in changed:
            continue
        if key in held:
            pk, expiry_on, hours = held[key]
            if (expiry_on, hours) != (row.expiry_on, row.hours):
                before = TrainingRecord(pk=pk, staff=member, competence=row.competence, completed_on=row.completed_on)
                before.topic, before.level, before.expiry_on, before.hours = row.topic, row.level, expiry_on, hours
                after = copy.copy(before)
                after.expiry_on, after.hours = row.expiry_on, row.hours
                changed[key] = (before, after, row.row)
            continue
        new[key] = (
            TrainingRecord(
                staff=member,
                competence=row.competence,
                topic=row.topic,
                level=row.level,
                completed_on=row.completed_on,
                expiry_on=row.expiry_on,
                hours=row.hours,
                upload=upload_record,
            ),
            row.row,
        )
    TrainingRecord.objects.bulk_create([record for record, _ in new.values()], batch_size=2000)
    TrainingRecord.objects.bulk_update([after for _, after, _ in changed.values()], ["expiry_on", "hours"], 2000)
    extra = {"upload": upload_record.pk, "file": upload_record.file_name}
    log_bulk(
        [(None, record, extra | {"row": row}) for record, row in new.values()],
        action=LogEntry.Action.CREATE,
        actor=acting_user,
    )
    log_bulk(
        [(before, after, extra | {"row": row}) for before, after, row in changed.values()],
        action=LogEntry.Action.UPDATE,
        actor=acting_user,
    )
    return len(new), len(changed)


STAFF_EXTRACT_FIELDS = ["role", "staff_group", "start_date", "status", "end_date"]


def _upsert_staff(icb, people, upload_record, today, acting_user):
    """({staff key: StaffMember}, counts): the people of the extract created or updated (and, for a full extract,
    those missing from it ended), bulk-written and audited per person."""
    held = {s.staff_key: s for s in StaffMember.objects.select_for_update().filter(icb=icb, staff_key__in=list(people))}
    created, changed = [], []
    for key, (role, group, start, status, end, row) in people.items():
        member = held.get(key)
        if member is None:
            member = StaffMember(
                icb=icb, staff_key=key, role=role, staff_group=group, start_date=start, status=status, end_date=end
            )
            created.append((member, row))
            continue
        end = rules.end_date_after_extract(member.start_date, member.end_date, start, end)
        if (member.role, member.staff_group, member.start_date, member.status, member.end_date) != (
            role,
            group,
            start,
            status,
            end,
        ):
            before = copy.copy(member)
            member.role, member.staff_group, member.start_date, member.status, member.end_date = (
                role,
                group,
                start,
                status,
                end,
            )
            changed.append((before, member, row))
    ended = []
    if upload_record.full_extract:
        missing = (
            StaffMember.objects.select_for_update()
            .filter(icb=icb, archived_at__isnull=True)
            .exclude(staff_key__in=list(people))
        )
        for member in missing:
            end = rules.ended_by_full_extract(member.start_date, member.end_date, today)
            if end is not None:
                before = copy.copy(member)
                member.end_date = end
                ended.append((before, member))
    StaffMember.objects.bulk_create([member for member, _ in created], batch_size=2000)
    updated, now = [member for _, member, _ in changed] + [member for _, member in ended], timezone.now()
    for member in updated:  # rows locked above: a bulk update bumps the version as a save would (core.versioning)
        member.version, member.updated_at = member.version + 1, now
    StaffMember.objects.bulk_update(updated, [*STAFF_EXTRACT_FIELDS, "version", "updated_at"], batch_size=2000)
    extra = {"upload": upload_record.pk, "file": upload_record.file_name}
    log_bulk(
        [(None, member, extra | {"row": row}) for member, row in created],
        action=LogEntry.Action.CREATE,
        actor=acting_user,
    )
    log_bulk(
        [(before, member, extra | {"row": row}) for before, member, row in changed]
        + [(before, member, extra | {"how": "ended: not in a full extract"}) for before, member in ended],
        action=LogEntry.Action.UPDATE,
        actor=acting_user,
    )
    staff = {s.staff_key: s for s in StaffMember.objects.filter(icb=icb, staff_key__in=list(people))}
    for member in staff.values():
        member.icb = icb  # each training record's audit entry names its ICB through its person: no query each
    leavers = sum(1 for before, member, _ in changed if member.end_date and member.end_date != before.end_date)
    leavers += sum(1 for member, _ in created if member.end_date)
    return staff, {"new_staff": len(created), "changed_staff": len(changed), "leavers": leavers, "ended": len(ended)}


# ----------------------------------------------------------------------------------------------- staff

STAFF_FIELDS = (
    "staff_key",
    "role",
    "staff_group",
    "start_date",
    "end_date",
    "status",
    "supervision_group",
    "regulated_activity",
    "line_manager_email",
    "user",
)


def do_create_staff_member(*, icb, acting_user, **fields):
    if StaffMember.objects.filter(icb=icb, staff_key=fields.get("staff_key")).exists():
        raise ValidationError({"staff_key": "This staff key is already on the ICB's staff list."})
    return _create(StaffMember, icb=icb, acting_user=acting_user, **fields)


def do_update_staff_member(member, *, acting_user, **fields):
    fields.pop("icb", None)
    return save_fields(member, fields, acting_user=acting_user)


# ------------------------------------------------------------------------------------------------- DBS


def do_record_dbs_check(*, staff, acting_user, **fields):
    fields["certificate_number"] = "".join(str(fields.get("certificate_number", "")).split())
    return _create(DbsCheck, staff=staff, acting_user=acting_user, **fields)


def do_update_dbs_check(check, *, acting_user, **fields):
    fields.pop("staff", None)
    if not fields.get("certificate_number"):
        fields.pop("certificate_number", None)  # kept as stored: it is never sent back to be re-entered
    return save_fields(check, fields, acting_user=acting_user)


def do_record_self_disclosure(check, *, on, acting_user):
    if on > timezone.localdate():
        raise ValidationError({"on": "A self-disclosure cannot be in the future."})
    return save_fields(check, {"self_disclosure_on": on}, acting_user=acting_user)


# -------------------------------------------------------------------------------------------- supervision


def _same_icb(supervisee, supervisor):
    if supervisee.icb_id != supervisor.icb_id:
        raise ValidationError({"supervisor": "The supervisor must be on the same ICB's staff."})
    if supervisee.pk == supervisor.pk:
        raise ValidationError({"supervisor": "A person cannot supervise themselves."})


def do_record_agreement(*, supervisee, supervisor, acting_user, **fields):
    _same_icb(supervisee, supervisor)
    return _create(
        SupervisionAgreement, supervisee=supervisee, supervisor=supervisor, acting_user=acting_user, **fields
    )


def _check_session_writer(acting_user, supervisee, supervisor, fields):
    designated = acting_user.role == Role.DESIGNATED and acting_user.organisation.icb_id == supervisee.icb_id
    party = rules.session_party(acting_user.pk, supervisee.user_id, supervisor.user_id)
    problem = rules.session_write_problem(designated, party, fields)
    if problem:
        raise PermissionDenied(problem)


def do_record_session(*, supervisee, supervisor, acting_user, **fields):
    """Record a session: by a designated professional, or by the supervisee or the supervisor."""
    _same_icb(supervisee, supervisor)
    _check_session_writer(acting_user, supervisee, supervisor, fields)
    if fields.get("held_on") and fields["held_on"] > timezone.localdate():
        raise ValidationError({"held_on": "A session is recorded after it is held: the date is in the future."})
    return _create(SupervisionSession, supervisee=supervisee, supervisor=supervisor, acting_user=acting_user, **fields)


def do_update_session(session, *, acting_user, **fields):
    """Change a session's record: the supervisee, the supervisor or a designated professional (not the parties)."""
    for name in ("supervisee", "supervisor"):
        fields.pop(name, None)
    changed = {name: value for name, value in fields.items() if getattr(session, name) != value}
    _check_session_writer(acting_user, session.supervisee, session.supervisor, changed)
    return save_fields(session, fields, acting_user=acting_user)


def do_raise_action(*, source, icb, acting_user, source_label, **smart):
    """An action from a workforce record (a supervision session, a red compliance cell, a DBS flag) to the
    one tracker, against the ICB."""
    return core_actions.do_create_tracked_action(
        source=source, organisation=icb, acting_user=acting_user, source_label=source_label, **smart
    )


# ----------------------------------------------------------------------------------------------- capacity


def do_record_capacity(*, icb, acting_user, **fields):
    return _create(CapacityEntry, icb=icb, acting_user=acting_user, **fields)


def do_update_capacity(entry, *, acting_user, **fields):
    fields.pop("icb", None)
    return save_fields(entry, fields, acting_user=acting_user)


def do_record_population(*, icb, acting_user, **fields):
    if PopulationFigures.objects.filter(icb=icb, as_of=fields.get("as_of")).exists():
        raise ValidationError({"as_of": "Figures for this date are already recorded."})
    return _create(PopulationFigures, icb=icb, acting_user=acting_user, **fields)
