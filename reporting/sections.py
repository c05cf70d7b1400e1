"""The generated content of a report: `build_snapshot` and one builder per generated section.

Every figure comes from another module's read side (`<app>/reports.py`); nothing here queries another app's tables
and nothing is re-rated (returns' stored ratings are read as they are). The snapshot is plain JSON (shape in
SNAPSHOT.md / docs/reporting-output.md), deterministic (rows sorted, no timestamp but `as_at`), and counted "as at"
its `as_at` moment: a return submitted after it is not counted. Counts from restricted casework (statutory reviews,
casework registers) go through core.suppression. Each builder runs a fixed number of queries.
"""

import datetime as dt
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from core.quarters import Quarter
from core.suppression import WITHHELD, largest_suppressed, suppress, suppress_table, suppressed_text

SCHEMA = 1
RAG_TEXT = {"red": "Red", "amber": "Amber", "green": "Green", "none": "No rating"}


# --- Blocks ---------------------------------------------------------------------------------------------------


def paragraph(text):
    return {"type": "paragraph", "text": str(text)}


def table(caption, columns, rows, *, wide=False):
    return {
        "type": "table",
        "caption": caption,
        "columns": list(columns),
        "rows": [list(r) for r in rows],
        "wide": wide,
    }


def rag(text, rating):
    rating = rating if rating in RAG_TEXT else "none"
    return {"text": str(text), "rag": rating}


def chart(caption, alt, kind, x_labels, series):
    return {"type": "chart", "caption": caption, "alt": alt, "kind": kind, "x_labels": list(x_labels), "series": series}


def _date(day):
    return day.strftime("%d %b %Y").lstrip("0") if day else ""


def _url(name, *args):
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def _pct(value):
    return "no data" if value is None else f"{value} %"


# --- The context every builder reads ------------------------------------------------------------------------


@dataclass
class Context:
    organisation: object
    period_start: dt.date
    period_end: dt.date
    as_at: dt.datetime
    glossary: dict = field(default_factory=dict)
    cache: dict = field(default_factory=dict)

    @property
    def day(self):
        return timezone.localdate(self.as_at) if timezone.is_aware(self.as_at) else self.as_at.date()

    @property
    def icb_id(self):
        return self.organisation.pk

    @property
    def quarter(self):
        """The last quarter of the period (a quarterly report's own quarter; an annual report's Q4)."""
        return Quarter.containing(self.period_end)

    def once(self, key, compute):
        if key not in self.cache:
            self.cache[key] = compute()
        return self.cache[key]

    # shared reads (several sections and the key messages use them)
    def matrix(self):
        from returns.reports import icb_matrix

        return self.once("matrix", lambda: icb_matrix(self.icb_id, self.quarter, self.as_at))

    def governance(self):
        from governance.reports import governance_summary

        return self.once(
            "governance", lambda: governance_summary(self.icb_id, self.period_start, self.period_end, self.day)
        )

    def gaps(self):
        from organisations.reports import gaps_for_icb

        return self.once("gaps", lambda: gaps_for_icb(self.icb_id))

    def capacity(self):
        from workforce.reports import capacity_rows

        return self.once("capacity", lambda: capacity_rows(self.icb_id))

    def reviews(self):
        from reviews.reports import icb_review_summary

        return self.once(
            "reviews", lambda: icb_review_summary(self.icb_id, self.period_start, self.period_end, self.day)
        )

    def overdue_actions(self):
        from core.reports import overdue_actions

        return self.once("actions", lambda: overdue_actions(self.icb_id, self.as_at))


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    build: Callable


# --- Sections -----------------------------------------------------------------------------------------------


