"""Small-number suppression: 1 to 4 shown as "fewer than 5", and no suppressed count can be worked out from the
counts and totals shown (property tests over random tables: every suppressed count can change, within 1 to 4,
without changing anything shown)."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core import suppression
from core.suppression import WITHHELD, suppress, suppress_breakdown, suppress_breakdowns, suppress_table

COUNTS = st.integers(min_value=0, max_value=12)


class TestPrimarySuppression:
    @pytest.mark.parametrize(("count", "shown"), [(0, 0), (1, "fewer than 5"), (4, "fewer than 5"), (5, 5), (9, 9)])
    def test_it_shows_zero_hides_one_to_four_and_shows_five_and_more(self, count, shown):
        assert suppress(count) == shown

    def test_the_limit_is_a_setting_and_the_text_follows_it(self, settings):
        settings.VIGIL = {"SMALL_NUMBER_MAX": 9}
        assert suppress(9) == "fewer than 10"
        assert suppress(10) == 10

    def test_it_refuses_a_negative_count(self):
        with pytest.raises(ValueError):
            suppress(-1)


def _other_values(value):
    """Other counts a suppressed `value` could be, as a reader sees it (1 to 4)."""
    return [v for v in range(1, 5) if v != value]


class TestTotalsGiveNothingAway:
    @settings(max_examples=80)
    @given(st.lists(st.lists(COUNTS, min_size=3, max_size=3), min_size=1, max_size=4))
    def test_a_suppressed_cell_can_change_without_changing_what_is_shown(self, cells):
        shown = suppress_table(cells)
        for r, row in enumerate(cells):
            for c, value in enumerate(row):
                if not suppression.is_suppressed(value):
                    continue
                for other in _other_values(value):
                    changed = [list(line) for line in cells]
                    changed[r][c] = other
                    assert suppress_table(changed) == shown

    @settings(max_examples=80)
    @given(st.lists(st.lists(COUNTS, min_size=3, max_size=3), min_size=1, max_size=4))
    def test_every_total_shown_adds_up_counts_that_are_all_shown(self, cells):
        shown = suppress_table(cells)
        for row, total in zip(shown["cells"], shown["row_totals"], strict=True):
            if total != WITHHELD:
                assert all(isinstance(n, int) for n in row) and sum(row) == total
        for c, total in enumerate(shown["column_totals"]):
            if total != WITHHELD:
                assert all(isinstance(row[c], int) for row in shown["cells"])
        if shown["total"] != WITHHELD:
            assert all(isinstance(n, int) for row in shown["cells"] for n in row)

    def test_one_suppressed_cell_withholds_its_row_column_and_grand_total(self):
        shown = suppress_table([[10, 3], [7, 8]])
        assert shown["cells"] == [[10, "fewer than 5"], [7, 8]]
        assert shown["row_totals"] == [WITHHELD, 15]
        assert shown["column_totals"] == [17, WITHHELD]
        assert shown["total"] == WITHHELD

    @settings(max_examples=60)
    @given(st.lists(COUNTS, min_size=1, max_size=6))
    def test_a_breakdown_and_its_total(self, counts):
        shown, total = suppress_breakdown(counts)
        if any(suppression.is_suppressed(n) for n in counts):
            assert total == WITHHELD
        else:
            assert total == sum(counts) and shown == counts

    @settings(max_examples=80)
    @given(st.lists(COUNTS, min_size=2, max_size=4), st.data())
    def test_two_breakdowns_of_one_total_never_give_a_suppressed_count_away(self, first, data):
        total = sum(first)
        # a second breakdown of the same total (in 1 to 3 parts)
        cut = sorted(data.draw(st.lists(st.integers(0, total), min_size=0, max_size=2)))
        second = [b - a for a, b in zip([0, *cut], [*cut, total], strict=True)]
        shown = suppress_breakdowns([first, second])
        for index, value in enumerate(first):
            if not suppression.is_suppressed(value):
                continue
            for other in _other_values(value):
                # the same change in the other breakdown, taken from (or added to) its parts
                changed_first = [*first[:index], other, *first[index + 1 :]]
                assert suppress_breakdowns([changed_first, _absorb(second, other - value)]) == shown


def _absorb(parts, diff):
    parts = list(parts)
    for index, part in enumerate(parts):
        step = max(diff, -part)
        parts[index] += step
        diff -= step
        if diff == 0:
            break
    return parts
