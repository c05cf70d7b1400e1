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
