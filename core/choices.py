from django.db import models


class Role(models.TextChoices):
    """What a user does in Vigil; each role has its own rights (see core.permissions)."""

    DESIGNATED = "designated", "Designated professional"
    ADMINISTRATOR = "admin", "Safeguarding administrator"
    EXECUTIVE = "executive", "Executive lead for safeguarding"
    BOARD = "board", "Board or committee member"
    CONTRACTS = "contracts", "Commissioning or contract manager"
    PROVIDER = "provider", "Provider user"
    HR = "hr", "HR / allegations officer"
    AUDITOR = "auditor", "Auditor"


ICB_ROLES = frozenset(
    {Role.DESIGNATED, Role.ADMINISTRATOR, Role.EXECUTIVE, Role.BOARD, Role.CONTRACTS, Role.HR, Role.AUDITOR}
)
ALL_ROLES = ICB_ROLES | {Role.PROVIDER}


class ActionStatus(models.TextChoices):
    """Where an action stands. 'Overdue' is not a status: it is derived from the due date."""

    OPEN = "open", "Open"
    IN_PROGRESS = "in_progress", "In progress"
    COMPLETED = "completed", "Completed (evidence given)"
    VERIFIED = "verified", "Verified by the ICB"


OPEN_STATUSES = frozenset({ActionStatus.OPEN, ActionStatus.IN_PROGRESS})


class ActionSource(models.TextChoices):
    """What an action came from; each module creates actions with its own source kind."""

    ASSESSMENT = "assessment", "Standards self-assessment"
    RETURN = "return", "Quarterly return"
    REVIEW = "review", "Statutory review recommendation"
    INCIDENT = "incident", "Serious incident"
    INSPECTION = "inspection", "Inspection or assurance visit"
    OTHER = "other", "Other"


class JobStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"
