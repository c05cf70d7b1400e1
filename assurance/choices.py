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
