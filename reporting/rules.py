"""Pure rules of the reporting workflow (no database): periods, the approval transitions and who may take each,
what approval and presentation need, and which statuses are frozen.

draft -> submitted (to the executive lead) -> approved | returned (with comments); returned -> submitted again;
approved -> presented (committee meeting date and minute reference) -> published. An approved report is frozen:
its files are stored once and never regenerated; a change needs a new version that supersedes it.

A region's annual report (organisation level "region") takes the same steps with other roles [SAAF App. 1]: the
region provides its annual safeguarding assurance report to the national steering group (NSSG), which the national
team co-ordinates, so the regional lead writes, builds and submits it and the national team approves or returns it,
records its presentation to the NSSG and publishes it. The regional lead does not approve its own report: the
report is the region's account to the national team, and approval is the national team's acceptance of it.
"""

import datetime as dt

from core.choices import Role
from core.quarters import Quarter

DRAFT, SUBMITTED, RETURNED, APPROVED, PRESENTED, PUBLISHED = (
    "draft",
    "submitted",
    "returned",
    "approved",
    "presented",
    "published",
)
SUBMIT, APPROVE, RETURN, PRESENT, PUBLISH = "submit", "approve", "return", "present", "publish"
QUARTER, FINANCIAL_YEAR = "quarter", "financial_year"

# The safeguarding team writes and builds; the executive lead approves or returns; the three present and publish.
TEAM = frozenset({Role.DESIGNATED, Role.ADMINISTRATOR})
NARRATIVE_WRITERS = frozenset({Role.DESIGNATED})
EXECUTIVE = frozenset({Role.EXECUTIVE})
REGIONAL = frozenset({Role.REGIONAL})
NATIONAL = frozenset({Role.NATIONAL})
ICB_LEVEL, REGION_LEVEL = "icb", "region"

# transition -> (from statuses, to status, roles that may take it)
TRANSITIONS = {
    SUBMIT: (frozenset({DRAFT, RETURNED}), SUBMITTED, TEAM),
    APPROVE: (frozenset({SUBMITTED}), APPROVED, EXECUTIVE),
    RETURN: (frozenset({SUBMITTED}), RETURNED, EXECUTIVE),
    PRESENT: (frozenset({APPROVED}), PRESENTED, TEAM | EXECUTIVE),
    PUBLISH: (frozenset({PRESENTED}), PUBLISHED, TEAM | EXECUTIVE),
}
FROZEN = frozenset({APPROVED, PRESENTED, PUBLISHED})
EDITABLE = frozenset({DRAFT, RETURNED})
TRANSITION_LABELS = {
    SUBMIT: "Submit to the executive lead",
    APPROVE: "Approve",
    RETURN: "Return with comments",
    PRESENT: "Record the presentation",
    PUBLISH: "Publish",
}
# A region's annual report: the regional lead writes and submits, the national team decides [SAAF App. 1].
REGION_TRANSITION_ROLES = {SUBMIT: REGIONAL, APPROVE: NATIONAL, RETURN: NATIONAL, PRESENT: NATIONAL, PUBLISH: NATIONAL}
REGION_LABELS = {SUBMIT: "Submit to the national team", PRESENT: "Record the presentation to the NSSG"}
# A status says who holds the report: an ICB's goes to its executive lead, a region's to the national team.
REGION_STATUS_NAMES = {SUBMITTED: "Submitted to the national team", PRESENTED: "Presented to the NSSG"}


def transition_roles(transition, level=ICB_LEVEL):
    if level == REGION_LEVEL:
        return REGION_TRANSITION_ROLES[transition]
    return TRANSITIONS[transition][2]


def transition_label(transition, level=ICB_LEVEL):
    if level == REGION_LEVEL and transition in REGION_LABELS:
        return REGION_LABELS[transition]
    return TRANSITION_LABELS[transition]


def status_name(status, level=ICB_LEVEL, icb_names=None):
    """The status as a person reads it for a report of `level`; `icb_names` are the ICB's own (the model's
    choices, reporting.choices.ReportStatus), passed in so this module stays free of Django."""
    if level == REGION_LEVEL and status in REGION_STATUS_NAMES:
        return REGION_STATUS_NAMES[status]
    return (icb_names or {}).get(status, status)


