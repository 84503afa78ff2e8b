"""The interval audit on hand-made knowledge, and on every report of the embedded sample."""

from __future__ import annotations

import pytest

from htprofiles.audit import Interval, Knowledge, Line, feasible_ranges
from htprofiles.data import load_dataset, slice_dataset
from htprofiles.errors import DisclosureError
from htprofiles.sample import embedded_sample_dir
from htprofiles.suppression import SuppressionRule
from htprofiles.tables import count_cells, publish_territory, report_tables
from htprofiles.territories import TERRITORIES

SMALL = Interval(0, 2)


def _ranges(bounds: dict, *lines: Line) -> dict:
    knowledge = Knowledge(bounds, lines)
    return feasible_ranges(knowledge, knowledge.hidden())


def test_a_cell_on_no_line_keeps_what_its_mark_tells():
    assert _ranges({"a": SMALL, "b": Interval(3)}) == {"a": SMALL, "b": Interval(3)}


def test_two_small_cells_summing_to_three_keep_two_values_each():
    ranges = _ranges({"T": Interval(12, 12), "a": SMALL, "b": SMALL, "c": Interval(9, 9)},
                     Line("T", ("a", "b", "c")))
    assert ranges == {"a": Interval(1, 2), "b": Interval(1, 2)}


def test_two_small_cells_summing_to_four_are_pinned():
    ranges = _ranges({"T": Interval(4, 4), "a": SMALL, "b": SMALL}, Line("T", ("a", "b")))
    assert ranges["a"].single and ranges["a"].low == 2


def test_at_most_a_total_bounds_from_above_only():
    ranges = _ranges({"T": Interval(5, 5), "a": Interval(4, 4), "b": SMALL, "c": SMALL},
                     Line("T", ("a", "b", "c"), exact=False))
    assert ranges == {"b": Interval(0, 1), "c": Interval(0, 1)}


def test_a_complement_without_a_published_total_is_unbounded():
    ranges = _ranges({"T": Interval(3), "a": SMALL, "b": Interval(3)}, Line("T", ("a", "b")))
    assert ranges["T"] == Interval(3, None) and ranges["b"] == Interval(3, None)
    assert ranges["T"].size == float("inf")
    assert ranges["a"].to_json() == {"min": 0, "max": 2}


def test_a_total_shared_by_two_lines_links_them():
    # signals = methods; phone = call types: a small call type is bounded through both.
    bounds = {"signals": Interval(10, 10), "phone": Interval(3), "email": Interval(7, 7),
              "crisis": SMALL, "tip": Interval(3, 3)}
    ranges = _ranges(bounds, Line("signals", ("phone", "email")),
                     Line("phone", ("crisis", "tip")))
    assert ranges["phone"] == Interval(3, 3)  # 10 - 7: a complement that gives itself away
    assert ranges["crisis"] == Interval(0, 0)


def test_published_values_that_contradict_each_other_are_refused():
    with pytest.raises(DisclosureError, match="contradict"):
        _ranges({"T": Interval(9, 9), "a": SMALL, "b": Interval(3, 3)}, Line("T", ("a", "b")))


# Every report of the embedded sample passes its audit.

@pytest.fixture(scope="module")
def sample():
    return load_dataset(embedded_sample_dir())


def _publish(sample, code: str, years: range):
    """The territory's publication over ``years``, and the counts behind it."""
    piece = slice_dataset(sample, code)
    frames = {"signals": piece.signals, "cases": piece.cases, "victims": piece.victims}
    territory = TERRITORIES[code]
    counts = count_cells(frames, territory, years)
    return publish_territory(counts, territory, years, SuppressionRule()), counts


def test_every_sample_report_passes_its_audit(sample):
    withheld = 0
    for code in TERRITORIES:
        publication, counts = _publish(sample, code, range(2012, 2017))
        for cell, found in publication.ranges.items():
            assert not found.single, (code, cell)
            assert found.low <= counts[cell] and (found.high is None or counts[cell] <= found.high)
        withheld += len(publication.ranges)
    assert withheld > 1000


@pytest.mark.parametrize("code", ["AS", "VI", "DC", "WY"])
def test_a_cell_reads_the_same_in_every_report_of_its_territory(sample, code):
    later, _ = _publish(sample, code, range(2012, 2017))
    earlier, _ = _publish(sample, code, range(2012, 2016))
    assert report_tables(later, 2015, 2012) == report_tables(earlier, 2015, 2012)
    shown_2016 = report_tables(later, 2016, 2012)["cases_by_year"].rows
    assert shown_2016[:-1] == report_tables(earlier, 2015, 2012)["cases_by_year"].rows
