"""The command line as users meet it: exit codes, one-line errors, untouched outputs."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import vi_2016_records, write_csvs

from htprofiles.batch import executors
from htprofiles.cli import main
from htprofiles.contract.parameters import parameter_rows
from htprofiles.install import default_params_dir

FIXTURES = Path(__file__).parent / "fixtures"
PROJECT = Path(__file__).parents[1]


@pytest.fixture
def existing_reports(tmp_path) -> Path:
    """An output folder holding a previous good report that a refused build must not touch."""
    out = tmp_path / "reports"
    (out / "2016").mkdir(parents=True)
    (out / "2016" / "VI.html").write_text("previous good report")
    return out


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def _bad_copy(tmp_path: Path, edit) -> Path:
    """A valid small data set with one problem made by ``edit(records)``."""
    records = vi_2016_records()
    edit(records)
    return write_csvs(tmp_path / "bad", records)


def _set(table, index, column, value):
    def edit(records):
        records[table][index][column] = value
    return edit


BAD_INPUTS = {
    "unknown code": (_set("cases", 0, "trafficking_type", "arson"),
                     "cases.csv:2: trafficking_type:"),
    "bad date": (_set("signals", 2, "received_date", "2016-02-30"),
                 "signals.csv:4: received_date:"),
    "unknown territory": (_set("signals", 0, "territory", "XX"), "signals.csv:2: territory:"),
    "duplicate id": (_set("victims", 3, "victim_id", "1"), "victims.csv:5: victim_id:"),
    "victim of unknown case": (_set("victims", 1, "case_id", "zzz"), "victims.csv:3: case_id:"),
    "county outside territory": (_set("cases", 1, "county_fips", "48201"),
                                 "cases.csv:3: county_fips:"),
    "empty id": (_set("cases", 2, "case_id", ""), "cases.csv:4: case_id:"),
}


@pytest.mark.parametrize("kind", sorted(BAD_INPUTS))
def test_bad_input_is_refused_with_location_and_exit_2(kind, tmp_path, existing_reports, capsys):
    edit, location = BAD_INPUTS[kind]
    data = _bad_copy(tmp_path, edit)
    before = _snapshot(existing_reports)
    code = main(["build", "--data", str(data), "--out", str(existing_reports)])
    err = capsys.readouterr().err
    assert code == 2
    assert location in err
    assert "Traceback" not in err
    assert _snapshot(existing_reports) == before


@pytest.mark.parametrize("fixture", ["duplicate_case_id", "victim_of_unknown_case",
                                     "county_outside_territory"])
def test_fixture_data_sets_are_refused(fixture, existing_reports, capsys):
    before = _snapshot(existing_reports)
    code = main(["validate", "--data", str(FIXTURES / "bad_input" / fixture)])
    assert code == 2
    assert f"{fixture}/" in capsys.readouterr().err
    assert main(["build", "--data", str(FIXTURES / "bad_input" / fixture),
                 "--out", str(existing_reports)]) == 2
    assert _snapshot(existing_reports) == before


def test_missing_file_encoding_and_empty_file_are_refused(tmp_path, capsys):
    data = write_csvs(tmp_path / "d", vi_2016_records())
    (data / "victims.csv").unlink()
    (data / "signals.csv").write_bytes(b"signal_id,received_date,territory,method,call_type\n"
                                       b"s1,2016-01-01,VI,phone,t\xe9p\n")
    (data / "cases.csv").write_text("")
    assert main(["validate", "--data", str(data)]) == 2
    err = capsys.readouterr().err
    assert "victims" in err and "signals.csv:2" in err and "cases.csv:1" in err


def test_missing_column_is_named(tmp_path, capsys):
    data = write_csvs(tmp_path / "d", vi_2016_records())
    text = (data / "cases.csv").read_text().replace(",labor_venue", "", 1)
    (data / "cases.csv").write_text(text)
    assert main(["validate", "--data", str(data)]) == 2
    assert "cases.csv:1: labor_venue:" in capsys.readouterr().err


def test_bad_territory_file_is_refused_before_any_report(tmp_path, existing_reports, capsys):
    params = tmp_path / "params"
    shutil.copytree(Path(__file__).parents[1] / "params", params)
    (params / "territories" / "VI.yaml").write_text("code: VI\nname: U.S. Virgin Islands\n"
                                                    "hhs_region: II\nhotlines:\n  - name: x\n")
    before = _snapshot(existing_reports)
    code = main(["build", "--territory", "VI", "--year", "2016", "--params", str(params),
                 "--out", str(existing_reports)])
    err = capsys.readouterr().err
    assert code == 2
    assert "VI.yaml:5: hotlines.0.phone: Field required" in err
    assert _snapshot(existing_reports) == before


@pytest.mark.parametrize("argv, message", [
    (["--territory", "ZZ"], "territory: unknown territory 'ZZ'"),
    (["--year", "1999"], "first_year: 2012 is after year 1999"),
    (["-p", "first_year=2017"], "first_year: 2017 is after year 2012"),
    (["-p", "colour=red"], "unknown parameter 'colour'"),
    (["-p", "suppression_threshold=many"], "suppression_threshold: expected a whole number"),
    (["-p", "suppression_threshold=0"], "suppression_threshold: input should be greater"),
    (["-p", "suppression_threshold=2"], "the threshold must be 3 or more"),
    (["-p", "suppress_zero=maybe"], "suppress_zero: expected true or false, got 'maybe'"),
    (["-p", "year=2015"], "parameter year is set per report; use --year"),
    (["-p", "suppress_zero"], "-p expects NAME=VALUE"),
])
def test_bad_build_requests_exit_2_without_traceback(argv, message, existing_reports, capsys):
    before = _snapshot(existing_reports)
    assert main(["build", *argv, "--out", str(existing_reports)]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err
    assert _snapshot(existing_reports) == before


def test_a_bad_request_starts_no_worker(tmp_path, monkeypatch, capsys):
    """Workers start early, while the data are read, but only for a request that is good as
    far as it can be told without the data: a typo costs no worker and no kernel."""
    started = []
    monkeypatch.setitem(executors.EXECUTORS, "local", lambda jobs, address=None: started.append(
        jobs) or executors.inline())
    for argv in (["-p", "colour=red"], ["--territory", "ZZ"], ["-p", "suppress_zero"]):
        assert main(["build", *argv, "--jobs", "2", "--out", str(tmp_path / "out")]) == 2
    assert started == []
    assert "Traceback" not in capsys.readouterr().err


def test_data_beginning_in_2013_build_with_the_defaults(tmp_path):
    """No --year and no first_year: the batch file's years, whatever the data hold, each
    report's window opening at the first of them; 2012, without records, reads "<3"."""
    records = vi_2016_records()
    moved = next(case for case in records["cases"] if case["case_id"] == "d")
    moved["reported_date"] = "2013-07-04"  # the 2015 case moves to 2013
    records["signals"][-1]["received_date"] = "2013-01-05"
    data = write_csvs(tmp_path / "from_2013", records)
    out = tmp_path / "reports"
    assert main(["build", "--data", str(data), "--territory", "VI", "--jobs", "2",
                 "--out", str(out)]) == 0
    assert sorted(p.parent.name for p in out.glob("*/VI.json")) == [
        "2012", "2013", "2014", "2015", "2016"]
    report = json.loads((out / "2016" / "VI.json").read_text())
    assert report["data_window"] == {"first_year": 2012, "last_year": 2016}
    cases = report["tables"]["cases_by_year"]
    assert [row["year"] for row in cases] == [2012, 2013, 2014, 2015, 2016]
    assert cases[0]["value"] == "<3"


