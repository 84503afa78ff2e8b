"""The tables of every report, declared once with the lines that bind them, and their counts.

Every count a report shows is a cell ``(table, year, key)``; a per-year table's key is the
year itself. A table with a ``total`` is a line every reader knows: its cells add up to the
total's cells, exactly when the input contract requires the counted column and at most
otherwise (a case with no county or venue is not counted). A venue is counted only on cases
whose type includes its kind of trafficking, so a sex venue list adds up to at most the
sex and sex-and-labor cases, as hotline coding does. Counting (``count_cells``) is the only
step that sees records.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass

import pandas as pd

from ..contract import geo, vocab
from ..contract.data import SCHEMA
from ..contract.territories import LARGEST_FIRST, Territory
from .audit import Line
from .protection import Table, YearModel
from .transcript import Implies

TOP_VENUES = 5

CellId = tuple[str, int, Hashable]
"""One count: ``(table name, year, key)``."""


@dataclass(frozen=True)
class Total:
    """What a table adds up to: some categories of ``table``, or its one cell for the year."""

    table: str
    keys: tuple[str, ...] | None = None


@dataclass(frozen=True)
class TableSpec:
    """What one published table counts and which line binds it.

    ``records`` names the data set table, ``column`` the counted column, ``where`` keeps only
    records whose column holds one of the given codes. ``year`` and ``county_fips`` count over
    the data window and the territory's counties; every other column over its vocabulary.
    ``top`` keeps only the largest categories. ``complements`` is the order in which the
    protection rules withhold categories of the table to protect its small ones: the
    categories that are usually the largest first, so that one is usually enough.
    ``belongs`` is what every counted record belongs to (a victim to a case of its territory
    and year): a count of one or more tells that that total is one or more.
    """

    name: str
    title: str
    records: str
    column: str
    where: tuple[str, tuple[str, ...]] | None = None
    top: int | None = None
    total: Total | None = None
    complements: tuple[str, ...] | str = ()
    belongs: Total | None = None

    @property
    def key(self) -> str:
        """What names a row of the table: ``year``, ``fips`` or ``category``."""
        return {"year": "year", "county_fips": "fips"}.get(self.column, "category")

    @property
    def per_year(self) -> bool:
        """A table with one row per year of the data window (one cell per year)."""
        return self.column == "year"

    @property
    def exact(self) -> bool:
        """Whether the counts add up to their total exactly: every record has the column."""
        return SCHEMA[self.records][self.column].required


_CASES, _SIGNALS = Total("cases_by_year"), Total("signals_by_year")
REPORT_ORDER = "report order"
"""Complements for a table whose categories differ by territory (counties): any of them, in
the order the report lists them."""

TABLE_SPECS: tuple[TableSpec, ...] = (
    # Declaration order is decision order: a total before the tables that add up to it, and
    # "at most" tables before exact ones, since protecting them may withhold the total.
    TableSpec("cases_by_year", "Cases per year, {first_year}-{year}", "cases", "year"),
    TableSpec("signals_by_year", "Signals per year, {first_year}-{year}", "signals", "year"),
    TableSpec("cases_by_county", "Cases by county in {year}", "cases", "county_fips",
              total=_CASES, complements=REPORT_ORDER),
    TableSpec("trafficking_types", "Cases by type of trafficking in {year}", "cases",
              "trafficking_type", total=_CASES,
              complements=("sex", "labor", "not_specified", "sex_and_labor")),
    TableSpec("sex_trafficking_venues", "Top sex trafficking venues", "cases", "sex_venue",
              where=("trafficking_type", ("sex", "sex_and_labor")), top=TOP_VENUES,
              total=Total("trafficking_types", ("sex", "sex_and_labor"))),
    TableSpec("labor_trafficking_venues", "Top labor trafficking venues", "cases",
              "labor_venue", where=("trafficking_type", ("labor", "sex_and_labor")),
              top=TOP_VENUES, total=Total("trafficking_types", ("labor", "sex_and_labor"))),
    TableSpec("signal_methods", "Signals by method in {year}", "signals", "method",
              total=_SIGNALS, complements=("email", "webform", "text", "chat", "phone")),
    TableSpec("call_types", "Types of calls to the National Human Trafficking Hotline in {year}",
              "signals", "call_type", where=("method", ("phone",)),
              total=Total("signal_methods", ("phone",)),
              complements=("tip", "general_information", "referral", "crisis",
                           "non_substantive", "training_technical_assistance", "high_risk")),
    TableSpec("citizenship", "Citizenship", "victims", "citizenship", belongs=_CASES),
    TableSpec("gender", "Gender", "victims", "gender", belongs=_CASES),
    TableSpec("age", "Age", "victims", "age_group", belongs=_CASES),
)
SPECS_BY_NAME = {spec.name: spec for spec in TABLE_SPECS}


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


def total_cells(spec: TableSpec, year: int, total: Total | None = None) -> tuple[CellId, ...]:
    """The cells one year of a table adds up to (or of another ``total`` of it)."""
    total = total or spec.total
    if total is None:
        return ()
    keys = (year,) if total.keys is None else total.keys
    return tuple((total.table, year, key) for key in keys)


def specs_of(territory: Territory) -> tuple[TableSpec, ...]:
    """The tables of a territory's reports; an area has no counties (its members' cases take
    their place, as published by them)."""
    return tuple(spec for spec in TABLE_SPECS
                 if not (territory.is_area and spec.column == "county_fips"))


def year_model(territory: Territory, year: int) -> YearModel:
    """The tables of one year and their lines, in declaration order, and an area's lines to
    its members. No line joins two years. A territory's counts of records that belong to
    others (victims to cases) imply those; an area's follow from its members'."""
    tables = []
    for spec in specs_of(territory):
        cells = tuple(table_cells(spec, territory, year))
        line = None
        if spec.total:
            order = cells if spec.complements == REPORT_ORDER else tuple(
                (spec.name, year, key) for key in spec.complements)
            line = Line(cells, total_cells(spec, year), spec.exact, order)
        tables.append(Table(spec.name, cells, line, spec.top))
    implications = tuple(Implies(cell, whole) for spec in specs_of(territory) if spec.belongs
                         for whole in total_cells(spec, year, spec.belongs)
                         for cell in table_cells(spec, territory, year))
    larger = sorted(territory.members, key=_largest_first)
    return YearModel(tuple(tables), tuple(
        Line(tuple((member, cell) for member in territory.members), (cell,), members=True,
             complements=tuple((member, cell) for member in larger))
        for table in tables for cell in table.cells if territory.is_area),
        () if territory.is_area else implications)


def _largest_first(code: str) -> int:
    """Members in the order they lend partners to their area: territories by population,
    largest first (where one is usually enough); areas last, as they lend none."""
    return LARGEST_FIRST.index(code) if code in LARGEST_FIRST else len(LARGEST_FIRST)


def count_cells(frames: Mapping[str, pd.DataFrame], territory: Territory,
                years: range) -> dict[CellId, int]:
    """Every cell of every table over ``years``, from the records by table name (an area's:
    its territories')."""
    return _counted(frames, [territory], years, by_territory=False)[territory.code]


def count_territories(frames: Mapping[str, pd.DataFrame], territories: list[Territory],
                      years: range) -> dict[str, dict[CellId, int]]:
    """``count_cells`` of each territory's records among ``frames``, in one pass."""
    return _counted(frames, territories, years, by_territory=True)


def _counted(frames, territories, years, by_territory: bool) -> dict[str, dict[CellId, int]]:
    counts: dict[str, dict[CellId, int]] = {t.code: {} for t in territories}
    for spec in TABLE_SPECS:
        tally = _tally(frames[spec.records], spec, years, by_territory)
        for territory in territories:
            if spec not in specs_of(territory):
                continue
            prefix = (territory.code,) if by_territory else ()
            for year in years:
                counts[territory.code] |= {cell: tally.get(prefix + cell[1:], 0)
                                           for cell in table_cells(spec, territory, year)}
    return counts


def _tally(frame: pd.DataFrame, spec: TableSpec, years: range,
           by_territory: bool) -> dict[tuple, int]:
    """Counts by ([territory,] year, key); records with an empty counted column are not
    counted."""
    if spec.where:
        column, values = spec.where
        frame = frame[frame[column].isin(values).to_numpy(dtype=bool, na_value=False)]
    frame = frame[frame["year"].isin(years)]
    keys = ["territory"] * by_territory + ["year"] + [spec.column] * (not spec.per_year)
    tally = {}
    for key, n in frame.groupby(keys, observed=True).size().items():
        key = key if isinstance(key, tuple) else (key,)
        if spec.per_year:  # a per-year table's key is the year itself
            key = (*key, key[-1])
        *territory, year, category = key
        tally[(*territory, int(year), int(category) if spec.per_year else category)] = int(n)
    return tally
