"""The extract import: all-or-nothing with a report naming file, row and column; re-uploads never count twice;
compliance from the stored records."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from core.choices import Role
from core.spreadsheets import Column, SpreadsheetWriter
from workforce import actions, reports, rules
from workforce.models import ExtractUpload, StaffMember, TnaRequirement, TrainingRecord
from workforce.tests.conftest import L1, L2, L3, extract_row

pytestmark = pytest.mark.django_db


def test_an_extract_is_imported(upload):
    result = upload(
        [extract_row(), extract_row(staff_key="S0002", competence=L1), extract_row(staff_key="S0003", competence=L3)]
    )
    assert (result.rows, result.people, result.new_records) == (3, 3, 3)
    assert StaffMember.objects.count() == 3
    assert TrainingRecord.objects.get(staff__staff_key="S0003").level == 3


def test_the_same_person_and_competence_uploaded_again_never_counts_twice(upload, icb, today):
    rows = [extract_row(), extract_row(staff_key="S0002")]
    upload(rows)
    again = upload(rows + [extract_row(staff_key="S0003")])
    assert again.new_records == 1
    assert TrainingRecord.objects.count() == 3
    cell = reports.compliance_for(icb.pk, today).cells[("children", 2, "Administrative and Clerical")]
    assert (cell.numerator, cell.denominator) == (3, 3)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        (
            {"completed_on": "2999-01-01"},
            "extract.csv, row 3, column G: completion date 1 January 2999 is in the future",
        ),
        (
            {"expiry_on": "2024-01-01"},
            "extract.csv, row 3, column H: expiry date 1 January 2024 is before the completion",
        ),
        (
            {"competence": "NHS|MAND|Safeguarding Children - Level 7|3 Years|"},
            "extract.csv, row 3, column F: competence",
        ),
        ({"role": "Team leader", "competence": L1}, "extract.csv, row 3, column C: staff key 'S0001' has two roles"),
    ],
)
def test_a_bad_row_refuses_the_whole_file(upload, fields, message):
    with pytest.raises(ValidationError) as refused:
        upload([extract_row(staff_key="S0001"), extract_row(**fields), extract_row(staff_key="S0005")])
    assert refused.value.message_dict["file"][0].startswith(message)
    assert not StaffMember.objects.exists() and not TrainingRecord.objects.exists()
    assert not ExtractUpload.objects.exists()


def test_a_level_the_framework_does_not_have(upload, world, icb):
    """Mapping a competence to a level no version has is refused; so is a row whose mapped level is missing."""
    with pytest.raises(ValidationError):
        actions.do_add_competence_mapping(
            icb=icb, name="Prevent L2", topic="prevent", level=2, acting_user=world.user(Role.HR)
        )
    with pytest.raises(ValidationError) as refused:
        upload([extract_row(competence="Made up course")])
    assert "column F: competence 'Made up course' is not in the competence mapping" in refused.value.messages[0]


def test_unknown_columns_are_refused(upload):
    header = [*rules.DEFAULT_HEADERS.values(), "Surname"]
    with pytest.raises(ValidationError) as refused:
        upload([[*extract_row(), "Smith"]], header=header)
    assert refused.value.message_dict["file"] == [
        "extract.csv, row 1, column L: unknown column 'Surname': map it on the column-mapping page or remove it"
    ]


def test_the_saved_column_mapping_is_used(world, icb, upload):
    mapping = icb_mapping = actions.ColumnMapping.objects.get(icb=icb)
    headers = dict(icb_mapping.headers) | {"staff_key": "Pseudonym"}
    actions.do_save_column_mapping(mapping, headers=headers, acting_user=world.user(Role.HR))
    header = ["Pseudonym", *list(rules.DEFAULT_HEADERS.values())[1:]]
    assert upload([extract_row()], header=header).new_records == 1


def test_an_xlsx_extract(world, icb):
    writer = SpreadsheetWriter()
    table = writer.table("Extract", [Column(h) for h in rules.DEFAULT_HEADERS.values()])
    table.append(
        [
            "S1",
            None,
            "Clerk",
            "Administrative and Clerical",
            dt.date(2020, 1, 1),
            L2,
            dt.date(2025, 2, 1),
            None,
            3,
            None,
        ]
    )
    file = SimpleUploadedFile("esr.xlsx", writer.to_bytes())
    result = actions.do_import_extract(icb=icb, upload=file, name="esr.xlsx", acting_user=world.user(Role.HR))
    assert result.new_records == 1
    assert TrainingRecord.objects.get().completed_on == dt.date(2025, 2, 1)


def test_a_file_that_is_not_csv_or_xlsx(world, icb):
    with pytest.raises(ValidationError) as refused:
        actions.do_import_extract(
            icb=icb, upload=SimpleUploadedFile("x.pdf", b"%PDF"), name="x.pdf", acting_user=world.user(Role.HR)
        )
    assert "CSV or XLSX" in refused.value.messages[0]


def test_a_tna_change_never_changes_a_past_result(upload, world, icb, today):
    upload([extract_row(competence=L1, completed_on=(today - dt.timedelta(days=30)).isoformat())])
    before = today - dt.timedelta(days=1)
    cells_before = reports.compliance_for(icb.pk, before).cells
    actions.do_change_tna(
        icb,
        staff_group="Administrative and Clerical",
        topic="children",
        level=3,
        effective_from=today,
        acting_user=world.user(Role.DESIGNATED),
    )
    assert reports.compliance_for(icb.pk, before).cells.keys() == cells_before.keys()
    now = reports.compliance_for(icb.pk, today).cells
    assert (now[("children", 3, "Administrative and Clerical")].numerator) == 0
    ended = TnaRequirement.objects.get(icb=icb, staff_group="Administrative and Clerical", topic="children", level=2)
    assert ended.effective_to == before
    with pytest.raises(ValidationError):
        actions.do_change_tna(
            icb,
            staff_group="Administrative and Clerical",
            topic="children",
            level=2,
            effective_from=today,
            acting_user=world.user(Role.DESIGNATED),
        )


def test_the_icb_chooses_the_level_1_refresher(upload, world, icb, today):
    """Level 1 every 3 years [CPCCG 12] by default; yearly [DUDLEY 20.6] when the ICB chooses it."""
    actions.do_change_tna(
        icb,
        staff_group="Administrative and Clerical",
        topic="children",
        level=1,
        effective_from=today - dt.timedelta(days=5),
        acting_user=world.user(Role.HR),
    )
    upload([extract_row(competence=L1, completed_on=(today - dt.timedelta(days=400)).isoformat())])
    key = ("children", 1, "Administrative and Clerical")
    assert reports.compliance_for(icb.pk, today).cells[key].numerator == 1
    policy = actions.WorkforcePolicy.objects.get(icb=icb)
    actions.do_save_policy(
        policy, l1_refresher_months="12", target_choice="90", excluded_statuses=[], acting_user=world.user(Role.HR)
    )
    result = reports.compliance_for(icb.pk, today)
    assert result.cells[key].numerator == 0
    assert result.cells[key].target == 90
    assert "[DUDLEY §20.6, p.22]" in dict(reports.policy_choices(result.policy))["Children level 1 refresher"]
    with pytest.raises(ValidationError):
        actions.do_save_policy(
            policy, l1_refresher_months="24", target_choice="90", excluded_statuses=[], acting_user=world.user(Role.HR)
        )


def test_shipped_frameworks_two_adult_editions(db):
    from workforce.models import FrameworkVersion

    codes = set(FrameworkVersion.objects.filter(topic="adults").values_list("code", flat=True))
    assert codes == {"adults-2018", "adults-2024"}
    framework = reports.framework_for(None)
    assert {r.version for r in framework.in_force(dt.date(2025, 4, 1)) if r.topic == "adults"} == codes
    assert {r.version for r in framework.in_force(dt.date(2025, 3, 31)) if r.topic == "adults"} == {"adults-2018"}


def test_loading_the_reference_data_again_changes_nothing(db):
    from workforce.models import FrameworkLevel, FrameworkVersion, SupervisionRule
    from workforce.reference import sync_reference_data

    before = (FrameworkVersion.objects.count(), FrameworkLevel.objects.count(), SupervisionRule.objects.count())
    sync_reference_data(FrameworkVersion, FrameworkLevel, SupervisionRule)
    assert (FrameworkVersion.objects.count(), FrameworkLevel.objects.count(), SupervisionRule.objects.count()) == before
    assert before[0] == 9


# ------------------------------------------------------------------------------- every stored row audited


def _entries(model, **filters):
    from auditlog.models import LogEntry
    from django.contrib.contenttypes.models import ContentType

    return LogEntry.objects.filter(content_type=ContentType.objects.get_for_model(model), **filters)


def test_every_record_an_import_creates_is_in_the_audit_trail_with_its_upload_and_row(upload, world, icb):
    from auditlog.models import LogEntry

    from core.audit import entries_for_icb

    result = upload([extract_row(), extract_row(competence=L1), extract_row(staff_key="S0002", competence=L3)])
    records = _entries(TrainingRecord, action=LogEntry.Action.CREATE)
    assert sorted(e.additional_data["row"] for e in records) == [2, 3, 4]
    assert {e.additional_data["upload"] for e in records} == {result.pk}
    assert {e.actor for e in records} == {world.user(Role.HR)}
    assert {int(e.object_pk) for e in records} == set(TrainingRecord.objects.values_list("pk", flat=True))
    people = _entries(StaffMember, action=LogEntry.Action.CREATE)
    assert sorted(e.additional_data["row"] for e in people) == [2, 4]
    created = records.get(additional_data__row=4)
    assert created.changes["competence"][1] == L3 and created.changes["hours"][1] == "8"
    stamped = entries_for_icb(icb.pk)
    assert stamped.filter(pk__in=records).count() == 3 and stamped.filter(pk__in=people).count() == 2


def test_the_audit_trail_is_written_in_bulk_whatever_the_size_of_the_file(upload):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries(count, prefix):
        rows = [extract_row(staff_key=f"{prefix}{n:04d}") for n in range(count)]
        with CaptureQueriesContext(connection) as captured:
            upload(rows)
        return len(captured)

    assert queries(50, "B") == queries(5, "A")


def test_a_re_upload_writes_nothing_new_and_a_correction_is_an_audited_change(upload, icb, today):
    from auditlog.models import LogEntry

    rows = [extract_row(), extract_row(staff_key="S0002")]
    upload(rows)
    before = (_entries(TrainingRecord).count(), _entries(StaffMember).count())
    again = upload(rows)
    assert (again.new_records, again.changed_records, again.new_staff, again.changed_staff) == (0, 0, 0, 0)
    assert (_entries(TrainingRecord).count(), _entries(StaffMember).count()) == before
    corrected = upload([extract_row(hours="2.5"), extract_row(staff_key="S0002", role="Team leader")])
    assert (corrected.new_records, corrected.changed_records, corrected.changed_staff) == (0, 1, 1)
    assert TrainingRecord.objects.count() == 2
    change = _entries(TrainingRecord, action=LogEntry.Action.UPDATE).get()
    assert set(change.changes) == {"hours"}
    assert change.additional_data["upload"] == corrected.pk and change.additional_data["row"] == 2
    moved = _entries(StaffMember, action=LogEntry.Action.UPDATE).get()
    assert moved.changes["role"] == ["Administrator", "Team leader"]
    assert StaffMember.objects.get(staff_key="S0002").version == 2


# ---------------------------------------------------------------------------------------------- leavers


def test_a_leaving_date_in_a_new_extract_ends_the_person_audited(upload, icb, today):
    from auditlog.models import LogEntry

    upload([extract_row(), extract_row(staff_key="S0002")])
    leaving = today - dt.timedelta(days=10)
    result = upload([extract_row(end_date=leaving.isoformat()), extract_row(staff_key="S0002")])
    assert result.leavers == 1
    member = StaffMember.objects.get(staff_key="S0001")
    assert member.end_date == leaving
    entry = _entries(StaffMember, action=LogEntry.Action.UPDATE, object_pk=str(member.pk)).get()
    assert entry.changes["end_date"] == ["None", str(leaving)]
    key = ("children", 2, "Administrative and Clerical")
    assert reports.compliance_for(icb.pk, leaving).cells[key].denominator == 2
    assert reports.compliance_for(icb.pk, leaving + dt.timedelta(days=1)).cells[key].denominator == 1


def test_a_person_marked_as_a_leaver_is_ended_on_the_extracts_date(upload, icb, today):
    upload([extract_row(), extract_row(staff_key="S0002", status="Leaver")])
    assert StaffMember.objects.get(staff_key="S0002").end_date == today
    assert StaffMember.objects.get(staff_key="S0001").end_date is None


def test_a_full_extract_ends_who_it_leaves_out_and_a_training_extract_does_not(upload, icb, today):
    upload([extract_row(), extract_row(staff_key="S0002"), extract_row(staff_key="S0003")])
    partial = upload([extract_row()])
    assert partial.ended == 0 and not StaffMember.objects.exclude(end_date=None).exists()
    full = upload([extract_row(), extract_row(staff_key="S0003")], full_extract=True)
    assert (full.full_extract, full.ended) == (True, 1)
    assert StaffMember.objects.get(staff_key="S0002").end_date == today - dt.timedelta(days=1)
    again = upload([extract_row(), extract_row(staff_key="S0003")], full_extract=True)
    assert again.ended == 0  # already ended: not ended twice
    key = ("children", 2, "Administrative and Clerical")
    assert reports.compliance_for(icb.pk, today).cells[key].denominator == 2


def test_a_person_below_the_frameworks_hours_is_not_compliant_unless_the_icb_switches_the_check_off(
    upload, world, icb, today
):
    """Children level 2: 3 hours over 3 years [E1, E2]."""
    upload([extract_row(hours="3"), extract_row(staff_key="S0002", hours="2"), extract_row(staff_key="S0003")])
    key = ("children", 2, "Administrative and Clerical")
    cell = reports.compliance_for(icb.pk, today).cells[key]
    assert (cell.numerator, cell.denominator) == (2, 3)
    policy = actions.WorkforcePolicy.objects.get(icb=icb)
    actions.do_save_policy(
        policy,
        l1_refresher_months="36",
        target_choice="85",
        excluded_statuses=[],
        check_hours=False,
        acting_user=world.user(Role.HR),
    )
    result = reports.compliance_for(icb.pk, today)
    assert result.cells[key].numerator == 3
    assert "not checked" in dict(reports.policy_choices(result.policy))["Training hours"]
