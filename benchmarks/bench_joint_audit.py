"""Benchmark for regional and national profiles (issue 16): the audit of one year of every
territory, region and the nation at once.

The nation's publication of a year holds everything a reader of all its reports knows: every
territory's lines, marks and recorded answers, every region's and the nation's, and the lines
between levels. Two ways to check that every withheld count in it keeps two values or more:

- exact: ``audit.feasible_ranges``, the least and greatest value of every cell (what a
  territory's audit does), on the one component the lines between levels make;
- witnesses: ``audit.single_valued``, what the nation's report runs: integer programs with
  random costs, each solution a data set that publishes the same; the cells left are solved
  one by one.

Also timed: a region's and the nation's whole publication of one year (counting, the 56
territories' protection, the areas' rules, the audit), which a report pays once per year of
its window.

    uv run python benchmarks/bench_joint_audit.py            # both (the exact one takes minutes)
    uv run python benchmarks/bench_joint_audit.py --quick    # witnesses only
"""

from __future__ import annotations

import argparse
import time

from htprofiles.contract.data import load_dataset
from htprofiles.contract.sample import embedded_sample_dir
from htprofiles.contract.suppression import SuppressionRule
from htprofiles.contract.territories import PROFILED
from htprofiles.publication import protection
from htprofiles.publication.audit import feasible_ranges, single_valued
from htprofiles.publication.tables import publish

YEAR = 2016


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="skip the exact audit (minutes)")
    args = parser.parse_args()
    dataset, rule, years = load_dataset(embedded_sample_dir()), SuppressionRule(), range(YEAR,
                                                                                       YEAR + 1)
    for code in ("R2", "R9", "US"):
        protection._protect.cache_clear()
        started = time.perf_counter()
        publish(dataset, PROFILED[code], years, rule)
        print(f"{code} {YEAR}: whole publication in {time.perf_counter() - started:.2f} s",
              flush=True)
    nation = publish(dataset, PROFILED["US"], years, rule).years[YEAR]
    cells = list(dict.fromkeys([cell for r in nation.known for cell, _ in r.terms]))
    hidden = sorted(nation.hidden, key=repr)
    print(f"the nation's {YEAR}: {len(cells):,} cells, {len(nation.known):,} relations, "
          f"{len(hidden):,} withheld or not shown at any level", flush=True)
    started = time.perf_counter()
    pinned = single_valued(cells, nation.known, hidden)
    print(f"witnesses: every withheld count checked in {time.perf_counter() - started:.2f} s; "
          f"{len(pinned)} with one value (zeros: {sum(v == 0 for v in pinned.values())})",
          flush=True)
    if not args.quick:
        started = time.perf_counter()
        ranges = feasible_ranges(cells, nation.known)
        single = [cell for cell in hidden if ranges[cell].single]
        print(f"exact: every range in {time.perf_counter() - started:.1f} s; {len(single)} "
              f"withheld counts with one value, the same as the witnesses': "
              f"{set(single) == set(pinned)}")


if __name__ == "__main__":
    main()
