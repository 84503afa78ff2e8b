"""The tables of a territory's reports, described once, and the publication model behind them.

Counting (``count_cells``) is the only step that sees records. ``publish_territory`` turns the
counts into marks (primary, then complementary suppression) and audits them; report tables,
charts, JSON and the audit summary are all drawn from those marks, never from counts.

The model
---------
Every count a report shows is a cell ``(table, year, key)``. A table with a ``total`` is a line
of the audit: its cells add up to that total cell, exactly when the input contract requires the
counted column and at most otherwise (a case with no county or venue is not counted). No line
joins two years, so each year is suppressed and audited on its own, and a per-year total reads
the same in every report that shows it (the 2016 report shows 2012-2016, the 2015 one 2012-2015).
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass, field
from functools import partial

import pandas as pd

from . import geo, vocab
from .audit import Interval, Knowledge, Line
from .data import SCHEMA
from .suppression import (
    Mark,
    Published,
    SuppressionRule,
    is_complementary,
    is_withheld,
    knowledge_of,
    protect,
)
from .territories import Territory

TOP_VENUES = 5

CellId = tuple[str, int, Hashable]
"""One count: ``(table name, year, key)``; a per-year table's key is the year itself."""


@dataclass(frozen=True)
class TableSpec:
    """What one published table counts.

    ``records`` names the data set table, ``column`` the counted column. ``year`` and
    ``county_fips`` count over the data window and the territory's counties; every other column
    counts over its vocabulary. ``top`` keeps only the largest published categories. ``total``
    names the cell the counts add up to, ``(table, key)``, a key of None meaning the year.
    """

    name: str
    title: str
    records: str
    column: str
    where: tuple[str, str] | None = None
    top: int | None = None
    total: tuple[str, str | None] | None = None

    @property
    def key(self) -> str:
        return {"year": "year", "county_fips": "fips"}.get(self.column, "category")

    @property
    def per_year(self) -> bool:
        """A table with one row per year of the data window (one cell per year)."""
        return self.column == "year"

    @property
    def exact(self) -> bool:
        """Whether the counts add up to their total exactly: every record has the column."""
        return SCHEMA[self.records][self.column].required


_CASES, _SIGNALS = ("cases_by_year", None), ("signals_by_year", None)

TABLE_SPECS: tuple[TableSpec, ...] = (
    TableSpec("citizenship", "Citizenship", "victims", "citizenship"),
    TableSpec("gender", "Gender", "victims", "gender"),
    TableSpec("age", "Age", "victims", "age_group"),
    TableSpec(
        "call_types",
        "Types of calls to the National Human Trafficking Hotline in {year}",
        "signals",
        "call_type",
        where=("method", "phone"),
        total=("signal_methods", "phone"),
    ),
    TableSpec("sex_trafficking_venues", "Top sex trafficking venues", "cases", "sex_venue",
              top=TOP_VENUES, total=_CASES),
    TableSpec("labor_trafficking_venues", "Top labor trafficking venues", "cases", "labor_venue",
              top=TOP_VENUES, total=_CASES),
    TableSpec("cases_by_year", "Cases per year, {first_year}-{year}", "cases", "year"),
    TableSpec("signals_by_year", "Signals per year, {first_year}-{year}", "signals", "year"),
    TableSpec("cases_by_county", "Cases by county in {year}", "cases", "county_fips",
              total=_CASES),
    TableSpec("trafficking_types", "Cases by type of trafficking in {year}", "cases",
              "trafficking_type", total=_CASES),
    TableSpec("signal_methods", "Signals by method in {year}", "signals", "method",
              total=_SIGNALS),
)
SPECS_BY_NAME = {spec.name: spec for spec in TABLE_SPECS}


@dataclass(frozen=True)
class PublishedTable:
    """One table as every output shows it: rows of published cells only.

    ``note`` replaces an empty top list; ``footnote`` explains complementary marks.
    """

    name: str
    title: str
    key: str
    rows: tuple[dict, ...]
    note: str | None = field(default=None)
    footnote: str | None = field(default=None)

    def values(self) -> list[Published]:
        return [row["value"] for row in self.rows]


@dataclass(frozen=True)
class Publication:
    """What every report of one territory publishes: a mark per cell, and the audited range
    of each cell a reader does not see as a count."""

    territory: Territory
    rule: SuppressionRule
    marks: dict[CellId, Mark]
    ranges: dict[CellId, Interval]


