"""Reference data shipped in the repository (review kinds, milestone rules, themes), loaded idempotently."""

import json
from pathlib import Path

REVIEW_KINDS_FILE = Path(__file__).parent / "data" / "review_kinds.json"


def sync_reference_data(kind_model, rule_model, theme_model):
    """Create or update every kind, milestone rule and theme in the data file; loading twice changes nothing.

    Takes the model classes so that a data migration can pass its historical models.
    """
    data = json.loads(REVIEW_KINDS_FILE.read_text())
    for row in data["kinds"]:
        kind, _ = kind_model.objects.update_or_create(
            code=row["code"],
            defaults={
                "name": row["name"],
                "group": row["group"],
                "order": row["order"],
                "partnership_kinds": row["partnership_kinds"],
                "source": row["source"],
            },
        )
        for order, milestone in enumerate(row["milestones"]):
            rule_model.objects.update_or_create(
                kind=kind,
                code=milestone["code"],
                defaults={
                    "name": milestone["name"],
                    "base": milestone["base"],
                    "unit": milestone["unit"],
                    "amount": milestone["amount"],
                    "met_by": milestone.get("met_by", ""),
                    "setting": milestone.get("setting", ""),
                    "source": milestone["source"],
                    "order": order,
                },
            )
    for order, name in enumerate(data["themes"]):
        theme_model.objects.get_or_create(name=name, defaults={"order": order})
