"""Shared fixtures, each defined once: tiny data sets written in the input format, the
embedded sample, the browser reports and the browser that opens them."""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from pathlib import Path

import nbformat
import pytest

from htprofiles.contract.data import SCHEMA, Dataset, load_dataset
from htprofiles.contract.sample import embedded_sample_dir

TEMPLATE = Path(__file__).parents[1] / "notebooks" / "profile.ipynb"
CODE_BLOCK = re.compile(r"```python\n(.*?)```", re.DOTALL)


def write_table(path: Path, rows: list[dict], columns: list[str] | None = None) -> None:
    """One CSV, in the contract's column order unless ``columns`` is given ("" for a value a
    row lacks; keys that are not columns are left out)."""
    columns = columns or list(SCHEMA[path.stem])
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, extrasaction="ignore",
                                lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def write_csvs(directory: Path, tables: dict[str, list[dict]]) -> Path:
    """Write each table of the contract as CSV (a table not given has no rows)."""
    directory.mkdir(parents=True, exist_ok=True)
    for name in SCHEMA:
        write_table(directory / f"{name}.csv", tables.get(name, []))
    return directory


def vi_2016_records() -> dict[str, list[dict]]:
    """VI 2016 records with the reference profile's counts, laid out differently from the sample:
    Female 3, Male 2, Gender minorities 0; Adult 3, Minor 1; both citizenship rows below 3;
    every venue below 3 (four cases, as in the sample: a venue list of three cases or fewer is not
shown). Plus a few 2015 records and a TX case (other territory)."""
    cases = [
        {"case_id": "a", "reported_date": "2016-02-01", "territory": "VI", "county_fips": "78030",
         "trafficking_type": "sex", "sex_venue": "street_based"},
        {"case_id": "b", "reported_date": "2016-05-09", "territory": "VI", "county_fips": "78010",
         "trafficking_type": "labor", "labor_venue": "agriculture"},
        {"case_id": "c", "reported_date": "2016-12-31", "territory": "VI", "county_fips": "",
         "trafficking_type": "sex_and_labor", "sex_venue": "street_based",
         "labor_venue": "agriculture"},
        {"case_id": "e", "reported_date": "2016-09-15", "territory": "VI", "county_fips": "78010",
         "trafficking_type": "not_specified"},
        {"case_id": "d", "reported_date": "2015-07-04", "territory": "VI", "county_fips": "78010",
         "trafficking_type": "sex", "sex_venue": "hotel_motel"},
        {"case_id": "t", "reported_date": "2016-07-04", "territory": "TX", "county_fips": "48201",
         "trafficking_type": "sex", "sex_venue": "hotel_motel"},
    ]
    victims = [
        {"victim_id": "1", "case_id": "a", "gender": "female", "age_group": "adult",
         "citizenship": "foreign_national"},
        {"victim_id": "2", "case_id": "a", "gender": "female", "age_group": "adult"},
        {"victim_id": "3", "case_id": "b", "gender": "female", "age_group": "adult",
         "citizenship": "us_citizen_lpr"},
        {"victim_id": "4", "case_id": "b", "gender": "male", "age_group": "minor",
         "citizenship": "us_citizen_lpr"},
        {"victim_id": "5", "case_id": "c", "gender": "male"},
        {"victim_id": "6", "case_id": "d", "gender": "female", "age_group": "adult"},
        {"victim_id": "7", "case_id": "t", "gender": "female", "age_group": "adult"},
    ]
    signals = [
        {"signal_id": f"s{i}", "received_date": "2016-03-0" + str(1 + i % 9), "territory": "VI",
         "method": "phone", "call_type": "tip" if i < 4 else "crisis"}
        for i in range(6)
    ] + [
        {"signal_id": "e1", "received_date": "2015-01-05", "territory": "VI", "method": "email",
         "call_type": "tip"},
    ]
    return {"cases": cases, "victims": victims, "signals": signals}


