"""The ICB's quarterly safeguarding assurance report for its quality and safety group [DDICB Governance;
CPCCG 8.2]: completeness and timeliness, the RAG matrix, trends of the main metrics, providers with red
metrics and their actions, and the designated professional's narrative. PDF (reportlab, with charts) and
XLSX (the figures).

Built only from stored data, with a fixed "as at" date (the day after the latest due date of the quarter's
returns, or the date given), so building it twice gives the same document: the PDF is made with reportlab's
`invariant=1` (fixed creation date and document id) and charts without timestamps.
"""

import datetime as dt
import io
from dataclasses import dataclass
from fractions import Fraction

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import cm
from reportlab.platypus import Image, PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from core import spreadsheets
from core.models import TrackedAction
from core.spreadsheets import DATE, WHOLE, Column, Styled
from organisations.models import Organisation
from returns import charts, conf, reports, rules
from returns.models import ReportNarrative, Return

RAG_COLOURS = {**{rating: f"#{fill}" for rating, fill in spreadsheets.RAG_FILLS.items()}, rules.NONE: "#ffffff"}
TAG = {rules.RED: "R", rules.AMBER: "A", rules.GREEN: "G", rules.NONE: ""}


@dataclass
class ReportData:
    icb: Organisation
    quarter: rules.Quarter
    as_at: object
    matrix: reports.Matrix
    trends: dict  # metric code -> [(quarter, {rating: count})]
    reds: list  # [(row, [metric codes], [actions])]
    narrative: str


def icb_organisations(icb):
    return Organisation.objects.filter(icb_id=icb.pk)


def gather(icb, quarter, as_at=None):
    """Everything the report shows, from stored data only."""
    returns = Return.objects.filter(provider__icb_id=icb.pk, archived_at__isnull=True)
    organisations = icb_organisations(icb)
    if as_at is None:
        dues = [r.due_date for r in returns.filter(period=quarter.index)]
        deadline = max([*dues, rules.due_date(quarter, reports.working_calendar(icb.pk), conf.due_working_days())])
        as_at = deadline + dt.timedelta(days=1)  # the day after the last deadline: a return not in is missing
    matrix = reports.build_matrix(organisations, returns, quarter, today=as_at, icb_id=icb.pk)
    main = [m for m in matrix.metrics if m.main]
    quarters = rules.quarters_up_to(quarter, conf.trend_quarters())
    counts = reports.stored_rating_counts(
        returns.filter(provider__in=reports.reporting_organisations(organisations)), quarters, main
    )
    trends = {
        m.code: [
            (q, {r: counts.get((q.index, m.pk, r), 0) for r in (rules.RED, rules.AMBER, rules.GREEN)}) for q in quarters
        ]
        for m in main
    }
    reds = []
    red_rows = [row for row in matrix.rows if row.reds]
    sources = [row.return_obj for row in red_rows]
    actions = {}
    if sources:
        from django.contrib.contenttypes.models import ContentType

        content_type = ContentType.objects.get_for_model(Return)
        for action in TrackedAction.objects.filter(
            source_type=content_type, source_id__in=[r.pk for r in sources]
        ).order_by("due_date", "pk"):
            actions.setdefault(action.source_id, []).append(action)
    for row in red_rows:
        cells = [*row.cells.items(), *row.judged.items()]
        codes = [code for code, cell in cells if cell and cell.rating == rules.RED]
        reds.append((row, codes, actions.get(row.return_obj.pk, [])))
    narrative = ReportNarrative.objects.filter(icb=icb, period=quarter.index).first()
    return ReportData(icb, quarter, as_at, matrix, trends, reds, narrative.text if narrative else "")


def _styles():
    styles = getSampleStyleSheet()
    return (
        styles["Title"],
        styles["Heading2"],
        styles["BodyText"],
        styles["BodyText"].clone("small", fontSize=7, leading=8),
    )


