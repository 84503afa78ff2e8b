"""Count tables of one territory and year, described once and built by one path.

Counting (``count_tables``) sees raw records; publishing (``publish_tables``) applies the
disclosure rule, and everything downstream (HTML, charts, JSON) sees only published tables.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from . import geo, vocab
from .suppression import Published, SuppressionRule, is_withheld
from .territories import Territory

TOP_VENUES = 5


@dataclass(frozen=True)
class TableSpec:
    """What one published table counts.

    ``records`` names the data set table, ``column`` the counted column. ``year`` and
    ``county_fips`` count over the data window and the territory's counties; every other column
    counts over its vocabulary. ``top`` keeps only the largest published categories.
    """

    name: str
    title: str
    records: str
    column: str
    where: tuple[str, str] | None = None
    top: int | None = None

    @property
    def key(self) -> str:
        return {"year": "year", "county_fips": "fips"}.get(self.column, "category")


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
    ),
    TableSpec("sex_trafficking_venues", "Top sex trafficking venues", "cases", "sex_venue",
              top=TOP_VENUES),
    TableSpec("labor_trafficking_venues", "Top labor trafficking venues", "cases", "labor_venue",
              top=TOP_VENUES),
    TableSpec("cases_by_year", "Cases per year, {first_year}-{year}", "cases", "year"),
    TableSpec("signals_by_year", "Signals per year, {first_year}-{year}", "signals", "year"),
    TableSpec("cases_by_county", "Cases by county in {year}", "cases", "county_fips"),
    TableSpec("trafficking_types", "Cases by type of trafficking in {year}", "cases",
              "trafficking_type"),
    TableSpec("signal_methods", "Signals by method in {year}", "signals", "method"),
)
SPECS_BY_NAME = {spec.name: spec for spec in TABLE_SPECS}


@dataclass(frozen=True)
class CountTable:
    """Raw counts of one table: never leaves the package unpublished."""

    spec: TableSpec
    keys: tuple
    labels: tuple[str, ...]
    counts: tuple[int, ...]


@dataclass(frozen=True)
class PublishedTable:
    """One table as every output shows it: rows of published cells only."""

    name: str
    title: str
    key: str
    rows: tuple[dict, ...]
    note: str | None = field(default=None)

    def values(self) -> list[Published]:
        return [row["value"] for row in self.rows]


def categories(spec: TableSpec, territory: Territory, years: range) -> tuple[tuple, tuple]:
    """The keys and labels a table always shows, in report order (zeros included)."""
    if spec.column == "year":
        return tuple(years), tuple(str(y) for y in years)
    if spec.column == "county_fips":
        counties = geo.county_names(territory.fips)
        return tuple(counties), tuple(counties.values())
    codes = vocab.codes(spec.column)
    return codes, tuple(vocab.label(spec.column, c) for c in codes)


def count_table(frame: pd.DataFrame, spec: TableSpec, territory: Territory, year: int,
                years: range) -> CountTable:
    """Count one table from the records of one territory."""
    if spec.where:
        column, value = spec.where
        frame = frame[frame[column] == value]
    frame = frame[frame["year"].isin(years)] if spec.column == "year" else frame[frame["year"] == year]
    keys, labels = categories(spec, territory, years)
    tally = frame[spec.column].value_counts()
    return CountTable(spec, keys, labels, tuple(int(tally.get(k, 0)) for k in keys))


def count_tables(frames: dict[str, pd.DataFrame], territory: Territory, year: int,
                 first_year: int) -> dict[str, CountTable]:
    """Every table of one report from the territory's records (``frames`` by table name)."""
    years = range(first_year, year + 1)
    return {
        spec.name: count_table(frames[spec.records], spec, territory, year, years)
        for spec in TABLE_SPECS
    }


def publish_table(table: CountTable, rule: SuppressionRule, year: int,
                  first_year: int) -> PublishedTable:
    """Apply the disclosure rule to one table; top-N tables keep only published categories."""
    spec = table.spec
    cells = [rule.publish(n) for n in table.counts]
    rows = [_row(spec, key, label, cell) for key, label, cell in zip(table.keys, table.labels, cells)]
    note = None
    if spec.top:
        rows = _top(rows, spec.top)
        if not rows:
            kind = "sex" if spec.column == "sex_venue" else "labor"
            note = (f"All {kind} trafficking venues reported fewer than "
                    f"{_times(rule.threshold)}.")
    title = spec.title.format(year=year, first_year=first_year)
    return PublishedTable(spec.name, title, spec.key, tuple(rows), note)


def publish_tables(tables: dict[str, CountTable], rule: SuppressionRule, year: int,
                   first_year: int) -> dict[str, PublishedTable]:
    return {name: publish_table(t, rule, year, first_year) for name, t in tables.items()}


def _row(spec: TableSpec, key, label: str, value: Published) -> dict:
    if spec.key == "year":
        return {"year": key, "value": value}
    if spec.key == "fips":
        return {"fips": key, "county": label, "value": value}
    return {"category": label, "value": value}


def _top(rows: list[dict], n: int) -> list[dict]:
    """The largest published non-zero rows, ties kept in vocabulary order (sort is stable)."""
    shown = [row for row in rows if not is_withheld(row["value"]) and row["value"] > 0]
    return sorted(shown, key=lambda row: -row["value"])[:n]


_NUMBER_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
                 "ten")


def _times(n: int) -> str:
    """'three times', as the reference profile words it."""
    word = _NUMBER_WORDS[n] if n < len(_NUMBER_WORDS) else str(n)
    return "once" if n == 1 else f"{word} times"
