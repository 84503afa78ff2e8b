"""Benchmark: what the publication costs against value-based yardsticks (issue 22).

Run from the project root after `make setup` (the `bench` group brings pytauargus):

    .tools/bin/uv run --group bench python benchmarks/bench_utility.py            # 2012-2016
    .tools/bin/uv run --group bench python benchmarks/bench_utility.py --quick    # 2016 only

On the embedded sample, with the default rule (`<3`, zeros withheld), it prints:

- our publication (`publish` of the nation, which publishes the whole hierarchy) per level
  (territories, regions, nation) and year: counts published exactly, `<3`, `withheld`, tables
  not shown, and the counts of 3 or more, all and not published. A count is counted where a
  report could show it: every cell of a table, but of a venue list only its five largest
  venues of 3 or more. "Counts of 3 or more" is also the first yardstick: primary suppression
  alone, which would publish every one of them;
- an optimal value-based suppression of each territory's own tables per year (where
  tau-ARGUS's model does not fit: linked tables, "at most" lines), as `catalogue.year_model`
  declares them: every table shown (a venue list: its five largest venues of 3 or more, the
  others not shown), small counts withheld, and the fewest counts of 3 or more withheld
  (ties: the least sum, tau-ARGUS's default cost) such that every withheld count keeps two
  values given the lines, the published counts and the marks (`<3`: 0 to 2, `withheld`: 3
  or more). Not aware of any algorithm, nor of the victims' cases. Solved by cut generation
  with highspy: the master picks the counts to withhold, `audit.feasible_ranges` checks the
  pattern, each count left one value cuts off the patterns that cannot change its range;
- the counts of 3 or more not published, by table and level, ours and the optimum's;
- the counts the territories' reports of the last year publish exactly (its tables and the
  earlier years of the per-year tables), for us, the optimum and every count of 3 or
  more (full run only: it needs the earlier years);
- tau-ARGUS (pytauargus, HiGHS) on the tables its model fits, per year: the 67 places
  (nation, regions, territories, as a hierarchy) by case total and type of case, by signal
  total and method, by citizenship, gender and age (whose totals, the victims with the
  column reported, our reports do not have: tau-ARGUS protects them too, uncounted; its MOD
  fails on a table of one dimension), frequency below 3 unsafe, zeros safe, MOD and OPT:
  secondary suppressions at each level and the regions' and nation's cells published,
  beside ours on the same cells (withheld, and not shown);
- the goals of issue 22, met or not, and the time one year of the whole hierarchy takes to
  publish from cold caches (median of three).

Nothing asserts a time; record the figures in benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import contextlib
import statistics
import tempfile
import time
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import highspy
import numpy as np
import pandas as pd
from pytauargus import protect

from htprofiles.contract.data import Dataset, load_dataset, slice_dataset
from htprofiles.contract.sample import embedded_sample_dir
from htprofiles.contract.suppression import COMPLEMENTARY, Mark, SuppressionRule
from htprofiles.contract.territories import AREAS, NATION, PROFILED, TERRITORIES, Territory
from htprofiles.publication import audit, protection
from htprofiles.publication.audit import feasible_ranges
from htprofiles.publication.catalogue import (
    TABLE_SPECS,
    CellId,
    count_territories,
    year_model,
)
from htprofiles.publication.protection import YearModel
from htprofiles.publication.tables import Publication, publish
from htprofiles.publication.transcript import Relation

YEARS = range(2012, 2017)
RULE = SuppressionRule()
THRESHOLD = RULE.threshold
LEVELS = ("territories", "regions", "nation")
GOAL_SHARE, GOAL_REPORTS = 0.90, 2118

Counts = Mapping[CellId, int]


# Our publication -------------------------------------------------------------------------

def level_of(territory: Territory) -> str:
    if territory.code == NATION:
        return "nation"
    return "regions" if territory.is_area else "territories"


def everyone(publication: Publication) -> Iterator[Publication]:
    """A publication and its members', recursively."""
    yield publication
    for member in publication.members.values():
        yield from everyone(member)


