"""The pure rules at their boundaries: validity, grace, higher level satisfying lower, framework versions,
TNA, the extract's checks, DBS before start, supervision frequency, capacity conversions."""

import datetime as dt
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.calendar import WorkingCalendar
from core.imports import Problems
from workforce import rules

GRACE = {"1": ["weeks", 6], "2": ["months", 6], "3": ["months", 12]}
BANDS = (("gt", "90", "green"), ("ge", "75", "amber"))
POLICY = rules.Policy(grace=GRACE, excluded_statuses=frozenset({"maternity"}), bands=BANDS)
START = dt.date(2018, 1, 1)
dates = st.dates(min_value=dt.date(2019, 1, 1), max_value=dt.date(2030, 12, 31))
months = st.integers(min_value=1, max_value=60)


def framework(*levels, validity=36, start=START, end=None, version="v1", topic="children", overrides=None):
    return rules.Framework(
        [rules.LevelRule(version, topic, level, validity, start, end) for level in levels], overrides or {}
    )


@given(completed=dates, validity=months)
def test_valid_on_the_last_day_and_expired_the_day_after(completed, validity):
    fw = framework(1, 2, 3, validity=validity)
    last = rules.add_months(completed, validity)
    done = [rules.Completion("children", 2, completed)]
    assert rules.up_to_date(done, "children", 2, last, fw)
    assert not rules.up_to_date(done, "children", 2, last + dt.timedelta(days=1), fw)
    assert rules.up_to_date(done, "children", 2, completed, fw)
    assert not rules.up_to_date(done, "children", 2, completed - dt.timedelta(days=1), fw)


@given(completed=dates, higher=st.integers(min_value=1, max_value=5), lower=st.integers(min_value=1, max_value=5))
def test_a_higher_level_satisfies_a_lower_one_of_the_same_topic_only(completed, higher, lower):
    fw = rules.Framework(
        [rules.LevelRule("c", "children", n, 36, START) for n in range(1, 6)]
        + [rules.LevelRule("a", "adults", n, 36, START) for n in range(1, 6)]
    )
    done = [rules.Completion("children", higher, completed)]
    assert rules.up_to_date(done, "children", lower, completed, fw) == (higher >= lower)
    assert not rules.up_to_date(done, "adults", lower, completed, fw)


def test_the_completions_own_level_sets_its_validity():
    """Level 1 refreshed yearly [DUDLEY 20.6], level 3 every 3 years: a level 3 completion 2 years old still
    satisfies level 1 (level 3 negates the level 1 refresher [E1, E4])."""
    fw = framework(1, 3, overrides={("children", 1): 12})
    completed = dt.date(2024, 5, 1)
    assert rules.up_to_date([rules.Completion("children", 3, completed)], "children", 1, dt.date(2026, 5, 1), fw)
    assert not rules.up_to_date([rules.Completion("children", 1, completed)], "children", 1, dt.date(2025, 5, 2), fw)
    assert rules.up_to_date([rules.Completion("children", 1, completed)], "children", 1, dt.date(2025, 5, 1), fw)


@given(start=dates)
def test_grace_edges(start):
    person = rules.Person("S1", "Admin", "Clerk", start)

    def scope(level, day):
        return rules.in_scope(person, level, day, grace=GRACE, excluded_statuses=frozenset())

    assert not scope(1, start + dt.timedelta(weeks=6, days=-1))
    assert scope(1, start + dt.timedelta(weeks=6))
    end_l3 = rules.add_months(start, 12)
    assert not scope(3, end_l3 - dt.timedelta(days=1))
    assert scope(3, end_l3)


def test_out_of_scope_before_start_after_leaving_and_while_excluded():
    person = rules.Person("S1", "Admin", "Clerk", START, end_date=dt.date(2024, 3, 31))
    day = dt.date(2024, 3, 31)
    assert rules.in_scope(person, 1, day, grace=GRACE, excluded_statuses=frozenset())
    assert not rules.in_scope(person, 1, day + dt.timedelta(days=1), grace=GRACE, excluded_statuses=frozenset())
    away = rules.Person("S2", "Admin", "Clerk", START, status="maternity")
    assert not rules.in_scope(away, 1, day, grace=GRACE, excluded_statuses=frozenset({"maternity"}))
    assert rules.in_scope(away, 1, day, grace=GRACE, excluded_statuses=frozenset())


