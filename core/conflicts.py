"""Unique-constraint races: two people (or two API calls) creating the same record at the same
moment. The database refuses the second; Vigil answers with a clear conflict, never a 500."""

from django.db import IntegrityError

UNIQUE_VIOLATION = "23505"  # PostgreSQL's SQLSTATE for unique_violation
CONFLICT_MESSAGE = "This record was created or changed by someone else at the same moment. Reload and try again."


def is_unique_violation(error):
    """True when `error` is an IntegrityError raised by a unique constraint (PostgreSQL or SQLite)."""
    if not isinstance(error, IntegrityError):
        return False
    cause = error.__cause__
    if getattr(cause, "sqlstate", None) == UNIQUE_VIOLATION or getattr(cause, "pgcode", None) == UNIQUE_VIOLATION:
        return True
    return str(error).startswith("UNIQUE constraint failed")
