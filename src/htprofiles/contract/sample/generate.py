"""Deterministic synthetic sample data in the input contract's format.

The yearly cases and phone calls of every state and DC match the published totals, and the
U.S. Virgin Islands 2016 cases are the hand-written records behind the reference profile.
Everything else is drawn from distributions shaped by the national 2016 figures, so reports
built from it look real without being real.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from ...errors import UsageError
from ..data import FORMATS, SCHEMA, mark_synthetic
from ..geo import county_names
from ..territories import TERRITORIES

YEARS = tuple(range(2012, 2017))


# Non-phone signals per phone call: email and webform from the national counts since 2007
# (128,686 calls, 8,852 emails, 8,226 webforms); text and chat were small channels.
_OTHER_METHOD_RATES = {
    "email": 8852 / 128686,
    "webform": 8226 / 128686,
    "text": 0.02,
    "chat": 0.01,
}

# Weights keyed by code; "" is "not reported". Numbers are the national 2016 figures where
# they exist and plausible guesses elsewhere.
_CALL_TYPE_WEIGHTS = {
    "crisis": 10,
    "tip": 35,
    "referral": 15,
    "general_information": 20,
    "training_technical_assistance": 5,
    "high_risk": 5,
    "non_substantive": 10,
}
_TRAFFICKING_TYPE_WEIGHTS = {"sex": 5551, "labor": 1057, "sex_and_labor": 268, "not_specified": 696}
# About half of sex cases name a venue: the "" weight equals the sum of the others.
_SEX_VENUE_WEIGHTS = {
    "": 2500,
    "hotel_motel": 584,
    "commercial_front_brothel": 559,
    "online_ad": 330,
    "residential_brothel": 260,
    "street_based": 200,
    "hostess_strip_club": 140,
    "escort_service": 120,
    "truck_stop": 70,
    "pornography": 60,
    "private_party": 50,
    "personal_sexual_servitude": 40,
    "other": 87,
}
# About 60% of labor cases name a venue: the "" weight is 2/3 of the sum of the others.
_LABOR_VENUE_WEIGHTS = {
    "": 468,
    "domestic_work": 201,
    "agriculture": 124,
    "traveling_sales_crew": 100,
    "restaurant_food_service": 75,
    "health_beauty": 45,
    "construction": 30,
    "hospitality": 28,
    "peddling_begging": 22,
    "landscaping": 20,
    "factory_manufacturing": 18,
    "commercial_cleaning": 15,
    "carnival": 12,
    "other": 12,
}
# 7,388 victims with a gender for 7,572 cases: about one victim per case.
_VICTIMS_PER_CASE = (0.22, 0.60, 0.12, 0.06)
_GENDER_WEIGHTS = {"": 228, "female": 6340, "male": 978, "gender_minority": 70}
_AGE_GROUP_WEIGHTS = {"": 383, "adult": 4890, "minor": 2387}
_CITIZENSHIP_WEIGHTS = {"": 30, "us_citizen_lpr": 45, "foreign_national": 25}

_COUNTY_KNOWN_RATE = 0.85
_COUNTY_ZIPF_EXPONENT = 1.3

# Territories without published totals: inclusive ranges of yearly cases, and phone calls per
# case (plus a few calls that led to no case).
_SYNTHETIC_CASES = {"AS": (0, 3), "GU": (0, 6), "MP": (0, 6), "PR": (5, 20), "VI": (0, 6)}
_CALLS_PER_CASE = (2, 5)
_EXTRA_CALLS = (1, 5)

# U.S. Virgin Islands 2016, written by hand to reproduce the reference profile: Female 3,
# Adult 3, every other demographic cell and every venue below 3. Fixed at every scale.
_REFERENCE = ("VI", 2016)
_REFERENCE_CASES = (
    ("2016-02-11", "78010", "sex", "hotel_motel", ""),
    ("2016-05-23", "78010", "sex", "online_ad", ""),
    ("2016-08-04", "78030", "labor", "", "domestic_work"),
    ("2016-11-17", "", "not_specified", "", ""),
)
# (index into _REFERENCE_CASES, citizenship, gender, age_group)
_REFERENCE_VICTIMS = (
    (0, "us_citizen_lpr", "female", "adult"),
    (1, "", "female", "adult"),
    (2, "foreign_national", "female", "adult"),
    (3, "", "male", ""),
)

# Each territory's county FIPS codes and the probability a located case falls in each.
_Counties = dict[str, tuple[np.ndarray, np.ndarray]]

_CODES = np.array(list(TERRITORIES), dtype=object)
_DAY0 = np.datetime64(f"{YEARS[0]}-01-01")


def generate_sample(scale: int = 1, seed: int = 2016) -> dict[str, pd.DataFrame]:
    """Build the synthetic signals, cases and victims tables.

    Parameters
    ----------
    scale
        Multiplies every yearly count (benchmarks need larger data); the U.S. Virgin Islands
        2016 cases stay the reference records so that profile keeps its shape.
    seed
        Seeds every draw; the same (scale, seed) always gives identical tables.

    Returns
    -------
    dict
        ``signals``, ``cases`` and ``victims``: contract columns in contract order, every
        value a string ("" for not reported), rows sorted by territory, date and id.
    """
    if scale < 1:
        raise UsageError(f"scale must be a positive integer, got {scale}")
    counts_rng, county_rng, signals_rng, cases_rng = np.random.default_rng(seed).spawn(4)
    counts = _yearly_counts(scale, counts_rng)
    counties = _county_weights(county_rng)
    cases, victims = _cases_and_victims(counts, counties, cases_rng)
    return {"signals": _signals(counts, signals_rng), "cases": cases, "victims": victims}


def write_sample(directory: Path, scale: int = 1, seed: int = 2016, fmt: str = "csv") -> None:
    """Write ``generate_sample(scale, seed)`` as signals, cases and victims files in ``fmt``."""
    if fmt not in FORMATS:
        raise UsageError(f"unknown sample format {fmt!r}; choose one of {', '.join(FORMATS)}")
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    for name, frame in generate_sample(scale, seed).items():
        path = directory / f"{name}.{fmt}"
        if fmt == "csv":
            frame.to_csv(path, index=False, lineterminator="\n")
        else:
            _write_parquet(frame, path)
    mark_synthetic(directory)


def _write_parquet(frame: pd.DataFrame, path: Path) -> None:
    """Write compactly: sequential ids delta-encode to almost nothing, codes dictionary-encode."""
    ids = [column for column in frame.columns if column.endswith("_id")]
    frame.to_parquet(
        path,
        index=False,
        compression="zstd",
        use_dictionary=[column for column in frame.columns if column not in ids],
        column_encoding=dict.fromkeys(ids, "DELTA_BYTE_ARRAY"),
    )


def _published_totals() -> pd.DataFrame:
    """The published yearly cases and phone calls of the 50 states and DC."""
    text = resources.files("htprofiles.contract.sample").joinpath("published_totals.csv")
    with text.open(encoding="utf-8") as handle:
        return pd.read_csv(handle, dtype={"territory": "str"})


def _yearly_counts(scale: int, rng: np.random.Generator) -> pd.DataFrame:
    """Cases and phone calls per territory and year: published for states, drawn elsewhere.

    Draws do not depend on ``scale``, so a larger sample is the same shape, only bigger.
    """
    synthetic = pd.DataFrame(
        [(code, year) for code in _SYNTHETIC_CASES for year in YEARS], columns=["territory", "year"]
    )
    low, high = np.array([_SYNTHETIC_CASES[code] for code in synthetic["territory"]]).T
    synthetic["cases"] = rng.integers(low, high + 1)
    reference = (synthetic["territory"] == _REFERENCE[0]) & (synthetic["year"] == _REFERENCE[1])
    synthetic.loc[reference, "cases"] = len(_REFERENCE_CASES)
    synthetic["calls"] = synthetic["cases"] * rng.integers(
        _CALLS_PER_CASE[0], _CALLS_PER_CASE[1] + 1, len(synthetic)
    ) + rng.integers(_EXTRA_CALLS[0], _EXTRA_CALLS[1] + 1, len(synthetic))
    counts = pd.concat([_published_totals(), synthetic], ignore_index=True)
    counts[["cases", "calls"]] *= scale
    counts["reference"] = (counts["territory"] == _REFERENCE[0]) & (counts["year"] == _REFERENCE[1])
    counts["territory_index"] = np.searchsorted(_CODES, counts["territory"])
    return counts.sort_values(["territory", "year"], ignore_index=True)


def _county_weights(rng: np.random.Generator) -> _Counties:
    """Each territory's county FIPS codes and a Zipf-like probability for each.

    A seeded permutation decides which counties lead, so a few counties get most cases and
    the maps look like real heat maps.
    """
    weights = {}
    for code, territory in TERRITORIES.items():
        fips = np.array(list(county_names(territory.fips)))
        rank = rng.permutation(len(fips)) + 1
        p = rank**-_COUNTY_ZIPF_EXPONENT
        weights[code] = (fips, p / p.sum())
    return weights


def _draw(rng: np.random.Generator, weights: dict[str, float], n: int) -> np.ndarray:
    """Draw ``n`` codes with the given relative weights (object array: a pointer per row)."""
    p = np.array(list(weights.values()), dtype=float)
    return np.array(list(weights), dtype=object)[rng.choice(len(p), size=n, p=p / p.sum())]


def _draw_days(rng: np.random.Generator, counts: pd.DataFrame, row: np.ndarray) -> np.ndarray:
    """Draw a day (counted from the first of the window) uniformly within each row's year."""
    year = (counts["year"].to_numpy() - 1970).astype("datetime64[Y]")
    start, end = year.astype("datetime64[D]"), (year + 1).astype("datetime64[D]")
    first, length = (start - _DAY0).astype(int), (end - start).astype(int)
    return first[row] + rng.integers(0, length[row])


