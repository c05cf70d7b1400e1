from django.db import models


class Rating(models.TextChoices):
    """How far an organisation meets one requirement, in its own judgement."""

    FULLY_MET = "fully_met", "Fully met"
    PARTIALLY_MET = "partially_met", "Partially met"
    NOT_MET = "not_met", "Not met"
    NOT_APPLICABLE = "not_applicable", "Not applicable"


SHORTFALL_RATINGS = frozenset({Rating.PARTIALLY_MET, Rating.NOT_MET})


class AssessmentStatus(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    IN_PROGRESS = "in_progress", "In progress (draft)"
    SUBMITTED = "submitted", "Submitted"
    RETURNED = "returned", "Returned to the provider"
    SIGNED_OFF = "signed_off", "Signed off"


EDITABLE_STATUSES = frozenset({AssessmentStatus.NOT_STARTED, AssessmentStatus.IN_PROGRESS, AssessmentStatus.RETURNED})
UNSUBMITTED_STATUSES = EDITABLE_STATUSES


class ReviewDecision(models.TextChoices):
    ACCEPTED = "accepted", "Accepted"
    CHALLENGED = "challenged", "Challenged"


class CommentKind(models.TextChoices):
    ACCEPTED = "accepted", "Accepted"
    CHALLENGED = "challenged", "Challenged"
    REPLY = "reply", "Provider's answer"


class RAG(models.TextChoices):
    RED = "red", "Red"
    AMBER = "amber", "Amber"
    GREEN = "green", "Green"
    GREY = "grey", "Not rated"


class EvidenceKind(models.TextChoices):
    FILE = "file", "File"
    LINK = "link", "Link"


# Regulators and inspections [NEL 15.0; SAAF 6; DUDLEY 19.1-19.4; CPCCG 8.1]


class InspectionBody(models.TextChoices):
    """Who inspects or reviews [SAAF 6.2-6.4; DUDLEY 19.1]."""

    CQC = "cqc", "Care Quality Commission (CQC)"
    OFSTED = "ofsted", "Ofsted"
    JOINT = "joint", "Joint inspectorates (Ofsted, CQC, HMICFRS, HMI Probation)"
    HMICFRS = "hmicfrs", "HM Inspectorate of Constabulary and Fire and Rescue Services"
    NHS_ENGLAND = "nhs_england", "NHS England"
    PEER = "peer", "Peer reviewers"
    INQUIRY = "inquiry", "A public inquiry"
    ICB = "icb", "The ICB (assurance visit)"
    OTHER = "other", "Other"


class InspectionKind(models.TextChoices):
    """What the inspection or review is [DUDLEY 19.1; SAAF 6.2.1]."""

    CQC_INSPECTION = "cqc_inspection", "CQC inspection"
    JTAI = "jtai", "Joint targeted area inspection (JTAI)"
    ILACS = "ilacs", "Inspection of local authority children's services (ILACS)"
    SEND = "send", "Area SEND inspection"
    PEER_REVIEW = "peer_review", "Peer review"
    PUBLIC_INQUIRY = "public_inquiry", "Public inquiry"
    ASSURANCE_VISIT = "assurance_visit", "ICB assurance visit"
    OTHER = "other", "Other inspection or review"


class RegulatorRating(models.TextChoices):
    """The published overall judgement (CQC ratings; Ofsted's judgements use the same four words)."""

    OUTSTANDING = "outstanding", "Outstanding"
    GOOD = "good", "Good"
    REQUIRES_IMPROVEMENT = "requires_improvement", "Requires improvement"
    INADEQUATE = "inadequate", "Inadequate"
    NOT_RATED = "not_rated", "Not rated"


class NoticeKind(models.TextChoices):
    """What a regulator imposes on a registered provider [NEL 15.0: "any requirements imposed on them by the CQC"]."""

    CONDITION = "condition", "Condition of registration"
    REQUIREMENT = "requirement", "Requirement notice"
    WARNING = "warning", "Warning notice"
    ENFORCEMENT = "enforcement", "Other enforcement action"


# A notice of these kinds needs an action in the tracker while it stands (a condition may simply be lived with).
NOTICES_NEEDING_ACTION = frozenset({NoticeKind.REQUIREMENT, NoticeKind.WARNING, NoticeKind.ENFORCEMENT})