def categories(spec: TableSpec, territory: Territory, year: int) -> tuple[tuple, tuple]:
    """The keys and labels of one year of a table, in report order (zeros included)."""
    if spec.per_year:
        return (year,), (str(year),)
    if spec.column == "county_fips":
        counties = geo.county_names(territory.fips)
        return tuple(counties), tuple(counties.values())
    codes = vocab.codes(spec.column)
    return codes, tuple(vocab.label(spec.column, c) for c in codes)


def table_cells(spec: TableSpec, territory: Territory, year: int) -> list[CellId]:
    """The cells of one year of a table, in report order."""
    return [(spec.name, year, key) for key in categories(spec, territory, year)[0]]


def count_cells(frames: Mapping[str, pd.DataFrame], territory: Territory,
                years: range) -> dict[CellId, int]:
    """Every cell of every table over ``years``, from the territory's records by table name."""
    counts = {}
    for spec in TABLE_SPECS:
        tally = _tally(frames[spec.records], spec, years)
        for year in years:
            counts |= {cell: tally.get(cell[1:], 0) for cell in table_cells(spec, territory, year)}
    return counts


def _tally(frame: pd.DataFrame, spec: TableSpec, years: range) -> dict[tuple, int]:
    """Counts by (year, key); records with an empty counted column are not counted."""
    if spec.where:
        column, value = spec.where
        frame = frame[(frame[column] == value).to_numpy(dtype=bool, na_value=False)]
    frame = frame[frame["year"].isin(years)]
    if spec.per_year:
        return {(int(y), int(y)): int(n) for y, n in frame["year"].value_counts().items()}
    sizes = frame.groupby(["year", spec.column]).size()
    return {(int(y), key): int(n) for (y, key), n in sizes.items()}


def publish_territory(counts: Mapping[CellId, int], territory: Territory, years: range,
                      rule: SuppressionRule) -> Publication:
    """Primary suppression, top lists, then complementary suppression and the audit, by year.

    Raises
    ------
    DisclosureError
        If some year cannot be protected.
    """
    marks, ranges = {}, {}
    for year in years:
        describe = partial(reader_knowledge, territory=territory, year=year, rule=rule)
        final, found = protect(primary_marks(counts, territory, year, rule), describe, rule)
        marks |= final
        ranges |= found
    return Publication(territory, rule, marks, ranges)


def primary_marks(counts: Mapping[CellId, int], territory: Territory, year: int,
                  rule: SuppressionRule) -> dict[CellId, Mark]:
    """One year's cells after primary suppression; top lists keep their largest published
    categories and leave the others out (None)."""
    marks = {cell: rule.publish(counts[cell]) for spec in TABLE_SPECS
             for cell in table_cells(spec, territory, year)}
    for spec in TABLE_SPECS:
        if spec.top:
            cells = [c for c in marks if c[0] == spec.name]
            shown = [c for c in cells if isinstance(marks[c], int) and marks[c] > 0]
            top = set(sorted(shown, key=lambda c: -marks[c])[:spec.top])
            marks |= {c: None for c in cells if c not in top}
    return marks


def reader_knowledge(marks: Mapping[CellId, Mark], territory: Territory, year: int,
                     rule: SuppressionRule) -> Knowledge:
    """What a reader of one year's tables knows: each cell's interval and every line."""
    shown = {cell: mark for cell, mark in marks.items() if mark is not None}
    lines, unlisted = [], {}
    for spec in TABLE_SPECS:
        cells = table_cells(spec, territory, year)
        if spec.total:
            table, key = spec.total
            lines.append(Line((table, year, year if key is None else key), tuple(cells),
                              spec.exact))
        if spec.top:
            left_out, order = _unlisted(cells, shown, spec.top, rule)
            unlisted |= left_out
            lines += order
    listed = knowledge_of(shown, tuple(lines), rule)
    return Knowledge({cell: listed.bounds[cell] if cell in shown else unlisted[cell]
                      for cell in marks}, listed.lines)


