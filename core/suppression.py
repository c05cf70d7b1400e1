"""Small-number suppression: how a count from restricted casework may be shown in a report, an export or a chart.

Pure (no database). One implementation for every module (regions' roll-ups, the `reporting` app's reports and
the NHS England workbook).

- **Primary suppression**: a count from 1 to N (the setting `SMALL_NUMBER_MAX`, default 4) is shown as
  "fewer than N+1" ("fewer than 5"); 0 and counts above N are shown as they are.
- **Totals (secondary suppression)**: a total is shown only when every count it adds up is shown exactly.
  A total that adds up a suppressed count is *withheld* ("not shown"), and so is every total above it (the
  grand total of a table). Every total that is shown is then the sum of counts that are shown too, so it carries
  no information about a suppressed cell, and no suppressed cell can be worked out by subtraction. When the same
  total is broken down in more than one way (reviews by status and by type), a breakdown with no suppressed count
  would give the withheld total away (and two breakdowns with suppressed counts tie one to the other: a + 10 =
  b + 13 makes a = 4 and b = 1), so only one breakdown is shown and the others are withheld (`suppress_breakdowns`).

  This is the "suppress the marginal" rule of statistical disclosure control; we chose it over complementary
  cell suppression ("suppress the next-smallest cell too") because complementary suppression still lets a reader
  bound the cells (two suppressed cells of a known sum of 2 must both be 1), and its correct form is an
  optimisation problem; withholding the total is provably safe and the tables in Vigil's reports are small.
"""

from core.conf import setting

DEFAULTS = {"SMALL_NUMBER_MAX": 4}  # the usual NHS statistics rule: 1 to 4 are not shown [issue 11 item 2]
WITHHELD = "not shown"


def largest_suppressed():
    """N: counts from 1 to N are suppressed."""
    value = int(setting("SMALL_NUMBER_MAX", DEFAULTS))
    if value < 1:
        raise ValueError("SMALL_NUMBER_MAX must be 1 or more.")
    return value


def suppressed_text(up_to=None):
    return f"fewer than {(up_to or largest_suppressed()) + 1}"


SUPPRESSED = "fewer than 5"  # the text with the default setting (suppressed_text() follows the setting)


def is_suppressed(count, up_to=None):
    if count < 0:
        raise ValueError("A count cannot be negative.")
    return 0 < count <= (up_to or largest_suppressed())


def suppress(count, up_to=None):
    """A count as it may be shown: 0 stays 0, 1 to N is "fewer than N+1", more than N is shown as it is."""
    up_to = up_to or largest_suppressed()
    return suppressed_text(up_to) if is_suppressed(count, up_to) else count


def suppress_breakdown(counts, up_to=None):
    """(shown counts, shown total) for counts that add up to their total: the total is withheld when any count
    is suppressed."""
    up_to = up_to or largest_suppressed()
    shown = [suppress(n, up_to) for n in counts]
    hidden = any(is_suppressed(n, up_to) for n in counts)
    return shown, (WITHHELD if hidden else sum(counts))


def suppress_breakdowns(breakdowns, up_to=None):
    """(shown breakdowns, shown total) for several breakdowns of the same total (each a list of counts adding up
    to it). When any count is suppressed the total is withheld; the first breakdown with a suppressed count is
    shown with its small counts suppressed, and every other breakdown is withheld whole (zeros too): shown
    beside each other they would add up to the total, or tie one suppressed count to another."""
    up_to = up_to or largest_suppressed()
    breakdowns = [list(b) for b in breakdowns]
    hidden = [any(is_suppressed(n, up_to) for n in b) for b in breakdowns]
    total = sum(breakdowns[0]) if breakdowns else 0
    if not any(hidden):
        return breakdowns, total
    kept = hidden.index(True)
    shown = [
        [suppress(n, up_to) for n in b] if index == kept else [WITHHELD] * len(b) for index, b in enumerate(breakdowns)
    ]
    return shown, WITHHELD


def suppress_table(cells, up_to=None):
    """A table of counts with its totals, as it may be shown: {"cells", "row_totals", "column_totals", "total"}.
    A row or column total is withheld when one of its cells is suppressed; the grand total when any cell is."""
    up_to = up_to or largest_suppressed()
    cells = [list(row) for row in cells]
    width = max((len(row) for row in cells), default=0)
    if any(len(row) != width for row in cells):
        raise ValueError("Every row of a table needs the same number of cells.")
    hidden = [[is_suppressed(n, up_to) for n in row] for row in cells]
    columns = list(zip(*cells, strict=True)) if cells else []
    hidden_columns = list(zip(*hidden, strict=True)) if cells else []
    return {
        "cells": [[suppress(n, up_to) for n in row] for row in cells],
        "row_totals": [WITHHELD if any(h) else sum(row) for row, h in zip(cells, hidden, strict=True)],
        "column_totals": [WITHHELD if any(h) else sum(c) for c, h in zip(columns, hidden_columns, strict=True)],
        "total": WITHHELD if any(any(h) for h in hidden) else sum(sum(row) for row in cells),
    }