def test_two_versions_in_force_and_a_new_version_never_changes_a_past_result():
    """Adults 2018 (36 months) and a 2024 edition from 2025-04-01 (here 12 months): during the transition a
    completion counts under the more generous version in force; a date before the new version is unchanged."""
    old = rules.LevelRule("adults-2018", "adults", 2, 36, dt.date(2018, 8, 1))
    new = rules.LevelRule("adults-2024", "adults", 2, 12, dt.date(2025, 4, 1))
    done = [rules.Completion("adults", 2, dt.date(2023, 6, 1))]
    before = dt.date(2025, 3, 31)
    both = rules.Framework([old, new])
    assert both.in_force(before) == [old]
    assert both.in_force(dt.date(2025, 4, 1)) == [old, new]
    assert rules.up_to_date(done, "adults", 2, before, both) == rules.up_to_date(
        done, "adults", 2, before, rules.Framework([old])
    )
    assert rules.up_to_date(done, "adults", 2, dt.date(2025, 6, 1), both)
    ended = rules.Framework(
        [rules.LevelRule("adults-2018", "adults", 2, 36, dt.date(2018, 8, 1), dt.date(2025, 5, 31)), new]
    )
    assert rules.up_to_date(done, "adults", 2, dt.date(2025, 5, 31), ended)
    assert not rules.up_to_date(done, "adults", 2, dt.date(2025, 6, 1), ended)


def test_a_level_no_version_in_force_has_does_not_count():
    fw = framework(1, 2, start=dt.date(2025, 1, 1))
    assert not rules.up_to_date(
        [rules.Completion("children", 2, dt.date(2025, 1, 1))], "children", 2, dt.date(2024, 12, 31), fw
    )


def test_tna_role_row_overrides_the_staff_group_and_changes_are_dated():
    tna = [
        rules.TnaRow("Admin", "", "children", 2, START, dt.date(2025, 12, 31)),
        rules.TnaRow("Admin", "", "children", 3, dt.date(2026, 1, 1)),
        rules.TnaRow("Admin", "Safeguarding administrator", "children", 4, START),
        rules.TnaRow("Admin", "", "prevent", 0, START),
    ]
    clerk = rules.Person("S1", "Admin", "Clerk", START)
    assert rules.required_levels(clerk, tna, dt.date(2025, 12, 31)) == {"children": 2}
    assert rules.required_levels(clerk, tna, dt.date(2026, 1, 1)) == {"children": 3}
    admin = rules.Person("S2", "Admin", "safeguarding ADMINISTRATOR", START)
    assert rules.required_levels(admin, tna, dt.date(2025, 1, 1)) == {"children": 4}


def test_compliance_counts_people_once_and_rates_with_the_returns_bands():
    fw = framework(1, 2, 3)
    tna = [rules.TnaRow("Admin", "", "children", 2, START)]
    as_of = dt.date(2026, 6, 30)
    people = [rules.Person(f"S{n}", "Admin", "Clerk", START) for n in range(4)]
    recent = rules.Completion("children", 2, dt.date(2026, 1, 1))
    completions = {
        "S0": [recent, recent, recent],
        "S1": [rules.Completion("children", 3, dt.date(2025, 1, 1))],
        "S2": [rules.Completion("children", 1, dt.date(2026, 1, 1))],
    }
    cells, expiring = rules.compliance(people, completions, tna, fw, POLICY, as_of)
    cell = cells[("children", 2, "Admin")]
    assert (cell.numerator, cell.denominator) == (2, 4)
    assert cell.rating == "red"
    assert cell.percent == Fraction(50)
    assert cell.target == Decimal(85) and cell.target_met is False
    assert expiring == []


