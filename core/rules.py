"""Pure rules shared by every module: the action tracker's SMART checks and transitions."""

import datetime as dt

from core.choices import OPEN_STATUSES, ActionSource, ActionStatus

# What an action raised directly in the tracker may arise from (every other kind has a real source record: an
# inspection's action is raised from its record in the inspection register, assurance.Inspection).
STANDALONE_SOURCES = (ActionSource.OTHER,)

TRANSITIONS = {
    ActionStatus.OPEN: {ActionStatus.IN_PROGRESS, ActionStatus.COMPLETED},
    ActionStatus.IN_PROGRESS: {ActionStatus.COMPLETED},
    ActionStatus.COMPLETED: {ActionStatus.VERIFIED, ActionStatus.IN_PROGRESS},
    ActionStatus.VERIFIED: set(),
}


def smart_action_problems(*, title, owner, due_date, success_measure, today):
    """A SMART action says what will be done, who owns it, by when, and how success is measured.

    Returns {field: message} for everything missing; a due date in the past is refused on creation.
    """
    problems = {}
    if not (title or "").strip():
        problems["title"] = "Say what will be done."
    if not (owner or "").strip():
        problems["owner"] = "Name who owns the action."
    if due_date is None:
        problems["due_date"] = "Enter the date the action is due."
    elif due_date < today:
        problems["due_date"] = "The due date cannot be in the past."
    if not (success_measure or "").strip():
        problems["success_measure"] = "Say how success will be measured."
    return problems


def is_overdue(status, due_date, today):
    return status in OPEN_STATUSES and due_date is not None and due_date < today


def transition_problem(current, target):
    if target not in TRANSITIONS[current]:
        now, then = ActionStatus(current).label.lower(), ActionStatus(target).label.lower()
        return f"An action that is {now} cannot become {then}."
    return None


def standalone_source_problems(*, arising_from, occasion):
    """An action raised directly in the tracker arises from a visit or other occasion, and says which; an
    inspection's is raised from its record in the inspection register."""
    problems = {}
    if arising_from not in STANDALONE_SOURCES:
        problems["arising_from"] = (
            "Choose other: an action from an inspection, review or notice is raised from its record."
        )
    if not (occasion or "").strip():
        problems["occasion"] = "Say which visit or occasion the action arises from."
    return problems


def token_expiry(created, days):
    """An API token made at `created` works for exactly `days` days."""
    return created + dt.timedelta(days=days)


def token_expired(expires, now):
    """Valid up to the instant before `expires`; refused from `expires` on."""
    return now >= expires
