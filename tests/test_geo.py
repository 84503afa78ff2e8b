import json
import re

import altair as alt
import pytest
import vl_convert as vlc

from htprofiles.contract import geo
from htprofiles.contract.territories import TERRITORIES

ALL_FIPS = sorted(t.fips for t in TERRITORIES.values())
SVG_SHAPE = re.compile(r'aria-label="properties\.county: ([^"]*)"[^>]*? d="([^"]*)"')


def _rings(feature: dict) -> list[list[list[float]]]:
    geometry = feature["geometry"]
    polygons = geometry["coordinates"]
    if geometry["type"] == "Polygon":
        polygons = [polygons]
    return [ring for polygon in polygons for ring in polygon]


def _points(features: list[dict]) -> list[list[float]]:
    return [point for feature in features for ring in _rings(feature) for point in ring]


def _county_paths(code: str, projection: dict) -> dict[str, str]:
    """Render a territory the way reports do and return each county's SVG path data."""
    features = geo.territory_features(TERRITORIES[code].fips)
    chart = (
        alt.Chart(alt.Data(values=features))
        .mark_geoshape(stroke="white")
        .encode(color="properties.county:N")
        .project(**projection)
        .properties(width=400, height=300)
    )
    return dict(SVG_SHAPE.findall(vlc.vegalite_to_svg(chart.to_dict())))


def _x_range(path: str) -> float:
    xs = [float(x) for x in re.findall(r"(-?[\d.]+),-?[\d.]+", path)]
    return max(xs) - min(xs)


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


def test_map_projection_rotates_only_alaska():
    assert geo.map_projection("AK") == {"type": "albers", "rotate": [154, 0, 0]}
    assert geo.map_projection("VI") == {"type": "mercator"}
    assert geo.map_projection("GU") == {"type": "mercator"}


def test_virgin_islands_render_three_county_shapes():
    paths = _county_paths("VI", geo.map_projection("VI"))
    assert sorted(paths) == ["St. Croix", "St. John", "St. Thomas"]
    for path in paths.values():
        assert path.startswith("M") and path.count("L") >= 5
        assert _x_range(path) > 20


def test_alaska_aleutians_render_in_one_piece():
    # Unrotated Mercator cuts at 180 degrees and throws the western Aleutians across the map.
    assert _x_range(_county_paths("AK", {"type": "mercator"})["Aleutians West"]) > 350
    assert _x_range(_county_paths("AK", geo.map_projection("AK"))["Aleutians West"]) < 200


SCATTERED = {
    "VI": ["St. Croix", "St. John and St. Thomas"],
    "AS": ["Eastern and Western", "Manu'a"],
    "MP": ["Northern Islands"] * 5 + ["Rota", "Saipan and Tinian"],
}


def _frames(code: str) -> list[geo.Frame]:
    return geo.map_frames(geo.territory_features(TERRITORIES[code].fips), code)


def _island_bounds(features) -> list[tuple]:
    return [geo._mercator_bounds(polygon[0]) for f in features
            for polygon in geo._polygon_list(f["geometry"])]


@pytest.mark.parametrize("code", sorted(TERRITORIES))
def test_only_scattered_islands_get_frames_of_their_own(code):
    """One frame unless the land leaves most of it empty sea: Hawaii and Alaska stay whole."""
    titles = sorted(frame.title for frame in _frames(code))
    assert titles == SCATTERED.get(code, [""])


@pytest.mark.parametrize("code", sorted(SCATTERED))
def test_each_frame_holds_nearby_land_that_fills_it(code):
    features = geo.territory_features(TERRITORIES[code].fips)
    assert geo.land_fill(_island_bounds(features)) < geo.LAND_FILL  # one frame would be sea
    frames = _frames(code)
    for frame in frames:
        assert geo.land_fill(_island_bounds(frame.features)) >= geo.LAND_FILL
        assert frame.title == " and ".join(f["properties"]["county"] for f in frame.features)
    # Every island is in exactly one frame, unchanged.
    framed = sorted(json.dumps(polygon) for frame in frames for f in frame.features
                    for polygon in geo._polygon_list(f["geometry"]))
    assert framed == sorted(json.dumps(polygon) for f in features
                            for polygon in geo._polygon_list(f["geometry"]))


