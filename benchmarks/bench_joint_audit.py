"""Benchmark for the regional and national profiles to come (issue 16): auditing one year of
every territory, region and the nation at once.

The model: each territory's year as published today (its lines, marks and recorded answers),
plus each region's and the nation's cells as the exact sums of their members', every one of
them published (no cross-level protection yet: this measures the audit, and counts what such
naive totals would give away). Two ways to check that every withheld territory cell keeps two
values or more:

- exact: ``audit.feasible_ranges``, the least and greatest value of every cell (what the
  per-territory audit does today), on the one component the cross-level lines make;
- witnesses: a few integer programs with random costs on the cells not yet witnessed; every
  solution is a complete data set that publishes the same, so each withheld cell it gives
  another value than the data is proven to keep two. What is left is checked cell by cell.

    uv run python benchmarks/bench_joint_audit.py            # both (the exact one takes minutes)
    uv run python benchmarks/bench_joint_audit.py --quick    # witnesses only
"""

from __future__ import annotations

import argparse
import random
import time

import highspy
import numpy as np

from htprofiles.contract.data import load_dataset, slice_dataset
from htprofiles.contract.sample import embedded_sample_dir
from htprofiles.contract.suppression import SuppressionRule
from htprofiles.contract.territories import TERRITORIES
from htprofiles.publication.audit import _bounds_and_rows, feasible_ranges
from htprofiles.publication.catalogue import count_cells, year_model
from htprofiles.publication.protection import protect_year
from htprofiles.publication.transcript import Relation

YEAR = 2016
ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X")
ROUNDS = 12


def hierarchy(rule: SuppressionRule):
    """Cells, relations, true values and territory marks of one year of the whole hierarchy."""
    data = load_dataset(embedded_sample_dir())
    cells, relations, values, marks = [], [], {}, {}
    for code, territory in TERRITORIES.items():
        rows = slice_dataset(data, code)
        frames = {"signals": rows.signals, "cases": rows.cases, "victims": rows.victims}
        counts = count_cells(frames, territory, range(YEAR, YEAR + 1))
        model = year_model(territory, YEAR)
        published = protect_year(counts, model, rule)
        for cell in model.cells:
            cells.append((code, cell))
            values[code, cell], marks[code, cell] = counts[cell], published.marks[cell]
        relations += [Relation(tuple(((code, c), k) for c, k in r.terms), r.low, r.high)
                      for r in published.known]
    kinds = sorted({cell for _, cell in cells if cell[0] != "cases_by_county"}, key=str)
    for kind in kinds:
        regions = []
        for number, numeral in enumerate(ROMAN, 1):
            members = [(code, kind) for code, t in TERRITORIES.items() if t.hhs_region == numeral]
            regions.append(_total(f"R{number}", kind, members, cells, relations, values))
        _total("US", kind, regions, cells, relations, values)
    return cells, relations, values, marks


def _total(unit: str, kind, parts: list, cells, relations, values):
    """A published cell that is the exact sum of ``parts``."""
    cell = (unit, kind)
    values[cell] = sum(values[p] for p in parts)
    cells.append(cell)
    relations.append(Relation(tuple([(p, 1) for p in parts] + [(cell, -1)]), 0, 0))
    relations.append(Relation(((cell, 1),), values[cell], values[cell]))
    return cell


def witnesses(cells, relations, values, withheld) -> tuple[dict, int]:
    """Values seen for each withheld cell over ``ROUNDS`` integer programs; programs solved."""
    low, high, rows = _bounds_and_rows(cells, relations)
    index = {cell: i for i, cell in enumerate(cells)}
    program = highspy.Highs()
    program.setOptionValue("output_flag", False)
    n = len(cells)
    cap = 10 * max(values.values()) + 100  # any witness found under it is one without it
    program.addVars(n, np.array([low[c] for c in cells], float), np.array(
        [cap if high[c] is None else high[c] for c in cells], float))
    program.changeColsIntegrality(n, np.arange(n, dtype=np.int32),
                                  np.full(n, highspy.HighsVarType.kInteger))
    for row in rows:
        columns: dict[int, int] = {}
        for cell, coefficient in row.terms:
            columns[index[cell]] = columns.get(index[cell], 0) + coefficient
        program.addRow(-highspy.kHighsInf if row.low is None else row.low,
                       highspy.kHighsInf if row.high is None else row.high, len(columns),
                       np.array(list(columns), np.int32), np.array(list(columns.values()), float))
    seen = {cell: {values[cell]} for cell in withheld}
    rng, solved = random.Random(1), 0
    for _ in range(ROUNDS):
        todo = [cell for cell in withheld if len(seen[cell]) < 2]
        if not todo:
            break
        costs = np.zeros(n)
        for cell in todo:
            costs[index[cell]] = rng.choice((-1.0, 1.0)) * rng.uniform(0.5, 1.5)
        program.changeColsCost(n, np.arange(n, dtype=np.int32), costs)
        program.run()
        solved += 1
        if program.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            break
        solution = program.getSolution().col_value
        for cell in todo:
            seen[cell].add(round(solution[index[cell]]))
    return seen, solved


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="skip the exact audit (minutes)")
    args = parser.parse_args()
    started = time.perf_counter()
    cells, relations, values, marks = hierarchy(SuppressionRule())
    withheld = [c for c in cells if c in marks and not isinstance(marks[c], int)]
    built = time.perf_counter() - started
    print(f"model of {YEAR}: {len(cells):,} cells, {len(relations):,} relations, "
          f"{len(withheld):,} withheld or unshown territory cells ({built:.1f} s to protect "
          f"the 56 territories and build it)", flush=True)
    started = time.perf_counter()
    seen, solved = witnesses(cells, relations, values, withheld)
    left = [cell for cell in withheld if len(seen[cell]) < 2]
    print(f"witnesses: {len(withheld) - len(left):,} cells proven by {solved} integer programs "
          f"in {time.perf_counter() - started:.2f} s; {len(left)} left to check one by one",
          flush=True)
    if not args.quick:
        started = time.perf_counter()
        ranges = feasible_ranges(cells, relations)
        pinned = [cell for cell in withheld if ranges[cell].single]
        print(f"exact: every range in {time.perf_counter() - started:.1f} s; {len(pinned)} "
              f"withheld cells pinned by the naive regional and national totals, all among "
              f"the {len(left)} left: {set(pinned) <= set(left)}")


if __name__ == "__main__":
    main()
