from django.db import models

from reviews import rules


class ReviewStatus(models.TextChoices):
    """Where a review stands. Overdue milestones are derived from the dates, never stored."""

    OPEN = "open", "Open"
    IN_PROGRESS = "in_progress", "Under way"
    COMPLETED = "completed", "Completed or published"
    CLOSED = "closed", "Closed: learning embedded"
    NOT_PROCEEDING = "not_proceeding", "Not taken forward"


ACTIVE_STATUSES = frozenset({ReviewStatus.OPEN, ReviewStatus.IN_PROGRESS})


class Harm(models.TextChoices):
    """What happened to the subject, for the eligibility hints."""

    DIED = rules.DIED, "Died"
    SERIOUS_HARM = rules.SERIOUS_HARM, "Seriously harmed"
    NONE = rules.NO_SERIOUS_HARM, "Not seriously harmed"
    CAUSED_HARM = rules.CAUSED_HARM, "A child who caused serious harm to someone else"


class DecisionOutcome(models.TextChoices):
    """What was decided at the decision date (for a rapid review: whether to hold a CSPR)."""

    LOCAL_CSPR = "local_cspr", "Hold a local child safeguarding practice review"
    NATIONAL_CSPR = "national_cspr", "Refer for a national child safeguarding practice review"
    PROCEED = "proceed", "Proceed with the review"
    NO_REVIEW = "no_review", "No further review"


CSPR_OUTCOMES = {DecisionOutcome.LOCAL_CSPR: "cspr_local", DecisionOutcome.NATIONAL_CSPR: "cspr_national"}


class ContributionKind(models.TextChoices):
    """What an organisation involved in a review must provide [SAAF 4.5; DUDLEY 19.5]."""

    CHRONOLOGY = "chronology", "Chronology"
    AGENCY_REPORT = "agency_report", "Agency report (IMR)"
    PANEL_ATTENDANCE = "panel_attendance", "Panel attendance"


class ContributionStatus(models.TextChoices):
    REQUESTED = "requested", "Requested"
    SUBMITTED = "submitted", "Submitted or attended"
    ACCEPTED = "accepted", "Accepted by the review"
    NOT_REQUIRED = "not_required", "No longer required"


OPEN_CONTRIBUTION_STATUSES = frozenset({ContributionStatus.REQUESTED})

BASE_DATE_CHOICES = [(name, label.capitalize()) for name, label in rules.DATE_LABELS.items()]
UNIT_CHOICES = [(key, label.capitalize()) for key, label in rules.UNITS.items()]
