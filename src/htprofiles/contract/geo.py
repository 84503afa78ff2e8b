"""County and state geography from the vendored us-atlas TopoJSON: GeoJSON features cut out of
it, in longitude and latitude. How they are projected and laid out on a page is rendering's
(``rendering.map_layout``)."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources

from .territories import TERRITORIES

_Point = tuple[float, float]
_Ring = list[_Point]

DECIMALS = 4
"""Decimals of a degree kept (about 10 m): far finer than the atlas quantization, and a small
SVG."""


@cache
def _atlas() -> dict:
    atlas = resources.files("htprofiles.contract.atlas").joinpath("counties-10m.json")
    return json.loads(atlas.read_text())


@cache
def _islands() -> dict[str, dict]:
    """Finer shapes of the island territories' counties (GSHHG shorelines cut to the atlas's
    counties by ``tools/refine_islands.py``), by county FIPS: the atlas draws each of those
    islands with a few points, and their maps enlarge them to fill their frames."""
    islands = resources.files("htprofiles.contract.atlas").joinpath("islands.json")
    return {f["id"]: f["geometry"] for f in json.loads(islands.read_text())["features"]}


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
    """Round a ring to a few decimals and drop the consecutive duplicates that rounding creates.

    A ring left open is closed: the atlas's outline of Illinois lacks an arc one quantum long.
    """
    out: list[list[float]] = []
    for lon, lat in ring:
        point = [round(lon, DECIMALS), round(lat, DECIMALS)]
        if point != (out[-1] if out else None):
            out.append(point)
    return out + [out[0]] if out and out[0] != out[-1] else out


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


def territory_features(state_fips: str, refined: bool = True) -> list[dict]:
    """Cut one territory's counties out of the atlas as GeoJSON Features, sorted by FIPS.

    Parameters
    ----------
    state_fips
        The territory's 2-digit FIPS code, e.g. ``"78"`` for the U.S. Virgin Islands.
    refined
        Draw an island territory's counties with their finer shapes (``_islands``); False
        keeps the atlas's own, which ``tools/refine_islands.py`` cuts them from.

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
            "geometry": refined and _islands().get(g["id"]) or _geometry(polygons),
        }
        for g, polygons in zip(geometries, shapes, strict=True)
    ]


def state_features(codes: list[str]) -> list[dict]:
    """Cut some states and territories (USPS codes) out of the atlas as GeoJSON Features.

    One ``Feature`` per code, in the order given, with ``id`` and ``properties`` ``code`` and
    ``name`` (the registry's name, not the atlas's). Alaska's Aleutians are shifted west like
    its counties, so it stays one contiguous shape.
    """
    by_fips = {g["id"]: g for g in _atlas()["objects"]["states"]["geometries"]}
    features = []
    for code in codes:
        fips = TERRITORIES[code].fips
        polygons = _polygons(by_fips[fips])
        if _straddles_antimeridian([polygons]):
            polygons = _shift_west(polygons)
        fine = [polygon for county, geometry in sorted(_islands().items())
                if county[:2] == fips for polygon in polygons_of(geometry)]
        features.append({"type": "Feature", "id": code,
                         "properties": {"code": code, "name": TERRITORIES[code].name},
                         "geometry": {"type": "MultiPolygon", "coordinates": fine}
                         if fine else _geometry(polygons)})
    return features


@cache
def contiguous_codes() -> frozenset[str]:
    """The states that share a border with another: the contiguous 48 and DC.

    Read from the atlas (a shared border is an arc two states use), so Alaska, Hawaii and the
    island territories are the ones left out without a list saying so.
    """
    def arcs(nested) -> set[int]:
        return {nested if nested >= 0 else ~nested} if isinstance(nested, int) \
            else set().union(*map(arcs, nested))

    states = {g["id"]: arcs(g["arcs"]) for g in _atlas()["objects"]["states"]["geometries"]}
    return frozenset(t.code for t in TERRITORIES.values()
                     if any(states[t.fips] & used for fips, used in states.items()
                            if fips != t.fips))


def polygons_of(geometry: dict) -> list:
    """The polygons of a GeoJSON Polygon (one) or MultiPolygon, each a list of rings."""
    return geometry["coordinates"] if geometry["type"] == "MultiPolygon" \
        else [geometry["coordinates"]]
