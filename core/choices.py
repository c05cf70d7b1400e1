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
    # NHS England (see regions/): aggregates only, never an ICB's or a provider's own records [SAAF 4.4, 5.3, App. 1]
    REGIONAL = "regional", "Regional safeguarding lead (NHS England)"
    NATIONAL = "national", "National safeguarding team (NHS England)"


ICB_ROLES = frozenset(
    {Role.DESIGNATED, Role.ADMINISTRATOR, Role.EXECUTIVE, Role.BOARD, Role.CONTRACTS, Role.HR, Role.AUDITOR}
)
ALL_ROLES = ICB_ROLES | {Role.PROVIDER}  # every role that works inside one ICB (the regional roles are not among them)
# NHS England's roles read the regional and national roll-ups (regions/) and nothing else: core.permissions denies
# them every ICB and provider page and endpoint.
REGIONAL_ROLES = frozenset({Role.REGIONAL, Role.NATIONAL})


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
