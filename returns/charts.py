"""Charts drawn with matplotlib (Agg backend): deterministic PNGs from stored figures only."""

import io

import matplotlib

matplotlib.use("Agg")
from matplotlib import pyplot as plt  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from returns import rules  # noqa: E402

COLOURS = {rules.RED: "#d5281b", rules.AMBER: "#ffb81c", rules.GREEN: "#007f3b", rules.NONE: "#768692"}


def _value(rated):
    if rated is None or rated.value is None:
        return None
    if rated.metric.unit == "percentage":
        return float(rated.pct) if rated.pct is not None else None
    return rated.value.numerator


def trend_png(metric, points, *, width=6.0, height=2.6):
    """A line of the metric's value over the quarters, each point coloured by its rating."""
    figure = Figure(figsize=(width, height), dpi=100)
    axes = figure.add_subplot()
    labels = [q.label.replace(" ", "\n") for q, _ in points]
    xs = list(range(len(points)))
    values = [_value(r) for _, r in points]
    known = [(x, v) for x, v in zip(xs, values, strict=True) if v is not None]
    if known:
        axes.plot([x for x, _ in known], [v for _, v in known], color="#005eb8", linewidth=1.5)
    for x, (_, rated) in zip(xs, points, strict=True):
        value = _value(rated)
        if value is not None:
            axes.scatter([x], [value], color=COLOURS[rated.rating], zorder=3, s=40)
    if metric.unit == "percentage":
        axes.set_ylim(0, 105)
        axes.set_ylabel("%")
        for _op, threshold, _ in rules.Scheme.from_dict(metric.scheme).bands:
            axes.axhline(float(threshold), color="#aeb7bd", linewidth=0.8, linestyle="--")
    axes.set_xticks(xs, labels, fontsize=7)
    axes.set_title(f"{metric.code} {metric.title}", fontsize=9)
    axes.grid(axis="y", alpha=0.3)
    figure.tight_layout()
    out = io.BytesIO()
    figure.savefig(out, format="png", metadata={"Software": None})
    plt.close("all")
    return out.getvalue()


# -------------------------------------------------------------------------------- inline SVG (the pages' charts)

SVG_WIDTH, SVG_HEIGHT, PAD_LEFT, PAD_RIGHT, PAD_TOP, PAD_BOTTOM = 600, 220, 44, 12, 28, 40
LETTERS = {rules.RED: "R", rules.AMBER: "A", rules.GREEN: "G"}


def trend_svg(metric, points, *, table_id=""):
    """The trend as inline SVG drawn from the data in Python (no image request, no matplotlib per page): a line of
    the metric's values over the quarters, each point coloured by its rating and marked with its letter (R, A, G: not
    colour alone). Accessible: role="img" with a <title> and a <desc> stating every value; the page's table of the
    same figures (`table_id`, linked by aria-describedby when given) is the data table alternative."""
    from django.utils.html import escape
    from django.utils.safestring import mark_safe

    values = [_value(rated) for _, rated in points]
    percentage = metric.unit == "percentage"
    known = [v for v in values if v is not None]
    top = 105.0 if percentage else max([*known, 1]) * 1.1
    inner_w, inner_h = SVG_WIDTH - PAD_LEFT - PAD_RIGHT, SVG_HEIGHT - PAD_TOP - PAD_BOTTOM
    step = inner_w / max(len(points) - 1, 1)

    def x(i):
        return PAD_LEFT + i * step

    def y(v):
        return PAD_TOP + inner_h * (1 - float(v) / top)

    title = escape(f"{metric.code} {metric.title}: trend over {len(points)} quarters")
    described = [
        f"{q.label}: {'no figure' if v is None else (f'{v:.1f}%' if percentage else v)}"
        + (f" ({rated.rating})" if v is not None and rated.rating != rules.NONE else "")
        for (q, rated), v in zip(points, values, strict=True)
    ]
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="vigil-chart" role="img" width="{SVG_WIDTH}" '
        f'height="{SVG_HEIGHT}" viewBox="0 0 {SVG_WIDTH} {SVG_HEIGHT}" aria-labelledby="chart-{escape(metric.code)}-t '
        f'chart-{escape(metric.code)}-d"' + (f' aria-describedby="{escape(table_id)}"' if table_id else "") + ">",
        f'<title id="chart-{escape(metric.code)}-t">{title}</title>',
        f'<desc id="chart-{escape(metric.code)}-d">{escape("; ".join(described))}</desc>',
        f'<text x="{PAD_LEFT}" y="16" font-size="13" font-weight="bold">{title}</text>',
        f'<line x1="{PAD_LEFT}" y1="{y(0):.1f}" x2="{SVG_WIDTH - PAD_RIGHT}" y2="{y(0):.1f}" stroke="#4c6272"/>',
    ]
    if percentage:
        for _op, threshold, _ in rules.Scheme.from_dict(metric.scheme).bands:
            ty = y(threshold)
            parts.append(
                f'<line x1="{PAD_LEFT}" y1="{ty:.1f}" x2="{SVG_WIDTH - PAD_RIGHT}" y2="{ty:.1f}" stroke="#aeb7bd" '
                f'stroke-dasharray="4 3"/><text x="4" y="{ty + 4:.1f}" font-size="11">{float(threshold):g}%</text>'
            )
    line = [(x(i), y(v)) for i, v in enumerate(values) if v is not None]
    if len(line) > 1:
        path = " ".join(f"{px:.1f},{py:.1f}" for px, py in line)
        parts.append(f'<polyline points="{path}" fill="none" stroke="#005eb8" stroke-width="2"/>')
    for i, ((quarter, rated), v) in enumerate(zip(points, values, strict=True)):
        label = escape(quarter.label)
        parts.append(f'<text x="{x(i):.1f}" y="{SVG_HEIGHT - 12}" font-size="11" text-anchor="middle">{label}</text>')
        if v is None:
            continue
        colour = COLOURS.get(rated.rating, COLOURS[rules.NONE])
        parts.append(f'<circle cx="{x(i):.1f}" cy="{y(v):.1f}" r="6" fill="{colour}"/>')
        letter = LETTERS.get(rated.rating)
        if letter:
            parts.append(
                f'<text x="{x(i):.1f}" y="{y(v) - 10:.1f}" font-size="11" text-anchor="middle">{letter}</text>'
            )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text above is escaped, the rest are numbers
