"""STAND-IN for the `render` helper's reporting/spreadsheets.py (SNAPSHOT.md): same path and signatures, replaced
on merge. Every table of the snapshot on one sheet per section, through the safe writer."""

from core.spreadsheets import Column, SpreadsheetWriter


def appendix_xlsx(snapshot):
    writer = SpreadsheetWriter()
    for index, section in enumerate(snapshot["sections"], start=1):
        paragraphs = [[section["title"], block["text"]] for block in section["blocks"] if block["type"] == "paragraph"]
        if paragraphs:
            table = writer.table(f"{index} {section['key']}"[:31], [Column("Section"), Column("Text", width=80)])
            for row in paragraphs:
                table.append(row)
        for block in section["blocks"]:
            if block["type"] != "table":
                continue
            table = writer.table(f"{index} {section['key']}"[:31], [Column(c) for c in block["columns"]])
            for row in block["rows"]:
                table.append([cell["text"] if isinstance(cell, dict) else cell for cell in row])
    if not writer.tables:
        writer.table("Report", [Column("Report")]).append([snapshot["report"]["title"]])
    return writer.to_bytes()


def nhse_assurance_xlsx(*, icb, period_start, period_end, as_at):
    writer = SpreadsheetWriter()
    writer.table("Assurance", [Column("ICB"), Column("From"), Column("To")]).append(
        [icb.name, period_start.isoformat(), period_end.isoformat()]
    )
    return writer.to_bytes()
