"""Reference data shipped in the repository (escalation procedures), loaded idempotently."""

import json
from pathlib import Path

ESCALATION_PROCEDURES_FILE = Path(__file__).parent / "data" / "escalation_procedures.json"


def sync_escalation_procedures(procedure_model, data=None):
    """Create or update every procedure in the data file (or `data`, a frozen copy a migration passes);
    loading twice changes nothing. The ICBs that follow a procedure are left as they are."""
    data = data or json.loads(ESCALATION_PROCEDURES_FILE.read_text())
    for row in data["procedures"]:
        procedure_model.objects.update_or_create(
            code=row["code"],
            defaults={"name": row["name"], "source": row["source"], "definition": row["definition"]},
        )