@pytest.mark.parametrize(("up_to_date", "rating"), [(3, "red"), (15, "amber"), (18, "amber"), (19, "green")])
def test_bands_at_their_edges(up_to_date, rating):
    """Of 20: 74.99 % would be red, 75 % and 90 % amber, above 90 % green (as the returns' TRN scheme)."""
    fw = framework(1)
    tna = [rules.TnaRow("G", "", "children", 1, START)]
    people = [rules.Person(f"S{n}", "G", "r", START) for n in range(20)]
    done = {f"S{n}": [rules.Completion("children", 1, dt.date(2026, 1, 1))] for n in range(up_to_date)}
    cells, _ = rules.compliance(people, done, tna, fw, POLICY, dt.date(2026, 2, 1))
    assert cells[("children", 1, "G")].rating == rating


def test_ninety_per_cent_target_applies_to_children_levels_1_and_2_only():
    ninety = rules.Policy(grace=GRACE, excluded_statuses=frozenset(), bands=BANDS, target_choice="90")
    assert ninety.target("children", 1) == ninety.target("children", 2) == 90
    assert ninety.target("children", 3) == ninety.target("adults", 1) == 85
    assert POLICY.target("children", 1) == 85


def test_expiring_within_the_horizon():
    fw = framework(1)
    tna = [rules.TnaRow("G", "", "children", 1, START)]
    as_of = dt.date(2026, 1, 1)
    people = [rules.Person("S1", "G", "r", START), rules.Person("S2", "G", "r", START)]
    done = {
        "S1": [rules.Completion("children", 1, rules.add_months(as_of + dt.timedelta(days=90), -36))],
        "S2": [rules.Completion("children", 1, rules.add_months(as_of + dt.timedelta(days=91), -36))],
    }
    cells, expiring = rules.compliance(people, done, tna, fw, POLICY, as_of)
    assert [e.person.key for e in expiring] == ["S1"]
    assert cells[("children", 1, "G")].expiring == 1


# ------------------------------------------------------------------------------------------ the extract

HEADER = list(rules.DEFAULT_HEADERS.values())
COMPETENCES = {"l1": ("children", 1), "l3": ("children", 3), "l9": ("children", 9)}
LEVELS = {"children": {1, 2, 3, 4, 5, 6}}
TODAY = dt.date(2026, 6, 1)


def row(**fields):
    values = {
        "staff_key": "S1",
        "assignment_number": "",
        "role": "Clerk",
        "staff_group": "Admin",
        "start_date": "2020-01-01",
        "competence": "l1",
        "completed_on": "2026-01-01",
        "expiry_on": "",
        "hours": "",
        "status": "",
        "end_date": "",
    } | fields
    return tuple(values[name] for name in rules.DEFAULT_HEADERS)


def check(*rows):
    positions, problems = rules.column_positions(HEADER, rules.DEFAULT_HEADERS)
    assert problems == []
    found = Problems()
    checked = rules.check_rows(list(enumerate(rows, start=2)), positions, COMPETENCES, LEVELS, TODAY, found, "x.csv")
    return checked, found.report()


def test_a_good_row_is_read():
    checked, problems = check(row(completed_on="01/01/2026", hours="2"))
    assert problems == []
    assert checked[0].completed_on == dt.date(2026, 1, 1) and checked[0].hours == Decimal(2)


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"completed_on": "2026-06-02"}, "x.csv, row 2, column G: completion date 2 June 2026 is in the future"),
        ({"expiry_on": "2025-12-31"}, "x.csv, row 2, column H: expiry date 31 December 2025 is before"),
        (
            {"competence": "l9"},
            "x.csv, row 2, column F: competence 'l9' maps to children level 9, a level the framework",
        ),
        ({"competence": "unknown"}, "x.csv, row 2, column F: competence 'unknown' is not in the competence mapping"),
        ({"start_date": "31/02/2020"}, "x.csv, row 2, column E: '31/02/2020' is not a date"),
        ({"hours": "lots"}, "x.csv, row 2, column I: 'lots' is not a number of hours"),
        ({"staff_key": ""}, "x.csv, row 2, column A: no staff key"),
    ],
)
def test_bad_rows_are_named_by_row_and_column(fields, expected):
    checked, problems = check(row(**fields))
    assert checked == []
    assert problems[0].startswith(expected)


