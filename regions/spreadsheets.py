"""The region's roll-up as a workbook (through core.spreadsheets): aggregates only, casework counts suppressed."""

from core.spreadsheets import PERCENT, Column, SpreadsheetWriter, fraction_of_one
from regions.reports import RATINGS


def _pct(value):
    return fraction_of_one(value)


def region_workbook(region, quarter, rollups):
    writer = SpreadsheetWriter()
    lines = [("Region", region.name), ("Quarter", quarter.label)]
    summary = writer.table(
        "ICBs",
        [
            Column("ICB", 40),
            Column("Providers", 11),
            Column("Returns complete", 12, PERCENT),
            Column("Returns on time", 12, PERCENT),
            Column("Red cells", 12, PERCENT),
            Column("Assurance cycle", 20),
            Column("Assessments signed off", 14, PERCENT),
            Column("Organisations with role gaps", 14),
            Column("Role gaps", 11),
            Column("Designated vacancies", 13),
            Column("Open reviews", 13),
        ],
        title=f"Safeguarding roll-up: {region.name}, {quarter.label}",
        lines=lines,
    )
    for r in rollups:
        summary.append(
            [
                r.icb.name,
                r.providers,
                _pct(r.completeness),
                _pct(r.timeliness),
                _pct(r.red_share),
                r.cycle.period_label if r.cycle else "No cycle",
                _pct(r.cycle_completion),
                r.organisations_with_gaps,
                r.role_gaps,
                r.designated_vacancies,
                r.open_reviews_shown,
            ]
        )
    metrics = writer.table(
        "Metrics",
        [Column("ICB", 40), Column("Metric", 12), Column("Title", 50), Column("Providers", 11)]
        + [Column(f"{rating.capitalize() if rating != 'none' else 'Not rated'}", 11, PERCENT) for rating in RATINGS],
        title="Share of providers by rating, per metric",
        lines=lines,
    )
    for r in rollups:
        for m in r.metrics:
            metrics.append([r.icb.name, m.code, m.title, m.applicable, *(_pct(m.shares[k]) for k in RATINGS)])
    tracker = writer.table(
        "Case reviews",
        [Column("ICB", 40), Column("Group", 18), Column("Count of", 50), Column("Reviews", 14)],
        title="Statutory reviews in the tracker's shape (1 to 4: fewer than 5; a giveaway total: not shown)",
        lines=lines,
    )
    for r in rollups:
        for group, label, shown in r.tracker.rows:
            tracker.append([r.icb.name, group, label, shown])
    return writer
