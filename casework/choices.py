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
    FORCED_MARRIAGE = "forced_marriage", "Forced marriage"
    HONOUR_BASED_ABUSE = "honour_based_abuse", "Honour-based abuse"
    MISSING = "missing", "Missing from home or care"
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
    """The UK GDPR Article 6 basis for sharing [DDICB Information Sharing: "legal obligation" or "public task"]."""

    PUBLIC_TASK = "public_task", "Public task (UK GDPR Art. 6(1)(e))"
    LEGAL_OBLIGATION = "legal_obligation", "Legal obligation, including a court order (UK GDPR Art. 6(1)(c))"
    VITAL_INTERESTS = "vital_interests", "Vital interests (UK GDPR Art. 6(1)(d))"


class Article9Condition(models.TextChoices):
    """The separate condition for special category data (health) under UK GDPR Article 9 and the Data
    Protection Act 2018 [DDICB Information Sharing]."""

    SAFEGUARDING = (
        "safeguarding",
        "Safeguarding of children and individuals at risk (Art. 9(2)(g); DPA 2018 Sch. 1 para 18)",
    )
    HEALTH_CARE = "health_care", "Health or social care (Art. 9(2)(h); DPA 2018 Sch. 1 para 2)"
    VITAL_INTERESTS = "vital_interests", "Vital interests, consent cannot be given (Art. 9(2)(c))"
    CRIME = "crime", "Preventing or detecting unlawful acts (Art. 9(2)(g); DPA 2018 Sch. 1 para 10)"
    LEGAL_CLAIMS = "legal_claims", "Legal claims or a court acting in its judicial capacity (Art. 9(2)(f))"
    NONE = "none", "No special category data was shared"


class ConsentDecision(models.TextChoices):
    """Whether consent was sought before sharing [DDICB Information Sharing; CPCCG 9]."""

    REFUSED = "refused", "Sought and refused (shared in the public interest)"
    CANNOT_GIVE = "cannot_give", "Sought: the person could not give consent"
    NOT_SOUGHT = "not_sought", "Not sought: an exception applied"


class ConsentException(models.TextChoices):
    """Why consent was not sought [DDICB Information Sharing]."""

    UNDERMINE = "undermine", "Seeking it would undermine the purpose (e.g. suspected FII or sexual abuse)"
    DELAY = "delay", "Action was needed quickly: delay would put the child at further risk of harm"
    IMPRACTICABLE = "impracticable", "It was impracticable to gain consent"
    RISK = "risk", "Seeking it would put the child or the staff member at risk"
    LAW = "law", "Required by law or a court order"


class ReferralRoute(models.TextChoices):
    """How a referral was made [DDICB What to do; DUDLEY 15.2, 25.3]."""

    TELEPHONE = "telephone", "Telephone (followed up in writing)"
    ONLINE = "online", "Online form or portal"
    POLICE = "police", "Straight to the police (forced marriage, honour-based abuse)"


class EscalationContact(models.TextChoices):
    """Who raises an escalation stage and with whom [DUDLEY App. 6 3.1-3.5; CPCCG App. 5]."""

    PRACTITIONER = "practitioner", "Front-line practitioner"
    LINE_MANAGER = "line_manager", "Line manager or supervisor"
    NAMED_PROFESSIONAL = "named_professional", "Named professional or safeguarding lead"
    DESIGNATED_PROFESSIONAL = "designated_professional", "Designated nurse or doctor"
    SOCIAL_WORKER = "social_worker", "Social worker"
    TEAM_MANAGER = "team_manager", "Team or group manager"
    OPERATIONS_MANAGER = "operations_manager", "Operations manager or senior manager"
    HEAD_OF_SERVICE = "head_of_service", "Head of service"
    HEAD_OF_SAFEGUARDING = "head_of_safeguarding", "Head of safeguarding or director"
    PARTNERSHIP_CHAIR = "partnership_chair", "Chair of the safeguarding partnership (or resolution panel)"
    OTHER = "other", "Other"
