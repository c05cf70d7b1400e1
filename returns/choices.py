from django.db import models


class ReturnStatus(models.TextChoices):
    """Where a quarterly return stands. 'Late' and 'missing' are derived from the due date, never stored."""

    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"
    RETURNED = "returned", "Returned for correction"
    ACCEPTED = "accepted", "Accepted"


class Unit(models.TextChoices):
    PERCENTAGE = "percentage", "Percentage (numerator / denominator)"
    COUNT = "count", "Count"
    YES_NO = "yes_no", "Yes / no"
    DATE = "date", "Date"


class Rating(models.TextChoices):
    RED = "red", "Red"
    AMBER = "amber", "Amber"
    GREEN = "green", "Green"
    NONE = "none", "Not rated"


class Source(models.TextChoices):
    WEB = "web", "Web form"
    XLSX = "xlsx", "Spreadsheet upload"
    API = "api", "API"


# A return whose judged metrics the ICB rates (and whose judgements cap its figures): submitted or accepted. A return
# sent back for correction waits for its next submission.
JUDGEABLE_STATUSES = frozenset({ReturnStatus.SUBMITTED, ReturnStatus.ACCEPTED})