def makers(level=ICB_LEVEL):
    """Who starts, builds and makes new versions of a report of this level."""
    return REGIONAL if level == REGION_LEVEL else TEAM


def writers(level=ICB_LEVEL):
    """Who writes the narrative of a report of this level."""
    return REGIONAL if level == REGION_LEVEL else NARRATIVE_WRITERS


def narrative_readers(level=ICB_LEVEL):
    """Who reads the narrative drafts on the report page."""
    return REGIONAL | NATIONAL if level == REGION_LEVEL else TEAM | EXECUTIVE


def is_frozen(status):
    return status in FROZEN


def is_editable(status):
    """Narrative can be written and the report built only before it is submitted (or once returned)."""
    return status in EDITABLE


ROLE_REFUSED = "Your role cannot take this step."


def transition_problem(transition, status, role, level=ICB_LEVEL):
    """Why `role` may not take `transition` from `status` on a report of `level` (None when it may)."""
    if transition not in TRANSITIONS:
        return f"'{transition}' is not a step of the approval workflow."
    sources = TRANSITIONS[transition][0]
    if role not in transition_roles(transition, level):
        return ROLE_REFUSED
    if status not in sources:
        return f"A report that is {status} cannot take the step '{TRANSITION_LABELS[transition].lower()}'."
    return None


def target_of(transition):
    return TRANSITIONS[transition][1]


def available_transitions(status, role, level=ICB_LEVEL):
    return [name for name in TRANSITIONS if transition_problem(name, status, role, level) is None]


def period_of(kind, financial_year, quarter=None):
    """(start, end) of a quarter (1-4) of the financial year starting in April `financial_year`, or of the year."""
    if kind == QUARTER:
        period = Quarter(financial_year, quarter)
        return period.start, period.end
    return dt.date(financial_year, 4, 1), dt.date(financial_year + 1, 3, 31)


def period_label(kind, start):
    fy = start.year if start.month >= 4 else start.year - 1
    if kind == QUARTER:
        return Quarter.containing(start).label
    return f"{fy}/{(fy + 1) % 100:02d}"


def period_problems(kind, financial_year, quarter, today):
    """Field errors of a requested period: a quarter is needed for a quarterly report; the period must have ended."""
    problems = {}
    if financial_year is None:
        problems["financial_year"] = "Enter the financial year the report covers, for example 2026 for 2026/27."
        return problems
    if kind == QUARTER and quarter not in (1, 2, 3, 4):
        problems["quarter"] = "Choose the quarter this report covers."
        return problems
    _, end = period_of(kind, financial_year, quarter if kind == QUARTER else None)
    if end >= today:
        field = "quarter" if kind == QUARTER else "financial_year"
        problems[field] = f"The period has not ended: it ends on {end:%-d %B %Y}. Report on a period that has ended."
    return problems


def approval_problems(*, built, built_after_last_change):
    """An approval needs a build of the report (the figures the approver read), made after the last narrative edit."""
    if not built:
        return {"__all__": "Build the report before approving it: there are no figures to approve."}
    if not built_after_last_change:
        return {"__all__": "The narrative changed after the last build: build the report again before approving it."}
    return {}


def return_problems(comments):
    if not (comments or "").strip():
        return {"comments": "Write what needs to change before the report can be approved."}
    return {}


def presentation_problems(*, meeting_date, minute_reference, approved_on):
    problems = {}
    if meeting_date is None:
        problems["meeting_date"] = "Enter the date of the meeting the report was presented to."
    elif approved_on is not None and meeting_date < approved_on:
        problems["meeting_date"] = "The meeting cannot be before the report was approved."
    if not (minute_reference or "").strip():
        problems["minute_reference"] = "Enter the minute reference, for example QSG/2026/07."
    return problems


def status_label(status, version):
    label = {
        DRAFT: "Draft",
        SUBMITTED: "Draft, submitted for approval",
        RETURNED: "Draft, returned with comments",
        APPROVED: "Approved",
        PRESENTED: "Approved and presented",
        PUBLISHED: "Published",
    }[status]
    return f"{label} (version {version})"