def counts_by_code(publication: Publication, leaf_counts: Mapping[str, Counts],
                   years: range) -> dict[str, Counts]:
    """Every profile's counts: a territory's, an area's its members' sums."""
    territory = publication.territory
    if not territory.is_area:
        return {territory.code: leaf_counts[territory.code]}
    found = {}
    for member in publication.members.values():
        found |= counts_by_code(member, leaf_counts, years)
    found[territory.code] = {cell: sum(found[code][cell] for code in territory.members)
                             for year in years for cell in year_model(territory, year).cells}
    return found


def showable(model: YearModel, counts: Counts) -> Iterator[CellId]:
    """The cells a report could show: every cell of a table, a venue list's five largest
    venues of at least the threshold (ties in report order, as ``Transcript.top``)."""
    for table in model.tables:
        if table.top:
            ranked = sorted(table.cells, key=lambda cell: -counts[cell])[:table.top]
            yield from (cell for cell in ranked if counts[cell] >= THRESHOLD)
        else:
            yield from table.cells


def tally(publication: Publication, counts: Counts, year: int) -> Counter:
    """What one profile's year publishes, and what it could."""
    found = Counter()
    published = publication.years[year]
    found["tables not shown"] += len(published.withheld_tables)
    for cell in showable(year_model(publication.territory, year), counts):
        mark, large = published.marks[cell], counts[cell] >= THRESHOLD
        found["published"] += isinstance(mark, int)
        found["<3"] += mark == RULE.mark
        found["withheld"] += mark == COMPLEMENTARY
        found[">= 3"] += large
        found[">= 3 not published"] += large and not isinstance(mark, int)
    return found


def print_levels(nation: Publication, counts: Mapping[str, Counts], years: range) -> None:
    columns = ("published", "<3", "withheld", "tables not shown", ">= 3", ">= 3 not published")
    print("\nOur publication, by level and year (>= 3: every count of 3 or more, what primary "
          "suppression alone publishes)")
    print(f"  {'level':<12}{'year':>5}" + "".join(f"{c:>20}" for c in columns))
    for level in LEVELS:
        for year in years:
            found = sum((tally(p, counts[p.territory.code], year) for p in everyone(nation)
                         if level_of(p.territory) == level), Counter())
            print(f"  {level:<12}{year:>5}" + "".join(f"{found[c]:>20,}" for c in columns))


def print_lost(nation: Publication, counts: Mapping[str, Counts],
               optimal: Mapping[tuple[str, int], set], years: range) -> None:
    """Counts of 3 or more not published, by table and level, and the optimum's."""
    lost = Counter()
    for p in everyone(nation):
        code, level = p.territory.code, level_of(p.territory)
        for year in years:
            for cell in showable(year_model(p.territory, year), counts[code]):
                if counts[code][cell] >= THRESHOLD:
                    lost[cell[0], level] += not isinstance(p.mark(cell), int)
                    lost[cell[0], "optimum"] += (code, year) in optimal and (
                        cell not in optimal[code, year])
    columns = ("territories", "optimum", "regions", "nation")
    span = f"{years[0]}-{years[-1]}" if len(years) > 1 else f"{years[0]}"
    print(f"\nCounts of 3 or more not published, by table, {span} (optimum: of the "
          f"territories)")
    print(f"  {'table':<26}" + "".join(f"{c:>13}" for c in columns))
    for spec in TABLE_SPECS:
        print(f"  {spec.name:<26}" + "".join(f"{lost[spec.name, c]:>13,}" for c in columns))


def report_cells(territory: Territory, counts: Counts, year: int,
                 first_year: int) -> Iterator[CellId]:
    """The cells a territory's report of ``year`` could show: the year's, and the earlier
    years' of the per-year tables."""
    yield from showable(year_model(territory, year), counts)
    yield from ((spec.name, y, y) for spec in TABLE_SPECS if spec.per_year
                for y in range(first_year, year))


