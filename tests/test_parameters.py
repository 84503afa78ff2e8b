"""Parameters: declared once, validated in one place, whoever runs the template and from where."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import jupytext
import nbformat
import papermill
import pytest

from htprofiles import install, report
from htprofiles.batch.plan import parse_overrides
from htprofiles.contract.parameters import ReportParameters, parameter_rows, validate_parameters
from htprofiles.contract.sample import embedded_sample_dir
from htprofiles.contract.suppression import SuppressionRule
from htprofiles.errors import UsageError
from htprofiles.install import default_params_dir, template_notebook
from htprofiles.rendering.export import report_json

PROJECT = Path(__file__).parents[1]
TEMPLATE = PROJECT / "notebooks" / "profile.ipynb"
TWIN = PROJECT / "notebooks" / "profile.py"
FIELDS = ReportParameters.model_fields


def test_template_declares_exactly_the_model_parameters():
    declared = papermill.inspect_notebook(str(TEMPLATE))
    assert {name: (p["inferred_type_name"], ast.literal_eval(p["default"]), p["help"])
            for name, p in declared.items()} == {
        name: (spec.annotation.__name__, spec.default, spec.description)
        for name, spec in FIELDS.items()}
    assert list(declared) == list(FIELDS)


def test_text_twin_is_in_step_with_the_template():
    assert jupytext.writes(jupytext.read(TEMPLATE), fmt="py:percent") == TWIN.read_text(), (
        "notebooks/profile.py and profile.ipynb differ: edit one, then run "
        "`uv run jupytext --sync notebooks/profile.ipynb`")


def test_template_is_committed_without_outputs_and_one_parameters_cell():
    cells = nbformat.read(TEMPLATE, as_version=4).cells
    assert all(c.outputs == [] and c.execution_count is None
               for c in cells if c.cell_type == "code")
    assert sum("parameters" in c.metadata.get("tags", []) for c in cells) == 1


def test_readme_table_lists_the_declared_parameters():
    rows = [tuple(cell.strip().strip("`") for cell in line.strip("|").split("|"))
            for line in (PROJECT / "README.md").read_text().splitlines()
            if line.startswith("| `")]
    assert rows == [row[:4] for row in parameter_rows()]


def test_text_is_read_as_the_declared_type():
    params = validate_parameters({"territory": "TX", "year": "2015", "first_year": " 2013 ",
                                  "suppression_threshold": "5", "suppress_zero": "false"})
    assert params.model_dump() == {"territory": "TX", "year": 2015, "data_dir": "",
                                   "params_dir": "", "suppression_threshold": 5,
                                   "suppress_zero": False, "first_year": 2013}
    assert validate_parameters({"suppress_zero": "Yes"}).suppress_zero is True


@pytest.mark.parametrize("values, message", [
    ({"year": "2016x"}, "year: expected a whole number, got '2016x'"),
    ({"year": 2016.0}, "year: input should be a valid integer, got 2016.0"),
    ({"territory": 1}, "territory: input should be a valid string, got 1"),  # papermill: -p t 01
    ({"territory": "ZZ"}, "territory: unknown territory 'ZZ' (htprofiles territories lists"),
    ({"suppress_zero": "maybe"}, "suppress_zero: expected true or false, got 'maybe'"),
    ({"suppress_zero": 1}, "suppress_zero: input should be a valid boolean, got 1"),
    ({"suppression_threshold": 0},
     "suppression_threshold: input should be greater than or equal to 1, got 0"),
    ({"suppression_threshold": 2}, "suppression_threshold: suppression threshold 2 with "
                                   "suppress_zero would let <2 stand for 2 value(s)"),
    ({"suppression_threshold": 3, "suppress_zero": False},
     "a withheld count needs at least 3, so the threshold must be 4 or more"),
    ({"first_year": 2017}, "first_year: 2017 is after year 2016"),
    ({"colour": "red"}, "unknown parameter 'colour' (known: territory, year, data_dir"),
])
def test_a_bad_value_gets_one_line_naming_the_parameter(values, message):
    with pytest.raises(UsageError) as raised:
        validate_parameters(values)
    assert str(raised.value).startswith("invalid report parameters: ")
    assert message in str(raised.value)
    assert "\n" not in str(raised.value)


def test_every_problem_is_named_at_once():
    with pytest.raises(UsageError) as raised:
        validate_parameters({"year": "x", "territory": "ZZ", "colour": 1})
    assert all(name in str(raised.value) for name in ("year:", "territory:", "'colour'"))


@pytest.mark.parametrize("threshold", [1, 2, 3, 4])
@pytest.mark.parametrize("suppress_zero", [True, False])
def test_parameters_accept_exactly_the_rules_suppression_accepts(threshold, suppress_zero):
    values = {"suppression_threshold": threshold, "suppress_zero": suppress_zero}
    try:
        SuppressionRule(threshold, suppress_zero)
    except ValueError:
        with pytest.raises(UsageError, match="suppression_threshold"):
            validate_parameters(values)
    else:
        assert validate_parameters(values).rule == SuppressionRule(threshold, suppress_zero)


@pytest.mark.parametrize("year", [2011, 2017, 2030])
def test_any_year_is_a_report_year_whatever_the_data_hold(year):
    """Which years have reports must not depend on the data (docs/disclosure.md)."""
    assert validate_parameters({"year": year, "first_year": year}).year == year
    with pytest.raises(UsageError, match=f"first_year: {year + 1} is after year {year}"):
        validate_parameters({"year": year, "first_year": year + 1})


def test_the_default_window_opens_at_the_first_year_of_the_series():
    years = [2016, 2014, 2015]
    assert validate_parameters({}, years).first_year == 2014
    assert validate_parameters({"first_year": "0"}, years).first_year == 2014
    assert validate_parameters({"first_year": 2015}, years).first_year == 2015
    assert validate_parameters({}).first_year == 0  # open until the batch file is read


def test_the_notebook_opens_its_default_window_at_its_batch_files_first_year(vi_data, tmp_path):
    """The hand-made data begin in 2015; the window opens where params/batch.yaml's years
    begin, 2012 for the project's, 2014 for a researcher's own params folder."""
    profile = report.prepare(data_dir=str(vi_data))
    assert (profile.first_year, profile.year) == (2012, 2016)
    assert [row["year"] for row in profile.tables["cases_by_year"].rows] == [
        2012, 2013, 2014, 2015, 2016]
    assert profile.provenance["parameters"]["first_year"] == 2012
    params = tmp_path / "params"
    shutil.copytree(default_params_dir(), params)
    (params / "batch.yaml").write_text("years: [2014, 2015, 2016]\n")
    profile = report.prepare(data_dir=str(vi_data), params_dir=str(params))
    assert profile.first_year == 2014


def test_overrides_are_name_value_pairs_and_leave_the_matrix_to_its_options():
    assert parse_overrides(["suppression_threshold=5", "suppress_zero=false"]) == {
        "suppression_threshold": "5", "suppress_zero": "false"}
    with pytest.raises(UsageError, match="-p expects NAME=VALUE, got 'year'"):
        parse_overrides(["year"])
    for name, option in [("territory", "--territory"), ("data_dir", "--data")]:
        with pytest.raises(UsageError, match=f"{name} is set per report; use {option}"):
            parse_overrides([f"{name}=TX"])


def test_default_paths_never_depend_on_the_working_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    params = validate_parameters({})
    assert params.data_path == embedded_sample_dir()
    assert params.params_path == PROJECT / "params"
    assert template_notebook() == TEMPLATE


def test_an_installed_wheel_uses_the_template_and_params_it_ships(monkeypatch):
    """The wheel's force-include puts both where the package looks without a checkout."""
    monkeypatch.setattr(install, "project_root", lambda: None)
    package = Path(install.__file__).parent
    assert template_notebook() == package / install.TEMPLATE
    assert default_params_dir() == package / install.PARAMS
    wheel = tomllib.loads((PROJECT / "pyproject.toml").read_text())["tool"]["hatch"]["build"]
    assert wheel["targets"]["wheel"]["force-include"] == {
        install.TEMPLATE: f"htprofiles/{install.TEMPLATE}",
        install.PARAMS: f"htprofiles/{install.PARAMS}"}


