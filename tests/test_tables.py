"""Counting, and the published tables each report shows of a year's protection."""

from __future__ import annotations

import pandas as pd

from htprofiles.contract.suppression import COMPLEMENTARY, SuppressionRule
from htprofiles.contract.territories import TERRITORIES
from htprofiles.publication.audit import Interval
from htprofiles.publication.catalogue import SPECS_BY_NAME, TABLE_SPECS, count_cells, table_cells
from htprofiles.publication.tables import audit_summary, publish_territory, report_tables

VI = TERRITORIES["VI"]
YEAR = 2016
RULE = SuppressionRule()


def _counts(year: int = YEAR, **tables: dict) -> dict:
    """Every VI cell of ``year`` at zero but those given, with consistent totals.

    ``tables`` maps a table name to {key: count}; the per-year totals are the sums of
    trafficking types and signal methods, and the phone signals the sum of call types.
    """
    counts = {cell: 0 for spec in TABLE_SPECS for cell in table_cells(spec, VI, year)}
    for name, values in tables.items():
        counts |= {(name, year, key): n for key, n in values.items()}
    if "call_types" in tables:
        counts[("signal_methods", year, "phone")] = sum(tables["call_types"].values())
    for total, parts in (("cases_by_year", "trafficking_types"),
                         ("signals_by_year", "signal_methods")):
        counts[(total, year, year)] = sum(n for (name, y, _), n in counts.items()
                                          if name == parts and y == year)
    return counts


def _report(counts: dict, rule=RULE, years=range(YEAR, YEAR + 1)):
    publication = publish_territory(counts, VI, years, rule)
    return publication, report_tables(publication, years[-1], years[0])


def _values(table) -> dict:
    return {row.get("category", row.get("fips", row.get("year"))): row["value"]
            for row in table.rows}


COLUMNS = {"cases": ["year", "county_fips", "trafficking_type", "sex_venue", "labor_venue"],
           "signals": ["year", "method", "call_type"],
           "victims": ["year", "citizenship", "gender", "age_group"]}


def _frames(**records: list[dict]) -> dict[str, pd.DataFrame]:
    """Record tables with the columns counting reads; absent tables are empty."""
    return {name: pd.DataFrame(records.get(name, []), columns=columns)
            for name, columns in COLUMNS.items()}


# Counting

def test_call_types_count_phone_signals_of_the_year_only():
    signals = ([{"year": 2016, "method": "phone", "call_type": "tip"}] * 4
               + [{"year": 2016, "method": "email", "call_type": "tip"}] * 5
               + [{"year": 2015, "method": "phone", "call_type": "tip"}] * 3)
    counts = count_cells(_frames(signals=signals), VI, range(2016, 2017))
    assert counts[("call_types", 2016, "tip")] == 4
    assert sum(n for (name, _, _), n in counts.items() if name == "call_types") == 4
    assert counts[("signals_by_year", 2016, 2016)] == 9


def test_year_table_covers_the_window_and_withholds_small_years():
    cases = [{"year": y, "trafficking_type": "sex"}
             for y in [2012] * 4 + [2014] + [2016] * 3 + [2011] * 7]
    years = range(2012, 2017)
    _, tables = _report(count_cells(_frames(cases=cases), VI, years), years=years)
    assert tables["cases_by_year"].rows == (
        {"year": 2012, "value": 4}, {"year": 2013, "value": "<3"},
        {"year": 2014, "value": "<3"}, {"year": 2015, "value": "<3"},
        {"year": 2016, "value": 3})
    assert tables["cases_by_year"].title == "Cases per year, 2012-2016"


def test_empty_counties_and_venues_are_not_counted():
    cases = [{"year": 2016, "trafficking_type": "sex", "county_fips": fips, "sex_venue": venue}
             for fips, venue in [("78010", "hotel_motel"), (pd.NA, pd.NA), ("78010", pd.NA)]]
    counts = count_cells(_frames(cases=cases), VI, range(2016, 2017))
    assert counts[("cases_by_county", 2016, "78010")] == 2
    assert sum(n for (name, _, _), n in counts.items() if name == "cases_by_county") == 2
    assert sum(n for (name, _, _), n in counts.items() if name == "sex_trafficking_venues") == 1


def test_county_table_lists_every_county_of_the_territory():
    _, tables = _report(_counts(trafficking_types={"sex": 5},
                                cases_by_county={"78010": 3, "78030": 1}))
    assert tables["cases_by_county"].rows == (
        {"fips": "78010", "county": "St. Croix", "value": 3},
        {"fips": "78020", "county": "St. John", "value": "<3"},
        {"fips": "78030", "county": "St. Thomas", "value": "<3"},
    )


# Top lists

MIXED = {"sex": 50, "labor": 10, "sex_and_labor": 5, "not_specified": 6}
"""Cases of every type: a venue list is drawn up in full only when every type is published."""

def test_venue_list_holds_at_most_five_published_largest_first():
    venues = {"hotel_motel": 9, "street_based": 3, "online_ad": 12, "pornography": 2,
              "truck_stop": 4, "escort_service": 5, "private_party": 3}
    _, tables = _report(_counts(trafficking_types=MIXED, sex_trafficking_venues=venues))
    published = tables["sex_trafficking_venues"]
    assert [(r["category"], r["value"]) for r in published.rows] == [
        ("Online Ad, Venue Unknown", 12), ("Hotel/Motel-Based", 9), ("Escort Services", 5),
        ("Truck Stop-Based", 4), ("Street-Based", 3)]
    assert published.note is None


