from django.db import models


class Topic(models.TextChoices):
    """Training topics shipped as data (workforce/data/frameworks.json) [reference A1]."""

    CHILDREN = "children", "Safeguarding children"
    CHILDREN_IN_CARE = "children_in_care", "Children in care"
    ADULTS = "adults", "Safeguarding adults"
    PREVENT = "prevent", "Prevent"
    MCA_DOLS = "mca_dols", "MCA and DoLS"
    OLIVER_MCGOWAN = "oliver_mcgowan", "Learning disability and autism (Oliver McGowan)"
    SAFER_RECRUITMENT = "safer_recruitment", "Safer recruitment"
    BOARD = "board", "Board-level safeguarding"


class StaffStatus(models.TextChoices):
    """Why a person may be out of scope on a date; which of these exclude is the ICB's choice."""

    ACTIVE = "active", "Active"
    MATERNITY = "maternity", "Maternity or adoption leave"
    LONG_TERM_SICK = "long_term_sick", "Long-term sickness absence"
    SUSPENDED = "suspended", "Suspended"
    BANK_NO_SHIFTS = "bank_no_shifts", "Bank, no shifts"


class DbsLevel(models.TextChoices):
    """DBS check levels in England [reference A3; E20, E21]; ordered weakest first."""

    BASIC = "basic", "Basic"
    STANDARD = "standard", "Standard"
    ENHANCED = "enhanced", "Enhanced"
    ENHANCED_BARRED = "enhanced_barred", "Enhanced with barred list(s)"


DBS_ORDER = [DbsLevel.BASIC, DbsLevel.STANDARD, DbsLevel.ENHANCED, DbsLevel.ENHANCED_BARRED]


class SupervisionGroup(models.TextChoices):
    """Whom a supervision rule applies to [CPCCG 11; DUDLEY 16.4-16.5]."""

    DESIGNATED = "designated", "Designated professional"
    NAMED = "named", "Named professional"
    OTHER = "other", "Other staff"


class CapacityUnit(models.TextChoices):
    """Capacity is kept in the unit it was entered in [reference A5]."""

    WTE = "wte", "WTE"
    PA_WEEK = "pa_week", "PA per week"
    PA_MONTH = "pa_month", "PA per month"
    HOURS_WEEK = "hours_week", "Hours per week"


class DesignatedRole(models.TextChoices):
    DESIGNATED_DOCTOR_CHILDREN = "designated_doctor_children", "Designated doctor for safeguarding children"
    DESIGNATED_NURSE_CHILDREN = "designated_nurse_children", "Designated nurse for safeguarding children"
    DESIGNATED_DOCTOR_LAC = "designated_doctor_lac", "Designated doctor for children in care"
    DESIGNATED_NURSE_LAC = "designated_nurse_lac", "Designated nurse for children in care"
    NAMED_DOCTOR_LAC = "named_doctor_lac", "Named doctor for children in care"
    NAMED_NURSE_LAC = "named_nurse_lac", "Specialist nurse for children in care"
    DESIGNATED_PAEDIATRICIAN_DEATHS = "designated_paediatrician_deaths", "Designated doctor for child deaths"
    DESIGNATED_ADULT_PROFESSIONAL = "designated_adult_professional", "Designated professional for adult safeguarding"
    NAMED_GP_CHILDREN = "named_gp_children", "Named GP for safeguarding children"
    ADMINISTRATION = "administration", "Safeguarding administration"