# tau-ARGUS -------------------------------------------------------------------------------

@dataclass(frozen=True)
class TauTable:
    """Records by place (a hierarchy) and ``column`` (with its total), as tau-ARGUS protects
    them. ``total`` names our table of that total; a demographic table has none (the victims
    whose column is reported): tau-ARGUS protects that total too, and it is not counted."""

    title: str
    records: str
    column: str
    table: str
    total: str | None = None


TAU_TABLES = (
    TauTable("case total and types", "cases", "trafficking_type", "trafficking_types",
             "cases_by_year"),
    TauTable("signal total and methods", "signals", "method", "signal_methods",
             "signals_by_year"),
    TauTable("citizenship", "victims", "citizenship", "citizenship"),
    TauTable("gender", "victims", "gender", "gender"),
    TauTable("age", "victims", "age_group", "age"),
)
TAU_METHODS = {"MOD": "MOD(1,5,1,1,1)", "OPT": "OPT(1,5)"}
PLACE_TOTAL = "Total"


def write_hierarchy(path: Path) -> None:
    """The places below the nation: regions, then their territories."""
    lines = [f"{'@' * depth}{code}" for region, area in AREAS.items() if region != NATION
             for depth, code in [(0, region)] + [(1, member) for member in area.members]]
    path.write_text("\n".join(lines) + "\n")


def tau_argus(records: pd.DataFrame, explanatory: list[str], method: str) -> list[dict]:
    """tau-ARGUS's rows (codes, status) for the records, frequency below 3 unsafe. Its
    solvers write into the working folder: they run in a temporary one. Its codes come back
    padded to the longest one."""
    micro = pd.DataFrame({name: records[name].astype(str).to_numpy() for name in explanatory})
    micro["n"] = 1.0
    with tempfile.TemporaryDirectory() as scratch, contextlib.chdir(scratch):
        write_hierarchy(Path("place.hrc"))
        result = protect(micro, explanatory, response="n", safety_rules=f"FREQ({THRESHOLD},0)",
                         suppress=method, hrc={"place": "place.hrc"}, totcode=PLACE_TOTAL,
                         workdir=scratch)
        return [row | {name: row[name].strip() for name in explanatory}
                for row in result.tables[0].rows]


def tau_statuses(dataset: Dataset, spec: TauTable, year: int,
                 method: str) -> dict[tuple[str, CellId], str]:
    """tau-ARGUS's status of each (place, cell) of one year of a ``TauTable``."""
    frame = dataset.frames[spec.records]
    frame = frame[(frame["year"] == year) & frame[spec.column].notna()]
    rows = tau_argus(frame.rename(columns={"territory": "place"}), ["place", spec.column],
                     method)
    return {(_place(row["place"]), cell): row["status"] for row in rows
            if (cell := _tau_cell(spec, year, row[spec.column])) is not None}


def _place(code: str) -> str:
    return NATION if code == PLACE_TOTAL else code


def _tau_cell(spec: TauTable, year: int, category: str) -> CellId | None:
    """Our cell of tau-ARGUS's; None for a total our reports do not have."""
    if category != PLACE_TOTAL:
        return spec.table, year, category
    return None if spec.total is None else (spec.total, year, year)


def kind_of(mark: Mark) -> str:
    """How we publish a cell, in tau-ARGUS's terms."""
    if isinstance(mark, int):
        return "published"
    return {None: "not shown", COMPLEMENTARY: "secondary"}.get(mark, "primary")


TAU_KINDS = {"U": "primary", "M": "secondary"}
"""tau-ARGUS's statuses; the others (safe, protected, empty) are published."""


def by_level(kinds: Mapping[tuple[str, CellId], str]) -> Counter:
    """Cells of each kind by level, and the area cells published."""
    found = Counter()
    for (place, _), kind in kinds.items():
        level = level_of(PROFILED[place])
        found[kind, level] += 1
        if level != "territories":
            found["area cells"] += 1
            found["area cells published"] += kind == "published"
    return found