@pytest.mark.build
def test_which_reports_exist_does_not_tell_whether_a_year_holds_a_record(tmp_path):
    """Two data sets that differ only in whether 2015, whose counts are all withheld, holds a
    record give byte-identical output folders with the default build command (a params folder
    whose batch file names VI and Guam, 2014-2016)."""
    params = tmp_path / "params"
    shutil.copytree(default_params_dir(), params)
    (params / "batch.yaml").write_text("territories: [VI, GU]\nyears: [2014, 2015, 2016]\n")
    folders = []
    for which, year in (("none", "2014"), ("one", "2015")):
        records = vi_2016_records()
        moved = next(case for case in records["cases"] if case["case_id"] == "d")
        moved["reported_date"] = f"{year}-07-04"
        data = write_csvs(tmp_path / which, records)
        out = tmp_path / f"reports-{which}"
        assert main(["build", "--data", str(data), "--params", str(params), "--jobs", "2",
                     "--out", str(out)]) == 0
        folders.append(out)
    assert _published(folders[0]) == _published(folders[1])
    assert (folders[0] / "2015" / "VI.html").is_file()


def _published(out: Path) -> dict[str, bytes]:
    """Every file of an output folder but its private build state."""
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*"))
            if p.is_file() and ".htprofiles" not in p.relative_to(out).parts}


