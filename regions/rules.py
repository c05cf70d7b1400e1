"""Pure rules of the regional and national roll-ups (no database).

- Small numbers from casework are suppressed: a count of 1 to 4 is shown as "fewer than 5", so no review can be
  picked out from a regional table (the usual small-number rule of NHS statistics; the seeds give no other), and
  totals never give a suppressed count away: core.suppression, the one implementation.
- The case review tracker's shape [reference part D; E40]: status open or closed (closed = completed, published or
  signed off, or not taken forward), up to three abuse or vulnerability themes, a rapid review "converted" when it
  becomes a full review (a local or national CSPR), and cases from 1 April 2021 plus historic cases still open.
"""

import datetime as dt
from fractions import Fraction

from core.suppression import SUPPRESSED, suppress, suppress_breakdowns  # noqa: F401 - one implementation, in core

TRACKER_START = dt.date(2021, 4, 1)  # the tracker holds cases from 1 April 2021 (and historic open ones) [E40]
MAX_THEMES = 3  # "abuse / vulnerability themes 1-3" [E40]
RAPID_REVIEW = "rapid_review"
FULL_REVIEW_OUTCOMES = frozenset({"local_cspr", "national_cspr"})  # reviews.choices.DecisionOutcome
OPEN, CLOSED = "open", "closed"


def share(part, whole):
    """`part` of `whole` as a percentage rounded to a whole number, or None when there is nothing to share."""
    if not whole:
        return None
    return round(Fraction(100 * part, whole))


def tracker_status(is_active):
    """Open while the review is under way; closed once completed, published, signed off or not taken forward."""
    return OPEN if is_active else CLOSED


def date_added(decision_date, notification_date, initiation_date):
    """The tracker's "date added": the decision to review, else the notification, else the start of the review."""
    return decision_date or notification_date or initiation_date


def in_tracker(is_active, added):
    """Cases from 1 April 2021, and historic cases that are still open. A case with no date is counted (it is a
    new record whose dates are not entered yet)."""
    return is_active or added is None or added >= TRACKER_START


def converted(kind_code, decision_outcome):
    """A rapid review that became a full review (a local or national child safeguarding practice review)."""
    return kind_code == RAPID_REVIEW and decision_outcome in FULL_REVIEW_OUTCOMES


def first_themes(theme_names):
    """The tracker records up to three themes: the first three in the managed list's order."""
    return list(theme_names)[:MAX_THEMES]


# --- The ICB's quarterly assurance return to its region [SAAF 5.3] ---------------------------------------------

AWAITING_REVIEW, REVIEWED, WITHDRAWN = "awaiting_review", "reviewed", "withdrawn"
RETURN_REPORT_TYPE = "quarterly-assurance"  # what the ICB sends: its approved quarterly assurance report

# A return's life: sent (awaiting review) -> reviewed, or -> withdrawn by the ICB while the region has not reviewed
# it. A withdrawn or reviewed return may be replaced by a corrected one for the same quarter (a new return, version
# + 1, awaiting a new review); the one it replaces is kept, marked replaced, with its feedback or withdrawal reason.
WITHDRAWABLE = frozenset({AWAITING_REVIEW})
RESENDABLE = frozenset({WITHDRAWN, REVIEWED})
REVIEWABLE = frozenset({AWAITING_REVIEW, REVIEWED})  # a review may be written again until the return is replaced


def submission_problems(*, report_type, report_frozen, has_region, already_sent):
    """Why the ICB may not send this report to its region as the quarter's return (field: message)."""
    if report_type != RETURN_REPORT_TYPE:
        return {"report": "Choose the quarterly assurance report of the quarter."}
    if not report_frozen:
        return {"report": "The report must be approved before it goes to the region."}
    if not has_region:
        return {"report": "Your ICB is not placed in an NHS England region: ask the administrator to set its region."}
    if already_sent:
        return {
            "report": "This quarter's return has already been sent to the region: to correct it, withdraw it (before "
            "the region reviews it) or send a corrected return from its page."
        }
    return {}


def withdrawal_problems(*, status, replaced, reason):
    """Why the ICB may not withdraw this return (field: message): only while the region has not reviewed it."""
    if replaced:
        return {"__all__": "A corrected return has replaced this one: withdraw the current return instead."}
    if status == REVIEWED:
        return {
            "__all__": "The region has reviewed this return, so it can no longer be withdrawn: send a corrected "
            "return instead, and the region reviews it again."
        }
    if status not in WITHDRAWABLE:
        return {"__all__": "This return has already been withdrawn."}
    if not (reason or "").strip():
        return {"reason": "Say why the return is withdrawn: the region reads it."}
    return {}


def resend_problems(*, status, replaced, report_type, report_frozen, same_quarter, has_region):
    """Why the ICB may not send a corrected return in place of this one (field: message)."""
    if replaced:
        return {"__all__": "A corrected return has already replaced this one: correct the current return instead."}
    if status not in RESENDABLE:
        return {
            "__all__": "The region has not reviewed this return yet: withdraw it first, then send the corrected return."
        }
    if not same_quarter:
        return {"report": "Choose the quarterly assurance report of the same quarter."}
    return submission_problems(
        report_type=report_type, report_frozen=report_frozen, has_region=has_region, already_sent=False
    )


def review_problems(*, status, replaced, feedback):
    """Why the regional lead may not review this return now (field: message)."""
    if replaced:
        return {"__all__": "The ICB has sent a corrected return in place of this one: review the corrected return."}
    if status not in REVIEWABLE:
        return {"__all__": "The ICB has withdrawn this return: there is nothing to review until it sends it again."}
    return feedback_problems(feedback)


def feedback_problems(feedback):
    if not (feedback or "").strip():
        return {"feedback": "Write the region's feedback to the ICB."}
    return {}
