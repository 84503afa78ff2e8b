"""How maps are laid out on the page: projections, the frames of scattered islands and their
packing at one scale, and the national tile grid, in pixels. Only ``charts`` draws maps.

The shapes themselves (GeoJSON in longitude and latitude) come from ``contract.geo``.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

from ..contract.geo import DECIMALS, polygons_of

_PARALLELS = (math.radians(29.5), math.radians(45.5))
"""Standard parallels of Vega's (d3's) ``albers``."""


def albers(features: list[dict]) -> tuple[dict, float]:
    """An Albers projection turned to the features' middle longitude, and the height over width
    of their projected extent (for a box they fill).

    Turning keeps a region upright (New England is tilted on a map centred on Kansas) and
    Alaska whole across the antimeridian (its longitudes here run past -180).
    """
    points = [point for feature in features for ring in _rings(feature["geometry"])
              for point in ring]
    lons = [lon for lon, _ in points]
    centre = round((min(lons) + max(lons)) / 2, 2)
    sin0 = math.sin(_PARALLELS[0])
    n = (sin0 + math.sin(_PARALLELS[1])) / 2
    c = 1 + sin0 * (2 * n - sin0)
    xs, ys = [], []
    for lon, lat in points:  # d3's conicEqualAreaRaw; the sign of y does not change the extent
        r = math.sqrt(c - 2 * n * math.sin(math.radians(lat))) / n
        xs.append(r * math.sin(n * math.radians(lon - centre)))
        ys.append(r * math.cos(n * math.radians(lon - centre)))
    aspect = (max(ys) - min(ys)) / (max(xs) - min(xs))
    return {"type": "albers", "rotate": [-centre, 0, 0]}, aspect


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
    return [ring for polygon in polygons_of(geometry) for ring in polygon]


# Multi-part territories: scattered islands in frames of their own, at one scale.

_Bounds = tuple[float, float, float, float]
"""Mercator x0, y0, x1, y1 in radians, y growing northwards."""

LAND_FILL = 0.5
"""The least share of a frame its land should span (share of the width times share of the
height): below it, bands of empty sea cross the frame."""
FRAME_PAD, FRAME_GAP, FRAME_TITLE = 6, 14, 20
"""Pixels: sea around the land inside a frame, between frames, and for a title above a row."""


@dataclass(frozen=True)
class Frame:
    """One frame of a map: a group of nearby islands, with the counties they belong to.

    ``features`` hold only this group's polygons; ``bounds`` is their Mercator extent.
    """

    title: str
    features: tuple[dict, ...]
    bounds: _Bounds

    def size(self, scale: float) -> tuple[int, int]:
        """Width and height in pixels at ``scale`` (pixels per radian), sea margin included."""
        x0, y0, x1, y1 = self.bounds
        return (round((x1 - x0) * scale) + 2 * FRAME_PAD, round((y1 - y0) * scale) + 2 * FRAME_PAD)

    def projection(self, scale: float) -> dict:
        """Mercator at the map's common scale, centred on this frame's land."""
        x0, y0, x1, y1 = self.bounds
        width, height = self.size(scale)
        centre_lat = math.degrees(2 * math.atan(math.exp((y0 + y1) / 2)) - math.pi / 2)
        return {"type": "mercator", "scale": round(scale, 3),
                "center": [round(math.degrees((x0 + x1) / 2), DECIMALS),
                           round(centre_lat, DECIMALS)],
                "translate": [width / 2, height / 2]}


@dataclass(frozen=True)
class FrameLayout:
    """Frames in rows (north first, each row west first), all at one scale in pixels per
    radian, so every island keeps its true shape and size relative to the others."""

    rows: tuple[tuple[Frame, ...], ...]
    scale: float


def mercator_bounds(ring: list[list[float]]) -> _Bounds:
    """A ring's Mercator extent."""
    xs = [math.radians(lon) for lon, _ in ring]
    ys = [math.log(math.tan(math.pi / 4 + math.radians(lat) / 2)) for _, lat in ring]
    return min(xs), min(ys), max(xs), max(ys)


def extent(bounds: list[_Bounds]) -> _Bounds:
    """The extent of some extents."""
    return (min(b[0] for b in bounds), min(b[1] for b in bounds),
            max(b[2] for b in bounds), max(b[3] for b in bounds))


def _covered(intervals: list[tuple[float, float]]) -> float:
    """The length of a union of intervals."""
    total, end = 0.0, -math.inf
    for low, high in sorted(intervals):
        total += max(0.0, high - max(low, end))
        end = max(end, high)
    return total


def island_bounds(features: list[dict] | tuple[dict, ...]) -> list[_Bounds]:
    """The Mercator extent of each island (each polygon's outer ring) of some features."""
    return [mercator_bounds(polygon[0]) for f in features
            for polygon in polygons_of(f["geometry"])]


def land_fill(bounds: list[_Bounds]) -> float:
    """How much of their common extent some islands span: the covered share of its width
    times the covered share of its height (1 for one island, low across open sea)."""
    x0, y0, x1, y1 = extent(bounds)
    across = _covered([(b[0], b[2]) for b in bounds]) / ((x1 - x0) or 1)
    down = _covered([(b[1], b[3]) for b in bounds]) / ((y1 - y0) or 1)
    return across * down