def test_a_batch_file_naming_no_year_is_a_usage_error(tmp_path):
    """Built without --year from a batch file that names no year, nothing is planned: one line
    naming --year, exit 2, nothing written (an empty plan once ended in an IndexError)."""
    params = tmp_path / "params"
    shutil.copytree(default_params_dir(), params)
    (params / "batch.yaml").write_text("years: []\n")
    out = tmp_path / "reports"
    build = subprocess.run([str(Path(sys.executable).parent / "htprofiles"), "build",
                            "--params", str(params), "--territory", "VI", "--jobs", "1",
                            "--out", str(out)], capture_output=True, text=True)
    assert build.returncode == 2
    assert build.stderr.splitlines() == [
        f"htprofiles: error: nothing to build: {params / 'batch.yaml'} names no territory or "
        f"year; name them with --territory and --year"]
    assert not out.exists()


def test_params_lists_every_parameter_with_type_default_allowed_values_and_help(capsys):
    assert main(["params"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["name", "type", "default", "allowed", "help"]
    rows = parameter_rows()
    assert len(lines) == 1 + len(rows)
    for line, row in zip(lines[1:], rows, strict=True):
        assert line.split()[:3] == list(row[:3])
        assert f"  {row[3]}  " in line and line.endswith(f"  {row[4]}")
    [first_year] = [line for line in lines if line.startswith("first_year ")]
    assert first_year.endswith(", 0 for the first year of params/batch.yaml")


def test_territories_lists_all_56_then_the_regions_and_the_nation(capsys):
    assert main(["territories"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 1 + 56 + 11
    assert any(line.split()[:3] == ["VI", "78", "II"] for line in lines)
    assert [line.split()[0] for line in lines[-11:]] == [f"R{n}" for n in range(1, 11)] + ["US"]


def test_validate_accepts_the_embedded_sample(capsys):
    assert main(["validate"]) == 0
    assert capsys.readouterr().out.startswith("OK: ")


def test_sample_data_writes_a_valid_marked_data_set(tmp_path, capsys):
    assert main(["sample-data", str(tmp_path / "s"), "--seed", "7"]) == 0
    assert sorted(p.name for p in (tmp_path / "s").iterdir()) == [
        "SYNTHETIC.txt", "cases.csv", "signals.csv", "victims.csv"]
    assert main(["validate", "--data", str(tmp_path / "s")]) == 0


@pytest.mark.parametrize("command", ["territories", "params"])
def test_output_to_a_reader_that_went_away_ends_quietly(command):
    """`htprofiles territories | head` once ended in a BrokenPipeError traceback."""
    reader, writer = os.pipe()
    os.close(reader)  # like head, gone before the command writes
    try:
        done = subprocess.run([sys.executable, "-m", "htprofiles.cli", command], stdout=writer,
                              stderr=subprocess.PIPE, text=True, timeout=60)
    finally:
        os.close(writer)
    assert done.stderr == ""
    assert done.returncode == 141