def roles(ctx):
    gaps = ctx.gaps()
    rows = [
        [found.organisation.name, "; ".join(sorted(f"{g.role_label} ({g.status_label.lower()})" for g in found.gaps))]
        for found in gaps
    ]
    capacity, population = ctx.capacity()
    capacity_rows = [
        [
            row.label,
            f"{float(row.hours):.1f}",
            "" if row.required is None else f"{float(row.required):.1f}",
            "" if row.gap is None else rag(f"{float(row.gap):.1f}", "red" if row.gap > 0 else "green"),
            row.vacancies,
        ]
        for row in capacity
    ]
    vacancies = sum(row.vacancies for row in capacity)
    return [
        paragraph(
            f"{len(gaps)} organisations have a required safeguarding role unfilled; the ICB's designated posts have "
            f"{vacancies} vacancies."
        ),
        table("Organisations with a role gap", ["Organisation", "Roles not held"], rows)
        if rows
        else paragraph("Every organisation holds every required role."),
        table(
            "Designated capacity (hours a week)",
            ["Role", "Hours in post", "Hours the ratio asks for", "Shortfall", "Vacancies"],
            capacity_rows,
        ),
    ]


def assurance(ctx):
    from assurance.choices import AssessmentStatus
    from assurance.reports import icb_cycles

    cycles = icb_cycles(ctx.icb_id, ctx.as_at)
    if not cycles:
        return [paragraph("No assurance cycle had been opened by the report date.")]
    statuses = [(value, label) for value, label in AssessmentStatus.choices]
    rows = []
    for summary in cycles:
        c = summary.cycle
        rows.append(
            [
                f"{c.framework.name}, {c.period_label}",
                _date(c.due_date),
                *[summary.counts.get(value, 0) for value, _ in statuses],
                rag(summary.late, "red" if summary.late else "green"),
                rag(summary.rags.get("red", 0), "red" if summary.rags.get("red") else "none"),
            ]
        )
    return [
        table(
            "Assurance cycles: assessments by status",
            ["Cycle", "Due", *[label for _, label in statuses], "Late", "Rated red"],
            rows,
            wide=len(statuses) > 4,
        )
    ]


def returns(ctx):
    from returns import conf as returns_conf
    from returns import rules as returns_rules
    from returns.reports import icb_trend_counts

    matrix = ctx.matrix()
    metrics = [m for m in matrix.metrics if any(row.cells.get(m.code) is not None for row in matrix.rows)]
    for m in metrics:
        ctx.glossary[m.code] = m.title
    blocks = [
        table(
            f"Completeness and timeliness, {matrix.quarter.label}",
            ["Returns expected", "Submitted", "On time", "Late", "Missing", "Completeness", "Timeliness"],
            [
                [
                    matrix.expected,
                    matrix.submitted,
                    matrix.on_time,
                    matrix.late,
                    matrix.missing,
                    _pct(matrix.completeness),
                    _pct(matrix.timeliness),
                ]
            ],
        )
    ]
    groups = {}
    for row in matrix.rows:  # one heatmap per kind of provider, with the metrics that apply to it
        groups.setdefault(row.provider.get_kind_display(), []).append(row)
    for kind, rows in sorted(groups.items()):
        applicable = [m for m in metrics if any(row.cells.get(m.code) is not None for row in rows)]
        if not applicable:
            continue
        cells = [
            [
                rag(RAG_TEXT[c.rating] if c else "n/a", c.rating if c else "none")
                for c in (row.cells.get(m.code) for m in applicable)
            ]
            for row in rows
        ]
        reds = sum(1 for line in cells for c in line if c["rag"] == "red")
        blocks.append(
            {
                "type": "heatmap",
                "caption": f"{kind}: ratings by metric, {matrix.quarter.label} (metric names in the glossary)",
                "alt": f"{len(rows)} providers ({kind}) by {len(applicable)} metrics; {reds} red ratings. Each cell "
                "gives the rating in words as well as its colour.",
                "row_labels": [row.provider.name for row in rows],
                "column_labels": [m.code for m in applicable],
                "cells": cells,
            }
        )
    main = [m for m in metrics if m.main]
    quarters = returns_rules.quarters_up_to(matrix.quarter, returns_conf.trend_quarters())
    counts = icb_trend_counts(ctx.icb_id, quarters, main, ctx.as_at) if main else {}
    for m in main:
        series = [
            {"name": RAG_TEXT[r], "values": [counts.get((q.index, m.pk, r), 0) for q in quarters]}
            for r in ("red", "amber", "green")
        ]
        alt = "; ".join(
            f"{q.label}: " + ", ".join(f"{s['name']} {s['values'][i]}" for s in series) for i, q in enumerate(quarters)
        )
        blocks.append(
            chart(
                f"{m.code} {m.title}: providers by rating, by quarter",
                f"Providers rated red, amber and green for {m.title}: {alt}.",
                "line",
                [q.label for q in quarters],
                series,
            )
        )
    return blocks