def _gap(a: _Bounds, b: _Bounds) -> float:
    return math.hypot(max(a[0] - b[2], b[0] - a[2], 0), max(a[1] - b[3], b[1] - a[3], 0))


def _groupings(bounds: list[_Bounds]) -> list[list[list[int]]]:
    """Single-linkage groupings of islands (by index), from one per island to one in all:
    the nearest two groups merge at each step."""
    group_of = list(range(len(bounds)))

    def groups() -> list[list[int]]:
        return [[k for k, g in enumerate(group_of) if g == group]
                for group in sorted(set(group_of))]

    found = [groups()]
    for _, i, j in sorted((_gap(a, b), i, j) for i, a in enumerate(bounds)
                          for j, b in enumerate(bounds) if i < j):
        if group_of[i] != group_of[j]:
            old = group_of[j]
            group_of = [group_of[i] if g == old else g for g in group_of]
            found.append(groups())
    return found


def _names(names: list[str]) -> str:
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def _frame(islands: list[tuple[dict, list, _Bounds]], name: str) -> Frame:
    """A frame of some islands, each given as (its feature, polygon, bounds), titled by the
    ``name`` property of their features."""
    by_county: dict[str, tuple[dict, list]] = {}
    for feature, polygon, _ in islands:
        by_county.setdefault(feature["id"], (feature, []))[1].append(polygon)
    features = tuple(
        {**feature, "geometry": {"type": "MultiPolygon", "coordinates": polygons}}
        for _, (feature, polygons) in sorted(by_county.items()))
    return Frame(_names([f["properties"][name] for f in features]), features,
                 extent([bounds for _, _, bounds in islands]))


def map_frames(features: list[dict], territory_code: str, name: str = "county") -> list[Frame]:
    """The frames of a territory's map: one, unless its land leaves most of that one empty sea
    (the Virgin Islands, American Samoa, the Northern Mariana Islands); then the fewest groups
    of nearby islands whose land fills each frame.

    Alaska keeps one frame: its Albers projection is not Mercator. A frame's title names the
    features it holds by their ``name`` property (a county, or a state on a map of several).
    """
    islands = [(f, polygon, mercator_bounds(polygon[0])) for f in features
               for polygon in polygons_of(f["geometry"])]
    bounds = [b for _, _, b in islands]
    if territory_code == "AK" or land_fill(bounds) >= LAND_FILL:
        return [Frame("", tuple(features), extent(bounds))]
    grouping = next(groups for groups in reversed(_groupings(bounds))
                    if all(land_fill([bounds[i] for i in group]) >= LAND_FILL
                           for group in groups))
    return [_frame([islands[i] for i in group], name) for group in grouping]


def arrange_frames(frames: list[Frame], width: int, height: int) -> FrameLayout:
    """Rows of frames at a common scale that fits ``width`` x ``height`` pixels.

    Frames are taken north to south and cut into rows every possible way (a territory has a
    handful of frames), each row then read west to east. The layout kept draws the land large
    with little empty figure around it: the most frame area times the share of the figure
    that frames fill.

    A cut whose frames' margins, gaps and titles alone overflow the box has no scale: it is
    left out. ``ValueError`` if every cut is, rather than a layout at a scale of zero or less.
    """
    order = sorted(frames, key=lambda f: -f.bounds[3])
    layouts = []
    for cuts in itertools.product((False, True), repeat=len(order) - 1):
        starts = [0] + [i + 1 for i, cut in enumerate(cuts) if cut]
        rows = [order[start:end] for start, end in zip(starts, [*starts[1:], len(order)],
                                                       strict=True)]
        scale = _fitting_scale(rows, width, height)
        if scale > 0:
            layouts.append(FrameLayout(tuple(tuple(sorted(row, key=lambda f: f.bounds[0]))
                                             for row in rows), scale))
    if not layouts:
        raise ValueError(f"{len(frames)} frames do not fit {width} x {height} pixels: their "
                         "margins, gaps and titles leave no room for land")
    return max(layouts, key=_compactness)


def _fitting_scale(rows: list[list[Frame]], width: int, height: int) -> float:
    """The largest scale (pixels per radian) at which these rows of frames fit the box."""
    def span(frame: Frame, axis: int) -> float:
        return frame.bounds[axis + 2] - frame.bounds[axis]

    across = min((width - (2 * FRAME_PAD + FRAME_GAP) * len(row) + FRAME_GAP)
                 / sum(span(f, 0) for f in row) for row in rows)
    down = ((height - (2 * FRAME_PAD + FRAME_TITLE + FRAME_GAP) * len(rows) + FRAME_GAP)
            / sum(max(span(f, 1) for f in row) for row in rows))
    return min(across, down)


def _compactness(layout: FrameLayout) -> float:
    """Frame area squared over figure area: large land, little empty figure."""
    sizes = [[frame.size(layout.scale) for frame in row] for row in layout.rows]
    area = sum(w * h for row in sizes for w, h in row)
    figure_width = max(sum(w for w, _ in row) + FRAME_GAP * (len(row) - 1) for row in sizes)
    figure_height = sum(max(h for _, h in row) + FRAME_TITLE + FRAME_GAP for row in sizes)
    return area * area / (figure_width * figure_height)


