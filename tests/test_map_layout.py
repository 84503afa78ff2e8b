"""Map layout: projections, the frames of scattered islands at one scale, and Albers boxes
that the land fills, checked on what Vega draws."""

import json
import re

import altair as alt
import pytest
import vl_convert as vlc

from htprofiles.contract import geo
from htprofiles.contract.territories import TERRITORIES
from htprofiles.rendering import map_layout

SVG_SHAPE = re.compile(r'aria-label="properties\.county: ([^"]*)"[^>]*? d="([^"]*)"')


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


def test_map_projection_rotates_only_alaska():
    assert map_layout.map_projection("AK") == {"type": "albers", "rotate": [154, 0, 0]}
    assert map_layout.map_projection("VI") == {"type": "mercator"}
    assert map_layout.map_projection("GU") == {"type": "mercator"}


def test_virgin_islands_render_three_county_shapes():
    paths = _county_paths("VI", map_layout.map_projection("VI"))
    assert sorted(paths) == ["St. Croix", "St. John", "St. Thomas"]
    for path in paths.values():
        assert path.startswith("M") and path.count("L") >= 5
        assert _x_range(path) > 20


def test_alaska_aleutians_render_in_one_piece():
    # Unrotated Mercator cuts at 180 degrees and throws the western Aleutians across the map.
    assert _x_range(_county_paths("AK", {"type": "mercator"})["Aleutians West"]) > 350
    assert _x_range(_county_paths("AK", map_layout.map_projection("AK"))["Aleutians West"]) < 200


SCATTERED = {
    "VI": ["St. Croix", "St. John and St. Thomas"],
    "AS": ["Eastern and Western", "Manu'a"],
    "MP": ["Northern Islands"] * 5 + ["Rota", "Saipan and Tinian"],
}


def _frames(code: str) -> list[map_layout.Frame]:
    return map_layout.map_frames(geo.territory_features(TERRITORIES[code].fips), code)


@pytest.mark.parametrize("code", sorted(TERRITORIES))
def test_only_scattered_islands_get_frames_of_their_own(code):
    """One frame unless the land leaves most of it empty sea: Hawaii and Alaska stay whole."""
    titles = sorted(frame.title for frame in _frames(code))
    assert titles == SCATTERED.get(code, [""])


@pytest.mark.parametrize("code", sorted(SCATTERED))
def test_each_frame_holds_nearby_land_that_fills_it(code):
    features = geo.territory_features(TERRITORIES[code].fips)
    fill = map_layout.LAND_FILL
    assert map_layout.land_fill(map_layout.island_bounds(features)) < fill  # one frame: sea
    frames = _frames(code)
    for frame in frames:
        assert map_layout.land_fill(map_layout.island_bounds(frame.features)) >= fill
        assert frame.title == " and ".join(f["properties"]["county"] for f in frame.features)
    # Every island is in exactly one frame, unchanged.
    framed = sorted(json.dumps(polygon) for frame in frames for f in frame.features
                    for polygon in geo.polygons_of(f["geometry"]))
    assert framed == sorted(json.dumps(polygon) for f in features
                            for polygon in geo.polygons_of(f["geometry"]))


@pytest.mark.parametrize("code", sorted(SCATTERED))
def test_frames_fit_the_map_box_at_one_scale(code):
    layout = map_layout.arrange_frames(_frames(code), 540, 400)
    sizes = [[frame.size(layout.scale) for frame in row] for row in layout.rows]
    gap, title = map_layout.FRAME_GAP, map_layout.FRAME_TITLE
    assert max(sum(w for w, _ in row) + gap * (len(row) - 1) for row in sizes) <= 540
    assert sum(max(h for _, h in row) + title for row in sizes) \
        + gap * (len(sizes) - 1) <= 400 + len(sizes)  # each row rounds to a pixel
    assert {frame.projection(layout.scale)["scale"] for row in layout.rows for frame in row} \
        == {round(layout.scale, 3)}


def test_frames_get_a_positive_scale_or_a_clear_error():
    """A cut into rows whose margins, gaps and titles overflow the box is left out: in a low box
    the Northern Islands' seven frames share one row, not a column at a negative scale."""
    layout = map_layout.arrange_frames(_frames("MP"), 540, 60)
    assert layout.scale > 0 and [len(row) for row in layout.rows] == [7]
    assert sum(frame.size(layout.scale)[0] for frame in layout.rows[0]) \
        + map_layout.FRAME_GAP * 6 <= 540
    for code, width, height in [("MP", 60, 150), ("VI", 12, 400)]:
        with pytest.raises(ValueError, match="do not fit"):
            map_layout.arrange_frames(_frames(code), width, height)


def test_virgin_islands_keep_their_true_relative_sizes():
    """St. Croix is drawn wider than St. Thomas in the ratio of their true widths."""
    layout = map_layout.arrange_frames(_frames("VI"), 540, 400)
    widths = {}
    for frame in (frame for row in layout.rows for frame in row):
        chart = (alt.Chart(alt.Data(values=list(frame.features))).mark_geoshape()
                 .encode(color="properties.county:N").project(**frame.projection(layout.scale))
                 .properties(width=frame.size(layout.scale)[0],
                             height=frame.size(layout.scale)[1]))
        paths = dict(SVG_SHAPE.findall(vlc.vegalite_to_svg(chart.to_dict())))
        widths |= {county: _x_range(path) for county, path in paths.items()}
    true_widths = {f["properties"]["county"]: map_layout.extent(map_layout.island_bounds([f]))[2]
                   - map_layout.extent(map_layout.island_bounds([f]))[0]
                   for f in geo.territory_features("78")}
    assert widths["St. Croix"] / widths["St. Thomas"] == pytest.approx(
        true_widths["St. Croix"] / true_widths["St. Thomas"], rel=0.02)


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
    projection, aspect = map_layout.albers(features)
    left, top, right, bottom = _drawn_box(features, projection, 300, round(300 * aspect))
    assert right - left == pytest.approx(300, abs=3)
    assert bottom - top == pytest.approx(300 * aspect, abs=3)
