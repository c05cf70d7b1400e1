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
