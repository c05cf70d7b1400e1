"""Helpers for reporting/includes/snapshot.html: a chart block as inline SVG (with a title and description; the page
also gives its figures as a table), cells as text plus a rating, and the 5×5 risk matrix with its bands.

The SVG carries presentation attributes only (no style attribute, no script), so it passes the strict CSP; every
piece of text in it is escaped.
"""

from django import template
from django.utils.html import escape
from django.utils.safestring import mark_safe

register = template.Library()

WIDTH, HEIGHT, PAD_LEFT, PAD_RIGHT, PAD_TOP, PAD_BOTTOM = 640, 240, 40, 16, 12, 36
RATING_COLOURS = {"red": "#d5281b", "amber": "#ffb81c", "green": "#007f3b"}
OTHER_COLOURS = ("#005eb8", "#330072", "#4c6272", "#ae2573")
DASHES = ("", "6 3", "2 3", "8 3 2 3")  # a line is told apart by its dash as well as its colour


def _colour(series, index):
    return RATING_COLOURS.get(str(series["name"]).lower(), OTHER_COLOURS[index % len(OTHER_COLOURS)])


@register.filter
def chart_svg(block):
    labels = block.get("x_labels") or []
    series = block.get("series") or []
    values = [v for s in series for v in s["values"] if v is not None]
    peak = max([1, *values])
    inner_w, inner_h = WIDTH - PAD_LEFT - PAD_RIGHT, HEIGHT - PAD_TOP - PAD_BOTTOM
    n = len(labels)

    def x(i):
        return PAD_LEFT + (inner_w * i / (n - 1) if n > 1 else inner_w / 2)

    def y(v):
        return PAD_TOP + inner_h * (1 - v / peak)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" height="{HEIGHT}" '
        f'role="img" class="vigil-trend" aria-label="{escape(block.get("caption", ""))}">',
        f"<title>{escape(block.get('caption', ''))}</title><desc>{escape(block.get('alt', ''))}</desc>",
    ]
    for k in range(5):
        v = peak * k / 4
        parts.append(
            f'<line x1="{PAD_LEFT}" x2="{WIDTH - PAD_RIGHT}" y1="{y(v):.1f}" y2="{y(v):.1f}" stroke="#d8dde0"/>'
            f'<text x="{PAD_LEFT - 6}" y="{y(v) + 4:.1f}" font-size="11" text-anchor="end">{round(v, 1):g}</text>'
        )
    for i, label in enumerate(labels):
        parts.append(
            f'<text x="{x(i):.1f}" y="{HEIGHT - PAD_BOTTOM + 18}" font-size="11" text-anchor="middle">'
            f"{escape(label)}</text>"
        )
    for k, s in enumerate(series):
        colour = _colour(s, k)
        if block.get("kind") == "bar":
            width = inner_w / max(n, 1) / (len(series) + 1)
            for i, v in enumerate(s["values"]):
                if v is not None:
                    left = x(i) - width * len(series) / 2 + width * k
                    parts.append(
                        f'<rect x="{left:.1f}" y="{y(v):.1f}" width="{width:.1f}" height="{y(0) - y(v):.1f}" '
                        f'fill="{colour}"/>'
                    )
            continue
        points = [(x(i), y(v)) for i, v in enumerate(s["values"]) if v is not None]
        dash = DASHES[k % len(DASHES)]
        dashed = f' stroke-dasharray="{dash}"' if dash else ""
        coords = " ".join(f"{a:.1f},{b:.1f}" for a, b in points)
        parts.append(f'<polyline fill="none" stroke="{colour}" stroke-width="2"{dashed} points="{coords}"/>')
        parts += [f'<circle cx="{a:.1f}" cy="{b:.1f}" r="3" fill="{colour}"/>' for a, b in points]
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - built here, every text escaped


@register.filter
def series_colour(series, index):
    return _colour(series, index)


@register.filter
def chart_rows(block):
    """[(x label, [value per series])]: the chart's figures as a table (its text alternative)."""
    series = block.get("series") or []
    return [
        (label, ["" if s["values"][i] is None else s["values"][i] for s in series])
        for i, label in enumerate(block.get("x_labels") or [])
    ]


@register.filter
def as_cell(value):
    """A table cell as {"text", "rag"} ("rag" empty for a plain cell)."""
    if isinstance(value, dict):
        return {"text": value.get("text", ""), "rag": value.get("rag", "none")}
    return {"text": "" if value is None else value, "rag": ""}


BAND_CLASSES = ((15, "extreme", "Extreme"), (8, "high", "High"), (4, "moderate", "Moderate"), (1, "low", "Low"))


@register.filter
def risk_rows(block):
    """[(likelihood, [(count, consequence, score, band class, band label)])] from likelihood 5 down to 1."""
    rows = []
    for i, counts in enumerate(block.get("counts") or []):
        likelihood = 5 - i
        cells = []
        for j, count in enumerate(counts):
            score = likelihood * (j + 1)
            band, label = next((b, lbl) for lowest, b, lbl in BAND_CLASSES if score >= lowest)
            cells.append((count, j + 1, score, band, label))
        rows.append((likelihood, cells))
    return rows


@register.filter
def zip_rows(labels, cells):
    """[(row label, its cells)] for a heatmap."""
    return list(zip(labels or [], cells or [], strict=False))
