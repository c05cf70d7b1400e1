from django.db import models


class AllegationSetting(models.TextChoices):
    CHILDREN = "children", "Works with children (LADO)"
    ADULTS = "adults", "Person in a position of trust with adults (PiPoT)"


class AllegationCategory(models.TextChoices):
    """The harm test of Working Together / Keeping Children Safe [DDICB Managing allegations; DUDLEY 9]."""

    HARMED = "harmed", "Behaved in a way that has harmed, or may have harmed, a child or adult"
    OFFENCE = "offence", "Possibly committed a criminal offence against or related to a child or adult"
    RISK = "risk", "Behaved in a way that indicates they may pose a risk of harm"
    CONDUCT_OUTSIDE_WORK = "outside_work", "Conduct outside work that may transfer to their role"


class SuspensionDecision(models.TextChoices):
    PENDING = "pending", "Not yet decided"
    SUSPENDED = "suspended", "Suspended"
    ALTERNATIVE = "alternative", "Not suspended: alternative arrangements (e.g. redeployment)"
    NOT_SUSPENDED = "not_suspended", "Not suspended"


class AllegationOutcome(models.TextChoices):
    SUBSTANTIATED = "substantiated", "Substantiated"
    UNSUBSTANTIATED = "unsubstantiated", "Unsubstantiated"
    UNFOUNDED = "unfounded", "Unfounded"
    FALSE = "false", "False"
    MALICIOUS = "malicious", "Malicious"


class EmploymentOutcome(models.TextChoices):
    UNKNOWN = "", "Not yet known"
    REMAINS = "remains", "Remains in post"
    REMOVED = "removed", "Dismissed or removed from regulated activity"
    RESIGNED = "resigned", "Resigned or left before the process ended"
    CEASED = "ceased", "Ceased to be used (agency, bank or volunteer)"


class EscalationTheme(models.TextChoices):
    THRESHOLD = "threshold", "Threshold or decision not to accept a referral"
    PLAN = "plan", "Child protection plan, conference or strategy decision"
    CLOSURE = "closure", "Case closure or step-down"
    INFORMATION_SHARING = "information_sharing", "Information sharing"
    ASSESSMENT = "assessment", "Quality of assessment or plan"
    ATTENDANCE = "attendance", "Invitation to or attendance at meetings"
    OTHER = "other", "Other"


class AbuseCategory(models.TextChoices):
    """Categories of abuse and exploitation (Working Together for children; Care Act 2014 for adults)."""

    PHYSICAL = "physical", "Physical abuse"
    EMOTIONAL = "emotional", "Emotional or psychological abuse"
    SEXUAL = "sexual", "Sexual abuse"
    NEGLECT = "neglect", "Neglect or acts of omission"
    SELF_NEGLECT = "self_neglect", "Self-neglect"
    DOMESTIC = "domestic", "Domestic abuse"
    FINANCIAL = "financial", "Financial or material abuse"
    MODERN_SLAVERY = "modern_slavery", "Modern slavery"
    DISCRIMINATORY = "discriminatory", "Discriminatory abuse"
    ORGANISATIONAL = "organisational", "Organisational abuse"
    CSE = "cse", "Child sexual exploitation"
    CCE = "cce", "Child criminal exploitation"
    FGM = "fgm", "Female genital mutilation"
    RADICALISATION = "radicalisation", "Radicalisation (Prevent)"
    FII = "fii", "Fabricated or induced illness"
    OTHER = "other", "Other"


class DutyOfCandour(models.TextChoices):
    NOT_APPLICABLE = "not_applicable", "Not applicable"
    REQUIRED = "required", "Required, not yet completed"
    COMPLETED = "completed", "Completed"


class ConcernKind(models.TextChoices):
    COMPLEX = "complex", "Perceived complex health needs"
    FII = "fii", "Suspected fabricated or induced illness"


class ConcernReferral(models.TextChoices):
    NONE = "", "None (yet)"
    NO_FURTHER_ACTION = "nfa", "No further action: health plan agreed"
    SOCIAL_CARE = "social_care", "Referral to children's social care"
    POLICE = "police", "Referral to the police"


class LawfulBasis(models.TextChoices):
    """Lawful basis for sharing without consent (UK GDPR and Data Protection Act 2018) [CPCCG 9]."""

    SAFEGUARDING = "safeguarding", "Safeguarding of children and individuals at risk (DPA 2018 Sch. 1 para 18)"
    PUBLIC_TASK = "public_task", "Public task (UK GDPR Art. 6(1)(e))"
    VITAL_INTERESTS = "vital_interests", "Vital interests (UK GDPR Art. 6(1)(d))"
    LEGAL_OBLIGATION = "legal_obligation", "Legal obligation or court order"
    CRIME = "crime", "Prevention or detection of crime (DPA 2018 Sch. 2 para 2)"
