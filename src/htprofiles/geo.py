"""County geography from the vendored us-atlas TopoJSON."""

from __future__ import annotations

import json
import math
from functools import cache
from importlib import resources

_Point = tuple[float, float]
_Ring = list[_Point]

_DECIMALS = 4  # about 10 m: far finer than the atlas quantization, keeps the SVG small


@cache
def _atlas() -> dict:
    return json.loads(resources.files("htprofiles.atlas").joinpath("counties-10m.json").read_text())


@cache
def county_names(state_fips: str) -> dict[str, str]:
    """Map each county FIPS of one territory (by its 2-digit FIPS) to its name, sorted by FIPS."""
    geometries = _atlas()["objects"]["counties"]["geometries"]
    return {
        g["id"]: g["properties"]["name"]
        for g in sorted(geometries, key=lambda g: g["id"])
        if g["id"][:2] == state_fips
    }


@cache
def _arc(index: int) -> tuple[_Point, ...]:
    """Decode one quantized, delta-encoded arc to lon/lat, cached so shared borders decode once."""
    transform = _atlas()["transform"]
    (sx, sy), (tx, ty) = transform["scale"], transform["translate"]
    x = y = 0
    points = []
    for dx, dy in _atlas()["arcs"][index]:
        x, y = x + dx, y + dy
        points.append((x * sx + tx, y * sy + ty))
    return tuple(points)


def _ring(arc_indexes: list[int]) -> _Ring:
    """Join arcs into one ring; ~i is arc i reversed and each arc repeats the previous end point."""
    ring: _Ring = []
    for index in arc_indexes:
        points = _arc(index) if index >= 0 else _arc(~index)[::-1]
        ring.extend(points[1:] if ring else points)
    return ring


def _polygons(geometry: dict) -> list[list[_Ring]]:
    """Decode a Polygon or MultiPolygon as a list of polygons, each a list of rings."""
    arcs = geometry["arcs"] if geometry["type"] == "MultiPolygon" else [geometry["arcs"]]
    return [[_ring(ring) for ring in polygon] for polygon in arcs]


def _straddles_antimeridian(shapes: list[list[list[_Ring]]]) -> bool:
    """Tell whether a territory spans more than half the globe in longitude, i.e. wraps at 180."""
    lons = [lon for polygons in shapes for polygon in polygons for lon, _ in polygon[0]]
    return bool(lons) and max(lons) - min(lons) > 180


def _shift_west(polygons: list[list[_Ring]]) -> list[list[_Ring]]:
    """Move eastern longitudes by -360 so the Aleutians sit next to mainland Alaska.

    Bounding boxes and other planar uses then see one contiguous territory. Vega projects on the
    sphere, so on a map only the rotation from `map_projection` keeps Alaska in one piece.
    """
    return [
        [[(lon - 360 if lon > 0 else lon, lat) for lon, lat in ring] for ring in polygon]
        for polygon in polygons
    ]


def _rounded(ring: _Ring) -> list[list[float]]:
    """Round a ring to a few decimals and drop the consecutive duplicates that rounding creates."""
    out: list[list[float]] = []
    for lon, lat in ring:
        point = [round(lon, _DECIMALS), round(lat, _DECIMALS)]
        if point != (out[-1] if out else None):
            out.append(point)
    return out


def _cleaned(polygon: list[_Ring]) -> list[list[list[float]]]:
    """Round a polygon's rings, dropping rings that quantization collapsed to under 4 points.

    Such slivers have no area and are not valid GeoJSON rings; a polygon whose exterior collapsed
    goes entirely (its holes would otherwise become exteriors).
    """
    rings = [_rounded(ring) for ring in polygon]
    if len(rings[0]) < 4:
        return []
    return [ring for ring in rings if len(ring) >= 4]


def _geometry(polygons: list[list[_Ring]]) -> dict:
    """Build a GeoJSON Polygon (one part) or MultiPolygon from decoded rings."""
    coordinates = [cleaned for cleaned in map(_cleaned, polygons) if cleaned]
    if len(coordinates) == 1:
        return {"type": "Polygon", "coordinates": coordinates[0]}
    return {"type": "MultiPolygon", "coordinates": coordinates}


