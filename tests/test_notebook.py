"""What the template calls, and what a researcher adds to it: published tables as DataFrames,
and Altair charts of them drawn like the report's own."""

from __future__ import annotations

import json
import re
import textwrap
from pathlib import Path

import nbformat
import papermill
import pytest
from conftest import CODE_BLOCK, TEMPLATE, template_example

from htprofiles import report
from htprofiles.contract.suppression import is_withheld
from htprofiles.errors import UsageError
from htprofiles.rendering.export import report_json

PROJECT = Path(__file__).parents[1]
RECORD_IDS = {"signal_id", "case_id", "victim_id"}
NAMESPACE_CHECK = f"""
import json
import pandas as pd
from htprofiles.contract.data import Dataset
print(json.dumps(sorted(
    name for name, value in globals().items()
    if isinstance(value, Dataset)
    or isinstance(value, pd.DataFrame) and {RECORD_IDS!r} & set(value.columns))))
"""
"""A cell that names every global holding records: the kernel should hold published values only."""


@pytest.fixture(scope="module")
def profile():
    """VI 2016 from the sample: most of its cells are withheld, and it has counties."""
    return report.prepare()


def test_every_published_table_is_a_frame_of_its_published_cells(profile):
    for name, table in profile.tables.items():
        frame = report.table_frame(profile, name)
        names = ["fips", "county"] if table.key == "fips" else [table.key]
        assert list(frame.columns) == [*names, "value", "count"]
        assert frame.drop(columns="count").to_dict("records") == [dict(r) for r in table.rows]
        withheld = [is_withheld(value) for value in frame["value"]]
        assert frame["count"].isna().tolist() == withheld
    assert report.table_frame(profile, "gender")["count"].isna().any()


def test_an_unknown_table_is_refused_naming_the_tables(profile):
    with pytest.raises(UsageError, match="no published table 'calls'; the tables are "
                                         "cases_by_year, signals_by_year, cases_by_county, "):
        report.table_frame(profile, "calls")


def test_the_readme_shows_the_templatestemplate_example():
    blocks = CODE_BLOCK.findall((PROJECT / "README.md").read_text())
    assert template_example() in [textwrap.dedent(block) for block in blocks]


@pytest.fixture(scope="module")
def extended(tmp_path_factory) -> nbformat.NotebookNode:
    """The template run as a researcher extends it: the example, then a look at the globals."""
    folder = tmp_path_factory.mktemp("extended")
    template = nbformat.read(TEMPLATE, as_version=4)
    template.cells += [nbformat.v4.new_code_cell(template_example()),
                       nbformat.v4.new_code_cell(NAMESPACE_CHECK)]
    return papermill.execute_notebook(template, str(folder / "extended.ipynb"), cwd=str(folder),
                                      kernel_name="python3", progress_bar=False,
                                      parameters={"territory": "WY"})  # calls of both kinds


def test_the_example_charts_published_counts_and_gives_withheld_rows_no_bar(extended):
    calls = report_json(extended)["tables"]["call_types"]
    [chart] = extended.cells[-2].outputs
    svg = chart.data["text/html"]
    assert svg.startswith("<svg") and "Phone calls by type" in svg
    bars = [re.search(r'aria-label="([^"]*)"', tag)[1] for tag in re.findall(r"<[^>]+>", svg)
            if 'aria-roledescription="bar"' in tag]
    published = [row for row in calls if not is_withheld(row["value"])]
    assert any(is_withheld(row["value"]) for row in calls)
    assert sorted(bars) == sorted(f"Calls: {row['value']}; category: {row['category']}"
                                  for row in published)


def test_the_kernel_holds_no_records(extended):
    [names] = extended.cells[-1].outputs
    assert json.loads(names.text) == []