@pytest.fixture
def vi_data(tmp_path) -> Path:
    return write_csvs(tmp_path / "vi_data", vi_2016_records())


@pytest.fixture(scope="session")
def sample() -> Dataset:
    """The embedded synthetic sample, read once (``test_sample.py`` has its own, generated)."""
    return load_dataset(embedded_sample_dir())


BROWSER_REPORTS = tuple((code, 2016) for code in ("TX", "VI", "AS", "MP", "HI", "AK"))
"""What the browser and PDF tests open: a large state, the scattered islands (Virgin Islands,
American Samoa, Northern Mariana Islands), Hawaii, and Alaska (its own projection)."""
AREA_REPORTS = (("R2", 2016), ("US", 2016))
"""And a region and the nation, built with them."""
ALL_REPORTS = BROWSER_REPORTS + AREA_REPORTS


@pytest.fixture(scope="session")
def browser_reports(tmp_path_factory) -> Path:
    """The browser reports built once, with PDFs, one at a time (warm kernel, ~90 s)."""
    from htprofiles.cli import main

    out = tmp_path_factory.mktemp("browser") / "reports"
    territories = sorted({code for code, _ in ALL_REPORTS})
    years = sorted({str(year) for _, year in ALL_REPORTS})
    assert main(["build", "--territory", *territories, "--year", *years, "--pdf",
                 "--jobs", "1", "--out", str(out)]) == 0
    return out


@pytest.fixture(scope="session")
def browser() -> Iterator:
    """The system Chromium under Playwright, launched as reports are printed (``pdf.launch``)."""
    from playwright.sync_api import sync_playwright

    from htprofiles.rendering.pdf import find_chromium, launch

    with sync_playwright() as playwright:
        chromium = launch(playwright, find_chromium())
        yield chromium
        chromium.close()


def template_example() -> str:
    """The code of the template's "Add your own chart" section (left out of the reports)."""
    [section] = [cell for cell in nbformat.read(TEMPLATE, as_version=4).cells
                 if cell.source.startswith("## Add your own chart")]
    assert "jupyter-only" in section.metadata.tags
    [code] = CODE_BLOCK.findall(section.source)
    return code


SLOW_MARKS = (("browser", "lab"), ("exhaustive",), ("build",))
"""The kinds of slow test, those that take longest together first."""


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Slow tests first, otherwise in their collected order: parallel workers then finish
    together, rather than one running the last long test alone."""
    items.sort(key=lambda item: next((rank for rank, marks in enumerate(SLOW_MARKS)
                                      if any(item.get_closest_marker(m) for m in marks)),
                                     len(SLOW_MARKS)))


ONE_WORKER = {
    "tests/test_browser.py": "browser reports",
    "tests/test_pdf.py": "browser reports",
    "tests/test_disclosure.py": "tests/test_disclosure.py",
    "tests/test_jupyterlab.py": "tests/test_jupyterlab.py",
    "tests/test_notebook.py": "tests/test_notebook.py",
    "tests/test_report.py": "tests/test_report.py",
    "tests/test_reproducibility.py": "tests/test_reproducibility.py",
    "tests/test_sample.py": "tests/test_sample.py",
}
"""Modules whose tests share what a wider-scoped fixture builds (reports, a server, the
generated sample), by the unit they run in: the browser and PDF tests share the browser
reports."""


def pytest_xdist_make_scheduler(config: pytest.Config, log):
    """Under ``--dist loadscope`` (``make test``), the tests that share a build run on one
    worker, so that it is made once: a module of ``ONE_WORKER``, or a class. Every other test
    is a unit of its own, so that no worker is left with a long module while others idle."""
    if config.getvalue("dist") != "loadscope":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class SharedBuilds(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            module, _, rest = nodeid.partition("::")
            if module in ONE_WORKER:
                return ONE_WORKER[module]
            return f"{module}::{rest.split('::')[0]}" if "::" in rest else nodeid

    return SharedBuilds(config, log)