def test_today_is_not_the_future():
    assert check(row(completed_on=TODAY.isoformat()))[1] == []


def test_one_staff_key_with_two_roles_on_one_date_is_refused():
    _, problems = check(row(), row(role="Manager", competence="l3"))
    assert problems == [
        "x.csv, row 3, column C: staff key 'S1' has two roles starting 1 January 2020: 'Clerk' (row 2) and 'Manager'"
    ]
    assert check(row(), row(role="Manager", start_date="2024-01-01"))[1] == []


def test_unknown_and_missing_columns():
    positions, problems = rules.column_positions([*HEADER[:4], *HEADER[5:], "Surname"], rules.DEFAULT_HEADERS)
    messages = [m for _, m in problems]
    assert (10, "unknown column 'Surname': map it on the column-mapping page or remove it") in problems
    assert any("no column for start date" in m for m in messages)


def test_latest_assignment_is_the_person():
    checked, _ = check(row(), row(role="Manager", start_date="2024-01-01"))
    assert rules.people_from_rows(checked)["S1"][0] == "Manager"


# ----------------------------------------------------------------------------------------------- DBS


@given(start=dates, offset=st.integers(min_value=-400, max_value=400))
def test_enhanced_with_barred_list_needed_on_or_before_the_start(start, offset):
    checked = start + dt.timedelta(days=offset)
    problem = rules.dbs_before_start_problem(True, start, [("enhanced_barred", checked)])
    assert (problem is None) == (offset <= 0)
    assert rules.dbs_before_start_problem(True, start, [("enhanced", start - dt.timedelta(days=30))]) is not None
    assert rules.dbs_before_start_problem(False, start, []) is None


def test_certificate_number_is_masked():
    assert rules.mask_certificate("001234567890") == "••••••••7890"
    assert "1234567" not in rules.mask_certificate("001234567890")
    assert rules.mask_certificate("") == ""


def test_self_disclosure_and_references():
    assert rules.self_disclosure_due(None, dt.date(2025, 2, 28), 12) == dt.date(2026, 2, 28)
    assert rules.self_disclosure_due(dt.date(2024, 2, 29), START, 12) == dt.date(2025, 2, 28)
    assert rules.references_problem(1, True, 2)
    assert rules.references_problem(2, False, 2)
    assert rules.references_problem(2, True, 2) is None


# ------------------------------------------------------------------------------------------- supervision


def test_quarterly_supervision_due_three_months_after_the_last_session():
    rule = rules.SupervisionRule("designated-receive", "designated", "months", 3, "CPCCG 11")
    last = dt.date(2026, 1, 31)
    assert rules.supervision_due(last, START, rule) == dt.date(2026, 4, 30)
    assert not rules.supervision_overdue(last, START, rule, dt.date(2026, 4, 30))
    assert rules.supervision_overdue(last, START, rule, dt.date(2026, 5, 1))
    assert rules.supervision_due(None, dt.date(2026, 2, 1), rule) == dt.date(2026, 5, 1)


def test_a_working_day_rule_skips_bank_holidays():
    """20 working days from Thursday 17 December 2026 skip Christmas Day, Boxing Day (substitute Monday 28th)
    and New Year's Day: due Tuesday 19 January 2027, not Thursday 14 January as without them."""
    rule = rules.SupervisionRule("x", "other", "working_days", 20, "setting")
    calendar = WorkingCalendar()
    due = rules.supervision_due(dt.date(2026, 12, 17), START, rule, calendar.add_working_days)
    assert due == dt.date(2027, 1, 19)
    assert rules.supervision_overdue(
        dt.date(2026, 12, 17), START, rule, dt.date(2027, 1, 20), calendar.add_working_days
    )
    assert not rules.supervision_overdue(dt.date(2026, 12, 17), START, rule, due, calendar.add_working_days)


# --------------------------------------------------------------------------------------------- capacity

CONV = rules.Conversions(Decimal(4), Decimal("37.5"), Decimal("4.348"))


