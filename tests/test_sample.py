"""The synthetic sample: calibrated to the published totals and the reference profile."""

from __future__ import annotations

from importlib import resources

import pandas as pd
import pytest

from htprofiles.contract.data import SCHEMA
from htprofiles.contract.sample import embedded_sample_dir
from htprofiles.contract.sample.generate import YEARS, generate_sample, write_sample
from htprofiles.contract.territories import TERRITORIES
from htprofiles.contract.vocab import codes

# Territory-years where the default draw gives no case (they still have signals).
NO_CASES = {("MP", 2013), ("MP", 2014), ("VI", 2013), ("VI", 2015)}

CODED = {
    "signals": ("method", "call_type"),
    "cases": ("trafficking_type", "sex_venue", "labor_venue"),
    "victims": ("citizenship", "gender", "age_group"),
}


@pytest.fixture(scope="module")
def sample() -> dict[str, pd.DataFrame]:
    return generate_sample()


@pytest.fixture(scope="module")
def published() -> pd.DataFrame:
    path = resources.files("htprofiles.contract.sample").joinpath("published_totals.csv")
    with path.open(encoding="utf-8") as handle:
        return pd.read_csv(handle, dtype={"territory": "str"}).set_index(["territory", "year"])


def yearly(frame: pd.DataFrame, date_column: str) -> pd.Series:
    """Rows per (territory, year)."""
    year = frame[date_column].str[:4].astype(int).rename("year")
    return frame.groupby([frame["territory"], year]).size()


def state_totals(sample: dict[str, pd.DataFrame]) -> pd.DataFrame:
    signals = sample["signals"]
    return pd.DataFrame(
        {
            "cases": yearly(sample["cases"], "reported_date"),
            "calls": yearly(signals[signals["method"] == "phone"], "received_date"),
        }
    )


def vi_2016(sample: dict[str, pd.DataFrame]) -> tuple[pd.DataFrame, pd.DataFrame]:
    cases = sample["cases"]
    cases = cases[(cases["territory"] == "VI") & cases["reported_date"].str.startswith("2016")]
    return cases, sample["victims"][sample["victims"]["case_id"].isin(cases["case_id"])]


def test_contract_shape(sample):
    assert list(sample) == ["signals", "cases", "victims"]
    for name, frame in sample.items():
        assert tuple(frame.columns) == tuple(SCHEMA[name])
        assert all(pd.api.types.is_string_dtype(dtype) for dtype in frame.dtypes)
        assert not frame.isna().any().any()
        for column in CODED[name]:
            assert set(frame[column]) <= {"", *codes(column)}, column


def test_ids_dates_and_order(sample):
    for name, prefix, date in (("signals", "S", "received_date"), ("cases", "C", "reported_date")):
        frame = sample[name]
        ids = frame[f"{name[:-1]}_id"]
        assert ids.is_unique and ids.str.startswith(prefix).all()
        assert ids.is_monotonic_increasing
        assert pd.to_datetime(frame[date], format="%Y-%m-%d").dt.year.isin(YEARS).all()
        assert frame.sort_values(["territory", date], kind="stable").index.equals(frame.index)
    victims = sample["victims"]
    assert victims["victim_id"].is_unique and victims["victim_id"].is_monotonic_increasing
    assert victims["case_id"].is_monotonic_increasing
    assert victims["case_id"].isin(sample["cases"]["case_id"]).all()


def test_counties_belong_to_their_territory(sample):
    cases = sample["cases"]
    located = cases[cases["county_fips"] != ""]
    fips = located["territory"].map({code: t.fips for code, t in TERRITORIES.items()})
    assert (located["county_fips"].str[:2] == fips).all()
    assert 0.8 < len(located) / len(cases) < 0.9


def test_published_examples(sample):
    totals = state_totals(sample)
    assert totals.loc[("CA", 2012), "cases"] == 489
    assert totals.loc[("CA", 2016), "cases"] == 1323
    assert totals.loc[("TX", 2012), "cases"] == 372


def test_every_state_year_matches_published_totals(sample, published):
    assert len(published) == 255
    totals = state_totals(sample).reindex(published.index, fill_value=0)
    pd.testing.assert_frame_equal(totals, published[["cases", "calls"]], check_dtype=False)