def _trend_chart(metric, points):
    from matplotlib.figure import Figure

    figure = Figure(figsize=(7, 2.2), dpi=100)
    axes = figure.add_subplot()
    xs = list(range(len(points)))
    bottom = [0] * len(points)
    for rating in (rules.RED, rules.AMBER, rules.GREEN):
        heights = [counts[rating] for _, counts in points]
        axes.bar(xs, heights, bottom=bottom, color=charts.COLOURS[rating], label=rating)
        bottom = [b + h for b, h in zip(bottom, heights, strict=True)]
    axes.set_xticks(xs, [q.label for q, _ in points], fontsize=7)
    axes.set_title(f"{metric.code} {metric.title}: providers by rating", fontsize=9)
    axes.legend(fontsize=7, loc="upper left")
    figure.tight_layout()
    out = io.BytesIO()
    figure.savefig(out, format="png", metadata={"Software": None})
    out.seek(0)
    return out


def assurance_pdf(icb, quarter, as_at=None, *, data=None):
    data = data or gather(icb, quarter, as_at)  # the report job gathers once for both files
    title, heading, body, small = _styles()
    story = [
        Paragraph(f"Quarterly safeguarding assurance report: {quarter.label}", title),
        Paragraph(f"{icb.name}. For the quality and safety group. Figures as at {data.as_at:%d %B %Y}.", body),
        Spacer(1, 0.3 * cm),
        Paragraph("Designated professional's narrative", heading),
    ]
    for paragraph in (data.narrative or "No narrative was written for this quarter.").split("\n\n"):
        story.append(Paragraph(paragraph.replace("\n", "<br/>"), body))
    m = data.matrix
    story += [
        Paragraph("Completeness and timeliness", heading),
        Table(
            [
                ["Returns expected", "Submitted", "On time", "Late", "Missing", "Completeness", "Timeliness"],
                [
                    m.expected,
                    m.submitted,
                    m.on_time,
                    m.late,
                    m.missing,
                    _pct_text(m.completeness),
                    _pct_text(m.timeliness),
                ],
            ],
            style=_grid(),
        ),
        Paragraph(_to_rate_text(m), body),
        PageBreak(),
        Paragraph(f"RAG matrix, {quarter.label}", heading),
        _matrix_table(m, small),
        Paragraph("Judged quality metrics [CPCCG App. 3]", heading),
        _judged_table(m, small),
        PageBreak(),
        Paragraph("Trends of the main metrics (eight quarters)", heading),
    ]
    metrics = {x.code: x for x in m.metrics}
    for code, points in data.trends.items():
        story.append(Image(_trend_chart(metrics[code], points), width=24 * cm, height=7.5 * cm))
    story.append(Paragraph("Providers with red metrics and their actions", heading))
    if not data.reds:
        story.append(Paragraph("No provider has a red metric this quarter.", body))
    for row, codes, actions in data.reds:
        story.append(Paragraph(f"<b>{_esc(row.provider.name)}</b>: red on {', '.join(codes)}", body))
        if actions:
            story.append(
                Table(
                    [["Action", "Owner", "Due", "Status"]]
                    + [
                        [Paragraph(_esc(a.title), small), a.owner, f"{a.due_date:%d %b %Y}", a.get_status_display()]
                        for a in actions
                    ],
                    colWidths=[14 * cm, 4 * cm, 3 * cm, 4 * cm],
                    style=_grid(),
                )
            )
        else:
            story.append(Paragraph("No action opened yet.", small))
    out = io.BytesIO()
    document = SimpleDocTemplate(
        out,
        pagesize=landscape(A4),
        invariant=1,
        title=f"Safeguarding assurance {quarter.label}",
        author=icb.name,
        creator="Vigil",
        leftMargin=1.2 * cm,
        rightMargin=1.2 * cm,
    )
    document.build(story)
    return out.getvalue()


def _pct_text(value):
    return "–" if value is None else f"{value}%"


def _esc(text):
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _grid():
    return TableStyle(
        [
            ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
            ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8edee")),
            ("FONTSIZE", (0, 0), (-1, -1), 8),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ]
    )


