"""The input data contract: what loads, how it is typed, and where every problem is located."""

from __future__ import annotations

import hashlib
import shutil
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from conftest import write_table

from htprofiles.contract.data import (
    ORIGIN_FILE,
    SCHEMA,
    TABLES,
    load_dataset,
    slice_dataset,
    slice_fingerprints,
    write_dataset,
)
from htprofiles.errors import InputError, UsageError

FIXTURES = Path(__file__).parent / "fixtures" / "bad_input"


def signal(**values: str) -> dict[str, str]:
    return {"signal_id": "S1", "received_date": "2016-03-01", "territory": "VI",
            "method": "phone", "call_type": "tip"} | values


def case(**values: str) -> dict[str, str]:
    return {"case_id": "C1", "reported_date": "2016-05-09", "territory": "VI",
            "county_fips": "78010", "trafficking_type": "sex", "sex_venue": "hotel_motel",
            "labor_venue": ""} | values


def victim(**values: str) -> dict[str, str]:
    return {"victim_id": "V1", "case_id": "C1", "citizenship": "us_citizen_lpr",
            "gender": "female", "age_group": "adult"} | values


def write_data(directory: Path, **tables: list[dict[str, str]]) -> Path:
    """A valid one-row data set, with any table replaced by the given rows."""
    directory.mkdir(parents=True, exist_ok=True)
    defaults = {"signals": [signal()], "cases": [case()], "victims": [victim()]}
    for name in TABLES:
        write_table(directory / f"{name}.csv", tables.get(name, defaults[name]))
    return directory


def problems(directory: Path | str) -> list[str]:
    """The problems ``load_dataset`` reports, as the user reads them."""
    with pytest.raises(InputError) as caught:
        load_dataset(directory)
    assert caught.value.exit_code == 2
    return [str(problem) for problem in caught.value.problems]


@pytest.fixture
def data(tmp_path, monkeypatch) -> Path:
    """A valid data set at the relative path ``data``, as a user would name it."""
    monkeypatch.chdir(tmp_path)
    return write_data(Path("data"))


# What loads -------------------------------------------------------------------------------


def test_valid_data_loads_typed(data):
    dataset = load_dataset(data)
    assert list(dataset.signals) == [*SCHEMA["signals"], "year"]
    assert list(dataset.cases) == [*SCHEMA["cases"], "year"]
    assert list(dataset.victims) == [*SCHEMA["victims"], "territory", "year"]
    assert dataset.signals["received_date"].dtype == "datetime64[us]"
    assert dataset.cases["reported_date"].iloc[0] == pd.Timestamp("2016-05-09")
    assert dataset.signals["year"].dtype == "int64"
    assert isinstance(dataset.cases["county_fips"].dtype, pd.StringDtype)
    assert dataset.cases["labor_venue"].iloc[0] is pd.NA
    assert dataset.victims[["territory", "year"]].iloc[0].tolist() == ["VI", 2016]


def test_sources_are_sha256_of_the_files(data):
    dataset = load_dataset(data)
    assert dataset.sources == {
        name: hashlib.sha256((data / f"{name}.csv").read_bytes()).hexdigest() for name in TABLES
    }


def test_leading_zeros_survive(tmp_path):
    directory = write_data(
        tmp_path, signals=[signal(signal_id="007", territory="AL")],
        cases=[case(case_id="0042", territory="AL", county_fips="01001")],
        victims=[victim(victim_id="0001", case_id="0042")])
    dataset = load_dataset(directory)
    assert dataset.signals["signal_id"].tolist() == ["007"]
    assert dataset.cases["county_fips"].tolist() == ["01001"]
    assert dataset.victims[["victim_id", "case_id"]].iloc[0].tolist() == ["0001", "0042"]


def test_extra_columns_are_ignored(tmp_path):
    columns = [*SCHEMA["signals"], "notes"]
    directory = write_data(tmp_path)
    write_table(tmp_path / "signals.csv", [signal(notes="called twice")], columns)
    assert "notes" not in load_dataset(directory).signals


def test_header_only_is_an_empty_table(tmp_path):
    dataset = load_dataset(write_data(tmp_path, victims=[]))
    assert dataset.victims.empty
    assert dataset.victims["year"].dtype == "int64"


