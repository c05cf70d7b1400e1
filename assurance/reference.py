"""Frameworks shipped as data files (assurance/data/frameworks/*.json), loaded idempotently.

A framework version, once loaded, is never edited: loading the same (key, version) again
changes nothing, and a new version creates new rows, so assessments made against an old
version keep pointing at (and showing) the old wording.
"""

import datetime as dt
import json
from pathlib import Path

FRAMEWORKS_DIR = Path(__file__).parent / "data" / "frameworks"


def framework_files(directory=FRAMEWORKS_DIR):
    return sorted(Path(directory).glob("*.json"))


def load_framework_data(data, *, framework_model, section_model, requirement_model):
    """Create one framework version from a parsed data file; returns (framework, created)."""
    existing = framework_model.objects.filter(key=data["key"], version=data["version"]).first()
    if existing is not None:
        return existing, False
    framework = framework_model.objects.create(
        key=data["key"],
        name=data["name"],
        version=data["version"],
        source=data["source"],
        effective_date=dt.date.fromisoformat(data["effective_date"]),
        applies_to=list(data.get("applies_to", [])),
    )
    for section_order, section_data in enumerate(data["sections"], start=1):
        section = section_model.objects.create(
            framework=framework, code=section_data["code"], title=section_data["title"], order=section_order
        )
        for order, row in enumerate(section_data["requirements"], start=1):
            requirement_model.objects.create(
                framework=framework,
                section=section,
                code=row["code"],
                title=row["title"],
                guidance=row.get("guidance", ""),
                source=row["source"],
                applies_to=list(row.get("applies_to", [])),
                order=order,
            )
    return framework, True


def differences(framework, data, requirement_model):
    """Requirement codes whose wording in the file differs from the loaded version (never applied:
    a change of wording needs a new version)."""
    loaded = {r.code: (r.title, r.guidance, r.source) for r in requirement_model.objects.filter(framework=framework)}
    in_file = {
        row["code"]: (row["title"], row.get("guidance", ""), row["source"])
        for section in data["sections"]
        for row in section["requirements"]
    }
    return sorted(code for code in loaded.keys() | in_file.keys() if loaded.get(code) != in_file.get(code))


def load_frameworks(*, framework_model=None, section_model=None, requirement_model=None, files=None, warn=None):
    """Load every data file; returns the frameworks created (empty when all were loaded before)."""
    if framework_model is None:
        from assurance.models import Framework, Requirement, Section

        framework_model, section_model, requirement_model = Framework, Section, Requirement
    created = []
    for path in files if files is not None else framework_files():
        data = json.loads(Path(path).read_text())
        framework, was_created = load_framework_data(
            data, framework_model=framework_model, section_model=section_model, requirement_model=requirement_model
        )
        if was_created:
            created.append(framework)
        elif warn is not None and (changed := differences(framework, data, requirement_model)):
            warn(
                f"{path}: version {framework.version} is already loaded and differs in {', '.join(changed)}; "
                "nothing was changed. Give the file a new version to load the new wording."
            )
    return created
