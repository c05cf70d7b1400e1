from django.db import models


class ReportStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted to the executive lead"
    RETURNED = "returned", "Returned with comments"
    APPROVED = "approved", "Approved"
    PRESENTED = "presented", "Presented"
    PUBLISHED = "published", "Published"


class PeriodKind(models.TextChoices):
    QUARTER = "quarter", "Quarter"
    FINANCIAL_YEAR = "financial_year", "Financial year"


class OrganisationLevel(models.TextChoices):
    ICB = "icb", "ICB"
    REGION = "region", "NHS England region"


class FileKind(models.TextChoices):
    PDF = "pdf", "PDF"
    HTML = "html", "HTML"
    XLSX = "xlsx", "XLSX data appendix"
    JSON = "json", "Snapshot of the figures (JSON)"