def tau_row(title: str, found: Counter, seconds: float | None = None) -> str:
    def levels(kind: str) -> str:
        return " / ".join(f"{found[kind, level]:>3}" for level in reversed(LEVELS))

    time_taken = "" if seconds is None else f"{seconds:>8.2f} s"
    return (f"  {title:<16}{levels('secondary'):>20}{levels('not shown'):>20}"
            f"{found['area cells published']:>10} of {found['area cells']:<3}{time_taken}"
            ).rstrip()


def tau_runs(dataset: Dataset, spec: TauTable, year: int) -> dict[str, tuple[dict, float]]:
    """Each method's statuses, and the seconds it took."""
    runs = {}
    for name, method in TAU_METHODS.items():
        started = time.perf_counter()
        statuses = tau_statuses(dataset, spec, year, method)
        runs[name] = statuses, time.perf_counter() - started
    return runs


def print_tau(dataset: Dataset, nation: Publication, years: range) -> None:
    publications = {p.territory.code: p for p in everyone(nation)}
    print("\ntau-ARGUS (frequency below 3 unsafe, zeros safe) beside ours, on the same cells "
          "(by level: nation / regions / territories)")
    print(f"  {'':<16}{'secondary':>20}{'not shown':>20}{'area cells published':>23}")
    for spec in TAU_TABLES:
        for year in years:
            runs = tau_runs(dataset, spec, year)
            cells = next(iter(runs.values()))[0]
            print(f" {year}, {spec.title} ({len(cells)} cells)")
            for name, (statuses, seconds) in runs.items():
                print(tau_row(f"tau-ARGUS {name}", by_level(
                    {cell: TAU_KINDS.get(status, "published")
                     for cell, status in statuses.items()}), seconds))
            print(tau_row("ours", by_level({(place, cell): kind_of(publications[place].mark(cell))
                                            for place, cell in cells})))


# The optimal value-based suppression of a territory's year ---------------------------------

def hidden_pinned(model: YearModel, counts: Counts, shown: list[CellId],
                  withheld: set[CellId]) -> list[CellId]:
    """The small and ``withheld`` cells left one value by the lines and the published counts
    (marks: a small count is 0 to 2, a withheld one 3 or more; cells not shown: anything)."""
    known = [line.relation() for line in model.lines]
    for cell in shown:
        if cell in withheld:
            known.append(Relation(((cell, 1),), THRESHOLD, None))
        elif counts[cell] < THRESHOLD:
            known.append(Relation(((cell, 1),), RULE.least_withheld, THRESHOLD - 1))
        else:
            known.append(Relation(((cell, 1),), counts[cell], counts[cell]))
    check = frozenset(cell for cell in shown if cell in withheld or counts[cell] < THRESHOLD)
    ranges = feasible_ranges(model.cells, known, check)
    return [cell for cell in check if ranges[cell].single]


def neighbours(model: YearModel, cell: CellId, published: set[CellId]) -> set[CellId]:
    """The published cells on the lines of the cells not published that ``cell`` reaches
    through lines: unless one of them is withheld, ``cell`` keeps the range it has."""
    reached, todo, near = {cell}, [cell], set()
    while todo:
        here = todo.pop()
        for line in model.lines:
            cells = line.parts + line.total
            if here not in cells:
                continue
            near |= published.intersection(cells)
            todo += [c for c in cells if c not in published and c not in reached]
            reached.update(cells)
    return near


