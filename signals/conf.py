"""The signals module's settings: each signal's sourced defaults (reference part C1), copied into a provider's
`SignalRule` rows the first time they are needed (`actions.ensure_rules`); the team then changes its own.

None means the source gives no number (reference part H): the rule is not evaluated (threshold) or a task has
no due date (timescale) until the provider sets one — its own time frames [DUDLEY 13.3].
"""

from core.conf import setting

W, C = "working_days", "calendar_days"

RULE_DEFAULTS = {
    # >= 3 attendances or communications (ED, walk-in centres, NHS 111) within 12 months: review the records;
    # the provider writes the time frame into its own policy [DUDLEY 13.1-13.3]. Rolling window [reference C1 note].
    "S1": {
        "threshold": 3,
        "window_months": 12,
        "timescale": None,
        "timescale_unit": W,
        "owners": ["safeguarding_team", "gp", "health_visitor", "school_health"],
        "parameters": {},
        "source": "DUDLEY 13.1-13.3",
    },
    # Routing of a police domestic abuse notification by age on the notification date [DUDLEY 21.2]:
    # 0-5 health visitor + GP; 5-16 in full-time education GP + school health adviser; 16-18 GP only.
    "S2": {
        "threshold": 1,
        "window_months": None,
        "timescale": None,
        "timescale_unit": W,
        "owners": ["health_visitor", "gp", "school_health"],
        "parameters": {
            "age_bands": [
                {"from": 0, "to": 5, "owners": ["health_visitor", "gp"]},
                {"from": 5, "to": 16, "owners": ["gp", "school_health"]},
                {"from": 16, "to": 18, "owners": ["gp"]},
            ]
        },
        "source": "DUDLEY 21.1-21.9",
    },
    # More than three notifications (incidents) for a household in six months, i.e. at least 4: discuss the
    # family with the designated nurse [DUDLEY 21.10].
    "S3": {
        "threshold": 4,
        "window_months": 6,
        "timescale": None,
        "timescale_unit": W,
        "owners": ["designated_nurse"],
        "parameters": {},
        "source": "DUDLEY 21.10",
    },
    # A flagged child (CP-IS: child protection plan, in care, unborn) attends an unscheduled setting: the local
    # authority is told of the attendance [SAAF 3.5.3].
    "S5": {
        "threshold": 1,
        "window_months": None,
        "timescale": None,
        "timescale_unit": W,
        "owners": ["safeguarding_team"],
        "parameters": {},
        "source": "SAAF 3.5.3",
    },
    # Was not brought: "frequently", no number in any seed (reference part H): not evaluated until set.
    "S6": {
        "threshold": None,
        "window_months": None,
        "timescale": None,
        "timescale_unit": W,
        "owners": ["safeguarding_team"],
        "parameters": {},
        "source": "DUDLEY 27, App. 5; NEL 4.1 Std 6",
    },
    # A child accommodated in hospital three months or more: notify the local authority (Children Act 1989 s.85)
    # [NEL 10.0]. No feed of admissions yet: kept as a setting.
    "S8": {
        "threshold": None,
        "window_months": 3,
        "timescale": None,
        "timescale_unit": W,
        "owners": ["safeguarding_team"],
        "parameters": {},
        "source": "NEL 10.0",
    },
    # Private fostering: under 16 (18 if disabled), cared for by a non-relative 28 days or more: notify children's
    # social care [DDICB Private Fostering; DUDLEY 22]. No feed yet: kept as a setting.
    "S9": {
        "threshold": None,
        "window_months": None,
        "timescale": None,
        "timescale_unit": C,
        "owners": ["safeguarding_team"],
        "parameters": {"days": 28, "under_age": 16, "under_age_disabled": 18},
        "source": "DDICB Private Fostering; DUDLEY 22",
    },
    # Child in care: initial health assessment within 20 working days of coming into care; review health
    # assessments 6-monthly under 5, 12-monthly from 5 [E39, secondary summary].
    "S13": {
        "threshold": 1,
        "window_months": None,
        "timescale": 20,
        "timescale_unit": W,
        "owners": ["lac_health_team"],
        "parameters": {"review_months_under_5": 6, "review_months_from_5": 12},
        "source": "E39 (statutory guidance on promoting the health of looked-after children)",
    },
}

DEFAULTS = {
    # Rows of one signals extract (an ICB-wide unscheduled care year is 500,000 rows: split by month).
    "SIGNALS_IMPORT_MAX_ROWS": 200_000,
    "SIGNALS_IMPORT_MAX_BYTES": 50 * 1024 * 1024,
    # A file with more data rows than this is imported by a stored job (core.jobs), not in the request.
    "SIGNALS_IMPORT_JOB_ROWS": 5_000,
}


def get(name):
    return setting(name, DEFAULTS)
