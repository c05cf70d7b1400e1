from django.db import models


class CommitteeKind(models.TextChoices):
    """The committees safeguarding reports go to [DDICB Governance Arrangements; B1 of the reference]."""

    BOARD = "board", "ICB Board"
    QUALITY_PERFORMANCE = "quality_performance", "Quality and performance committee"
    QUALITY_SAFETY = "quality_safety", "Quality and safety group"
    SYSTEM_QUALITY = "system_quality", "System quality group"
    PARTNERSHIP_BOARD = "partnership_board", "Partnership board"
    COLLABORATION = "collaboration", "Safeguarding collaboration committee"
    OTHER = "other", "Other committee or group"


class PolicyStatus(models.TextChoices):
    """Where a policy stands. 'Review overdue' is not a status: it is derived from the dates, and an
    overdue policy stays in force until its revision is approved [DDICB Monitoring]."""

    DRAFT = "draft", "Draft"
    APPROVED = "approved", "Approved (in force)"
    SUPERSEDED = "superseded", "Superseded"


class RiskStatus(models.TextChoices):
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"


class ReportSubject(models.TextChoices):
    """Providers send one annual safeguarding report for children and one for adults [NEL 15.0; adults Std 9]."""

    CHILDREN = "children", "Safeguarding children"
    ADULTS = "adults", "Safeguarding adults"


class MonitoringFrequency(models.IntegerChoices):
    """How often a recurring internal check is done, in months [DDICB Monitoring and Review of Policy: team
    structure every quarter, governance forums every six months, the training programme yearly, the policies
    every two years]."""

    QUARTERLY = 3, "Every quarter"
    SIX_MONTHLY = 6, "Every six months"
    YEARLY = 12, "Every year"
    TWO_YEARLY = 24, "Every two years"


class CheckOutcome(models.TextChoices):
    ASSURED = "assured", "Assured"
    GAPS = "gaps", "Gaps found (actions raised)"