def test_utf8_bom_and_blank_lines_are_fine(tmp_path):
    directory = write_data(tmp_path)
    path = directory / "signals.csv"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes() + b"\n\n")
    assert load_dataset(directory).signals["signal_id"].tolist() == ["S1"]


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_written_data_loads_back_equal(tmp_path, fmt):
    original = load_dataset(write_data(tmp_path / "csv", cases=[case(), case(case_id="C2",
                                                                             county_fips="")]))
    write_dataset(original, tmp_path / fmt, fmt)
    assert sorted(p.name for p in (tmp_path / fmt).iterdir()) == sorted(
        [f"{n}.{fmt}" for n in TABLES] + [ORIGIN_FILE])
    loaded = load_dataset(tmp_path / fmt)
    for name in TABLES:
        pd.testing.assert_frame_equal(getattr(loaded, name), getattr(original, name))
    assert loaded.sources == original.sources, "a copy names the files it was read from"


def test_written_parquet_has_only_contract_columns(tmp_path):
    write_dataset(load_dataset(write_data(tmp_path / "csv")), tmp_path / "pq")
    schema = pq.read_schema(tmp_path / "pq" / "victims.parquet")
    assert schema.names == list(SCHEMA["victims"])


def test_writing_one_format_replaces_the_other(tmp_path):
    dataset = load_dataset(write_data(tmp_path))
    write_dataset(dataset, tmp_path, "parquet")
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [f"{n}.parquet" for n in TABLES] + [ORIGIN_FILE])
    pd.testing.assert_frame_equal(load_dataset(tmp_path).cases, dataset.cases)


def test_parquet_written_by_pandas_loads_like_csv(tmp_path):
    """Strings with "" for missing (as the sample generator writes) or typed dates, ints."""
    csv_dir = write_data(tmp_path / "csv")
    pq_dir = tmp_path / "pq"
    pq_dir.mkdir()
    for name in TABLES:
        frame = pd.read_csv(csv_dir / f"{name}.csv", dtype=str, keep_default_na=False)
        if name == "cases":
            frame["reported_date"] = pd.to_datetime(frame["reported_date"])
        frame.to_parquet(pq_dir / f"{name}.parquet", index=False)
    from_csv, from_parquet = load_dataset(csv_dir), load_dataset(pq_dir)
    for name in TABLES:
        pd.testing.assert_frame_equal(getattr(from_parquet, name), getattr(from_csv, name))


def test_slice_keeps_one_territory_and_its_victims(tmp_path):
    directory = write_data(
        tmp_path, signals=[signal(), signal(signal_id="S2", territory="PR")],
        cases=[case(), case(case_id="C2", territory="PR", county_fips="72001")],
        victims=[victim(), victim(victim_id="V2", case_id="C2"), victim(victim_id="V3")])
    dataset = load_dataset(directory)
    vi = slice_dataset(dataset, "VI")
    assert vi.signals["signal_id"].tolist() == ["S1"]
    assert vi.cases["case_id"].tolist() == ["C1"]
    assert vi.victims["victim_id"].tolist() == ["V1", "V3"]
    assert vi.sources == dataset.sources
    assert slice_dataset(dataset, "TX").cases.empty


def test_a_written_slice_keeps_the_sources_of_the_whole_data_set(vi_data, tmp_path):
    dataset = load_dataset(vi_data)
    for fmt in ("parquet", "csv"):
        write_dataset(slice_dataset(dataset, "TX"), tmp_path / fmt, fmt)
        assert load_dataset(tmp_path / fmt).sources == dataset.sources


def test_slice_of_unknown_territory_is_a_usage_error(data):
    with pytest.raises(UsageError, match="unknown territory code 'XX'"):
        slice_dataset(load_dataset(data), "XX")


def test_unknown_write_format_is_a_usage_error(data, tmp_path):
    with pytest.raises(UsageError, match="unknown data format 'xlsx'"):
        write_dataset(load_dataset(data), tmp_path / "out", "xlsx")


# Where problems are located ---------------------------------------------------------------


