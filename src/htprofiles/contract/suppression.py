"""The disclosure rule: which counts are small, and how every output marks a withheld count.

Primary suppression shows each count from 1 to ``threshold - 1`` (and zero, with
``suppress_zero``) as ``<threshold``. Counts withheld to protect those (``protection``) read
``withheld``; a table or category left out altogether has no cell at all.
"""

from __future__ import annotations

from dataclasses import dataclass

Published = int | str
"""A published cell: a count (int) or the mark of a withheld one (str, e.g. ``"<3"``)."""

Mark = Published | None
"""A cell as a publication holds it; None for a cell that is not shown at all."""

COMPLEMENTARY = "withheld"
"""The mark of a count withheld only to protect others: a reader knows it is at least the
threshold, or it would be marked ``<threshold``."""

LEAST_VALUES = 3
"""How many values a small count's mark must stand for. Protecting a small count's neighbours
can tell a reader that it is not the largest of them (see docs/disclosure.md): with three
values or more, it still keeps two."""


@dataclass(frozen=True)
class SuppressionRule:
    """Counts from 1 to ``threshold - 1`` (and zero, with ``suppress_zero``) are withheld.

    A zero is withheld by default because "no case at all" can be as telling as "one case".
    """

    threshold: int = 3
    suppress_zero: bool = True

    def __post_init__(self) -> None:
        if self.threshold - self.least_withheld < LEAST_VALUES:
            raise ValueError(refusal(self.threshold, self.suppress_zero))

    @property
    def mark(self) -> str:
        """How a small count reads in every output."""
        return f"<{self.threshold}"

    @property
    def least_withheld(self) -> int:
        """The smallest count the mark stands for."""
        return 0 if self.suppress_zero else 1

    def withholds(self, count: int) -> bool:
        """Whether ``count`` must not be published."""
        return self.least_withheld <= count < self.threshold

    def to_json(self) -> dict:
        """The rule as the report JSON records it."""
        return {"threshold": self.threshold, "suppress_zero": self.suppress_zero}


def refusal(threshold: int, suppress_zero: bool) -> str:
    """Why a threshold is refused; the same words wherever parameters are checked."""
    least = 0 if suppress_zero else 1
    needed = least + LEAST_VALUES
    return (f"suppression threshold {threshold} {'with' if suppress_zero else 'without'} "
            f"suppress_zero would let <{threshold} stand for {max(threshold - least, 0)} "
            f"value(s); a withheld count needs at least {LEAST_VALUES}, so the threshold must "
            f"be {needed} or more")


def is_withheld(value: Published) -> bool:
    """Whether a published cell is a withheld mark rather than a count."""
    return isinstance(value, str)


def is_complementary(value: Published) -> bool:
    """Whether a published cell was withheld to protect other cells."""
    return value == COMPLEMENTARY


def format_value(value: Published) -> str:
    """How a published cell reads in every output: '1,234' or the withheld mark."""
    return value if is_withheld(value) else f"{value:,}"


def format_cell(row: dict) -> str:
    """A published table row's cell as text: '1,234', '<3', 'withheld', or for a withheld
    count with a public range (the least and greatest value anyone can work out for it from
    what is published) that range, '7,059-7,061' (with an en dash)."""
    span = row.get("range")
    return f"{span[0]:,}\u2013{span[1]:,}" if span else format_value(row["value"])
