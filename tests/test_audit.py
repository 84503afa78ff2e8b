"""The interval audit, the transcript it reads, and every sample report's audit."""

from __future__ import annotations

import pytest

from htprofiles.contract.data import slice_dataset
from htprofiles.contract.suppression import SuppressionRule
from htprofiles.contract.territories import TERRITORIES
from htprofiles.errors import DisclosureError
from htprofiles.publication.audit import Interval, Line, feasible_ranges
from htprofiles.publication.catalogue import count_cells
from htprofiles.publication.tables import publish_territory, report_tables
from htprofiles.publication.transcript import Relation, Transcript

SMALL = [Relation((("a", 1),), None, 2), Relation((("b", 1),), None, 2)]


def _equal(cell, value):
    return Relation(((cell, 1),), value, value)


def test_a_cell_on_no_line_keeps_what_its_mark_tells():
    assert feasible_ranges(["a"], SMALL[:1]) == {"a": Interval(0, 2)}


def test_two_small_cells_summing_to_three_keep_two_values_each():
    ranges = feasible_ranges(["T", "a", "b"],
                             [Line(("a", "b"), ("T",)).relation(), _equal("T", 3), *SMALL])
    assert ranges["a"] == ranges["b"] == Interval(1, 2)


def test_two_small_cells_summing_to_four_are_pinned():
    ranges = feasible_ranges(["T", "a", "b"],
                             [Line(("a", "b"), ("T",)).relation(), _equal("T", 4), *SMALL])
    assert ranges["a"].single and ranges["b"].single


def test_at_most_a_total_bounds_from_above_only():
    line = Line(("a", "b"), ("T",), exact=False).relation()
    ranges = feasible_ranges(["T", "a", "b"], [line, _equal("T", 4), _equal("b", 3)])
    assert ranges["a"] == Interval(0, 1)


def test_a_cell_without_a_published_total_is_unbounded():
    line = Line(("a", "b"), ("T",)).relation()
    ranges = feasible_ranges(["T", "a", "b"], [line, Relation((("b", 1),), 3, None), SMALL[0]])
    assert ranges["b"] == Interval(3, None) and ranges["T"] == Interval(3, None)


def test_published_values_that_contradict_each_other_are_refused():
    line = Line(("a", "b"), ("T",)).relation()
    with pytest.raises(DisclosureError, match="contradict"):
        feasible_ranges(["T", "a", "b"], [line, _equal("T", 9), _equal("b", 3), SMALL[0]])


# The transcript: every answer is written down.

def test_a_question_is_recorded_once_with_its_answer():
    transcript = Transcript({"a": 2, "b": 5})
    assert transcript.at_least({"a": 1, "b": 1}, 7)
    assert not transcript.at_least({"a": 1}, 3)
    assert transcript.at_least({"a": 1, "b": 1}, 7)
    assert transcript.relations == [Relation((("a", 1), ("b", 1)), 7, None),
                                    Relation((("a", 1),), None, 2)]
    assert transcript.bounds({"a": 1}) == (None, 2)
    assert transcript.bounds({"a": -1}) == (-2, None)


def test_a_top_list_records_what_it_tells_even_with_counts_withheld():
    transcript = Transcript({"x": 4, "y": 9, "z": 1})
    assert transcript.top(["x", "y", "z"], 3, 3) == ["y", "x"]
    known = feasible_ranges(["x", "y", "z"], transcript.relations)
    assert known["z"] == Interval(0, 2)  # a short list: what is left out is below the floor
    assert known["y"] == known["x"] == Interval(3, None)  # their order is not recorded


# Every report of the embedded sample passes its audit.

def _publish(sample, code: str, years: range):
    """The territory's publication over ``years``, and the counts behind it."""
    piece = slice_dataset(sample, code)
    territory = TERRITORIES[code]
    counts = count_cells(piece.frames, territory, years)
    return publish_territory(counts, territory, years, SuppressionRule()), counts


@pytest.mark.exhaustive
def test_every_sample_report_passes_its_audit(sample):
    withheld = 0
    for code in TERRITORIES:
        publication, counts = _publish(sample, code, range(2012, 2017))
        for year in publication.years.values():
            for cell, found in year.ranges.items():
                if isinstance(year.marks[cell], int):
                    continue
                assert not found.single, (code, cell)
                assert found.low <= counts[cell]
                assert found.high is None or counts[cell] <= found.high
                withheld += 1
    assert withheld > 1000


@pytest.mark.parametrize("code", ["AS", "VI", "DC", "WY"])
def test_a_cell_reads_the_same_in_every_report_of_its_territory(sample, code):
    later, _ = _publish(sample, code, range(2012, 2017))
    earlier, _ = _publish(sample, code, range(2012, 2016))
    assert report_tables(later, 2015, 2012) == report_tables(earlier, 2015, 2012)
    shown_2016 = report_tables(later, 2016, 2012)["cases_by_year"].rows
    assert shown_2016[:-1] == report_tables(earlier, 2015, 2012)["cases_by_year"].rows