def test_the_notebook_profiles_a_year_without_records():
    """2017 holds no record of the sample: its report shows "<3" cases, like any year
    whose records are too few to show (whether a year holds records is not told)."""
    profile = report.prepare(year=2017, first_year=2016)
    assert [row["value"] for row in profile.tables["cases_by_year"].rows][-1] == "<3"


def _papermill(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    """Plain papermill, as a researcher runs it (from the project's environment)."""
    return subprocess.run([sys.executable, "-m", "papermill", *args], cwd=cwd, text=True,
                          capture_output=True, timeout=600)


def test_papermill_help_lists_every_parameter_with_its_help(tmp_path):
    result = _papermill("--help-notebook", str(TEMPLATE), cwd=tmp_path)
    text = " ".join(result.stdout.split())
    assert result.returncode == 0, result.stderr
    for name, spec in FIELDS.items():
        assert f"{name}: {spec.annotation.__name__} (default " in text
        assert spec.description in text


@pytest.fixture(scope="module")
def elsewhere(tmp_path_factory) -> Path:
    """The template copied to a folder outside the project, also the working folder."""
    folder = tmp_path_factory.mktemp("elsewhere")
    shutil.copy(TEMPLATE, folder / "copy.ipynb")
    return folder


def test_the_copied_template_runs_with_plain_papermill_and_its_defaults(elsewhere):
    result = _papermill("copy.ipynb", "out.ipynb", cwd=elsewhere)
    assert result.returncode == 0, result.stderr
    executed = nbformat.read(elsewhere / "out.ipynb", as_version=4)
    report = report_json(executed)
    assert (report["territory"], report["year"], report["synthetic_sample"]) == ("VI", 2016, True)
    assert report["suppression"] == {"threshold": 3, "suppress_zero": True}
    html = "".join(output.data.get("text/html", "") for cell in executed.cells
                   for output in cell.get("outputs", []))
    assert "Women’s Coalition of St. Croix Crisis Center Hotline" in html  # params/territories


def test_plain_papermill_refuses_bad_parameters_in_one_line(elsewhere):
    result = _papermill("copy.ipynb", "bad.ipynb", "-p", "colour", "red", "-p", "year", "2016x",
                        "-p", "suppression_threshold", "0", cwd=elsewhere)
    assert result.returncode != 0
    errors = [o for c in nbformat.read(elsewhere / "bad.ipynb", as_version=4).cells
              for o in c.get("outputs", []) if o.output_type == "error"]
    assert len(errors) == 1
    [line] = errors[0].traceback
    assert line.startswith("UsageError: invalid report parameters: ")
    for problem in ("year: expected a whole number, got '2016x'", "suppression_threshold: ",
                    "unknown parameter 'colour'"):
        assert problem in line
        assert problem in result.stderr