def _unlisted(cells: list[CellId], shown: Mapping[CellId, Published], top: int,
              rule: SuppressionRule) -> tuple[dict[CellId, Interval], list[Line]]:
    """What a top list tells of the categories it leaves out.

    While the list is short they are below the threshold; in a full list each is at most every
    listed count: a bound for a published one, a line for a withheld one.
    """
    listed = [c for c in cells if c in shown]
    left_out = [c for c in cells if c not in shown]
    if len(listed) < top:
        return dict.fromkeys(left_out, Interval(0, rule.threshold - 1)), []
    counts = [shown[c] for c in listed if not is_withheld(shown[c])]
    withheld = [c for c in listed if is_withheld(shown[c])]
    return (dict.fromkeys(left_out, Interval(0, min(counts, default=None))),
            [Line(c, (u,), exact=False) for c in withheld for u in left_out])


def report_tables(publication: Publication, year: int,
                  first_year: int) -> dict[str, PublishedTable]:
    """The published tables of the report for ``year``."""
    return {spec.name: _table(spec, publication, year, first_year) for spec in TABLE_SPECS}


def _shown_years(spec: TableSpec, year: int, first_year: int) -> range:
    return range(first_year, year + 1) if spec.per_year else range(year, year + 1)


def _labelled(spec: TableSpec, territory: Territory, years: range) -> list[tuple[CellId, dict]]:
    """Each cell of the table over ``years`` with the row fields that name it."""
    return [((spec.name, y, key), _row_name(spec, key, label))
            for y in years
            for key, label in zip(*categories(spec, territory, y), strict=True)]


def _table(spec: TableSpec, publication: Publication, year: int,
           first_year: int) -> PublishedTable:
    marks, rule = publication.marks, publication.rule
    rows = [name | {"value": marks[cell]}
            for cell, name in _labelled(spec, publication.territory,
                                        _shown_years(spec, year, first_year))
            if marks[cell] is not None]
    note = None
    if spec.top:
        rows = _ranked(rows)
        if not rows:
            kind = "sex" if spec.column == "sex_venue" else "labor"
            note = (f"All {kind} trafficking venues reported fewer than "
                    f"{_times(rule.threshold)}.")
    footnote = (f"Withheld to protect other small counts; each such count is "
                f"{rule.threshold} or more."
                if any(is_complementary(row["value"]) for row in rows) else None)
    title = spec.title.format(year=year, first_year=first_year)
    return PublishedTable(spec.name, title, spec.key, tuple(rows), note, footnote)


def _row_name(spec: TableSpec, key, label: str) -> dict:
    if spec.key == "year":
        return {"year": key}
    if spec.key == "fips":
        return {"fips": key, "county": label}
    return {"category": label}


def _ranked(rows: list[dict]) -> list[dict]:
    """Counts largest first, ties in vocabulary order (the sort is stable), then withheld rows
    in vocabulary order: where they rank is not published."""
    counts = [row for row in rows if not is_withheld(row["value"])]
    return (sorted(counts, key=lambda row: -row["value"])
            + [row for row in rows if is_withheld(row["value"])])


def audit_summary(publication: Publication, year: int, first_year: int) -> dict:
    """The audit of one report for its provenance: each hidden cell's range, no true value.

    Ranges derive from published information only, so publishing them discloses nothing. The
    categories a top list leaves out count as withheld: a reader cannot tell them apart.
    """
    tables, sizes = {}, []
    for spec in TABLE_SPECS:
        found = [(name, publication.ranges[cell])
                 for cell, name in _labelled(spec, publication.territory,
                                             _shown_years(spec, year, first_year))
                 if cell in publication.ranges]
        sizes += [found_range.size for _, found_range in found]
        tables[spec.name] = {"withheld": len(found),
                             "cells": [name | found_range.to_json() for name, found_range in found]}
    fewest = min(sizes, default=None)
    return {
        "method": "least and greatest integer value of every withheld cell given all published "
                  "counts, totals and marks of the territory's reports (scipy milp, HiGHS)",
        "withheld": len(sizes),
        "fewest_possible_values": None if fewest in (None, float("inf")) else int(fewest),
        "tables": tables,
    }


_NUMBER_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
                 "ten")


def _times(n: int) -> str:
    """'three times', as the reference profile words it."""
    word = _NUMBER_WORDS[n] if n < len(_NUMBER_WORDS) else str(n)
    return "once" if n == 1 else f"{word} times"
