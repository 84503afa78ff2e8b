"""The disclosure rule and complementary suppression, on hand-made tables and random ones."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from htprofiles.audit import Interval, Line, feasible_ranges
from htprofiles.errors import DisclosureError
from htprofiles.suppression import (
    COMPLEMENTARY,
    SuppressionRule,
    is_withheld,
    knowledge_of,
    protect,
)

RULE = SuppressionRule()
PROPERTY = settings(max_examples=60, deadline=None)


def test_default_rule_matches_reference_profile():
    assert [RULE.publish(n) for n in (0, 1, 2, 3, 4)] == ["<3", "<3", "<3", 3, 4]


def test_zero_published_when_asked():
    rule = SuppressionRule(threshold=5, suppress_zero=False)
    assert [rule.publish(n) for n in (0, 1, 4, 5)] == [0, "<5", "<5", 5]


def test_threshold_below_one_is_refused():
    with pytest.raises(ValueError, match="at least 1"):
        SuppressionRule(threshold=0)


@pytest.mark.parametrize("threshold, suppress_zero", [(1, True), (2, False)])
def test_a_mark_standing_for_one_value_is_refused(threshold, suppress_zero):
    with pytest.raises(ValueError, match="two possible values"):
        SuppressionRule(threshold, suppress_zero)


def test_each_mark_reveals_what_it_stands_for():
    assert RULE.reveals(7) == Interval(7, 7)
    assert RULE.reveals("<3") == Interval(0, 2)
    assert SuppressionRule(suppress_zero=False).reveals("<3") == Interval(1, 2)
    assert RULE.reveals(COMPLEMENTARY) == Interval(3, None)
    with pytest.raises(ValueError, match="not a published cell"):
        RULE.reveals("<5")


@given(count=st.integers(min_value=0, max_value=10_000), threshold=st.integers(2, 20),
       suppress_zero=st.booleans())
def test_no_small_count_is_ever_published(count, threshold, suppress_zero):
    if threshold == 2 and not suppress_zero:
        return
    rule = SuppressionRule(threshold, suppress_zero)
    value = rule.publish(count)
    if is_withheld(value):
        assert value == f"<{threshold}"
        assert count < threshold
    else:
        assert value == count
        assert count >= threshold or (count == 0 and not suppress_zero)


# Complementary suppression on plain tables: every cell shown, a total and its parts.

def _line(counts: dict[str, int], total: int, rule=RULE, exact=True):
    """Protect one line ``T = parts``: returns the final marks and the audited ranges."""
    marks = {"T": rule.publish(total)} | {k: rule.publish(n) for k, n in counts.items()}
    lines = (Line("T", tuple(counts), exact),)
    return protect(marks, lambda m: knowledge_of(m, lines, rule), rule)


def _withheld(marks: dict) -> set:
    return {cell for cell, mark in marks.items() if is_withheld(mark)}


def _complementary(marks: dict) -> set:
    return {cell for cell, mark in marks.items() if mark == COMPLEMENTARY}


def test_two_small_cells_summing_to_three_keep_two_values_each():
    marks, ranges = _line({"a": 1, "b": 2, "c": 9}, 12)
    assert _complementary(marks) == set()
    assert ranges["a"] == ranges["b"] == Interval(1, 2)


def test_two_small_cells_summing_to_four_are_protected_by_one_more():
    marks, ranges = _line({"a": 2, "b": 2, "c": 9}, 13)  # a + b = 4 would pin both to 2
    assert _complementary(marks) == {"c"}
    assert ranges["a"] == ranges["b"] == Interval(0, 2)
    assert ranges["c"] == Interval(9, 13)


def test_without_suppress_zero_two_ones_need_protection():
    rule = SuppressionRule(suppress_zero=False)
    marks, ranges = _line({"a": 1, "b": 1, "c": 0, "d": 7}, 9, rule)  # a, b in [1, 2], sum 2
    assert _complementary(marks) == {"d"}
    assert ranges["a"] == Interval(1, 2)


def test_a_complement_of_exactly_the_threshold_is_not_enough():
    # x = 0 is alone; withholding y = 3 still leaves x + y = 3 with y >= 3, so x = 0.
    marks, ranges = _line({"x": 0, "y": 3, "z": 5}, 8)
    assert _complementary(marks) == {"y", "z"}
    assert ranges["x"] == Interval(0, 2)
    assert all(not found.single for found in ranges.values())


def test_the_total_is_withheld_when_no_part_can_be():
    marks, ranges = _line({"x": 0, "y": 3}, 3)  # x = 0 pinned; y alone cannot help
    assert _complementary(marks) == {"y", "T"}
    assert ranges["x"] == Interval(0, 2)


def test_an_inequality_can_pin_zeros():
    # Counties add up to at most the cases: 5 cases all in county a leave the others at 0.
    marks, ranges = _line({"a": 5, "b": 0, "c": 0}, 5, exact=False)
    assert _complementary(marks)
    assert ranges["b"] == Interval(0, 2)


def test_a_grand_total_of_small_columns_cannot_be_protected():
    # Rows 3 and 3, columns 2, 2, 2: the grand total 6 gives each column away; withheld, it is
    # the sum of the rows, and withheld rows are each at least 3, so 6 again.
    truth, lines = _grid_model([[1, 1, 1], [1, 1, 1]])
    with pytest.raises(DisclosureError):
        _grid([[1, 1, 1], [1, 1, 1]])
    assert hopeless({c: RULE.publish(n) for c, n in truth.items()},
                    lambda m: knowledge_of(m, lines, RULE), RULE)


def test_a_line_that_cannot_be_protected_is_refused():
    rule = SuppressionRule(suppress_zero=False)
    with pytest.raises(DisclosureError, match="protect") as caught:
        _line({"a": 1, "b": 1}, 2, rule)  # T in [1, 2] = a + b, each in [1, 2]
    assert "1" not in str(caught.value).replace("<", "")


def _grid_model(counts: list[list[int]]) -> tuple[dict, tuple[Line, ...]]:
    """A 2-D table with row, column and grand totals: its true counts and its lines."""
    rows, cols = range(len(counts)), range(len(counts[0]))
    row = {i: tuple(("c", i, j) for j in cols) for i in rows}
    col = {j: tuple(("c", i, j) for i in rows) for j in cols}
    truth = {("c", i, j): counts[i][j] for i in rows for j in cols}
    truth |= {("R", i): sum(counts[i]) for i in rows}
    truth |= {("C", j): sum(r[j] for r in counts) for j in cols}
    truth |= {"G": sum(map(sum, counts))}
    lines = tuple([Line(("R", i), row[i]) for i in rows] + [Line(("C", j), col[j]) for j in cols]
                  + [Line("G", tuple(("R", i) for i in rows)),
                     Line("G", tuple(("C", j) for j in cols))])
    return truth, lines


def _grid(counts: list[list[int]], rule=RULE):
    truth, lines = _grid_model(counts)
    marks = {cell: rule.publish(n) for cell, n in truth.items()}
    return protect(marks, lambda m: knowledge_of(m, lines, rule), rule)


def test_a_cell_bridging_two_protected_groups_is_protected_too():
    # Two 2x2 blocks of small cells joined by the small cell (1, 2): every row and column with a
    # withheld cell has two, yet the bridge is rows 0-1 minus columns 0-1 of the withheld sums.
    counts = [[1, 2, 30, 40],
              [2, 1, 1, 50],
              [60, 70, 2, 1],
              [80, 90, 1, 2]]
    truth, lines = _grid_model(counts)
    primary = {cell: RULE.publish(n) for cell, n in truth.items()}
    bridge = ("c", 1, 2)
    assert feasible_ranges(knowledge_of(primary, lines, RULE), [bridge])[bridge].single
    marks, ranges = _grid(counts)
    assert {cell for cell, n in truth.items() if n < 3} < _withheld(marks)
    assert not ranges[bridge].single


def test_protection_is_deterministic_and_prefers_the_smallest_part():
    first, _ = _line({"a": 1, "b": 7, "c": 5, "d": 5}, 18)
    again, _ = _line({"a": 1, "b": 7, "c": 5, "d": 5}, 18)
    assert first == again
    assert _complementary(first) == {"c"}  # 5 ties with d: the earlier cell wins


# Properties: whatever the table, every withheld cell keeps at least two possible values.

rules = st.sampled_from([SuppressionRule(), SuppressionRule(3, False), SuppressionRule(5),
                         SuppressionRule(2, True), SuppressionRule(4, False)])


def hopeless(marks: dict, describe, rule: SuppressionRule) -> bool:
    """Whether a withheld cell keeps a single value even when every count is withheld.

    Withholding more only widens what a reader can infer, so then no pattern protects the
    table: a complementary mark tells "at least the threshold", and that alone can pin.
    """
    withheld = {cell: COMPLEMENTARY if isinstance(mark, int) and mark >= rule.threshold
                else mark for cell, mark in marks.items()}
    knowledge = describe(withheld)
    return any(found.single for found in feasible_ranges(knowledge, knowledge.hidden()).values())


def _check(marks: dict, ranges: dict, truth: dict, rule: SuppressionRule) -> None:
    for cell, found in ranges.items():
        assert not found.single
        assert found.low <= truth[cell] and (found.high is None or truth[cell] <= found.high)
    for cell, mark in marks.items():
        if not is_withheld(mark):
            assert not rule.withholds(truth[cell]) and mark == truth[cell]
        elif mark == COMPLEMENTARY:
            assert truth[cell] >= rule.threshold


@PROPERTY
@given(counts=st.lists(st.integers(0, 12), min_size=1, max_size=8), exact=st.booleans(),
       unknown=st.integers(0, 4), rule=rules)
def test_every_protected_line_keeps_two_values_per_withheld_cell(counts, exact, unknown, rule):
    parts = {f"p{i}": n for i, n in enumerate(counts)}
    truth = parts | {"T": sum(counts) + (0 if exact else unknown)}
    lines = (Line("T", tuple(parts), exact),)
    try:
        marks, ranges = _line(parts, truth["T"], rule, exact)
    except DisclosureError:
        assert hopeless({c: rule.publish(n) for c, n in truth.items()},
                        lambda m: knowledge_of(m, lines, rule), rule)
        return
    _check(marks, ranges, truth, rule)


@PROPERTY
@given(shape=st.tuples(st.integers(2, 3), st.integers(2, 3)), data=st.data(), rule=rules)
def test_every_protected_grid_keeps_two_values_per_withheld_cell(shape, data, rule):
    counts = data.draw(st.lists(st.lists(st.integers(0, 9), min_size=shape[1], max_size=shape[1]),
                                min_size=shape[0], max_size=shape[0]))
    truth, lines = _grid_model(counts)
    try:
        marks, ranges = _grid(counts, rule)
    except DisclosureError:
        assert hopeless({c: rule.publish(n) for c, n in truth.items()},
                        lambda m: knowledge_of(m, lines, rule), rule)
        return
    _check(marks, ranges, truth, rule)
