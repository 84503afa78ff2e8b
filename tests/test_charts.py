"""Every kind of chart is valid Vega-Lite: reports render charts without checking the schema."""

from __future__ import annotations

import pytest

from htprofiles import charts
from htprofiles.suppression import COMPLEMENTARY, SuppressionRule
from htprofiles.tables import PublishedTable
from htprofiles.territories import TERRITORIES

RULE = SuppressionRule()

BY_YEAR = PublishedTable("cases_by_year", "Cases by year", "year", (
    {"year": 2015, "value": "<3"}, {"year": 2016, "value": 1323}))
BY_CATEGORY = PublishedTable("call_types", "Calls", "category", (
    {"category": "Crisis", "value": "<3"}, {"category": "Tip", "value": 17},
    {"category": "Referral", "value": COMPLEMENTARY}))
BY_COUNTY = PublishedTable("cases_by_county", "Cases by county", "fips", (
    {"fips": "78010", "county": "St. Croix", "value": "<3"},
    {"fips": "78020", "county": "St. John", "value": COMPLEMENTARY},
    {"fips": "78030", "county": "St. Thomas", "value": 12}))
BY_TERRITORY = PublishedTable("cases", "Cases", "code", (
    {"code": "VI", "value": "<3"}, {"code": "TX", "value": 372}))

CHARTS = {
    "columns by year": lambda: charts.bar_chart(BY_YEAR),
    "bars by category": lambda: charts.bar_chart(BY_CATEGORY),
    "county map": lambda: charts.county_map(BY_COUNTY, TERRITORIES["VI"], RULE),
    "national tile map": lambda: charts.tile_map(BY_TERRITORY, RULE, "Cases"),
}


@pytest.mark.parametrize("kind", CHARTS)
def test_every_kind_of_chart_is_valid_vega_lite(kind):
    chart = CHARTS[kind]()
    chart.to_dict(validate=True)  # raises a SchemaValidationError naming the wrong property
    assert charts.to_svg(chart).startswith("<svg")