def test_all_small_venues_give_the_reference_sentence():
    _, tables = _report(_counts(trafficking_types={"sex": 5},
                                sex_trafficking_venues={"hotel_motel": 2, "street_based": 1}))
    assert tables["sex_trafficking_venues"].rows == ()
    assert (tables["sex_trafficking_venues"].note
            == "All sex trafficking venues reported fewer than three times.")


def test_venue_note_follows_the_threshold():
    rule = SuppressionRule(threshold=5, suppress_zero=False)
    _, tables = _report(_counts(trafficking_types={"sex": 9},
                                sex_trafficking_venues={"hotel_motel": 4}), rule)
    assert tables["sex_trafficking_venues"].rows == ()
    assert (tables["sex_trafficking_venues"].note
            == "All sex trafficking venues reported fewer than five times.")


def test_a_full_list_bounds_the_left_out_categories_by_its_smallest_count():
    venues = {"hotel_motel": 9, "online_ad": 12, "truck_stop": 4, "escort_service": 5,
              "street_based": 6, "pornography": 4}
    publication, _ = _report(_counts(trafficking_types=MIXED, sex_trafficking_venues=venues))
    ranges = publication.years[YEAR].ranges
    assert ranges[("sex_trafficking_venues", YEAR, "pornography")] == Interval(0, 4)
    assert ranges[("sex_trafficking_venues", YEAR, "other")] == Interval(0, 4)


# Lines and protection across linked tables

def test_totals_follow_the_input_contract():
    assert SPECS_BY_NAME["trafficking_types"].exact
    assert SPECS_BY_NAME["signal_methods"].exact
    assert SPECS_BY_NAME["call_types"].exact
    assert not SPECS_BY_NAME["cases_by_county"].exact  # a case may have no known county
    assert not SPECS_BY_NAME["sex_trafficking_venues"].exact


def test_a_lone_small_type_is_protected_by_the_first_type_in_complement_order():
    publication, tables = _report(_counts(trafficking_types={"sex": 10, "labor": 2,
                                                             "sex_and_labor": 4,
                                                             "not_specified": 6}))
    assert _values(tables["trafficking_types"]) == {
        "Sex": COMPLEMENTARY, "Labor": "<3", "Sex and Labor": 4, "Not Specified": 6}
    assert tables["trafficking_types"].footnote == (
        "Withheld to protect other small counts; each such count is 3 or more.")
    assert tables["cases_by_year"].footnote is None
    ranges = publication.years[YEAR].ranges
    assert ranges[("trafficking_types", YEAR, "labor")] == Interval(0, 2)
    assert ranges[("trafficking_types", YEAR, "sex")] == Interval(10, 12)


def test_a_table_too_small_for_its_small_counts_is_not_shown():
    """Three cases over four types: whatever the split, a reader could narrow it down."""
    _, tables = _report(_counts(trafficking_types={"sex": 3}))
    assert _values(tables["cases_by_year"]) == {YEAR: 3}
    assert tables["trafficking_types"].rows == ()
    assert tables["trafficking_types"].note == (
        "Not shown for 2016: too few to show without revealing counts below 3.")


def test_a_venue_list_is_not_shown_where_it_would_tell_the_types_of_case():
    # 4 cases, all sex trafficking at hotels: listing the hotels tells that 3 or more of the
    # cases (whose types are not shown) are sex trafficking.
    _, tables = _report(_counts(trafficking_types={"sex": 4},
                                sex_trafficking_venues={"hotel_motel": 4}))
    assert tables["trafficking_types"].rows == ()
    assert tables["sex_trafficking_venues"].rows == ()
    assert tables["sex_trafficking_venues"].note.startswith("Not shown for 2016")


def test_a_small_call_type_is_protected_within_the_call_types():
    _, tables = _report(_counts(call_types={"crisis": 1, "tip": 5, "referral": 4,
                                            "general_information": 6,
                                            "training_technical_assistance": 3,
                                            "high_risk": 7, "non_substantive": 8},
                                signal_methods={"email": 4}))
    calls = _values(tables["call_types"])
    assert calls["Crisis"] == "<3" and calls["Tip"] == COMPLEMENTARY
    assert sum(value == COMPLEMENTARY for value in calls.values()) == 1
    methods = _values(tables["signal_methods"])
    assert methods["Phone"] == 34 and methods["Email"] == COMPLEMENTARY


def test_the_audit_summary_carries_the_guarantee_and_no_count_or_range():
    counts = _counts(trafficking_types={"sex": 10, "labor": 2, "sex_and_labor": 4,
                                        "not_specified": 6})
    _, tables = _report(counts)
    summary = audit_summary(tables)
    assert summary["guarantee"] == "each withheld count keeps at least two possible values"
    assert summary["withheld"] == sum(isinstance(value, str) for table in tables.values()
                                      for value in table.values())
    assert not any(str(n) in summary["method"] for n in range(10))
