"""STAND-IN for the `render` helper's reporting/sections.py (SNAPSHOT.md): same path and signature, replaced on
merge. A minimal deterministic snapshot: the report's header, its narrative sections and one table per generated
section saying the content is to come."""

SECTIONS = {}


def build_snapshot(*, organisation, report_type, period_start, period_end, as_at, narratives):
    sections = []
    for section in report_type["sections"]:
        if section["kind"] == "narrative":
            text = narratives.get(section["key"], "") or "This section has not been written."
            blocks = [{"type": "paragraph", "text": text}]
        else:
            blocks = [
                {
                    "type": "table",
                    "caption": section["title"],
                    "columns": ["Section", "Content"],
                    "rows": [[section["key"], "Generated content to come"]],
                    "wide": False,
                }
            ]
        sections.append({"key": section["key"], "title": section["title"], "kind": section["kind"], "blocks": blocks})
    return {
        "schema": 1,
        "report": {
            "type": report_type["code"],
            "title": report_type["title"],
            "audience": report_type["audience"],
            "organisation": {"name": organisation.name, "ods_code": organisation.ods_code or ""},
            "period": {"start": period_start.isoformat(), "end": period_end.isoformat(), "label": ""},
            "as_at": as_at.isoformat(),
        },
        "key_messages": [],
        "sections": sections,
        "glossary": [],
    }
