"""Loading the shipped reference data (frameworks, supervision rules) and the per-ICB defaults (TNA,
competence names, column headers). Idempotent: loading again changes nothing already there, and never
changes a version's dates once loaded (a new edition is a new version, so past results stay)."""

import datetime as dt
import json
from decimal import Decimal
from functools import cache
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"


@cache
def data(name):
    return json.loads((DATA / f"{name}.json").read_text(encoding="utf-8"))


def _decimal(value):
    return None if value in (None, "") else Decimal(str(value))


def sync_reference_data(version_model, level_model, rule_model):
    for entry in data("frameworks")["versions"]:
        version, _ = version_model.objects.get_or_create(
            code=entry["code"],
            defaults={
                "topic": entry["topic"],
                "name": entry["name"],
                "effective_from": dt.date.fromisoformat(entry["effective_from"]),
                "effective_to": dt.date.fromisoformat(entry["effective_to"]) if entry["effective_to"] else None,
                "source": entry["source"],
            },
        )
        for level in entry["levels"]:
            level_model.objects.get_or_create(
                version=version,
                level=level["level"],
                defaults={
                    "name": level["name"],
                    "hours": _decimal(level.get("hours")),
                    "initial_hours": _decimal(level.get("initial_hours")),
                    "initial_months": _decimal(level.get("initial_months")),
                    "source": level["source"],
                },
            )
    for rule in data("supervision_rules")["rules"]:
        rule_model.objects.get_or_create(
            code=rule["code"],
            defaults={k: rule.get(k, "") for k in ("supervisee_group", "unit", "amount", "setting", "source")},
        )


def default_tna_rows():
    """[(staff group, topic, level, effective from)] of the shipped TNA."""
    shipped = data("tna_defaults")
    start = dt.date.fromisoformat(shipped["effective_from"])
    return [
        (row["staff_group"], topic, level, start) for row in shipped["rows"] for topic, level in row["levels"].items()
    ]


def default_competences():
    return [tuple(entry) for entry in data("competences")["competences"]]


def capacity_ratios():
    return data("capacity_ratios")["ratios"]
