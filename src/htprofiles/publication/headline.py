"""A report's headline: its year's published case and signal counts.

The report's title block and the index both show it, taken from the same published rows
(``PublishedTable.rows`` or the report JSON's tables), never from a count.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from ..contract.suppression import Published

HEADLINE_KINDS = ("cases", "signals")


def headline(tables: Mapping[str, Iterable[dict]], year: int) -> dict[str, Published]:
    """The published cell of ``year`` in the cases and signals per-year tables."""
    return {kind: row["value"] for kind, row in headline_rows(tables, year).items()}


def headline_rows(tables: Mapping[str, Iterable[dict]], year: int) -> dict[str, dict]:
    """The rows of ``year`` in the cases and signals per-year tables: the published cell, and
    a withheld area count's public ``range`` where it has one."""
    return {kind: next(row for row in tables[f"{kind}_by_year"] if row["year"] == year)
            for kind in HEADLINE_KINDS}