def returns_exceptions(ctx):
    matrix = ctx.matrix()
    titles = {m.code: m.title for m in matrix.metrics}
    rows = []
    for row in matrix.rows:
        reds = sorted(code for code, cell in row.cells.items() if cell and cell.rating == "red")
        for code in reds:
            ctx.glossary[code] = titles[code]
        if reds:
            rows.append([row.provider.name, rag(", ".join(f"{c} {titles[c]}" for c in reds), "red"), row.status])
    missing = [[row.provider.name, _date(row.due_date)] for row in matrix.rows if row.status.startswith("missing")]
    return [
        table(f"Providers with red ratings, {matrix.quarter.label}", ["Provider", "Red metrics", "Return"], rows)
        if rows
        else paragraph("No provider had a red rating."),
        table(f"Missing returns, {matrix.quarter.label}", ["Provider", "Due"], missing)
        if missing
        else paragraph("No return was missing."),
    ]


def reviews(ctx):
    summary = ctx.reviews()
    shown = [
        ["Reviews opened in the period", suppress(summary.opened)],
        ["Reviews open", suppress(summary.open_reviews)],
        ["Milestones due in the period met on time", summary.milestones_met],
        ["Milestones due in the period missed (late or overdue)", summary.milestones_missed],
        ["Recommendations", summary.recommendations],
        ["Recommendations closed (every action verified)", summary.recommendations_closed],
    ]
    themes = [[name, suppress(n)] for name, n in summary.themes]
    return [
        table(f'Statutory reviews (small counts shown as "{suppressed_text()}")', ["Measure", "Count"], shown),
        table("Learning themes (reviews with each theme)", ["Theme", "Reviews"], themes)
        if themes
        else paragraph("No learning theme was recorded."),
    ]


def casework(ctx):
    from casework.reports import register_counts

    found = register_counts(ctx.icb_id, ctx.period_start, ctx.period_end, ctx.as_at)
    shown = suppress_table([[opened, still_open] for _, opened, still_open in found])
    rows = [[name, *cells] for (name, _, _), cells in zip(found, shown["cells"], strict=True)]
    rows.append(["All registers", *shown["column_totals"]])
    return [
        paragraph(
            f'Counts only. Counts from 1 to {largest_suppressed()} are shown as "{suppressed_text()}"; a total '
            f'that would let one be worked out is "{WITHHELD}".'
        ),
        table("Casework registers", ["Register", "Opened in the period", "Open at the report date"], rows),
    ]


def actions(ctx):
    overdue = ctx.overdue_actions()
    by_owner = Counter(a.owner for a in overdue)
    rows = [[owner, n] for owner, n in sorted(by_owner.items(), key=lambda item: (-item[1], item[0]))]
    detail = [[a.owner, a.organisation.name, a.title, _date(a.due_date), a.source_label] for a in overdue]
    return [
        table("Overdue actions by owner", ["Owner", "Overdue actions"], rows)
        if rows
        else paragraph("No action was overdue."),
        *(
            [table("Overdue actions", ["Owner", "Organisation", "Action", "Due", "From"], detail, wide=True)]
            if detail
            else []
        ),
    ]


def _band_rag(band):
    return {"extreme": "red", "high": "red", "moderate": "amber", "low": "green"}.get(band.code, "none")


