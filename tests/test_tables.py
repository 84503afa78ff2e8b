import pandas as pd

from htprofiles.suppression import SuppressionRule
from htprofiles.tables import SPECS_BY_NAME, count_table, publish_table
from htprofiles.territories import TERRITORIES

VI = TERRITORIES["VI"]


def _cases(venues: dict[str, int], year: int = 2016) -> pd.DataFrame:
    rows = [{"sex_venue": v, "year": year} for v, n in venues.items() for _ in range(n)]
    return pd.DataFrame(rows, columns=["sex_venue", "year"])


def _venues(counts: dict[str, int], rule=SuppressionRule()):
    table = count_table(_cases(counts), SPECS_BY_NAME["sex_trafficking_venues"], VI, 2016,
                        range(2012, 2017))
    return publish_table(table, rule, 2016, 2012)


def test_venue_list_holds_at_most_five_published_largest_first():
    published = _venues({"hotel_motel": 9, "street_based": 3, "online_ad": 12, "pornography": 2,
                         "truck_stop": 4, "escort_service": 5, "private_party": 3})
    assert [(r["category"], r["value"]) for r in published.rows] == [
        ("Online Ad, Venue Unknown", 12), ("Hotel/Motel-Based", 9), ("Escort Services", 5),
        ("Truck Stop-Based", 4), ("Street-Based", 3)]
    assert published.note is None


def test_all_small_venues_give_the_reference_sentence():
    published = _venues({"hotel_motel": 2, "street_based": 1})
    assert published.rows == ()
    assert published.note == "All sex trafficking venues reported fewer than three times."


def test_venue_note_follows_the_threshold():
    published = _venues({"hotel_motel": 4}, SuppressionRule(threshold=5, suppress_zero=False))
    assert published.rows == ()
    assert published.note == "All sex trafficking venues reported fewer than five times."


def test_year_table_covers_the_window_and_withholds_small_years():
    frame = pd.DataFrame({"year": [2012] * 4 + [2014] + [2016] * 3 + [2011] * 7})
    table = count_table(frame, SPECS_BY_NAME["cases_by_year"], VI, 2016, range(2012, 2017))
    published = publish_table(table, SuppressionRule(), 2016, 2012)
    assert published.rows == ({"year": 2012, "value": 4}, {"year": 2013, "value": "<3"},
                              {"year": 2014, "value": "<3"}, {"year": 2015, "value": "<3"},
                              {"year": 2016, "value": 3})
    assert published.title == "Cases per year, 2012-2016"


def test_county_table_lists_every_county_of_the_territory():
    frame = pd.DataFrame({"county_fips": ["78010"] * 3 + ["78030", pd.NA], "year": [2016] * 5})
    table = count_table(frame, SPECS_BY_NAME["cases_by_county"], VI, 2016, range(2012, 2017))
    published = publish_table(table, SuppressionRule(), 2016, 2012)
    assert published.rows == (
        {"fips": "78010", "county": "St. Croix", "value": 3},
        {"fips": "78020", "county": "St. John", "value": "<3"},
        {"fips": "78030", "county": "St. Thomas", "value": "<3"},
    )


def test_call_types_count_phone_signals_of_the_year_only():
    frame = pd.DataFrame({"method": ["phone"] * 4 + ["email"] * 5 + ["phone"] * 3,
                          "call_type": ["tip"] * 12, "year": [2016] * 9 + [2015] * 3})
    table = count_table(frame, SPECS_BY_NAME["call_types"], VI, 2016, range(2012, 2017))
    assert dict(zip(table.keys, table.counts))["tip"] == 4
    assert sum(table.counts) == 4
