"""The disclosure rule: small counts are withheld, and so is whatever would give them away.

Primary suppression shows each count from 1 to ``threshold - 1`` (and zero, with
``suppress_zero``) as ``<threshold``. Complementary suppression (``protect``) then withholds
more counts, shown as ``withheld``, until the interval audit finds no withheld cell a reader
could work out from everything published. ``protect`` reads marks only, never the counts behind
withheld cells, so two data sets that differ only inside withheld cells get the same pattern.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from .audit import Cell, Interval, Knowledge, Line, feasible_ranges
from .errors import DisclosureError

Published = int | str
"""A published cell: a count (int) or the mark of a withheld one (str, e.g. ``"<3"``)."""

Mark = Published | None
"""A cell as the publication model holds it; None for a category a top-N list leaves out."""

COMPLEMENTARY = "withheld"
"""The mark of a count withheld only to protect others: a reader knows it is at least the
threshold, or it would be marked ``<threshold``."""


@dataclass(frozen=True)
class SuppressionRule:
    """Counts from 1 to ``threshold - 1`` (and zero, with ``suppress_zero``) are withheld.

    A zero is withheld by default because "no case at all" can be as telling as "one case".
    A rule whose mark would stand for a single value (``<2`` meaning exactly 1) is refused.
    """

    threshold: int = 3
    suppress_zero: bool = True

    def __post_init__(self) -> None:
        if self.threshold < 1:
            raise ValueError(f"suppression threshold must be at least 1, not {self.threshold}")
        if self.threshold - self.least_withheld == 1:
            raise ValueError(
                f"suppression threshold {self.threshold} "
                f"{'with' if self.suppress_zero else 'without'} suppress_zero would show "
                f"{self.mark} for exactly {self.least_withheld}; a withheld count needs at "
                f"least two possible values")

    @property
    def mark(self) -> str:
        """How a small count reads in every output."""
        return f"<{self.threshold}"

    @property
    def least_withheld(self) -> int:
        return 0 if self.suppress_zero else 1

    def withholds(self, count: int) -> bool:
        """Whether ``count`` must not be published."""
        return 0 < count < self.threshold or (count == 0 and self.suppress_zero)

    def publish(self, count: int) -> Published:
        """The published form of one count (primary suppression)."""
        return self.mark if self.withholds(count) else int(count)

    def reveals(self, value: Published) -> Interval:
        """What a reader learns about a count from its published cell."""
        if value == self.mark:
            return Interval(self.least_withheld, self.threshold - 1)
        if value == COMPLEMENTARY:
            return Interval(self.threshold)
        if isinstance(value, int):
            return Interval(value, value)
        raise ValueError(f"not a published cell under this rule: {value!r}")

    def to_json(self) -> dict:
        return {"threshold": self.threshold, "suppress_zero": self.suppress_zero}


def is_withheld(value: Published) -> bool:
    """Whether a published cell is a withheld mark rather than a count."""
    return isinstance(value, str)


def is_complementary(value: Published) -> bool:
    """Whether a published cell was withheld to protect other cells."""
    return value == COMPLEMENTARY


def knowledge_of(marks: Mapping[Cell, Published], lines: tuple[Line, ...],
                 rule: SuppressionRule) -> Knowledge:
    """What a reader knows of cells that are all shown: each mark's interval, and the lines."""
    return Knowledge({cell: rule.reveals(value) for cell, value in marks.items()}, lines)


Describe = Callable[[Mapping[Cell, Mark]], Knowledge]
"""What a reader knows once cells are published with the given marks."""


def protect(marks: Mapping[Cell, Mark], describe: Describe,
            rule: SuppressionRule) -> tuple[dict[Cell, Mark], dict[Cell, Interval]]:
    """Complementary suppression: withhold counts until no hidden cell has a single value.

    Each round audits every hidden cell; while one is pinned, the smallest count that shares
    a line with it (a part before a total, then model order) is withheld too. Withholding a
    count of exactly the threshold, or one that joins two protected groups, can leave or make
    a cell pinned: the next round's audit sees it, so the loop ends only on a proven pattern.

    Returns
    -------
    The final marks, and the feasible range of each hidden cell (the audit).

    Raises
    ------
    DisclosureError
        If a pinned cell has no publishable count left near it to withhold.
    """
    marks = dict(marks)
    while True:
        knowledge = describe(marks)
        ranges = feasible_ranges(knowledge, knowledge.hidden())
        pinned = [cell for cell, found in ranges.items() if found.single]
        if not pinned:
            return marks, ranges
        marks[_complement(pinned[0], knowledge, rule.threshold)] = COMPLEMENTARY


def _complement(cell: Cell, knowledge: Knowledge, threshold: int) -> Cell:
    """The count to withhold for a pinned ``cell``: the smallest on its lines, then outwards.

    Only counts of at least ``threshold`` qualify, since that is what the mark will tell.
    """
    order = {c: i for i, c in enumerate(knowledge.bounds)}
    totals = {line.total for line in knowledge.lines}
    reached, lines = {cell}, list(knowledge.lines)
    while near := [line for line in lines if reached.intersection(line.cells)]:
        lines = [line for line in lines if line not in near]
        reached.update(c for line in near for c in line.cells)
        shown = [c for c in reached if knowledge.bounds[c].single
                 and knowledge.bounds[c].low >= threshold]
        if shown:
            return min(shown, key=lambda c: (knowledge.bounds[c].low, c in totals, order[c]))
    raise DisclosureError(f"no count is left to withhold that would protect {cell}")
