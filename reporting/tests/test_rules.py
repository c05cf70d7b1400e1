"""The workflow's pure rules at every transition and role, periods and their boundaries (no database)."""

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from core.choices import Role
from reporting import rules

STATUSES = [rules.DRAFT, rules.SUBMITTED, rules.RETURNED, rules.APPROVED, rules.PRESENTED, rules.PUBLISHED]
# (transition, from, to, roles): the whole table, written out
EXPECTED = {
    rules.SUBMIT: ({rules.DRAFT, rules.RETURNED}, rules.SUBMITTED, {Role.DESIGNATED, Role.ADMINISTRATOR}),
    rules.APPROVE: ({rules.SUBMITTED}, rules.APPROVED, {Role.EXECUTIVE}),
    rules.RETURN: ({rules.SUBMITTED}, rules.RETURNED, {Role.EXECUTIVE}),
    rules.PRESENT: ({rules.APPROVED}, rules.PRESENTED, {Role.DESIGNATED, Role.ADMINISTRATOR, Role.EXECUTIVE}),
    rules.PUBLISH: ({rules.PRESENTED}, rules.PUBLISHED, {Role.DESIGNATED, Role.ADMINISTRATOR, Role.EXECUTIVE}),
}


def test_every_transition_from_every_status_for_every_role():
    for transition, (sources, target, roles) in EXPECTED.items():
        assert rules.target_of(transition) == target
        for status in STATUSES:
            for role in Role.values:
                problem = rules.transition_problem(transition, status, role)
                allowed = status in sources and role in roles
                assert (problem is None) == allowed, (transition, status, role, problem)
                if role not in roles:
                    assert problem == rules.ROLE_REFUSED


def test_an_unknown_step_is_refused():
    assert rules.transition_problem("delete", rules.DRAFT, Role.DESIGNATED)


def test_available_steps_per_role():
    assert rules.available_transitions(rules.SUBMITTED, Role.EXECUTIVE) == [rules.APPROVE, rules.RETURN]
    assert rules.available_transitions(rules.SUBMITTED, Role.DESIGNATED) == []
    assert rules.available_transitions(rules.PUBLISHED, Role.EXECUTIVE) == []
    assert all(rules.available_transitions(status, Role.BOARD) == [] for status in STATUSES)


def test_frozen_and_editable_statuses():
    assert {s for s in STATUSES if rules.is_frozen(s)} == {rules.APPROVED, rules.PRESENTED, rules.PUBLISHED}
    assert {s for s in STATUSES if rules.is_editable(s)} == {rules.DRAFT, rules.RETURNED}


def test_periods():
    assert rules.period_of(rules.QUARTER, 2026, 3) == (dt.date(2026, 10, 1), dt.date(2026, 12, 31))
    assert rules.period_of(rules.FINANCIAL_YEAR, 2025) == (dt.date(2025, 4, 1), dt.date(2026, 3, 31))
    assert rules.period_label(rules.QUARTER, dt.date(2027, 1, 1)) == "2026/27 Q4"
    assert rules.period_label(rules.FINANCIAL_YEAR, dt.date(2025, 4, 1)) == "2025/26"


@settings(max_examples=60)
@given(fy=st.integers(2015, 2030), quarter=st.integers(1, 4), offset=st.integers(-400, 400))
def test_a_period_is_accepted_only_once_it_has_ended(fy, quarter, offset):
    _, end = rules.period_of(rules.QUARTER, fy, quarter)
    today = end + dt.timedelta(days=offset)
    problems = rules.period_problems(rules.QUARTER, fy, quarter, today)
    assert (problems == {}) == (today > end)
    if problems:
        assert set(problems) == {"quarter"}


def test_period_problems_name_the_field():
    today = dt.date(2026, 12, 3)
    assert set(rules.period_problems(rules.FINANCIAL_YEAR, 2026, None, today)) == {"financial_year"}
    assert rules.period_problems(rules.FINANCIAL_YEAR, 2025, None, today) == {}
    assert set(rules.period_problems(rules.QUARTER, 2025, None, today)) == {"quarter"}
    assert set(rules.period_problems(rules.QUARTER, None, 1, today)) == {"financial_year"}
    assert rules.period_problems(rules.FINANCIAL_YEAR, 2026, None, dt.date(2027, 3, 31))  # the last day: not ended
    assert rules.period_problems(rules.FINANCIAL_YEAR, 2026, None, dt.date(2027, 4, 1)) == {}


def test_approval_and_presentation_needs():
    assert rules.approval_problems(built=False, built_after_last_change=True)
    assert rules.approval_problems(built=True, built_after_last_change=False)
    assert rules.approval_problems(built=True, built_after_last_change=True) == {}
    day = dt.date(2026, 11, 1)
    assert set(rules.presentation_problems(meeting_date=None, minute_reference=" ", approved_on=day)) == {
        "meeting_date",
        "minute_reference",
    }
    assert set(
        rules.presentation_problems(meeting_date=dt.date(2026, 10, 31), minute_reference="B/1", approved_on=day)
    ) == {"meeting_date"}
    assert rules.presentation_problems(meeting_date=day, minute_reference="B/1", approved_on=day) == {}
    assert rules.return_problems("") and rules.return_problems("Fix it.") == {}
