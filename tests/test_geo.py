import json

import pytest

from htprofiles.contract import geo
from htprofiles.contract.territories import TERRITORIES

ALL_FIPS = sorted(t.fips for t in TERRITORIES.values())


def _rings(feature: dict) -> list[list[list[float]]]:
    geometry = feature["geometry"]
    polygons = geometry["coordinates"]
    if geometry["type"] == "Polygon":
        polygons = [polygons]
    return [ring for polygon in polygons for ring in polygon]


def _points(features: list[dict]) -> list[list[float]]:
    return [point for feature in features for ring in _rings(feature) for point in ring]


def test_registry_has_the_56_atlas_codes():
    assert len(ALL_FIPS) == 56


@pytest.mark.parametrize("fips", ALL_FIPS)
def test_every_county_has_a_feature_with_closed_rings(fips):
    features = geo.territory_features(fips)
    assert [f["id"] for f in features] == list(geo.county_names(fips))
    for feature in features:
        assert feature["type"] == "Feature"
        assert feature["properties"] == {
            "fips": feature["id"],
            "county": geo.county_names(fips)[feature["id"]],
        }
        for ring in _rings(feature):
            assert len(ring) >= 4
            assert ring[0] == ring[-1]
            assert all(a != b for a, b in zip(ring, ring[1:], strict=False))


def test_virgin_islands_counties_are_in_the_caribbean():
    features = geo.territory_features("78")
    assert [(f["id"], f["properties"]["county"]) for f in features] == [
        ("78010", "St. Croix"),
        ("78020", "St. John"),
        ("78030", "St. Thomas"),
    ]
    for feature in features:
        lons, lats = zip(*_points([feature]), strict=True)
        assert -65.1 <= min(lons) < max(lons) <= -64.5
        assert 17.6 <= min(lats) < max(lats) <= 18.5


def test_alaska_is_contiguous_across_the_antimeridian():
    lons = [lon for lon, _ in _points(geo.territory_features("02"))]
    assert min(lons) < -180  # the western Aleutians, shifted from about +172
    assert max(lons) - min(lons) < 60


def test_eastern_hemisphere_territories_are_not_shifted():
    lons = [lon for lon, _ in _points(geo.territory_features("66"))]
    assert 144 < min(lons) < max(lons) < 146


def test_coordinates_are_rounded_to_four_decimals():
    assert all(round(v, 4) == v for point in _points(geo.territory_features("15")) for v in point)


def test_zero_area_county_keeps_an_empty_feature():
    (falls_church,) = [f for f in geo.territory_features("51") if f["id"] == "51610"]
    assert falls_church["geometry"] == {"type": "MultiPolygon", "coordinates": []}


def test_decoding_is_deterministic():
    first = json.dumps(geo.territory_features("02"), sort_keys=True)
    geo._arc.cache_clear()
    assert json.dumps(geo.territory_features("02"), sort_keys=True) == first


def test_unknown_fips_gives_no_features():
    assert geo.territory_features("99") == []


# States and territories as whole shapes, for maps of several members.

FAR = {"AK", "HI", "PR", "VI", "GU", "AS", "MP"}


def test_state_features_name_every_territory_with_closed_rings():
    features = geo.state_features(list(TERRITORIES))
    assert [f["id"] for f in features] == list(TERRITORIES)
    for feature, territory in zip(features, TERRITORIES.values(), strict=True):
        assert feature["properties"] == {"code": territory.code, "name": territory.name}
        assert _rings(feature)
        for ring in _rings(feature):
            assert len(ring) >= 4 and ring[0] == ring[-1]


def test_alaska_state_is_contiguous_across_the_antimeridian():
    (alaska,) = geo.state_features(["AK"])
    lons = [lon for lon, _ in _points([alaska])]
    assert min(lons) < -180 and max(lons) - min(lons) < 60
    (guam,) = geo.state_features(["GU"])
    assert all(144 < lon < 146 for lon, _ in _points([guam]))


def test_contiguous_states_are_those_sharing_a_border():
    assert set(TERRITORIES) - geo.contiguous_codes() == FAR
    assert len(geo.contiguous_codes()) == 49  # the contiguous 48 and DC


@pytest.mark.parametrize("fips", ["78", "66", "60", "69"])
def test_island_territories_are_drawn_with_fine_shorelines_of_their_own_islands(fips):
    """The atlas draws the islands with a few points each; their counties get GSHHG's
    shorelines, near the atlas's shapes (no British Virgin Island, no reef far off)."""
    coarse = {f["id"]: f for f in geo.territory_features(fips, refined=False)}
    fine = geo.territory_features(fips)
    assert [f["id"] for f in fine] == list(coarse)

    def points(feature):
        return [point for polygon in geo.polygons_of(feature["geometry"])
                for ring in polygon for point in ring]

    for feature in fine:
        assert len(points(feature)) > 4 * len(points(coarse[feature["id"]]))
        lons, lats = zip(*points(coarse[feature["id"]]), strict=True)
        for lon, lat in points(feature):
            assert min(lons) - 0.1 < lon < max(lons) + 0.1
            assert min(lats) - 0.1 < lat < max(lats) + 0.1