@pytest.mark.parametrize(
    ("amount", "unit", "hours"),
    [
        ("1", "wte", Decimal("37.5")),
        ("0.4", "wte", Decimal("15")),
        ("6", "pa_week", Decimal(24)),
        ("2", "pa_month", Decimal(8) / Decimal("4.348")),
        ("10", "hours_week", Decimal(10)),
    ],
)
def test_capacity_conversions(amount, unit, hours):
    assert rules.hours_per_week(Decimal(amount), unit, CONV) == hours


def test_named_doctor_for_children_in_care_ratio_gap():
    """At least 4 hours a week per 400 children in care [E10]: 1,000 children in care need 10 hours; 2 PA a
    week (8 hours) is 2 hours short; 3 PA a week (12 hours) meets it."""
    ratio = rules.Ratio("named_doctor_lac", Decimal(4), 400, "children_in_care", "E10")
    assert rules.capacity_gap(ratio, 1000, rules.hours_per_week(2, "pa_week", CONV)) == (Fraction(10), Fraction(2))
    assert rules.capacity_gap(ratio, 1000, rules.hours_per_week(3, "pa_week", CONV))[1] == Fraction(-2)
    assert rules.capacity_gap(ratio, None, 0) is None


def test_hours_in_the_three_year_window():
    as_of = dt.date(2026, 6, 30)
    records = [
        ("children", dt.date(2023, 6, 30), Decimal(5)),  # exactly 36 months before: outside
        ("children", dt.date(2023, 7, 1), Decimal(2)),
        ("children", as_of, Decimal("1.5")),
        ("children", dt.date(2026, 7, 1), Decimal(9)),  # after the date
        ("adults", dt.date(2025, 1, 1), Decimal(4)),
        ("children", dt.date(2025, 1, 1), None),
    ]
    assert rules.hours_in_window(records, "children", as_of) == Decimal("3.5")


def test_safer_recruitment_gaps():
    assert (
        rules.recruitment_gaps(identity_and_qualifications=True, employment_history=True, panel_member_trained=True)
        == []
    )
    gaps = rules.recruitment_gaps(
        identity_and_qualifications=False, employment_history=True, panel_member_trained=False
    )
    assert gaps == [
        "ID and qualifications not checked [CPCCG §10.1]",
        "no interview panel member trained in safer recruitment [DUDLEY §7.1]",
    ]


def test_initial_hours_window():
    """Level 3: 8 hours within 12 months of appointment [E1, E2]; level 1: 30 minutes within 6 weeks (1.5 months)."""
    start = dt.date(2026, 1, 31)
    assert rules.initial_window_end(start, Decimal(12)) == dt.date(2027, 1, 31)
    assert rules.initial_window_end(start, Decimal("1.5")) == start + dt.timedelta(days=46)
    records = [
        ("children", dt.date(2026, 1, 30), Decimal(3)),  # before the start
        ("children", start, Decimal(2)),
        ("children", dt.date(2027, 1, 31), Decimal(4)),
        ("children", dt.date(2027, 2, 1), Decimal(5)),  # after the window
    ]
    assert rules.initial_hours_recorded(records, "children", start, Decimal(12)) == Decimal(6)


# ------------------------------------------------------------------------------------------ training hours

hours_needed = st.decimals(min_value=1, max_value=100, places=1)


def hours_framework(hours, *, start=START, end=None, version="v1"):
    return rules.Framework(
        [rules.LevelRule(version, "children", level, 36, start, end, hours) for level in (1, 2, 3, 4, 5)]
    )


@given(required=hours_needed, completed=dates)
def test_exactly_the_frameworks_hours_is_compliant_and_one_hour_fewer_is_not(required, completed):
    """A valid level 3 completion with the hours the framework sets over 3 years [E1] is compliant; an hour fewer
    is not; with the hours check switched off the completion alone is enough."""
    fw = hours_framework(required)
    assert rules.hours_met(required, required) and not rules.hours_met(required - 1, required)
    enough = [rules.Completion("children", 3, completed, required)]
    short = [rules.Completion("children", 3, completed, required - 1)]
    assert rules.compliant(enough, "children", 3, completed, fw)[0]
    assert not rules.compliant(short, "children", 3, completed, fw)[0]
    assert rules.compliant(short, "children", 3, completed, fw, check_hours=False)[0]


