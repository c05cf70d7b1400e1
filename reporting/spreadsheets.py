"""Reports as workbooks, through core.spreadsheets (the safe writer: text is never a formula).

- `appendix_xlsx`: the data appendix of a report, every table of its snapshot, one sheet per section.
- `nhse_assurance_xlsx`: the ICB's position in the areas NHS England asks about each quarter (role holders and
  vacancies, training compliance, statutory reviews, assurance cycles), built by the same section builders as the
  reports, so the same read sides and the same small-number suppression.
"""

import re

from core.spreadsheets import RAG_FILLS, Column, SpreadsheetWriter, Styled

BAD_SHEET_CHARACTERS = re.compile(r"[\[\]:*?/\\]")


def _value(cell):
    if isinstance(cell, dict):
        return Styled(cell.get("text", ""), fill=RAG_FILLS.get(cell.get("rag")))
    return cell


def _sheet_name(title, used):
    base = BAD_SHEET_CHARACTERS.sub(" ", str(title)).strip().strip("'")[:28] or "Sheet"
    name, n = base, 2
    while name.lower() in used:
        name = f"{base[:26]} {n}"
        n += 1
    used.add(name.lower())
    return name


def _tables_of(block):
    """(caption, columns, rows) for each table a block holds (a chart's figures, a heatmap as words)."""
    kind = block["type"]
    if kind == "table":
        return [(block["caption"], block["columns"], block["rows"])]
    if kind == "heatmap":
        rows = [[label, *cells] for label, cells in zip(block["row_labels"], block["cells"], strict=True)]
        return [(block["caption"], ["Provider", *block["column_labels"]], rows)]
    if kind == "chart":
        series = block["series"]
        rows = [[label, *[s["values"][i] for s in series]] for i, label in enumerate(block["x_labels"])]
        return [(block["caption"], ["Period", *[s["name"] for s in series]], rows)]
    if kind == "risk_matrix":
        rows = [[f"Likelihood {5 - i}", *line] for i, line in enumerate(block["counts"])]
        return [(block["caption"], ["Likelihood", *[f"Consequence {c}" for c in range(1, 6)]], rows)]
    return []


def _write_section(writer, name, tables, *, title):
    """Several tables on one sheet: the first as the sheet's table, the others below it, each with its caption."""
    (caption, columns, rows), *others = tables
    width = max(len(c) for _, c, _ in tables)
    sheet_columns = [Column(str(col), width=30 if i == 0 else 16) for i, col in enumerate(columns)]
    sheet_columns += [Column("", width=16)] * (width - len(columns))
    table = writer.table(name, sheet_columns, title=f"{title}: {caption}")
    for row in rows:
        table.append([_value(cell) for cell in row])
    for caption, columns, rows in others:
        table.append([])
        table.append([Styled(caption, bold=True)])
        table.append([Styled(str(col), bold=True) for col in columns])
        for row in rows:
            table.append([_value(cell) for cell in row])


def _write_blocks(writer, sections, used, *, every_section=False):
    for section in sections:
        tables = [t for block in section["blocks"] for t in _tables_of(block)]
        if not tables and every_section:  # a sheet that says why it is empty
            notes = [[b["text"]] for b in section["blocks"] if b["type"] == "paragraph"]
            tables = [("Notes", ["Note"], notes or [["Nothing to report."]])]
        if tables:
            _write_section(writer, _sheet_name(section["title"], used), tables, title=section["title"])


def appendix_xlsx(snapshot: dict) -> bytes:
    """Every table of the snapshot, one sheet per section, after a sheet naming the report and its key messages."""
    report = snapshot["report"]
    writer = SpreadsheetWriter()
    used = {"report", "glossary"}
    cover = writer.table(
        "Report",
        [Column("Key message", 50), Column("Count", 14), Column("Severity", 12)],
        title=f"{report['title']}: data appendix",
        lines=[
            ("Organisation", report["organisation"]["name"]),
            ("Period", report["period"]["label"]),
            ("Figures as at", report["as_at"]),
            ("Classification", "OFFICIAL-SENSITIVE"),
        ],
    )
    for message in snapshot["key_messages"]:
        cover.append([message["text"], message["count"], message["severity"]])
    _write_blocks(writer, snapshot["sections"], used)
    glossary = writer.table("Glossary", [Column("Term", 24), Column("Meaning", 80, wrap=True)])
    for item in snapshot["glossary"]:
        glossary.append([item["term"], item["meaning"]])
    return writer.to_bytes()


NHSE_SECTIONS = (
    ("roles", "Role holders and vacancies"),
    ("workforce", "Training compliance"),
    ("reviews", "Statutory reviews"),
    ("assurance", "Assurance cycles"),
)


def nhse_assurance_xlsx(*, icb, period_start, period_end, as_at) -> bytes:
    """NHS England's quarterly assurance areas for one ICB (issue 11 item 10), from the report builders."""
    from reporting.sections import SECTIONS, Context, period_label

    ctx = Context(icb, period_start, period_end, as_at)
    sections = [{"title": title, "blocks": SECTIONS[key].build(ctx)} for key, title in NHSE_SECTIONS]
    writer = SpreadsheetWriter()
    about = writer.table(
        "About",
        [Column("Area", 40), Column("Sheet", 40)],
        title="Safeguarding assurance for NHS England",
        lines=[
            ("ICB", icb.name),
            ("ODS code", icb.ods_code or ""),
            ("Period", period_label(period_start, period_end)),
            ("Figures as at", as_at.isoformat()),
            ("Small numbers", "Counts of statutory reviews from 1 to 4 are shown as 'fewer than 5'."),
        ],
    )
    for _, title in NHSE_SECTIONS:
        about.append([title, title])
    _write_blocks(writer, sections, {"about"}, every_section=True)
    return writer.to_bytes()