def _date_strings(day: np.ndarray) -> np.ndarray:
    """ISO dates of day numbers, formatted once per distinct day."""
    distinct, inverse = np.unique(day, return_inverse=True)
    iso = np.datetime_as_string(_DAY0 + distinct.astype("timedelta64[D]"), unit="D")
    return iso.astype(object)[inverse]


def _ids(prefix: str, n: int, width: int) -> pd.Series:
    """Readable ids numbered from 1 in row order, widened if ``n`` needs more digits."""
    digits = pd.Series(np.arange(1, n + 1)).astype("str").str.zfill(max(width, len(str(n))))
    return prefix + digits


def _frame(kind: str, columns: pd.DataFrame | dict[str, ArrayLike]) -> pd.DataFrame:
    """A contract table of string columns in contract order."""
    return pd.DataFrame({name: pd.array(columns[name], dtype="str") for name in SCHEMA[kind]})


def _signals(counts: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Every signal: the phone calls of ``counts`` plus emails, webforms, texts and chats."""
    calls = counts["calls"].to_numpy()
    per_method = np.column_stack(
        [calls] + [rng.poisson(calls * rate) for rate in _OTHER_METHOD_RATES.values()]
    )
    methods = np.array(["phone", *_OTHER_METHOD_RATES], dtype=object)
    cell = np.repeat(np.arange(per_method.size), per_method.ravel())
    row, method = np.divmod(cell, len(methods))
    territory = counts["territory_index"].to_numpy()[row]
    day = _draw_days(rng, counts, row)
    call_type = _draw(rng, _CALL_TYPE_WEIGHTS, len(cell))
    order = np.lexsort((day, territory))
    return _frame(
        "signals",
        {
            "signal_id": _ids("S", len(order), 7),
            "received_date": _date_strings(day[order]),
            "territory": _CODES[territory[order]],
            "method": methods[method[order]],
            "call_type": call_type[order],
        },
    )


def _synthetic_cases(
    counts: pd.DataFrame, counties: _Counties, rng: np.random.Generator
) -> pd.DataFrame:
    """Drawn cases for every territory and year except the hand-written reference one."""
    n = np.where(counts["reference"], 0, counts["cases"])
    row = np.repeat(np.arange(len(counts)), n)
    territory = counts["territory_index"].to_numpy()[row]
    kind = _draw(rng, _TRAFFICKING_TYPE_WEIGHTS, len(row))
    sex = np.isin(kind, ["sex", "sex_and_labor"])
    labor = np.isin(kind, ["labor", "sex_and_labor"])
    return pd.DataFrame(
        {
            "territory_index": territory,
            "day": _draw_days(rng, counts, row),
            "county_fips": _draw_counties(rng, territory, counties),
            "trafficking_type": kind,
            "sex_venue": np.where(sex, _draw(rng, _SEX_VENUE_WEIGHTS, len(row)), ""),
            "labor_venue": np.where(labor, _draw(rng, _LABOR_VENUE_WEIGHTS, len(row)), ""),
        }
    )


def _draw_counties(
    rng: np.random.Generator, territory: np.ndarray, counties: _Counties
) -> np.ndarray:
    """A county of each case's territory by its weight, or "" for an unknown location."""
    fips = np.full(len(territory), "", dtype="<U5")
    known = rng.random(len(territory)) < _COUNTY_KNOWN_RATE
    for index in np.unique(territory):
        chosen = known & (territory == index)
        options, p = counties[_CODES[index]]
        fips[chosen] = rng.choice(options, size=int(chosen.sum()), p=p)
    return fips


def _synthetic_victims(n_cases: int, rng: np.random.Generator) -> pd.DataFrame:
    """Zero to three drawn victims per case, ``case_row`` pointing at the case's row."""
    per_case = rng.choice(len(_VICTIMS_PER_CASE), size=n_cases, p=_VICTIMS_PER_CASE)
    case_row = np.repeat(np.arange(n_cases), per_case)
    return pd.DataFrame(
        {
            "case_row": case_row,
            "citizenship": _draw(rng, _CITIZENSHIP_WEIGHTS, len(case_row)),
            "gender": _draw(rng, _GENDER_WEIGHTS, len(case_row)),
            "age_group": _draw(rng, _AGE_GROUP_WEIGHTS, len(case_row)),
        }
    )


def _reference_records() -> tuple[pd.DataFrame, pd.DataFrame]:
    """The hand-written U.S. Virgin Islands 2016 cases and their victims."""
    cases = pd.DataFrame(
        _REFERENCE_CASES,
        columns=["date", "county_fips", "trafficking_type", "sex_venue", "labor_venue"],
    )
    cases["day"] = (cases.pop("date").to_numpy().astype("datetime64[D]") - _DAY0).astype(int)
    cases["territory_index"] = int(np.searchsorted(_CODES, _REFERENCE[0]))
    victims = pd.DataFrame(
        _REFERENCE_VICTIMS, columns=["case_row", "citizenship", "gender", "age_group"]
    )
    return cases, victims


def _cases_and_victims(
    counts: pd.DataFrame, counties: _Counties, rng: np.random.Generator
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Drawn and reference cases with their victims, sorted, numbered and linked by case_id."""
    drawn = _synthetic_cases(counts, counties, rng)
    drawn_victims = _synthetic_victims(len(drawn), rng)
    reference, reference_victims = _reference_records()
    reference_victims["case_row"] += len(drawn)
    cases = pd.concat([drawn, reference], ignore_index=True)
    victims = pd.concat([drawn_victims, reference_victims], ignore_index=True)

    order = np.lexsort((cases["day"].to_numpy(), cases["territory_index"].to_numpy()))
    cases = cases.iloc[order].reset_index(drop=True)
    cases["case_id"] = _ids("C", len(cases), 6)
    cases["reported_date"] = _date_strings(cases["day"].to_numpy())
    cases["territory"] = _CODES[cases["territory_index"].to_numpy()]

    position = np.empty_like(order)
    position[order] = np.arange(len(order))
    case_position = position[victims["case_row"].to_numpy()]
    victims = victims.iloc[np.argsort(case_position, kind="stable")].reset_index(drop=True)
    victims["case_id"] = cases["case_id"].array.take(np.sort(case_position))
    victims["victim_id"] = _ids("V", len(victims), 6)
    return _frame("cases", cases), _frame("victims", victims)