@given(as_of=dates, required=hours_needed)
def test_hours_count_over_the_window_ending_on_the_day(as_of, required):
    """Hours dated in (as_of - 36 months, as_of] count; a completion exactly 36 months old is outside the window
    (and still valid on its last day), the next day's is inside; several completions add up."""
    fw = hours_framework(required)
    window_start = rules.add_months(as_of, -36)
    old = rules.Completion("children", 3, window_start, required)
    inside = rules.Completion("children", 3, window_start + dt.timedelta(days=1), required)
    assert rules.hours_towards([old], "children", 3, as_of) == 0
    assert not rules.compliant([old], "children", 3, as_of, fw)[0]
    assert rules.compliant([inside], "children", 3, as_of, fw)[0]
    half = required / 2
    split = [rules.Completion("children", 3, as_of, half), rules.Completion("children", 3, as_of, required - half)]
    assert rules.compliant(split, "children", 3, as_of, fw)[0]


def test_hours_at_a_lower_level_do_not_count_and_no_hours_in_the_framework_is_not_checked():
    as_of = dt.date(2026, 6, 1)
    fw = hours_framework(Decimal(6))
    done = [rules.Completion("children", 3, as_of, Decimal(1)), rules.Completion("children", 2, as_of, Decimal(9))]
    assert rules.hours_towards(done, "children", 3, as_of) == 1
    assert rules.hours_towards(done, "children", 2, as_of) == 10
    assert not rules.compliant(done, "children", 3, as_of, fw)[0]
    assert rules.compliant(done, "children", 3, as_of, hours_framework(None))[0]
    assert rules.compliant([rules.Completion("children", 3, as_of)], "children", 3, as_of, hours_framework(None))[0]


def test_two_versions_in_force_ask_for_the_smaller_hours_and_none_when_one_sets_none():
    as_of = dt.date(2026, 6, 1)
    both = rules.Framework(
        [
            rules.LevelRule("old", "children", 3, 36, START, None, Decimal(8)),
            rules.LevelRule("new", "children", 3, 36, dt.date(2026, 1, 1), None, Decimal(6)),
        ]
    )
    assert both.hours_required("children", 3, as_of) == 6
    assert both.hours_required("children", 3, dt.date(2025, 12, 31)) == 8  # the new version changes no past date
    unknown = rules.Framework(
        [
            rules.LevelRule("old", "children", 3, 36, START, None, Decimal(8)),
            rules.LevelRule("new", "children", 3, 36, dt.date(2026, 1, 1), None, None),
        ]
    )
    assert unknown.hours_required("children", 3, as_of) is None


def test_the_compliance_cells_count_hours():
    as_of = dt.date(2026, 6, 1)
    people = [rules.Person(f"S{n}", "Nurses", "Nurse", dt.date(2020, 1, 1)) for n in range(2)]
    tna = [rules.TnaRow("Nurses", "", "children", 3, START)]
    done = {
        "S0": [rules.Completion("children", 3, dt.date(2026, 1, 1), Decimal(6))],
        "S1": [rules.Completion("children", 3, dt.date(2026, 1, 1), Decimal(5))],
    }
    cells, _ = rules.compliance(people, done, tna, hours_framework(Decimal(6)), POLICY, as_of)
    assert (cells[("children", 3, "Nurses")].numerator, cells[("children", 3, "Nurses")].denominator) == (1, 2)
    off = rules.Policy(grace=GRACE, excluded_statuses=frozenset(), bands=BANDS, check_hours=False)
    cells, _ = rules.compliance(people, done, tna, hours_framework(Decimal(6)), off, as_of)
    assert cells[("children", 3, "Nurses")].numerator == 2


# ----------------------------------------------------------------------------------------------- leavers


