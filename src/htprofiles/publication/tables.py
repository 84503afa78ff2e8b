"""The published tables of a territory's reports: protection of every year, then rows.

``publish_territory`` protects each year of the window on its own (no line joins two years),
so a per-year count reads the same in every report that shows it. Report tables, charts,
JSON and the audit summary are all drawn from the resulting marks, never from counts.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from ..contract.suppression import Mark, Published, SuppressionRule, is_complementary, is_withheld
from ..contract.territories import Territory
from .catalogue import TABLE_SPECS, CellId, TableSpec, categories, year_model
from .protection import YearPublication, protect_year


@dataclass(frozen=True)
class PublishedTable:
    """One table as every output shows it: rows of published cells only.

    ``note`` replaces the rows of a table that shows none; ``footnote`` explains
    complementary marks.
    """

    name: str
    title: str
    key: str
    rows: tuple[dict, ...]
    note: str | None = field(default=None)
    footnote: str | None = field(default=None)

    def values(self) -> list[Published]:
        """The published cells, in row order."""
        return [row["value"] for row in self.rows]


@dataclass(frozen=True)
class Publication:
    """What every report of one territory publishes, year by year."""

    territory: Territory
    rule: SuppressionRule
    years: dict[int, YearPublication]

    def mark(self, cell: CellId) -> Mark:
        """How ``cell`` is published: a count, a mark, or None if not shown."""
        return self.years[cell[1]].marks[cell]


def publish_territory(counts: Mapping[CellId, int], territory: Territory, years: range,
                      rule: SuppressionRule) -> Publication:
    """Protect and audit every year of ``years``.

    Raises
    ------
    DisclosureError
        If some year cannot be protected (naming its tables only).
    """
    return Publication(territory, rule,
                       {year: protect_year(counts, year_model(territory, year), rule)
                        for year in years})


def report_tables(publication: Publication, year: int,
                  first_year: int) -> dict[str, PublishedTable]:
    """The published tables of the report for ``year``."""
    return {spec.name: _table(spec, publication, year, first_year) for spec in TABLE_SPECS}


def _table(spec: TableSpec, publication: Publication, year: int,
           first_year: int) -> PublishedTable:
    shown = range(first_year, year + 1) if spec.per_year else range(year, year + 1)
    cells = [((spec.name, y, key), _row_name(spec, key, label)) for y in shown
             for key, label in zip(*categories(spec, publication.territory, y), strict=True)]
    if spec.top:  # in the order the publication lists them
        names = dict(cells)
        cells = [(cell, names[cell]) for cell in publication.years[year].listed.get(spec.name, ())]
    rows = [name | {"value": publication.mark(cell)} for cell, name in cells
            if publication.mark(cell) is not None]
    threshold = publication.rule.threshold
    note = None
    if spec.name in publication.years[year].withheld_tables:
        note = (f"Not shown for {year}: too few to show without revealing counts below "
                f"{threshold}.")
    elif spec.top and not rows:
        kind = "sex" if spec.column == "sex_venue" else "labor"
        note = f"All {kind} trafficking venues reported fewer than {_times(threshold)}."
    footnote = (f"Withheld to protect other small counts; each such count is {threshold} "
                f"or more." if any(is_complementary(row["value"]) for row in rows) else None)
    title = spec.title.format(year=year, first_year=first_year)
    return PublishedTable(spec.name, title, spec.key, tuple(rows), note, footnote)


def _row_name(spec: TableSpec, key, label: str) -> dict:
    if spec.key == "year":
        return {"year": key}
    if spec.key == "fips":
        return {"fips": key, "county": label}
    return {"category": label}


def audit_summary(tables: Mapping[str, PublishedTable]) -> dict:
    """What the audit guarantees for one report: the same words for every report written, and
    the number of withheld cells, which anyone can count in its tables."""
    withheld = sum(is_withheld(value) for table in tables.values() for value in table.values())
    return {
        "method": "every decision that withheld a count was recorded as a relation between "
                  "counts; the least and greatest value of every withheld count given all of "
                  "them and every published count, mark and total (HiGHS)",
        "guarantee": "each withheld count keeps at least two possible values",
        "withheld": withheld,
    }


_NUMBER_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
                 "ten")


def _times(n: int) -> str:
    """'three times', as the reference profile words it."""
    word = _NUMBER_WORDS[n] if n < len(_NUMBER_WORDS) else str(n)
    return "once" if n == 1 else f"{word} times"