def _matrix_table(matrix, small):
    header = ["Provider", "Return"] + [m.code for m in matrix.metrics]
    rows = [header]
    style = _grid()
    for r, row in enumerate(matrix.rows, start=1):
        line = [Paragraph(_esc(row.provider.name), small), row.status]
        for c, metric in enumerate(matrix.metrics, start=2):
            cell = row.cells.get(metric.code)
            line.append("" if cell is None else f"{TAG[cell.rating]} {cell.display}".strip())
            if cell is not None:
                style.add("BACKGROUND", (c, r), (c, r), colors.HexColor(RAG_COLOURS[cell.rating]))
        rows.append(line)
    style.add("FONTSIZE", (0, 0), (-1, -1), 6)
    widths = [5 * cm, 2.2 * cm] + [1.05 * cm] * len(matrix.metrics)
    return Table(rows, colWidths=widths, style=style, repeatRows=1)


def _to_rate_text(matrix):
    if not matrix.to_rate:
        return "Every judged quality metric of the submitted returns has been rated."
    return (
        f"{matrix.to_rate} judged quality metric(s) of submitted returns remain unrated; "
        "the figures they cap are shown on their numeric rating alone."
    )


def _judged_table(matrix, small):
    rows = [["Provider"] + [j.code for j in matrix.judged_metrics]]
    style = _grid()
    for r, row in enumerate(matrix.rows, start=1):
        line = [Paragraph(_esc(row.provider.name), small)]
        for c, judged in enumerate(matrix.judged_metrics, start=1):
            cell = row.judged.get(judged.code)
            line.append("" if cell is None else cell.display)
            if cell is not None:
                style.add("BACKGROUND", (c, r), (c, r), colors.HexColor(RAG_COLOURS[cell.rating]))
        rows.append(line)
    style.add("FONTSIZE", (0, 0), (-1, -1), 7)
    widths = [7 * cm] + [2.2 * cm] * len(matrix.judged_metrics)
    return Table(rows, colWidths=widths, style=style, repeatRows=1)


RATING_WORDS = {rules.RED: "Red", rules.AMBER: "Amber", rules.GREEN: "Green"}


def _rating(rated):
    return None if rated is None else spreadsheets.rating(RATING_WORDS.get(rated.rating))


def _figure(rated):
    """A matrix cell's figure as a number a spreadsheet can sort (a percentage as 0.929), or text
    ("Yes", a date) where it is not a number; filled with the rating's colour."""
    if rated is None or rated.value is None:
        return None
    unit, value = rated.metric.unit, rated.value
    number_format = None
    if unit == "percentage":
        figure, number_format = spreadsheets.fraction_of_one(rated.pct), spreadsheets.PERCENT
    elif unit == "count":
        figure = rated.shown_numerator
    elif unit == "date":
        figure = value.date_value
    else:
        figure = rated.display
    fill = spreadsheets.RAG_FILLS.get(rated.rating)
    return spreadsheets.Styled(figure, fill=fill, number_format=number_format)


def assurance_xlsx(icb, quarter, as_at=None, *, data=None):
    data = data or gather(icb, quarter, as_at)  # the report job gathers once for both files
    m = data.matrix
    writer = spreadsheets.SpreadsheetWriter()
    _summary_sheet(writer, data)
    _matrix_sheet(writer, m)
    _figures_sheet(writer, m)
    _judged_sheet(writer, m)
    legend = writer.table("Metrics", [Column("Code", 14), Column("Metric", 70, wrap=True), Column("Unit", 14)])
    for metric in m.metrics:
        legend.append([metric.code, metric.title, metric.get_unit_display()])
    trends = writer.table(
        "Trends",
        [Column("Metric", 14), Column("Quarter", 14), *(Column(w, 10, WHOLE) for w in RATING_WORDS.values())],
    )
    for code, points in data.trends.items():
        for q, counts in points:
            trends.append([code, q.label, counts[rules.RED], counts[rules.AMBER], counts[rules.GREEN]])
    reds = writer.table(
        "Red metrics and actions",
        [
            Column("Provider", 40),
            Column("Red metrics", 30, wrap=True),
            Column("Action", 50, wrap=True),
            Column("Owner", 25),
            Column("Due", 12, DATE),
            Column("Status", 16),
        ],
    )
    for row, codes, actions in data.reds:
        if not actions:
            reds.append([row.provider.name, ", ".join(codes), "No action opened yet"])
        for action in actions:
            reds.append(
                [
                    row.provider.name,
                    ", ".join(codes),
                    action.title,
                    action.owner,
                    action.due_date,
                    action.get_status_display(),
                ]
            )
    return writer.to_bytes()


