"""Reference data of the reporting module: the report types of data/report_types.json."""

import json
from pathlib import Path

REPORT_TYPES_FILE = Path(__file__).parent / "data" / "report_types.json"


def report_types():
    return json.loads(REPORT_TYPES_FILE.read_text(encoding="utf-8"))


def sync_report_types(model):
    """Create or update every report type from the data file (idempotent: a data migration and the tests rerun it)."""
    for position, entry in enumerate(report_types()):
        model.objects.update_or_create(
            code=entry["code"],
            defaults={
                "title": entry["title"],
                "audience": entry["audience"],
                "period_kind": entry["period_kind"],
                "organisation_level": entry["organisation_level"],
                "sections": entry["sections"],
                "position": position,
            },
        )
