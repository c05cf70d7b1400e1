"""Every setting of the returns module, read in one place (the lead adds the keys to config/settings.py).

| name | default | source |
| RETURNS_DUE_WORKING_DAYS | 20 | issue 4 (due N working days after quarter end) |
| RETURNS_MULTI_AGENCY_GAP_RATING | "red" | CPCCG App. 3 11.a.2 leaves 60-75 % undefined; Vigil's choice |
| RETURNS_REMINDER_WORKING_DAYS | 5 | issue 4 (remind 5 working days before the due date) |
| RETURNS_TREND_QUARTERS | 8 | issue 4 (eight-quarter trend) |
| RETURNS_JUDGED_CAPS | true | CPCCG App. 3 11.a.2, 11.a.5, 11.b (green needs the evidence judged present); |
|   |   | false: the ICB rates numbers only |
| RETURNS_CHANGE_MIN_ABSOLUTE | 3 | Vigil's choice: a count must move by at least this many (and by more than the |
|   |   | change_count_percent rule's %) before the change needs explaining; 2 -> 0 is not flagged |
| RETURNS_EVIDENCE_MAX_BYTES | 10 MB | as assurance evidence |
| RETURNS_EVIDENCE_EXTENSIONS | pdf, docx, xlsx, png, jpg, jpeg, txt, csv | as assurance evidence |
"""

from core.conf import setting


def _get(name, default):
    return setting(name, default=default)


def due_working_days():
    return int(_get("RETURNS_DUE_WORKING_DAYS", 20))


def multi_agency_gap_rating():
    value = _get("RETURNS_MULTI_AGENCY_GAP_RATING", "red")
    if value not in ("red", "amber"):
        raise ValueError("RETURNS_MULTI_AGENCY_GAP_RATING must be 'red' or 'amber'.")
    return value


def reminder_working_days():
    return int(_get("RETURNS_REMINDER_WORKING_DAYS", 5))


def trend_quarters():
    return int(_get("RETURNS_TREND_QUARTERS", 8))


def judged_caps():
    """Whether a judged metric caps the numeric rating of the metrics it names (returns/data/judged_metrics.json)."""
    return bool(_get("RETURNS_JUDGED_CAPS", True))


def evidence_max_bytes():
    return int(_get("RETURNS_EVIDENCE_MAX_BYTES", 10 * 1024 * 1024))


def evidence_extensions():
    return tuple(_get("RETURNS_EVIDENCE_EXTENSIONS", ("pdf", "docx", "xlsx", "png", "jpg", "jpeg", "txt", "csv")))


def change_min_absolute():
    """The smallest change of a count that can need explaining (returns.rules.count_change_needs_explaining)."""
    value = int(_get("RETURNS_CHANGE_MIN_ABSOLUTE", 3))
    if value < 0:
        raise ValueError("RETURNS_CHANGE_MIN_ABSOLUTE must not be negative.")
    return value
