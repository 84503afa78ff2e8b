"""The disclosure rule: small counts are withheld and shown as ``<threshold``."""

from __future__ import annotations

from dataclasses import dataclass

Published = int | str
"""A published cell: a count (int) or the mark of a withheld one (str, e.g. ``"<3"``)."""


@dataclass(frozen=True)
class SuppressionRule:
    """Counts from 1 to ``threshold - 1`` (and zero, with ``suppress_zero``) are withheld.

    A zero is withheld by default because "no case at all" can be as telling as "one case".
    """

    threshold: int = 3
    suppress_zero: bool = True

    def __post_init__(self) -> None:
        if self.threshold < 1:
            raise ValueError(f"suppression threshold must be at least 1, not {self.threshold}")

    @property
    def mark(self) -> str:
        """How a withheld count reads in every output."""
        return f"<{self.threshold}"

    def withholds(self, count: int) -> bool:
        """Whether ``count`` must not be published."""
        return 0 < count < self.threshold or (count == 0 and self.suppress_zero)

    def publish(self, count: int) -> Published:
        """The published form of one count."""
        return self.mark if self.withholds(count) else int(count)

    def to_json(self) -> dict:
        return {"threshold": self.threshold, "suppress_zero": self.suppress_zero}


def is_withheld(value: Published) -> bool:
    """Whether a published cell is a withheld mark rather than a count."""
    return isinstance(value, str)
