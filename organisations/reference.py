"""Reference data shipped in the repository and loaded idempotently."""

import json
from pathlib import Path

ROLE_REQUIREMENTS_FILE = Path(__file__).parent / "data" / "role_requirements.json"


def sync_role_requirements(requirement_model, data=None):
    """Create any requirement in the data file (or `data`, a frozen copy a migration passes) that is missing and
    correct the source of those that exist; loading twice changes nothing. Requirements the ICB added stay.

    Takes the model class so that a data migration can pass its historical model.
    """
    data = data or json.loads(ROLE_REQUIREMENTS_FILE.read_text())
    created = 0
    for row in data["requirements"]:
        _, was_created = requirement_model.objects.update_or_create(
            kind=row["kind"], role=row["role"], condition=row["condition"], defaults={"source": row["source"]}
        )
        created += was_created
    return created
