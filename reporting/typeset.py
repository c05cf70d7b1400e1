"""The report as a typeset PDF, through Typst (the pip package `typst`: no system packages, compiles in
milliseconds). The template is reporting/typst/report.typ; the snapshot goes in as JSON through `sys.inputs`, so
no user text is ever read as Typst markup. Typst's embedded fonts only (nothing bundled, nothing from the system),
and a fixed creation date (the snapshot's "as at"), so the same snapshot gives the same bytes.
"""

import datetime as dt
import json
from pathlib import Path

import typst

TEMPLATES = Path(__file__).resolve().parent / "typst"
# A tagged PDF (structure for screen readers) costs Typst about half a millisecond a table cell: a 600-provider
# heatmap would take seconds. Reports up to this many cells are tagged; larger ones are not (their accessible
# version is the HTML page, which every report has).
TAGGED_CELLS_LIMIT = 4000


def table_cells(snapshot):
    cells = 0
    for section in snapshot["sections"]:
        for block in section["blocks"]:
            if block["type"] == "table":
                cells += len(block["rows"]) * len(block["columns"])
            elif block["type"] == "heatmap":
                cells += len(block["row_labels"]) * (len(block["column_labels"]) + 1)
    return cells


class TypesetError(RuntimeError):
    """The template could not be compiled (a fault in Vigil, never in the user's text)."""


def _as_at(snapshot):
    return dt.datetime.fromisoformat(snapshot["report"]["as_at"])


def render_pdf(snapshot: dict, *, status_label: str, version: int, draft: bool) -> bytes:
    """The snapshot as a Board-grade PDF: cover, contents, key messages, sections, glossary; "DRAFT" across every
    page when `draft`."""
    as_at = _as_at(snapshot)
    meta = {
        "status": str(status_label),
        "version": int(version),
        "draft": bool(draft),
        "as_at_label": f"{as_at:%d %B %Y, %H:%M}".lstrip("0"),
    }
    timestamp = (as_at if as_at.tzinfo else as_at.replace(tzinfo=dt.UTC)).replace(microsecond=0)
    try:
        return typst.compile(
            TEMPLATES / "report.typ",
            root=TEMPLATES,
            format="pdf",
            ignore_system_fonts=True,
            sys_inputs={"snapshot": json.dumps(snapshot, sort_keys=True), "meta": json.dumps(meta, sort_keys=True)},
            timestamp=timestamp,
            pdf_tags=table_cells(snapshot) <= TAGGED_CELLS_LIMIT,
        )
    except typst.TypstError as error:  # pragma: no cover - a broken template is a bug, reported with its cause
        raise TypesetError(f"{error.message}: {error.diagnostic}") from error