@pytest.mark.parametrize("code", sorted(SCATTERED))
def test_frames_fit_the_map_box_at_one_scale(code):
    layout = geo.arrange_frames(_frames(code), 540, 400)
    sizes = [[frame.size(layout.scale) for frame in row] for row in layout.rows]
    assert max(sum(w for w, _ in row) + geo.FRAME_GAP * (len(row) - 1) for row in sizes) <= 540
    assert sum(max(h for _, h in row) + geo.FRAME_TITLE for row in sizes) \
        + geo.FRAME_GAP * (len(sizes) - 1) <= 400 + len(sizes)  # each row rounds to a pixel
    assert {frame.projection(layout.scale)["scale"] for row in layout.rows for frame in row} \
        == {round(layout.scale, 3)}


def test_frames_get_a_positive_scale_or_a_clear_error():
    """A cut into rows whose margins, gaps and titles overflow the box is left out: in a low box
    the Northern Islands' seven frames share one row, not a column at a negative scale."""
    layout = geo.arrange_frames(_frames("MP"), 540, 60)
    assert layout.scale > 0 and [len(row) for row in layout.rows] == [7]
    assert sum(frame.size(layout.scale)[0] for frame in layout.rows[0]) \
        + geo.FRAME_GAP * 6 <= 540
    for code, width, height in [("MP", 60, 150), ("VI", 12, 400)]:
        with pytest.raises(ValueError, match="do not fit"):
            geo.arrange_frames(_frames(code), width, height)


def test_virgin_islands_keep_their_true_relative_sizes():
    """St. Croix is drawn wider than St. Thomas in the ratio of their true widths."""
    layout = geo.arrange_frames(_frames("VI"), 540, 400)
    widths = {}
    for frame in (frame for row in layout.rows for frame in row):
        chart = (alt.Chart(alt.Data(values=list(frame.features))).mark_geoshape()
                 .encode(color="properties.county:N").project(**frame.projection(layout.scale))
                 .properties(width=frame.size(layout.scale)[0],
                             height=frame.size(layout.scale)[1]))
        paths = dict(SVG_SHAPE.findall(vlc.vegalite_to_svg(chart.to_dict())))
        widths |= {county: _x_range(path) for county, path in paths.items()}
    true_widths = {f["properties"]["county"]: geo._extent(_island_bounds([f]))[2]
                   - geo._extent(_island_bounds([f]))[0]
                   for f in geo.territory_features("78")}
    assert widths["St. Croix"] / widths["St. Thomas"] == pytest.approx(
        true_widths["St. Croix"] / true_widths["St. Thomas"], rel=0.02)


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


def _drawn_box(features: list[dict], projection: dict, width: int, height: int) -> list[float]:
    """Left, top, right and bottom of the land Vega draws in a box of this size."""
    chart = (alt.Chart(alt.Data(values=features)).mark_geoshape()
             .project(**projection).properties(width=width, height=height))
    svg = vlc.vegalite_to_svg(chart.to_dict())
    points = [(float(x), float(y)) for d in re.findall(r'<path (?!class=)[^>]*? d="([^"]*)"', svg)
              for x, y in re.findall(r"(-?[\d.]+),(-?[\d.]+)", d)]
    xs, ys = [x for x, _ in points], [y for _, y in points]
    return [min(xs), min(ys), max(xs), max(ys)]


@pytest.mark.parametrize("codes", [["AK"], ["HI"], ["PR"], ["ME", "NH", "VT", "MA", "CT", "RI"],
                                   sorted(geo.contiguous_codes())], ids=lambda c: c[0])
def test_albers_aspect_is_the_shape_vega_draws(codes):
    """A box of the aspect albers() gives is filled edge to edge: no band of empty map."""
    features = geo.state_features(codes)
    projection, aspect = geo.albers(features)
    left, top, right, bottom = _drawn_box(features, projection, 300, round(300 * aspect))
    assert right - left == pytest.approx(300, abs=3)
    assert bottom - top == pytest.approx(300 * aspect, abs=3)