def test_scale_multiplies_state_totals(published):
    totals = state_totals(generate_sample(scale=2)).reindex(published.index, fill_value=0)
    pd.testing.assert_frame_equal(totals, 2 * published[["cases", "calls"]], check_dtype=False)


def test_vi_2016_matches_reference_profile(sample):
    cases, victims = vi_2016(sample)
    gender = victims["gender"].value_counts()
    age = victims["age_group"].value_counts()
    citizenship = victims["citizenship"].value_counts()
    assert gender.get("female", 0) == 3
    assert 1 <= gender.get("male", 0) <= 2
    assert gender.get("gender_minority", 0) <= 2
    assert age.get("adult", 0) == 3
    assert age.get("minor", 0) <= 2
    assert 1 <= citizenship.get("us_citizen_lpr", 0) <= 2
    assert 1 <= citizenship.get("foreign_national", 0) <= 2
    for column in ("sex_venue", "labor_venue"):
        venues = cases.loc[cases[column] != "", column].value_counts()
        assert len(venues) > 0 and (venues < 3).all(), column


def test_vi_2016_is_the_same_at_every_scale(sample):
    cases, victims = vi_2016(sample)
    big_cases, big_victims = vi_2016(generate_sample(scale=2))
    columns = ["reported_date", "county_fips", "trafficking_type", "sex_venue", "labor_venue"]
    assert big_cases[columns].reset_index(drop=True).equals(cases[columns].reset_index(drop=True))
    demographics = ["citizenship", "gender", "age_group"]
    assert (
        big_victims[demographics]
        .reset_index(drop=True)
        .equals(victims[demographics].reset_index(drop=True))
    )


def test_every_territory_has_data_every_year(sample):
    signals = yearly(sample["signals"], "received_date")
    cases = yearly(sample["cases"], "reported_date")
    every = pd.MultiIndex.from_product([list(TERRITORIES), YEARS])
    assert len(every) == 56 * 5
    assert (signals.reindex(every, fill_value=0) > 0).all()
    empty = cases.reindex(every, fill_value=0)
    assert set(empty[empty == 0].index) == NO_CASES


def test_shapes_follow_national_figures(sample):
    cases, victims, signals = sample["cases"], sample["victims"], sample["signals"]
    kinds = cases["trafficking_type"].value_counts(normalize=True)
    assert kinds.index[0] == "sex" and 0.7 < kinds["sex"] < 0.77
    assert 0.95 < len(victims) / len(cases) < 1.1
    assert victims["gender"].value_counts().index[0] == "female"
    methods = signals["method"].value_counts(normalize=True)
    assert 0.05 < methods["email"] < 0.08 and 0.05 < methods["webform"] < 0.08
    assert methods["text"] < 0.05 and methods["chat"] < 0.05
    top_sex = cases.loc[cases["sex_venue"] != "", "sex_venue"].value_counts().index[:2]
    assert set(top_sex) == {"hotel_motel", "commercial_front_brothel"}
    top_labor = cases.loc[cases["labor_venue"] != "", "labor_venue"].value_counts()
    assert top_labor.index[0] == "domestic_work"


def test_deterministic(sample):
    again = generate_sample()
    other = generate_sample(seed=7)
    for name, frame in sample.items():
        pd.testing.assert_frame_equal(again[name], frame)
    assert not other["cases"].equals(sample["cases"])
    assert not other["signals"].equals(sample["signals"])


def test_embedded_copy_is_current(sample):
    directory = embedded_sample_dir()
    for name, frame in sample.items():
        pd.testing.assert_frame_equal(pd.read_parquet(directory / f"{name}.parquet"), frame)


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_written_sample_loads(tmp_path, sample, fmt):
    from htprofiles.contract.data import SYNTHETIC_MARKER, load_dataset

    write_sample(tmp_path, fmt=fmt)
    expected = [f"{name}.{fmt}" for name in SCHEMA] + [SYNTHETIC_MARKER]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(expected)
    dataset = load_dataset(tmp_path)
    assert dataset.synthetic, "reports built from sample data must say so"
    for name, frame in sample.items():
        assert list(getattr(dataset, name).columns)[:len(SCHEMA[name])] == list(SCHEMA[name])
        assert len(getattr(dataset, name)) == len(frame)


def test_embedded_sample_loads(sample):
    from htprofiles.contract.data import load_dataset

    dataset = load_dataset(embedded_sample_dir())
    assert dataset.synthetic
    assert len(dataset.cases) == len(sample["cases"])