class Master:
    """Which counts of 3 or more to withhold, subject to the cuts found so far: the fewest,
    and among those the least in sum (tau-ARGUS's default cost, the count: totals are kept
    where a part will do). Each cost is the count plus the sum of all of them, so the
    tie-break never outweighs one count more; costs are whole, solved to the exact optimum."""

    def __init__(self, large: Mapping[CellId, int]):
        self.index = {cell: i for i, cell in enumerate(large)}
        self.highs = highspy.Highs()
        self.highs.setOptionValue("output_flag", False)
        self.highs.setOptionValue("mip_rel_gap", 0.0)
        self.highs.setOptionValue("mip_abs_gap", 0.5)
        n, scale = len(large), 1 + sum(large.values())
        self.highs.addVars(n, np.zeros(n), np.ones(n))
        self.highs.changeColsIntegrality(n, np.arange(n, dtype=np.int32),
                                         np.full(n, highspy.HighsVarType.kInteger))
        self.highs.changeColsCost(n, np.arange(n, dtype=np.int32),
                                  scale + np.array(list(large.values()), float))

    def cut(self, near: set[CellId], pinned: CellId) -> None:
        """At least one of ``near`` withheld, if ``pinned`` is (a small count always is)."""
        terms = {self.index[cell]: 1.0 for cell in near}
        if pinned in self.index:
            terms[self.index[pinned]] = -1.0
        low = 0.0 if pinned in self.index else 1.0
        self.highs.addRow(low, highspy.kHighsInf, len(terms), np.array(list(terms), np.int32),
                          np.array(list(terms.values())))

    def solve(self) -> set[CellId]:
        self.highs.run()
        status = self.highs.getModelStatus()
        if status != highspy.HighsModelStatus.kOptimal:
            raise RuntimeError(f"master problem: {self.highs.modelStatusToString(status)}")
        values = self.highs.getSolution().col_value
        return {cell for cell, i in self.index.items() if values[i] > 0.5}


def optimal_withheld(model: YearModel, counts: Counts) -> tuple[set[CellId], int]:
    """The fewest counts of 3 or more to withhold, every table shown, and the rounds taken:
    solve the master, audit its pattern, and for each count left one value ask that one of
    its neighbours be withheld if it is (while they stay published, withholding other counts
    leaves its range as it is); repeat until none is left one value."""
    shown = list(showable(model, counts))
    large = [cell for cell in shown if counts[cell] >= THRESHOLD]
    master, withheld, rounds = Master({cell: counts[cell] for cell in large}), set(), 1
    while pinned := hidden_pinned(model, counts, shown, withheld):
        published = set(large) - withheld
        for cell in pinned:
            master.cut(neighbours(model, cell, published), cell)
        withheld, rounds = master.solve(), rounds + 1
    return withheld, rounds


def optimum(leaf_counts: Mapping[str, Counts], years: range) -> dict[tuple[str, int], set]:
    """Each territory's year: the counts the optimum publishes exactly. Prints its totals."""
    print("\nOptimal value-based suppression of each territory's own tables, every table shown")
    print(f"  {'year':>6}{'published':>12}{'>= 3 withheld':>15}{'rounds (most)':>15}"
          f"{'time':>8}")
    published = {}
    for year in years:
        started, found = time.perf_counter(), Counter()
        for code, territory in TERRITORIES.items():
            counts, model = leaf_counts[code], year_model(territory, year)
            withheld, rounds = optimal_withheld(model, counts)
            published[code, year] = {cell for cell in showable(model, counts)
                                     if counts[cell] >= THRESHOLD and cell not in withheld}
            found["published"] += len(published[code, year])
            found["withheld"] += len(withheld)
            found["rounds"] = max(found["rounds"], rounds)
        print(f"  {year:>6}{found['published']:>12,}{found['withheld']:>15,}"
              f"{found['rounds']:>15}{time.perf_counter() - started:>7.1f}s")
    return published


def print_reports(nation: Publication, leaf_counts: Mapping[str, Counts],
                  optimal: Mapping[tuple[str, int], set], year: int) -> int:
    """The counts the territories' reports of ``year`` publish exactly; returns ours."""
    territories = {p.territory.code: p for p in everyone(nation) if not p.territory.is_area}
    found = Counter()
    for code, publication in territories.items():
        for cell in report_cells(publication.territory, leaf_counts[code], year, YEARS[0]):
            found["ours"] += isinstance(publication.mark(cell), int)
            found["optimum"] += cell in optimal[code, cell[1]]
            found[">= 3"] += leaf_counts[code][cell] >= THRESHOLD
    print(f"\nTerritories' {year} reports (with the per-year tables from {YEARS[0]}): published "
          f"exactly: ours {found['ours']:,}, optimum {found['optimum']:,}, every count of 3 "
          f"or more {found['>= 3']:,}")
    return found["ours"]


