from django.db import models


class OrganisationKind(models.TextChoices):
    """Kinds of organisation an ICB commissions or works with [NEL 3.1; DDICB Partnership]."""

    NHS_ENGLAND = "nhs_england", "NHS England"
    REGION = "region", "NHS England region"
    ICB = "icb", "Integrated Care Board (ICB)"
    PLACE = "place", "Place (within an ICB)"
    PROVIDER_COLLABORATIVE = "provider_collaborative", "Provider collaborative"
    TRUST_ACUTE = "trust_acute", "NHS trust: acute"
    TRUST_COMMUNITY = "trust_community", "NHS trust: community"
    TRUST_MENTAL_HEALTH = "trust_mental_health", "NHS trust: mental health"
    TRUST_AMBULANCE = "trust_ambulance", "NHS trust: ambulance"
    NHS_111_OOH = "nhs_111_ooh", "NHS 111 / out of hours"
    INDEPENDENT = "independent", "Independent provider"
    THIRD_SECTOR = "third_sector", "Third-sector provider"
    SOCIAL_ENTERPRISE = "social_enterprise", "Social enterprise"
    GP_PRACTICE = "gp_practice", "GP practice"
    DENTAL_PRACTICE = "dental_practice", "Dental practice"
    OPTOMETRIST = "optometrist", "Optometrist"
    COMMUNITY_PHARMACY = "community_pharmacy", "Community pharmacy"
    CARE_HOME = "care_home", "Care home"
    DOMICILIARY_CARE = "domiciliary_care", "Domiciliary care"
    CONTINUING_HEALTH_CARE = "continuing_health_care", "Continuing health care"
    LEARNING_DISABILITY = "learning_disability", "Learning disability services"
    LOCAL_AUTHORITY = "local_authority", "Local authority"
    POLICE = "police", "Police"
    SAFEGUARDING_CHILDREN_PARTNERSHIP = "scp", "Safeguarding children partnership"
    SAFEGUARDING_ADULTS_BOARD = "sab", "Safeguarding adults board (SAB)"
    COMMUNITY_SAFETY_PARTNERSHIP = "csp", "Community safety partnership"
    SITE = "site", "Site of a provider"


PROVIDER_KINDS = frozenset(
    {
        OrganisationKind.TRUST_ACUTE,
        OrganisationKind.TRUST_COMMUNITY,
        OrganisationKind.TRUST_MENTAL_HEALTH,
        OrganisationKind.TRUST_AMBULANCE,
        OrganisationKind.NHS_111_OOH,
        OrganisationKind.INDEPENDENT,
        OrganisationKind.THIRD_SECTOR,
        OrganisationKind.SOCIAL_ENTERPRISE,
        OrganisationKind.GP_PRACTICE,
        OrganisationKind.DENTAL_PRACTICE,
        OrganisationKind.OPTOMETRIST,
        OrganisationKind.COMMUNITY_PHARMACY,
        OrganisationKind.CARE_HOME,
        OrganisationKind.DOMICILIARY_CARE,
        OrganisationKind.CONTINUING_HEALTH_CARE,
        OrganisationKind.LEARNING_DISABILITY,
    }
)
# Primary care contractors [DUDLEY 3.7]: NHS England commissions them directly in some areas, an ICB under
# delegation in others; Vigil records them as providers of the ICB (or of one of its places).
PRIMARY_CARE_KINDS = frozenset(
    {
        OrganisationKind.GP_PRACTICE,
        OrganisationKind.DENTAL_PRACTICE,
        OrganisationKind.OPTOMETRIST,
        OrganisationKind.COMMUNITY_PHARMACY,
    }
)
# Commissioning bodies beside the ICB [SAAF 4.2.1, 5.2]: a provider collaborative commissions for the ICB under a
# lead provider; NHS England commissions some services directly (specialised, health and justice, armed forces).
COMMISSIONER_KINDS = frozenset({OrganisationKind.PROVIDER_COLLABORATIVE, OrganisationKind.NHS_ENGLAND})
PARTNER_KINDS = frozenset(
    {
        OrganisationKind.LOCAL_AUTHORITY,
        OrganisationKind.POLICE,
        OrganisationKind.SAFEGUARDING_CHILDREN_PARTNERSHIP,
        OrganisationKind.SAFEGUARDING_ADULTS_BOARD,
        OrganisationKind.COMMUNITY_SAFETY_PARTNERSHIP,
    }
)