def test_a_leaving_date_or_a_leaver_status_ends_the_person():
    checked, problems = check(row(end_date="2026-03-31"), row(staff_key="S2", status="Leaver"))
    assert problems == []
    assert checked[0].end_date == dt.date(2026, 3, 31)
    assert (checked[1].end_date, checked[1].status) == (TODAY, "active")
    people = rules.people_from_rows(checked)
    assert people["S1"][4] == dt.date(2026, 3, 31)


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"end_date": "2019-12-31"}, "x.csv, row 2, column K: leaving date 31 December 2019 is before the start"),
        ({"status": "On holiday"}, "x.csv, row 2, column J: status 'On holiday' is not one of"),
        ({"end_date": "31/31/2026"}, "x.csv, row 2, column K: '31/31/2026' is not a date"),
    ],
)
def test_bad_leaving_dates_and_statuses_are_named(fields, expected):
    checked, problems = check(row(**fields))
    assert checked == [] and problems[0].startswith(expected)


@given(leaving=dates)
def test_a_leaver_counts_until_the_leaving_day_and_is_out_of_scope_the_day_after(leaving):
    person = rules.Person("S1", "Admin", "Clerk", dt.date(2018, 6, 1), leaving)

    def scope(day):
        return rules.in_scope(person, 1, day, grace=GRACE, excluded_statuses=frozenset())

    assert scope(leaving) and not scope(leaving + dt.timedelta(days=1))


def test_the_end_date_after_an_extract():
    start, ended = dt.date(2020, 1, 1), dt.date(2024, 1, 31)
    assert rules.end_date_after_extract(start, None, start, dt.date(2026, 1, 1)) == dt.date(2026, 1, 1)
    assert rules.end_date_after_extract(start, ended, start, None) == ended  # an older extract reopens nobody
    assert rules.end_date_after_extract(start, ended, dt.date(2024, 6, 1), None) is None  # rejoined
    extract = dt.date(2026, 6, 1)
    assert rules.ended_by_full_extract(start, None, extract) == dt.date(2026, 5, 31)
    assert rules.ended_by_full_extract(start, ended, extract) is None
    assert rules.ended_by_full_extract(extract, None, extract) is None  # starts on the extract's day
    assert rules.ended_by_full_extract(start, dt.date(2026, 9, 30), extract) == dt.date(2026, 5, 31)


# ----------------------------------------------------------------------- initial hours for new starters


def initial_framework(initial, hours, *, months=Decimal(12), start=START, end=None, version="v1"):
    """Children level 3 with the framework's hours over 3 years and initial hours within `months` [E1, E2]."""
    return rules.Framework(
        [rules.LevelRule(version, "children", level, 36, start, end, hours, initial, months) for level in (1, 2, 3)]
    )


@given(start=dates, initial=hours_needed)
def test_a_new_starter_needs_the_initial_hours_until_12_months_after_starting_then_the_3_year_hours(start, initial):
    """Children level 3: 8 hours within 12 months of appointment, then 6 hours per 3 years [E1, E2]. Started
    exactly 12 months ago (the initial window's last day): exactly the initial hours since starting is compliant,
    an hour fewer is not; a day more: the 3-year hours decide (here an hour fewer than the initial hours)."""
    fw = initial_framework(initial, initial - 1)
    last = rules.initial_window_end(start, Decimal(12))
    assert last == rules.add_months(start, 12)
    enough = [rules.Completion("children", 3, start, initial)]
    short = [rules.Completion("children", 3, start, initial - 1)]

    def ok(done, day, **kwargs):
        return rules.compliant(done, "children", 3, day, fw, start_date=start, **kwargs)[0]

    assert rules.in_initial_window(start, last, Decimal(12))
    assert not rules.in_initial_window(start, last + dt.timedelta(days=1), Decimal(12))
    assert ok(enough, last) and not ok(short, last)
    assert ok(enough, start) and not ok(short, start)  # on the first day too
    after = last + dt.timedelta(days=1)
    assert ok(short, after) and ok(enough, after)  # the 3-year hours (initial - 1) apply the day after
    # the hours check switched off: a valid completion is enough, inside the window and after it
    assert ok(short, last, check_hours=False) and ok(short, after, check_hours=False)
    assert ok([rules.Completion("children", 3, start)], last, check_hours=False)