def territory_features(state_fips: str) -> list[dict]:
    """Cut one territory's counties out of the atlas as GeoJSON Features, sorted by FIPS.

    Parameters
    ----------
    state_fips
        The territory's 2-digit FIPS code, e.g. ``"78"`` for the U.S. Virgin Islands.

    Returns
    -------
    list of dict
        One ``Feature`` per county with ``id`` and ``properties`` ``fips`` and ``county``; ready
        for ``alt.Data(values=...)`` and ``mark_geoshape``. Empty for an unknown FIPS code. A
        county the atlas keeps only as a zero-area sliver (Falls Church, VA, 51610) still gets a
        feature, with an empty MultiPolygon, so joins on FIPS never lose a row.
    """
    geometries = sorted(
        (g for g in _atlas()["objects"]["counties"]["geometries"] if g["id"][:2] == state_fips),
        key=lambda g: g["id"],
    )
    shapes = [_polygons(g) for g in geometries]
    if _straddles_antimeridian(shapes):
        shapes = [_shift_west(polygons) for polygons in shapes]
    return [
        {
            "type": "Feature",
            "id": g["id"],
            "properties": {"fips": g["id"], "county": g["properties"]["name"]},
            "geometry": _geometry(polygons),
        }
        for g, polygons in zip(geometries, shapes, strict=True)
    ]


def map_projection(territory_code: str) -> dict:
    """Choose the Vega-Lite projection for a territory's county map.

    Mercator keeps small territories and islands recognisable. Alaska gets an equal-area Albers
    centred on 154 degrees west: an unrotated projection cuts the Aleutians at 180 degrees and
    throws them across the map (Vega's ``rotate`` adds its first angle to every longitude, so
    ``154`` brings 154 W to the centre).

    Parameters
    ----------
    territory_code
        USPS code, e.g. ``"AK"``.

    Returns
    -------
    dict
        Keyword arguments for ``alt.Chart.project``.
    """
    if territory_code == "AK":
        return {"type": "albers", "rotate": [154, 0, 0]}
    return {"type": "mercator"}


_TILES = """
AK 0 0|ME 0 11|VT 1 10|NH 1 11
WA 2 1|ID 2 2|MT 2 3|ND 2 4|MN 2 5|IL 2 6|WI 2 7|MI 2 8|NY 2 9|RI 2 10|MA 2 11
OR 3 1|NV 3 2|WY 3 3|SD 3 4|IA 3 5|IN 3 6|OH 3 7|PA 3 8|NJ 3 9|CT 3 10
CA 4 1|UT 4 2|CO 4 3|NE 4 4|MO 4 5|KY 4 6|WV 4 7|VA 4 8|MD 4 9|DE 4 10
AZ 5 2|NM 5 3|KS 5 4|AR 5 5|TN 5 6|NC 5 7|SC 5 8|DC 5 9
OK 6 4|LA 6 5|MS 6 6|AL 6 7|GA 6 8
HI 7 0|TX 7 4|FL 7 9
AS 8 0|GU 8 1|MP 8 2|PR 8 9|VI 8 10
"""
TILE_GRID: dict[str, tuple[int, int]] = {
    code: (int(row), int(col))
    for code, row, col in (tile.split() for tile in _TILES.replace("\n", "|").split("|") if tile)
}
"""Every territory's (row, column) on a national tile grid: states roughly where they lie,
the Pacific territories under Hawaii, Puerto Rico and the Virgin Islands under Florida."""

ALASKA_ASPECT = 0.55
"""Height over width of Alaska in its rotated Albers projection, Aleutians included."""


def map_aspect(features: list[dict], territory_code: str) -> float:
    """Height over width of a territory's map, so the map's box fits its shape.

    Mercator (every territory but Alaska) from the features' bounds; Alaska's Albers map has
    a fixed shape.
    """
    if territory_code == "AK":
        return ALASKA_ASPECT
    points = [point for feature in features for ring in _rings(feature["geometry"])
              for point in ring]
    lons, lats = [p[0] for p in points], [p[1] for p in points]

    def mercator_y(lat: float) -> float:
        return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))

    return (mercator_y(max(lats)) - mercator_y(min(lats))) / math.radians(max(lons) - min(lons))


def _rings(geometry: dict) -> list:
    polygons = geometry["coordinates"]
    return [ring for polygon in (polygons if geometry["type"] == "MultiPolygon" else [polygons])
            for ring in polygon]