def risks(ctx):
    summary = ctx.governance()["risks"]
    rows = summary["rows"]
    counts = [[cell.count for cell in cells] for _, cells in summary["heatmap"]]
    register = [
        [
            row.risk.reference or f"R{row.risk.pk}",
            row.risk.title,
            row.risk.owner,
            rag(f"{row.score} ({row.band.label})", _band_rag(row.band)),
            "Yes" if row.needs_escalation else "No",
        ]
        for row in rows
    ]
    return [
        table("Risks by band", ["Band", "Open risks"], [[band.label, n] for band, n in summary["by_band"]]),
        {
            "type": "risk_matrix",
            "caption": "Open risks by likelihood and consequence (current scores)",
            "alt": "; ".join(
                f"likelihood {5 - i}, consequence {j + 1}: {n}"
                for i, line in enumerate(counts)
                for j, n in enumerate(line)
                if n
            )
            or "No open risks.",
            "counts": counts,
        },
        table("Risk register", ["Risk", "Title", "Owner", "Current score", "Escalation due"], register, wide=True)
        if register
        else paragraph("No open risk on the register."),
    ]


def risks_escalated(ctx):
    summary = ctx.governance()["risks"]
    needing = [
        [row.risk.reference or f"R{row.risk.pk}", row.risk.title, row.risk.owner, row.score]
        for row in summary["needs_escalation"]
    ]
    escalated = [
        [
            row.risk.reference or f"R{row.risk.pk}",
            row.risk.title,
            escalation.committee.name,
            _date(escalation.escalated_on),
        ]
        for row, escalation in summary["escalations"]
    ]
    return [
        table(
            f"Risks at or above the escalation threshold ({summary['threshold']}) not yet escalated",
            ["Risk", "Title", "Owner", "Score"],
            needing,
        )
        if needing
        else paragraph("No risk awaits escalation."),
        table("Risks escalated in the period", ["Risk", "Title", "Committee", "Escalated on"], escalated)
        if escalated
        else paragraph("No risk was escalated in the period."),
    ]


def policies(ctx):
    summary = ctx.governance()["policies"]
    tag = {"overdue": "red", "due_soon": "amber", "in_date": "green"}
    rows = [
        [row.policy.title, row.policy.owner, _date(row.policy.next_review_on), rag(row.label, tag.get(row.state))]
        for row in summary["overdue"] + summary["due_soon"]
    ]
    counts = summary["counts"]
    return [
        paragraph(
            f"{counts.get('overdue', 0)} policies are past their review date (they stay in force); "
            f"{counts.get('due_soon', 0)} are due for review soon; {counts.get('in_date', 0)} are in date."
        ),
        table("Policies overdue or due for review", ["Policy", "Owner", "Review date", "State"], rows)
        if rows
        else paragraph("No policy is overdue or due for review."),
    ]


def workforce(ctx):
    from workforce import rules as workforce_rules
    from workforce.reports import compliance_for, level_label

    result = compliance_for(ctx.icb_id, ctx.day)
    totals = workforce_rules.totals_by(result.cells, "topic", "level")
    rows = []
    for (topic, level), (num, den) in sorted(totals.items()):
        pct = workforce_rules.percentage(num, den)
        rows.append([level_label(topic, level), num, den, "no one in scope" if pct is None else f"{float(pct):.1f} %"])
    return [
        table("ICB staff training compliance by level", ["Training", "Compliant", "In scope", "Compliance"], rows)
        if rows
        else paragraph("No training needs analysis applies yet."),
        paragraph(f"{len(result.reds)} cells of the compliance table are red."),
    ]


