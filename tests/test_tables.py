"""Counting, the publication model of linked tables, and what each report shows of it."""

from __future__ import annotations

import itertools
from functools import partial

import pandas as pd
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from test_suppression import hopeless

from htprofiles.audit import Interval, Line
from htprofiles.errors import DisclosureError
from htprofiles.suppression import COMPLEMENTARY, SuppressionRule
from htprofiles.tables import (
    SPECS_BY_NAME,
    TABLE_SPECS,
    audit_summary,
    count_cells,
    primary_marks,
    publish_territory,
    reader_knowledge,
    report_tables,
    table_cells,
)
from htprofiles.territories import TERRITORIES

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
        {"year": 2016, "value": COMPLEMENTARY})  # 3 cases, all of one type: see below
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

def test_venue_list_holds_at_most_five_published_largest_first():
    venues = {"hotel_motel": 9, "street_based": 3, "online_ad": 12, "pornography": 2,
              "truck_stop": 4, "escort_service": 5, "private_party": 3}
    _, tables = _report(_counts(trafficking_types={"sex": 50}, sex_trafficking_venues=venues))
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
    publication, _ = _report(_counts(trafficking_types={"sex": 60}, sex_trafficking_venues=venues))
    assert publication.ranges[("sex_trafficking_venues", YEAR, "pornography")] == Interval(0, 4)
    assert publication.ranges[("sex_trafficking_venues", YEAR, "other")] == Interval(0, 4)


# Lines and complementary suppression across linked tables

def test_totals_follow_the_input_contract():
    assert SPECS_BY_NAME["trafficking_types"].exact
    assert SPECS_BY_NAME["signal_methods"].exact
    assert SPECS_BY_NAME["call_types"].exact
    assert not SPECS_BY_NAME["cases_by_county"].exact  # a case may have no known county
    assert not SPECS_BY_NAME["sex_trafficking_venues"].exact


def test_reader_knowledge_links_the_tables_of_a_year():
    counts = _counts(trafficking_types={"sex": 5}, call_types={"tip": 4})
    marks = {cell: RULE.publish(n) for cell, n in counts.items()}
    lines = {(line.total, line.exact): line for line in reader_knowledge(marks, VI, YEAR,
                                                                          RULE).lines}
    calls = lines[(("signal_methods", YEAR, "phone"), True)]
    assert calls.parts == tuple(table_cells(SPECS_BY_NAME["call_types"], VI, YEAR))
    assert (("cases_by_year", YEAR, YEAR), False) in lines
    assert isinstance(lines[(("signals_by_year", YEAR, YEAR), True)], Line)


def test_a_lone_small_type_gets_the_smallest_type_as_partner():
    publication, tables = _report(_counts(trafficking_types={"sex": 10, "labor": 2,
                                                             "sex_and_labor": 4,
                                                             "not_specified": 6}))
    assert _values(tables["trafficking_types"]) == {
        "Sex": 10, "Labor": "<3", "Sex and Labor": COMPLEMENTARY, "Not Specified": 6}
    assert tables["trafficking_types"].footnote == (
        "Withheld to protect other small counts; each such count is 3 or more.")
    assert tables["cases_by_year"].footnote is None
    assert publication.ranges[("trafficking_types", YEAR, "labor")] == Interval(0, 2)


def test_a_total_equal_to_the_threshold_is_withheld_with_its_only_part():
    _, tables = _report(_counts(trafficking_types={"sex": 3}))
    assert _values(tables["trafficking_types"])["Sex"] == COMPLEMENTARY
    assert _values(tables["cases_by_year"]) == {YEAR: COMPLEMENTARY}


def test_a_venue_list_that_accounts_for_every_case_is_protected():
    # 4 cases, all at hotels: the list would tell that no other venue had a case.
    _, tables = _report(_counts(trafficking_types={"sex": 4},
                                sex_trafficking_venues={"hotel_motel": 4}))
    venues = tables["sex_trafficking_venues"]
    assert venues.rows == ({"category": "Hotel/Motel-Based", "value": COMPLEMENTARY},)
    assert venues.note is None and venues.footnote


