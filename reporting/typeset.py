"""STAND-IN for the `render` helper's reporting/typeset.py (SNAPSHOT.md): same path and signature, replaced on
merge. A plain deterministic PDF (reportlab, invariant) of the snapshot's titles and paragraphs."""

import io


def render_pdf(snapshot, *, status_label, version, draft):
    from xml.sax.saxutils import escape

    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import Paragraph, SimpleDocTemplate

    styles = getSampleStyleSheet()
    report = snapshot["report"]
    story = [
        Paragraph(escape(report["title"]), styles["Title"]),
        Paragraph(escape(f"{report['organisation']['name']} - {status_label}"), styles["Normal"]),
    ]
    if draft:
        story.append(Paragraph("DRAFT", styles["Heading1"]))
    for section in snapshot["sections"]:
        story.append(Paragraph(escape(section["title"]), styles["Heading2"]))
        for block in section["blocks"]:
            if block["type"] == "paragraph":
                story.append(Paragraph(escape(block["text"]), styles["Normal"]))
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, pagesize=A4, invariant=1, title=report["title"]).build(story)
    return buffer.getvalue()