def annual_reports(ctx):
    counts = ctx.governance()["annual_reports"]
    late_or_missing = [
        [report.provider.name, report.get_subject_display(), _date(report.due_date), state.replace("_", " ")]
        for report, state in counts.rows
        if state in ("missing", "late")
    ]
    return [
        table(
            "Provider annual safeguarding reports",
            ["Expected", "Received", "Received late", "Reviewed", "Missing", "Not yet due"],
            [[counts.expected, counts.received, counts.late, counts.reviewed, counts.missing, counts.awaited]],
        ),
        table("Annual reports late or missing", ["Provider", "Subject", "Due", "State"], late_or_missing)
        if late_or_missing
        else paragraph("No annual report is late or missing."),
    ]


def inspections(ctx):
    from assurance.reports import icb_inspections

    found, notices = icb_inspections(ctx.icb_id, ctx.period_start, ctx.period_end)
    rows = [
        [i.organisation.name, i.get_body_display(), i.title, _date(i.started_on), i.get_rating_display() or ""]
        for i in found
    ]
    notice_rows = [
        [
            n.notice.provider.name,
            n.notice.get_kind_display(),
            _date(n.notice.issued_on),
            rag("No action" if n.needs_action else "Actions raised", "red" if n.needs_action else "green"),
        ]
        for n in notices
    ]
    return [
        table("Inspections in the period", ["Organisation", "By", "Inspection", "Started", "Rating"], rows, wide=True)
        if rows
        else paragraph("No inspection started in the period."),
        table("Conditions and notices in force", ["Provider", "Notice", "Issued", "Tracker"], notice_rows)
        if notice_rows
        else paragraph("No condition or notice was in force."),
    ]


def children_in_care(ctx):
    matrix = ctx.matrix()
    metrics = [m for m in matrix.metrics if m.code.startswith("CIC-")]
    for m in metrics:
        ctx.glossary[m.code] = m.title
    rows = []
    for row in matrix.rows:
        cells = [row.cells.get(m.code) for m in metrics]
        if not any(cells):
            continue
        rows.append([row.provider.name, *[rag(c.display if c else "n/a", c.rating if c else "none") for c in cells]])
    if not rows:
        return [paragraph("No provider of children in care health services made a return for the quarter.")]
    return [
        table(
            f"Children in care health measures, {matrix.quarter.label}",
            ["Provider", *[f"{m.code} {m.title}" for m in metrics]],
            rows,
            wide=True,
        )
    ]


def regions(ctx):
    from regions.reports import icbs_of_region, rollups

    found = rollups(icbs_of_region(ctx.organisation), ctx.quarter, today=ctx.day)
    rows = [
        [
            r.icb.name,
            _pct(r.completeness),
            _pct(r.timeliness),
            _pct(r.red_share),
            _pct(r.cycle_completion),
            r.role_gaps,
            r.designated_vacancies,
            r.open_reviews_shown,
        ]
        for r in found
    ]
    return [
        table(
            f"The region's ICBs, {ctx.quarter.label}",
            [
                "ICB",
                "Returns complete",
                "On time",
                "Red ratings",
                "Assessments signed off",
                "Role gaps",
                "Designated vacancies",
                "Open reviews",
            ],
            rows,
            wide=True,
        )
        if rows
        else paragraph("The region has no ICB.")
    ]


SECTIONS = {
    s.key: s
    for s in (
        Section("roles", "Safeguarding roles and designated capacity", roles),
        Section("assurance", "Assurance cycles", assurance),
        Section("returns", "Provider returns", returns),
        Section("returns_exceptions", "Exceptions in provider returns", returns_exceptions),
        Section("reviews", "Statutory reviews", reviews),
        Section("casework", "Casework", casework),
        Section("actions", "Action tracker", actions),
        Section("risks", "Safeguarding risks", risks),
        Section("risks_escalated", "Risks escalated", risks_escalated),
        Section("policies", "Policies", policies),
        Section("workforce", "Workforce and training", workforce),
        Section("annual_reports", "Provider annual reports", annual_reports),
        Section("inspections", "Inspections", inspections),
        Section("children_in_care", "Children in care", children_in_care),
        Section("regions", "The region's ICBs", regions),
    )
}

