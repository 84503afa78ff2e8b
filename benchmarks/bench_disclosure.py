"""Benchmark: what the disclosure protection publishes, and what it costs, in one run.

Run from the project root after `make setup`:

    uv run python benchmarks/bench_disclosure.py            # sample, 10x sample, enumeration
    uv run python benchmarks/bench_disclosure.py --quick    # the embedded sample only

For every territory and year 2012-2016 of the embedded sample and of `sample-data --scale 10`
it prints the share of counts of at least the threshold that are published, the counts
withheld to protect others, the tables not shown, the small counts the audit finds narrowed
(fewer values than their mark stands for), and the time taken. The plain alternative in the
same run is primary suppression alone (every count of at least the threshold published): its
share is 100% by definition, and the same audit counts the small counts it gives away. The
exhaustive enumeration of the disclosure issue (every split of 3-10 Guam cases over the four
types) counts narrowed cells per group of data sets that publish the same. Nothing asserts a
time; record the figures in benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from htprofiles.contract.data import load_dataset, slice_dataset
from htprofiles.contract.sample import embedded_sample_dir
from htprofiles.contract.sample.generate import write_sample
from htprofiles.contract.suppression import COMPLEMENTARY, SuppressionRule, is_withheld
from htprofiles.contract.territories import TERRITORIES
from htprofiles.publication.audit import feasible_ranges
from htprofiles.publication.catalogue import count_cells, year_model
from htprofiles.publication.protection import YearModel, protect_year
from htprofiles.publication.transcript import Relation

ROOT = Path(__file__).resolve().parents[1]
YEARS = range(2012, 2017)
RULE = SuppressionRule()


def primary_only(counts: dict, model: YearModel) -> tuple[int, int]:
    """Small counts given away (one value left) and narrowed when every other count is
    published, as the same audit sees them."""
    small = [cell for cell in model.cells if RULE.withholds(counts[cell])]
    known = [line.relation() for line in model.lines]
    known += [Relation(((cell, 1),), None, RULE.threshold - 1) if cell in small
              else Relation(((cell, 1),), counts[cell], counts[cell]) for cell in model.cells]
    ranges = feasible_ranges(model.cells, known)
    given_away = sum(ranges[cell].single for cell in small)
    narrowed = sum(not ranges[cell].single and (ranges[cell].low, ranges[cell].high)
                   != (RULE.least_withheld, RULE.threshold - 1) for cell in small)
    return given_away, narrowed


def measure(data_dir: Path) -> tuple[Counter, Counter]:
    dataset = load_dataset(data_dir)
    found, plain, seconds = Counter(), Counter(), 0.0
    for code, territory in TERRITORIES.items():
        counts = count_cells(slice_dataset(dataset, code).frames, territory, YEARS)
        for year in YEARS:
            model = year_model(territory, year)
            started = time.perf_counter()
            publication = protect_year(counts, model, RULE)
            seconds += time.perf_counter() - started
            found["year publications"] += 1
            found["tables not shown"] += len(publication.withheld_tables)
            found["narrowed"] += len(publication.narrowed())
            for cell, mark in publication.marks.items():
                found["cells"] += 1
                found["counts >= t"] += counts[cell] >= RULE.threshold
                found["published >= t"] += isinstance(mark, int) and counts[cell] >= RULE.threshold
                found["complementary"] += mark == COMPLEMENTARY
                found["small"] += is_withheld(mark) and mark != COMPLEMENTARY
            given_away, narrowed = primary_only(counts, model)
            plain["given away"] += given_away
            plain["narrowed"] += narrowed
    found["seconds"] = round(seconds, 1)
    return found, plain


def report(name: str, data_dir: Path) -> None:
    found, plain = measure(data_dir)
    share = found["published >= t"] / found["counts >= t"]
    print(f"\n{name}: {found['year publications']} year publications, {found['cells']} cells")
    print(f"  protected: {found['published >= t']} of {found['counts >= t']} counts >= 3 "
          f"published ({share:.1%}); {found['complementary']} withheld to protect others; "
          f"{found['tables not shown']} tables not shown; {found['narrowed']} small counts "
          f"narrowed by the audit; protection and audit {found['seconds']} s")
    print(f"  primary suppression alone: 100% published; {plain['given away']} small counts "
          f"given away, {plain['narrowed']} narrowed")


def enumeration() -> None:
    sys.path.insert(0, str(ROOT / "tests"))
    from test_protection import assert_each_group_keeps_every_withheld_value, compositions

    model = year_model(TERRITORIES["GU"], 2016)
    zero = dict.fromkeys(model.cells, 0)
    types = [cell for cell in model.cells if cell[0] == "trafficking_types"]
    total = ("cases_by_year", 2016, 2016)
    data_sets = [zero | {total: n} | dict(zip(types, split, strict=True))
                 for n in range(3, 11) for split in compositions(n, len(types))]
    found = assert_each_group_keeps_every_withheld_value(model, data_sets, RULE, (total,),
                                                         varied=types)
    print(f"\nenumeration, Guam 2016, every split of 3-10 cases over the four types: "
          f"{found['data sets']} data sets, {found['groups']} groups that publish the same; "
          f"0 withheld counts with one value; {found['narrowed']} small counts narrowed")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="the embedded sample only")
    quick = parser.parse_args().quick
    report("embedded sample", embedded_sample_dir())
    if not quick:
        with tempfile.TemporaryDirectory() as scratch:
            write_sample(Path(scratch), scale=10, seed=2016)
            report("sample-data --scale 10", Path(scratch))
        enumeration()


if __name__ == "__main__":
    main()