def test_a_small_call_type_is_protected_through_the_phone_total():
    _, tables = _report(_counts(call_types={"crisis": 1, "tip": 5, "referral": 4,
                                            "general_information": 6,
                                            "training_technical_assistance": 3,
                                            "high_risk": 7, "non_substantive": 8},
                                signal_methods={"email": 4}))
    calls = _values(tables["call_types"])
    assert calls["Crisis"] == "<3" and calls["Training & Technical Assistance"] == COMPLEMENTARY


def test_the_audit_summary_carries_ranges_and_no_count():
    counts = _counts(trafficking_types={"sex": 10, "labor": 2, "sex_and_labor": 4,
                                        "not_specified": 6})
    publication, _ = _report(counts)
    summary = audit_summary(publication, YEAR, YEAR)
    types = summary["tables"]["trafficking_types"]
    assert types == {"withheld": 2, "cells": [{"category": "Labor", "min": 0, "max": 2},
                                              {"category": "Sex and Labor", "min": 4, "max": 6}]}
    assert summary["fewest_possible_values"] == 3
    assert summary["withheld"] == sum(t["withheld"] for t in summary["tables"].values())


# Property: random linked tables of a year are always protected.

@st.composite
def year_counts(draw) -> dict:
    small = st.integers(0, 6)
    types = {k: draw(small) for k in ("sex", "labor", "sex_and_labor", "not_specified")}
    cases = sum(types.values())
    counties = _below(draw, cases, ("78010", "78020", "78030"))
    sex = _below(draw, cases, ("hotel_motel", "street_based", "online_ad", "truck_stop"))
    calls = {k: draw(small) for k in ("crisis", "tip", "referral", "high_risk")}
    methods = {"email": draw(small), "text": draw(small), "chat": draw(small)}
    return _counts(trafficking_types=types, cases_by_county=counties,
                   sex_trafficking_venues=sex, call_types=calls, signal_methods=methods)


def _below(draw, total: int, keys: tuple[str, ...]) -> dict:
    """Counts over ``keys`` adding up to at most ``total``."""
    values, left = {}, total
    for key in keys:
        values[key] = draw(st.integers(0, left))
        left -= values[key]
    return values


@settings(max_examples=100, deadline=None)
@given(counts=year_counts(),
       rule=st.sampled_from([RULE, SuppressionRule(4), SuppressionRule(3, False)]))
def test_every_withheld_cell_of_linked_tables_keeps_two_values(counts, rule):
    try:
        publication = publish_territory(counts, VI, range(YEAR, YEAR + 1), rule)
    except DisclosureError:
        assert hopeless(primary_marks(counts, VI, YEAR, rule),
                        partial(reader_knowledge, territory=VI, year=YEAR, rule=rule), rule)
        return
    for cell, found in publication.ranges.items():
        assert not found.single, cell
        assert found.low <= counts[cell] and (found.high is None or counts[cell] <= found.high)


@settings(max_examples=60, deadline=None)
@given(counts=year_counts(), data=st.data())
def test_swapping_two_withheld_counts_publishes_the_same(counts, data):
    withheld = [cell for cell, n in counts.items() if RULE.withholds(n)]
    pairs = [(a, b) for a, b in itertools.combinations(withheld, 2)
             if a[:2] == b[:2] and counts[a] != counts[b]]  # same table and year: same totals
    assume(pairs)
    a, b = data.draw(st.sampled_from(pairs))
    one, two = (publish_territory(c, VI, range(YEAR, YEAR + 1), RULE)
                for c in (counts, counts | {a: counts[b], b: counts[a]}))
    assert report_tables(one, YEAR, YEAR) == report_tables(two, YEAR, YEAR)
    assert audit_summary(one, YEAR, YEAR) == audit_summary(two, YEAR, YEAR)