class RoleCondition(models.TextChoices):
    """When a role requirement applies to an organisation of its kind."""

    ALWAYS = "always", "Always"
    CHILDREN_SERVICES = "children_services", "Provides children's services"
    MATERNITY_SERVICES = "maternity_services", "Provides maternity services"


class SafeguardingRole(models.TextChoices):
    """Posts an organisation must fill. Designated professionals work for the ICB;
    named professionals work for a provider [SAAF 4.2.1, 4.7, 4.8; NEL 3.2]."""

    # Providers: NHS Standard Contract SC32.2 leads [NEL 3.2]
    SAFEGUARDING_LEAD = "safeguarding_lead", "Safeguarding lead / named professional"
    CSAE_LEAD = "csae_lead", "Child sexual abuse and exploitation lead"
    MCA_DOLS_LEAD = "mca_dols_lead", "MCA and deprivation of liberty lead"
    PREVENT_LEAD = "prevent_lead", "Prevent lead"
    # Providers of NHS services [SAAF 4.2.1; NEL Std 9]
    EXECUTIVE_LEAD = "executive_lead", "Executive lead for safeguarding"
    NAMED_DOCTOR = "named_doctor", "Named doctor for safeguarding children"
    NAMED_NURSE = "named_nurse", "Named nurse for safeguarding children"
    NAMED_MIDWIFE = "named_midwife", "Named midwife"
    NAMED_NURSE_LAC = "named_nurse_lac", "Named nurse for children in care"
    NAMED_DOCTOR_LAC = "named_doctor_lac", "Named doctor for children in care"
    NAMED_ADULT_LEAD = "named_adult_lead", "Named lead for adult safeguarding"
    MCA_LEAD = "mca_lead", "Mental Capacity Act (MCA) lead"
    # ICB designated posts [DDICB Roles and Responsibilities; SAAF 4.7-4.8]
    DESIGNATED_DOCTOR_CHILDREN = "designated_doctor_children", "Designated doctor for safeguarding children"
    DESIGNATED_NURSE_CHILDREN = "designated_nurse_children", "Designated nurse for safeguarding children"
    DESIGNATED_DOCTOR_LAC = "designated_doctor_lac", "Designated doctor for children in care"
    DESIGNATED_NURSE_LAC = "designated_nurse_lac", "Designated nurse for children in care"
    DESIGNATED_PAEDIATRICIAN_DEATHS = "designated_paediatrician_deaths", "Designated paediatrician for child deaths"
    DESIGNATED_ADULT_PROFESSIONAL = "designated_adult_professional", "Designated professional for adult safeguarding"
    DESIGNATED_MCA_LEAD = "designated_mca_lead", "Designated MCA lead"
    NAMED_GP_CHILDREN = "named_gp_children", "Named GP for safeguarding children"
    NAMED_GP_ADULTS = "named_gp_adults", "Named GP for safeguarding adults"
    # Other ICB posts [DDICB Designated Professionals Looked after Children; CPCCG 9, 10.2; SAAF 4.2.1, 6.8.3]
    CALDICOTT_GUARDIAN = "caldicott_guardian", "Caldicott Guardian"
    SAB_REPRESENTATIVE = "sab_representative", "Safeguarding adults board representative"
    LAC_EXECUTIVE_LEAD = "lac_executive_lead", "Executive lead for children in care"
    LAC_COMMISSIONER = "lac_commissioner", "Commissioner for children in care"
    NOMINATED_SENIOR_OFFICER = "nominated_senior_officer", "Nominated senior officer for allegations"
    # GP practices [DDICB GP Safeguarding Leads; DUDLEY 8.4]
    GP_LEAD_CHILDREN = "gp_lead_children", "Practice lead for safeguarding children"
    GP_DEPUTY_LEAD_CHILDREN = "gp_deputy_lead_children", "Practice deputy lead for safeguarding children"
    GP_LEAD_ADULTS = "gp_lead_adults", "Practice lead for safeguarding adults"