ICB_KEY_MESSAGES = ("returns", "actions", "roles", "reviews", "policies", "risks")


# --- Key messages ---------------------------------------------------------------------------------------------


def key_messages(ctx, keys):
    """Counts at the top of the report, each linking to where to act. Only for the areas the report covers."""
    keys = set(keys)
    messages = []

    def add(text, count, severity, url):
        messages.append({"text": text, "count": count, "severity": severity if count else "info", "url": url})

    if keys & {"returns", "returns_exceptions"}:
        reds = sum(row.reds for row in ctx.matrix().rows)
        add("Red ratings in provider returns", reds, "red", _url("returns:matrix"))
    if keys & {"actions", "risks", "risks_escalated"}:
        add("Overdue actions", len(ctx.overdue_actions()), "red", _url("core:action-list"))
    if "roles" in keys:
        vacancies = sum(row.vacancies for row in ctx.capacity()[0])
        add("Vacancies in designated posts", vacancies, "amber", _url("organisations:gaps"))
    if "reviews" in keys:
        add("Review milestones missed", ctx.reviews().milestones_missed, "red", _url("reviews:list"))
    if keys & {"policies", "risks", "risks_escalated", "annual_reports"} or "actions" in keys:
        gov = ctx.governance()
        add(
            "Policies past their review date",
            gov["policies"]["counts"].get("overdue", 0),
            "amber",
            _url("governance:policies"),
        )
        add("Risks at the escalation threshold", len(gov["risks"]["needs_escalation"]), "red", _url("governance:risks"))
    return messages


# --- The snapshot -----------------------------------------------------------------------------------------------


def period_label(start, end):
    quarter = Quarter.containing(start)
    if quarter.start == start and quarter.end == end:
        return quarter.label
    if start.month == 4 and start.day == 1 and end == dt.date(start.year + 1, 3, 31):
        return f"{start.year}/{(start.year + 1) % 100:02d}"
    return f"{_date(start)} to {_date(end)}"


GLOSSARY = {
    "ICB": "Integrated care board",
    "RAG": "Red, amber, green: the rating of a figure against its target",
    "n/a": "The metric does not apply to the provider",
}


def build_snapshot(*, organisation, report_type, period_start, period_end, as_at, narratives):
    """The report's content as plain JSON (see the module docstring)."""
    ctx = Context(organisation, period_start, period_end, as_at)
    sections = []
    generated = []
    for spec in report_type["sections"]:
        if spec["kind"] == "narrative":
            text = (narratives or {}).get(spec["key"], "").strip()
            blocks = [paragraph(p.strip()) for p in text.split("\n\n") if p.strip()] or [
                paragraph("No narrative was written for this section.")
            ]
        else:
            blocks = SECTIONS[spec["key"]].build(ctx)
            generated.append(spec["key"])
        sections.append({"key": spec["key"], "title": spec["title"], "kind": spec["kind"], "blocks": blocks})
    glossary = {**GLOSSARY, **ctx.glossary}
    if any(key in generated for key in ("reviews", "casework", "regions")):
        glossary[suppressed_text()] = f"A count from 1 to {largest_suppressed()}, not shown so no one can be identified"
        glossary[WITHHELD] = "A total not shown because it would let a suppressed count be worked out"
    return {
        "schema": SCHEMA,
        "report": {
            "type": report_type["code"],
            "title": report_type["title"],
            "audience": report_type.get("audience", ""),
            "organisation": {"name": organisation.name, "ods_code": organisation.ods_code or ""},
            "period": {
                "start": period_start.isoformat(),
                "end": period_end.isoformat(),
                "label": period_label(period_start, period_end),
            },
            "as_at": as_at.isoformat(),
        },
        "key_messages": key_messages(ctx, generated) if "regions" not in generated else [],
        "sections": sections,
        "glossary": [
            {"term": term, "meaning": meaning}
            for term, meaning in sorted(glossary.items(), key=lambda kv: kv[0].lower())
        ],
    }
