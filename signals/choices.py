"""Choices of the signals app (part C of the reference: signals S1-S13, their settings and the feeds)."""

from django.db import models


class Signal(models.TextChoices):
    """The signals of reference part C1; each is a `SignalRule` with the sourced defaults (signals/conf.py)."""

    S1 = "S1", "S1 Unscheduled care: attendances and NHS 111 contacts"
    S2 = "S2", "S2 Police domestic abuse notification: routing by age"
    S3 = "S3", "S3 Repeat domestic abuse in a household"
    S5 = "S5", "S5 CP-IS flag: attendance of a flagged child"
    S6 = "S6", "S6 Was not brought (missed appointments)"
    S8 = "S8", "S8 Child in hospital three months or more"
    S9 = "S9", "S9 Private fostering"
    S13 = "S13", "S13 Child in care: initial health assessment"


class Setting(models.TextChoices):
    """Where an unscheduled care attendance or contact happened (ECDS-like) [DUDLEY 13.1-13.3]."""

    EMERGENCY_DEPARTMENT = "emergency_department", "Emergency department"
    URGENT_TREATMENT_CENTRE = "urgent_treatment_centre", "Urgent treatment centre"
    WALK_IN_CENTRE = "walk_in_centre", "Walk-in centre"
    NHS_111 = "nhs_111", "NHS 111"


class Severity(models.TextChoices):
    """Risk level of a police domestic abuse notification (DASH: standard, medium, high) [DDICB Domestic Violence]."""

    STANDARD = "standard", "Standard"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"


class FlagKind(models.TextChoices):
    """CP-IS flags [SAAF 3.5.3]; an unborn child is flagged through the mother's NHS number."""

    CHILD_PROTECTION_PLAN = "cpp", "Child protection plan"
    CHILD_IN_CARE = "in_care", "Child in care"
    UNBORN = "unborn", "Unborn child (mother's NHS number)"


class Register(models.TextChoices):
    """GP safeguarding registers kept by on/off code pairs [reference C2]."""

    CHILD_PROTECTION_PLAN = "cpp", "Subject to a child protection plan"
    CHILD_IN_NEED = "cin", "Child in need"
    LOOKED_AFTER = "lac", "Looked after child"
    CONCERN = "concern", "Child is cause for safeguarding concern"
    FAMILY_CONCERN = "family_concern", "Child in family is safeguarding concern"
    UNBORN_CONCERN = "unborn_concern", "Unborn child is cause for safeguarding concern"
    FAMILY_CPP = "family_cpp", "Family member subject of child protection plan"


class Owner(models.TextChoices):
    """Who acts on a signal [DUDLEY 13.3, 21.2, 21.10; NEL 10.0; E39]."""

    SAFEGUARDING_TEAM = "safeguarding_team", "Safeguarding team (named professional)"
    GP = "gp", "GP"
    HEALTH_VISITOR = "health_visitor", "Health visitor"
    SCHOOL_HEALTH = "school_health", "School health adviser or school nurse"
    DESIGNATED_NURSE = "designated_nurse", "Designated nurse (discussion)"
    LAC_HEALTH_TEAM = "lac_health_team", "Looked after children's health team"


class TimescaleUnit(models.TextChoices):
    WORKING_DAYS = "working_days", "Working days"
    CALENDAR_DAYS = "calendar_days", "Calendar days"


class TaskStatus(models.TextChoices):
    OPEN = "open", "Open"
    DONE = "done", "Outcome recorded"


class Outcome(models.TextChoices):
    """What the review decided [issue 13 item 4]; a referral opens casework's referral clocks."""

    NO_FURTHER_ACTION = "nfa", "No further action"
    INFORMATION_SHARED = "shared", "Information shared"
    DISCUSSED_WITH_DESIGNATED_NURSE = "designated", "Discussed with the designated nurse"
    REFERRAL = "referral", "Referral to children's social care"


class Feed(models.TextChoices):
    """The extracts a team receives, one import shape each (docs/signals.md)."""

    ATTENDANCES = "attendances", "Unscheduled care attendances"
    DOMESTIC_ABUSE = "domestic_abuse", "Police domestic abuse notifications"
    MISSED_APPOINTMENTS = "missed_appointments", "Missed appointments (was not brought)"
    CPIS = "cpis", "CP-IS flags"
    GP_CODES = "gp_codes", "GP safeguarding codes"