@given(start=dates, initial=hours_needed)
def test_only_training_since_starting_at_the_level_or_higher_counts_towards_the_initial_hours(start, initial):
    """Hours before the start date (another employer, an earlier role) or at a lower level do not count towards the
    initial hours [E1, E2]; a higher level's do [E1, E4]; several completions since starting add up."""
    fw = initial_framework(initial, Decimal(1))
    last = rules.add_months(start, 12)
    before = rules.Completion("children", 3, start - dt.timedelta(days=1), initial)
    lower = rules.Completion("children", 2, start, initial)
    higher = rules.Completion("children", 4, start, initial)
    fw = rules.Framework([*fw.levels, rules.LevelRule("v1", "children", 4, 36, START)])
    small = rules.Completion("children", 3, start, Decimal("0.5"))

    def ok(done):
        return rules.compliant(done, "children", 3, last, fw, start_date=start)[0]

    assert rules.initial_hours_towards([before, lower, small], "children", 3, start, last) == Decimal("0.5")
    assert not ok([before, small]) and not ok([lower, small])
    assert ok([higher])
    half = initial / 2
    split = [rules.Completion("children", 3, start, half), rules.Completion("children", 3, last, initial - half)]
    assert ok(split)
    # without a start date (a caller that does not know it) the 3-year hours apply, as before
    assert rules.compliant([before], "children", 3, last, fw)[0]


def test_two_versions_in_force_ask_for_the_smaller_initial_hours_and_none_when_one_sets_none():
    as_of = dt.date(2026, 6, 1)
    both = rules.Framework(
        [
            rules.LevelRule("old", "children", 3, 36, START, None, Decimal(6), Decimal(8), Decimal(12)),
            rules.LevelRule("new", "children", 3, 36, dt.date(2026, 1, 1), None, Decimal(6), Decimal(16), Decimal(12)),
        ]
    )
    assert both.initial_required("children", 3, as_of) == (Decimal(8), Decimal(12))
    assert both.initial_required("children", 2, as_of) is None
    one = rules.Framework([*both.levels, rules.LevelRule("other", "children", 3, 36, START, None, Decimal(6))])
    assert one.initial_required("children", 3, as_of) is None
    assert hours_framework(Decimal(6)).initial_required("children", 3, as_of) is None


@given(start=dates)
def test_grace_and_initial_hours_in_the_compliance_cells(start):
    """A new starter is out of scope during the level's grace (as before) and counts from the day it ends; with the
    default grace (level 3: 12 months) that is the initial window's last day, judged on the initial hours; the day
    after on the 3-year hours. A shorter grace (an ICB setting) lets the initial hours decide from its end."""
    fw = initial_framework(Decimal(8), Decimal(6))
    person = rules.Person("N1", "Nurses", "Nurse", start)
    tna = [rules.TnaRow("Nurses", "", "children", 3, START)]
    six = {"N1": [rules.Completion("children", 3, start, Decimal(6))]}
    eight = {"N1": [rules.Completion("children", 3, start, Decimal(8))]}
    last = rules.add_months(start, 12)

    def cell(done, day, policy=POLICY):
        cells, _ = rules.compliance([person], done, tna, fw, policy, day)
        found = cells.get(("children", 3, "Nurses"))
        return (found.numerator, found.denominator) if found else None

    assert cell(six, last - dt.timedelta(days=1)) is None  # in grace: not counted at all
    assert cell(six, last) == (0, 1)  # 6 of the 8 initial hours
    assert cell(eight, last) == (1, 1)
    assert cell(six, last + dt.timedelta(days=1)) == (1, 1)  # 6 hours per 3 years
    short_grace = rules.Policy(grace={"3": ["months", 3]}, excluded_statuses=frozenset(), bands=BANDS)
    middle = rules.add_months(start, 6)
    assert cell(six, middle, short_grace) == (0, 1)
    assert cell(eight, middle, short_grace) == (1, 1)
    off = rules.Policy(grace={"3": ["months", 3]}, excluded_statuses=frozenset(), bands=BANDS, check_hours=False)
    assert cell(six, middle, off) == (1, 1)