def test_missing_directory(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    [problem] = problems("nowhere")
    assert problem.startswith("nowhere: no such directory; expected the data folder")


def test_missing_file(data):
    (data / "victims.csv").unlink()
    assert problems(data) == [
        "data/victims.csv: missing file; expected victims.csv or victims.parquet"]


def test_both_formats_present(data):
    pd.read_csv(data / "cases.csv", dtype=str).to_parquet(data / "cases.parquet")
    assert problems(data) == [
        "data/cases.csv: both cases.csv and cases.parquet exist; keep only one of them"]


def test_not_utf8_reports_the_line_of_the_first_bad_byte(data):
    write_table(data / "signals.csv", [signal(), signal(signal_id="S2")])
    path = data / "signals.csv"
    path.write_bytes(path.read_bytes().replace(b"S2", b"S\xe9"))
    assert problems(data) == ["data/signals.csv:3: not UTF-8 text (byte 0xe9); "
                              "save the file with UTF-8 encoding"]


def test_empty_file_is_refused(data):
    (data / "cases.csv").write_bytes(b"")
    [problem] = problems(data)
    assert problem.startswith("data/cases.csv:1: empty file; expected a header line: case_id,")


def test_missing_column(data):
    columns = [c for c in SCHEMA["cases"] if c != "trafficking_type"]
    write_table(data / "cases.csv", [case()], columns)
    [problem] = problems(data)
    assert problem.startswith("data/cases.csv:1: trafficking_type: missing column; "
                              "the header has: case_id, reported_date,")


def test_repeated_column(data):
    write_table(data / "victims.csv", [victim()], [*SCHEMA["victims"], "gender"])
    assert problems(data) == [
        "data/victims.csv:1: gender: column appears more than once in the header"]


def test_empty_required_value(data):
    write_table(data / "signals.csv", [signal(), signal(signal_id="S2", method="")])
    assert problems(data) == ["data/signals.csv:3: method: empty value; method is required"]


def test_unknown_code_lists_the_allowed_ones(data):
    write_table(data / "victims.csv", [victim(gender="f")])
    assert problems(data) == ["data/victims.csv:2: gender: unknown code 'f'; "
                              "expected female, male, gender_minority, or empty"]


@pytest.mark.parametrize("date", ["2016-02-30", "2016-3-01", "03/01/2016", "2016-03-01T10:00"])
def test_bad_date(data, date):
    write_table(data / "signals.csv", [signal(received_date=date)])
    assert problems(data) == [f"data/signals.csv:2: received_date: bad date {date!r}; "
                              "expected a real date as YYYY-MM-DD"]


def test_unknown_territory(data):
    write_table(data / "signals.csv", [signal(territory="vi")])
    [problem] = problems(data)
    assert problem.startswith("data/signals.csv:2: territory: unknown territory 'vi'; expected")


def test_duplicate_id_names_the_first_line(data):
    write_table(data / "cases.csv", [case(), case(case_id="C2"), case()])
    assert problems(data) == [
        "data/cases.csv:4: case_id: duplicate case_id 'C1'; first used on line 2"]


def test_victim_of_unknown_case(data):
    write_table(data / "victims.csv", [victim(), victim(victim_id="V2", case_id="C9")])
    assert problems(data) == [
        "data/victims.csv:3: case_id: unknown case_id 'C9'; not a case_id of data/cases.csv"]


def test_victims_are_not_checked_against_incomplete_cases(data):
    write_table(data / "cases.csv", [case()], [c for c in SCHEMA["cases"] if c != "labor_venue"])
    write_table(data / "victims.csv", [victim(case_id="C9")])
    [problem] = problems(data)
    assert problem.startswith("data/cases.csv:1: labor_venue: missing column")


@pytest.mark.parametrize("fips", ["7801", "78010.0", "St. Croix"])
def test_county_not_five_digits(data, fips):
    write_table(data / "cases.csv", [case(county_fips=fips)])
    assert problems(data) == [
        f"data/cases.csv:2: county_fips: {fips!r} is not a 5-digit county FIPS code"]


def test_county_outside_its_territory(data):
    write_table(data / "cases.csv", [case(county_fips="72001"), case(case_id="C2",
                                                                     county_fips="78999")])
    assert problems(data) == [
        "data/cases.csv:2: county_fips: '72001' is not a county of VI (U.S. Virgin Islands); "
        "its county FIPS codes start with 78",
        "data/cases.csv:3: county_fips: '78999' is not a county of VI (U.S. Virgin Islands)",
    ]


def test_ragged_rows_keep_later_lines_right(data):
    path = data / "signals.csv"
    path.write_text(path.read_text() + "S2,2016-03-01,VI,phone,tip,extra\nS3,2016-03-01,VI\n\n"
                    "S4,2016-03-01,VI,phone,tipp\n")
    assert problems(data) == [
        "data/signals.csv:3: malformed row: expected 5 fields, found 6",
        "data/signals.csv:4: malformed row: expected 5 fields, found 3",
        "data/signals.csv:6: call_type: unknown code 'tipp'; expected crisis, tip, referral, "
        "general_information, training_technical_assistance, high_risk, non_substantive",
    ]


def test_unclosed_quote(data):
    path = data / "signals.csv"
    path.write_text(path.read_text() + 'S2,"2016-03-01,VI,phone,tip\nS3,2016-03-01,VI,phone,tip\n')
    [problem] = problems(data)
    assert problem.startswith("data/signals.csv:3: malformed row: expected 5 fields")
    assert problem.endswith("a quoted value may be missing its closing quote")


def test_parquet_rows_are_numbered_like_csv_lines(data):
    (data / "cases.csv").unlink()
    rows = pd.DataFrame([case(), case(case_id="C2", trafficking_type="")])
    pq.write_table(pa.Table.from_pandas(rows, preserve_index=False), data / "cases.parquet")
    assert problems(data) == [
        "data/cases.parquet:3: trafficking_type: empty value; trafficking_type is required"]


def test_unreadable_parquet(data):
    (data / "victims.csv").unlink()
    (data / "victims.parquet").write_bytes(b"not parquet")
    [problem] = problems(data)
    assert problem.startswith("data/victims.parquet: not a readable Parquet file")


def test_problems_of_all_files_are_reported_together_in_file_order(data):
    write_table(data / "victims.csv", [victim(age_group="old")])
    write_table(data / "signals.csv", [signal(method="fax")])
    (data / "cases.csv").unlink()
    found = problems(data)
    assert [p.split(": ")[0] for p in found] == [
        "data/signals.csv:2", "data/cases.csv", "data/victims.csv:2"]


def test_problems_are_capped_at_fifty(data):
    write_table(data / "signals.csv", [signal(signal_id=f"S{i}", method="fax") for i in range(60)])
    found = problems(data)
    assert len(found) == 51
    assert found[49].startswith("data/signals.csv:51: method: unknown code 'fax'")
    assert found[50] == "data: ... and 10 more problems not shown; fix these and rerun"


# Shared fixtures (also used by the command-line tests) ------------------------------------


@pytest.mark.parametrize(("fixture", "expected"), [
    ("duplicate_case_id", "cases.csv:3: case_id: duplicate case_id 'C1'; first used on line 2"),
    ("victim_of_unknown_case", "victims.csv:2: case_id: unknown case_id 'C2'; not a case_id of "),
    ("county_outside_territory", "cases.csv:2: county_fips: '72001' is not a county of VI "),
])
def test_bad_input_fixture_has_exactly_one_problem(tmp_path, monkeypatch, fixture, expected):
    shutil.copytree(FIXTURES / fixture, tmp_path / fixture)
    monkeypatch.chdir(tmp_path)
    [problem] = problems(fixture)
    assert problem.startswith(f"{fixture}/{expected}")


def test_bad_input_fixtures_are_valid_once_fixed(tmp_path):
    """Each fixture differs from a valid data set by its one problem only."""
    directory = shutil.copytree(FIXTURES / "victim_of_unknown_case", tmp_path / "fixed")
    write_table(directory / "victims.csv", [victim()])
    assert len(load_dataset(directory).victims) == 1


def test_a_slice_fingerprint_follows_its_territory_rows_only(vi_data, tmp_path):
    """A report's data key: it changes with its own territory's rows, not with another's or
    with the file format."""
    codes = ["VI", "TX", "PR", "GU"]  # one case in TX; no rows in PR or GU
    dataset = load_dataset(vi_data)
    before = slice_fingerprints(dataset, codes)
    assert len({before["VI"], before["TX"], before["PR"]}) == 3
    assert before["PR"] == before["GU"]
    write_dataset(dataset, tmp_path / "parquet", fmt="parquet")
    assert slice_fingerprints(load_dataset(tmp_path / "parquet"), codes) == before
    cases = dataset.cases.copy()
    cases.loc[cases["territory"] == "VI", "sex_venue"] = pd.NA
    after = slice_fingerprints(replace(dataset, cases=cases), codes)
    assert after["VI"] != before["VI"]
    assert {code: after[code] for code in codes[1:]} == {code: before[code] for code in codes[1:]}