class CapacityPeriod(models.TextChoices):
    """Programmed activities are counted a week or a month ("2 pa/month" [CPCCG 6.2.2])."""

    WEEK = "week", "a week"
    MONTH = "month", "a month"


class GapStatus(models.TextChoices):
    MISSING = "missing", "No one recorded"
    VACANT = "vacant", "Vacant"


# --- Commissioning with safeguarding in it [NEL 3.1, 5.1, App. A-B; CPCCG 6.8, App. 1; SAAF 4.7.1; DDICB] ----------


class CommissioningKind(models.TextChoices):
    """The commissioning events before which designated professionals are consulted [NEL 3.1: "new, redesigned
    and or decommissioned services"; NEL 2.0: "commissioning and or decommissioning services"]."""

    PROCUREMENT = "procurement", "Procurement"
    TENDER = "tender", "Tender"
    REDESIGN = "redesign", "Service redesign"
    DECOMMISSIONING = "decommissioning", "Decommissioning"


class CommissioningStage(models.TextChoices):
    """The commissioning cycle, in order, "from procurement to quality assurance" [SAAF 4.7.1; CPCCG App. 1]."""

    PLANNING = "planning", "Planning and needs assessment"
    SPECIFICATION = "specification", "Service specification"
    PROCUREMENT = "procurement", "Procurement or negotiation"
    AWARD = "award", "Contract award"
    MOBILISATION = "mobilisation", "Mobilisation"
    QUALITY_ASSURANCE = "quality_assurance", "Quality assurance and contract monitoring"
    CLOSED = "closed", "Closed"


class SpecificationKind(models.TextChoices):
    """Safeguarding standards go into "all contracts, service level agreements and service specifications"
    [NEL App. A]."""

    SPECIFICATION = "specification", "Service specification"
    SLA = "sla", "Service level agreement"


class ScheduleAudience(models.TextChoices):
    """The policy's separate schedules of safeguarding children and adults service standards [NEL 1.0, 4.0, 5.1]."""

    CHILDREN = "children", "Children and young people"
    ADULTS = "adults", "Adults"


class NotificationReason(models.TextChoices):
    """What the lead commissioner tells associate commissioners [DDICB Scope]."""

    NON_COMPLIANCE = "non_compliance", "Non-compliance with the safeguarding standards"
    SERIOUS_INCIDENT = "serious_incident", "Serious incident compromising a child's or adult's safety"


class ContactService(models.TextChoices):
    """The safeguarding services a practitioner may need to reach, for each local authority and partnership
    [DUDLEY 10.1, 10.4]."""

    SINGLE_POINT_OF_ACCESS = "spa", "Single point of access / front door (MASH)"
    EMERGENCY_DUTY_TEAM = "edt", "Emergency duty team (out of hours social care)"
    POLICE_CAIU = "caiu", "Police child abuse investigation unit"
    ON_CALL_PAEDIATRICIAN = "paediatrician", "On-call paediatrician"
    CHILD_DEATH = "child_death", "Child death review lead"
    DOMESTIC_ABUSE = "domestic_abuse", "Domestic abuse lead (MARAC)"
    ADULT_SAFEGUARDING = "adult_safeguarding", "Adult safeguarding team"
    LADO = "lado", "Local authority designated officer (LADO)"
    OTHER = "other", "Other"