def _summary_sheet(writer, data):
    m = data.matrix
    summary = writer.table(
        "Summary",
        [Column("Measure", 24), Column("Value", 80, wrap=True)],
        title=f"Quarterly safeguarding assurance report {data.quarter.label}",
        lines=[("ICB", data.icb.name)],
    )
    percent = spreadsheets.PERCENT
    for label, value in [
        ("Figures as at", data.as_at),
        ("Returns expected", m.expected),
        ("Submitted", m.submitted),
        ("On time", m.on_time),
        ("Late", m.late),
        ("Missing", m.missing),
        ("Completeness", Styled(_share(m.submitted, m.expected), number_format=percent)),
        ("Timeliness", Styled(_share(m.on_time, m.expected), number_format=percent)),
        ("Judged metrics still to rate", m.to_rate),
        ("Narrative", data.narrative),
    ]:
        summary.append([label, value])


def _share(part, whole):
    return Fraction(part, whole) if whole else None


def _matrix_sheet(writer, m):
    """Providers down, two columns per metric: its figure (a number, coloured) and its rating (a word,
    coloured), so the rating can be read and filtered without seeing colour."""
    columns = [Column("Provider", 40), Column("ODS code", 10), Column("Return", 12)]
    for metric in m.metrics:
        columns += [Column(metric.code, 11), Column(f"{metric.code} rating", 11)]
    sheet = writer.table("RAG matrix", columns)
    for row in m.rows:
        line = [row.provider.name, row.provider.ods_code, row.status]
        for metric in m.metrics:
            rated = row.cells.get(metric.code)
            line += [_figure(rated), _rating(rated)]
        sheet.append(line)


def _figures_sheet(writer, m):
    figures = writer.table(
        "Figures",
        [
            Column("Provider", 40),
            Column("Metric", 14),
            Column("Numerator / value", 18, WHOLE),
            Column("Denominator", 14, WHOLE),
            Column("Percentage", 12, spreadsheets.PERCENT),
            Column("Rating", 10),
            Column("Numeric rating", 12),
            Column("Rated on", 40, wrap=True),
        ],
    )
    for row in m.rows:
        for metric in m.metrics:
            rated = row.cells.get(metric.code)
            if rated is not None and rated.value is not None:
                figures.append(
                    [
                        row.provider.name,
                        metric.code,
                        rated.shown_numerator if metric.unit != "date" else rated.value.date_value,
                        rated.value.denominator,
                        spreadsheets.fraction_of_one(rated.pct),
                        _rating(rated),
                        RATING_WORDS.get(rated.numeric_rating),
                        rated.driven_by or "the number",
                    ]
                )


def _judged_sheet(writer, m):
    """The ICB's judgement of each judged metric [CPCCG App. 3], with its reason and revision."""
    sheet = writer.table(
        "Judged metrics",
        [
            Column("Provider", 40),
            Column("Judged metric", 50, wrap=True),
            Column("Rating", 10),
            Column("Reason", 60, wrap=True),
            Column("Revision", 10, WHOLE),
        ],
    )
    for row in m.rows:
        if row.return_obj is None:
            continue
        for judged in m.judged_metrics:
            cell = row.judged.get(judged.code)
            if cell is not None:
                judgement = cell.judgement
                sheet.append(
                    [
                        row.provider.name,
                        f"{judged.code} {judged.title}",
                        spreadsheets.rating(RATING_WORDS[cell.rating]) if judgement else cell.display,
                        judgement.reason if judgement else "",
                        judgement.revision if judgement else None,
                    ]
                )