# Goals and time ----------------------------------------------------------------------------

def area_share(publication: Publication, year: int) -> tuple[int, int]:
    """Counts an area's year publishes exactly, and the cells of the tables it shows."""
    marks = [mark for mark in publication.years[year].marks.values() if mark is not None]
    return sum(isinstance(mark, int) for mark in marks), len(marks)


def print_goals(nation: Publication, years: range, reports: int | None) -> None:
    areas = [p for p in everyone(nation) if p.territory.is_area]
    headlines = [p.years[year].marks[table, year, year] for p in areas for year in years
                 for table in ("cases_by_year", "signals_by_year")]
    published = sum(isinstance(mark, int) for mark in headlines)
    shares = {(p.territory.code, year): area_share(p, year) for p in areas for year in years}
    overall = [sum(share[i] for share in shares.values()) for i in (0, 1)]
    lowest = min(shares, key=lambda key: shares[key][0] / max(shares[key][1], 1))
    low = shares[lowest][0] / max(shares[lowest][1], 1)
    lists = {spec.name for spec in TABLE_SPECS if spec.top}
    not_shown = sum(len(p.years[year].withheld_tables - lists) for p in areas for year in years)
    print("\nGoals of issue 22")
    print(f"  area headlines (cases and signals of the profile year) published exactly: "
          f"{published} of {len(headlines)}: {_met(published == len(headlines))}")
    print(f"  every area and year publishes >= {GOAL_SHARE:.0%} of the counts of the tables it "
          f"shows: all areas {overall[0] / overall[1]:.1%} ({overall[0]:,} of {overall[1]:,}), "
          f"lowest {' '.join(map(str, lowest))} {low:.1%}: {_met(low >= GOAL_SHARE)}")
    print(f"  areas leave no table (venue lists aside) not shown: {not_shown} not shown: "
          f"{_met(not not_shown)}")
    outcome = "needs the full run" if reports is None else (
        f"{reports:,}: {_met(reports >= GOAL_REPORTS)}")
    print(f"  territories' {years[-1]} reports publish >= {GOAL_REPORTS:,} counts: {outcome}")


def _met(met: bool) -> str:
    return "met" if met else "not met"


def print_time(dataset: Dataset, year: int) -> None:
    """One year of the whole hierarchy, from cold protection and audit caches."""
    seconds = []
    for _ in range(3):
        protection._protect.cache_clear()
        audit._component_ranges.cache_clear()
        started = time.perf_counter()
        publish(dataset, PROFILED[NATION], range(year, year + 1), RULE)
        seconds.append(time.perf_counter() - started)
    print(f"\nPublication of {year} for the whole hierarchy (publish of {NATION}, cold caches): "
          f"median {statistics.median(seconds):.2f} s of "
          f"{', '.join(f'{s:.2f}' for s in seconds)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help=f"{YEARS[-1]} only")
    quick = parser.parse_args().quick
    years = YEARS[-1:] if quick else YEARS
    dataset = load_dataset(embedded_sample_dir())
    nation = publish(dataset, PROFILED[NATION], years, RULE)
    leaf_counts = count_territories(slice_dataset(dataset, NATION).frames,
                                    list(TERRITORIES.values()), years)
    counts = counts_by_code(nation, leaf_counts, years)
    print_levels(nation, counts, years)
    optimal = optimum(leaf_counts, years)
    print_lost(nation, counts, optimal, years)
    reports = None if quick else print_reports(nation, leaf_counts, optimal, years[-1])
    print_tau(dataset, nation, years)
    print_goals(nation, years, reports)
    print_time(dataset, years[-1])


if __name__ == "__main__":
    main()
