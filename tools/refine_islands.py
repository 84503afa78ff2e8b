"""Finer shapes for the island territories' counties, from GSHHG's full-resolution shorelines.

us-atlas (1:10,000,000) draws the U.S. Virgin Islands, Guam, American Samoa and the Northern
Mariana Islands with a few points an island, which their maps enlarge to fill their frames.
This script cuts GSHHG's shorelines (Debian's `gmt` and `gmt-gshhg-full`, through
`gmt coast -Df`) into those territories' counties and writes
`src/htprofiles/contract/atlas/islands.json`, which `htprofiles.contract.geo` draws instead of
the atlas's coarse shapes. A shoreline polygon whose inside lies within 1.5 km of the
territory's atlas shapes is its land (the British Virgin Islands stay out) and goes to the
county it lies in or nearest to; one that two counties share (Tutuila: the Eastern and
Western districts) is split along their atlas border. Shapes are simplified to about 20 m,
far below a pixel at the maps' scale.

Run once, when the atlas or GSHHG changes (needs shapely, not a project dependency):

    apt-get install gmt gmt-gshhg-full && pip install shapely
    .venv/bin/python tools/refine_islands.py
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from shapely.geometry import LineString, MultiPolygon, mapping, shape
from shapely.ops import linemerge, polygonize, unary_union

from htprofiles.contract import geo

OUT = Path(__file__).parents[1] / "src/htprofiles/contract/atlas/islands.json"
REGIONS = {
    "78": "-65.2/-64.4/17.5/18.6",     # U.S. Virgin Islands
    "66": "144.5/145.1/13.1/13.8",     # Guam
    "60": "-171.3/-168.0/-14.7/-10.9",  # American Samoa (Swains Island to Rose Atoll)
    "69": "144.7/146.2/13.9/20.7",     # Northern Mariana Islands
}
NEAR = 0.015
"""How far (degrees, about 1.5 km) from the territory's atlas shapes an island's inside may
lie: the atlas is coarse, but a British island lies further off."""
REACH = 0.1
"""How far (degrees, about 10 km) a county's land may reach beyond its atlas shape."""
TOLERANCE = 0.0002
"""Simplification (degrees, about 20 m)."""


def shoreline(region: str) -> list:
    """GSHHG's full-resolution land polygons in a region (its shoreline segments joined)."""
    dump = subprocess.run(["gmt", "coast", f"-R{region}", "-Df", "-W", "-M"],
                          capture_output=True, text=True, check=True).stdout
    segments, points = [], []
    for line in [*dump.splitlines(), ">"]:
        if line.startswith(">"):
            if len(points) > 1:
                segments.append(LineString(points))
            points = []
        else:
            points.append(tuple(map(float, line.split())))
    return list(polygonize(linemerge(segments)))


def counties(state_fips: str) -> dict[str, object]:
    """The atlas's county shapes of a territory, by FIPS (its western longitudes as GSHHG has
    them)."""
    return {feature["id"]: shape(feature["geometry"]).buffer(0)
            for feature in geo.territory_features(state_fips, refined=False)}


def cut(land: list, atlas: dict[str, object]) -> dict[str, object]:
    """Each county's land: the shoreline polygons whose inside lies near the territory's atlas
    shapes (``NEAR``: a British Virgin Island does not), each county taking the part of a
    shared island on its side of the atlas border."""
    territory = unary_union(list(atlas.values()))
    ours = [polygon for polygon in land
            if territory.distance(polygon.representative_point()) <= NEAR]
    out = {}
    for fips, county in atlas.items():
        others = unary_union([c for f, c in atlas.items() if f != fips])
        zone = county.union(county.buffer(REACH).difference(others.buffer(REACH / 2)))
        pieces = [polygon.intersection(zone) for polygon in ours if polygon.intersects(zone)]
        out[fips] = unary_union(pieces).simplify(TOLERANCE, preserve_topology=True)
    return out


def feature(fips: str, name: str, land) -> dict:
    """A county's land as a GeoJSON MultiPolygon feature, rounded like the atlas's."""
    polygons = list(land.geoms) if isinstance(land, MultiPolygon) else [land]
    geometry = mapping(MultiPolygon([p for p in polygons if not p.is_empty]))
    rounded = [[[[round(x, geo.DECIMALS), round(y, geo.DECIMALS)] for x, y in ring]
                 for ring in polygon] for polygon in geometry["coordinates"]]
    return {"type": "Feature", "id": fips, "properties": {"county": name},
            "geometry": {"type": "MultiPolygon", "coordinates": rounded}}


def main() -> None:
    """Cut every island territory's shorelines and write them beside the atlas."""
    features = []
    for state_fips, region in REGIONS.items():
        names = geo.county_names(state_fips)
        for fips, land in cut(shoreline(region), counties(state_fips)).items():
            features.append(feature(fips, names[fips], land))
    OUT.write_text(json.dumps({"type": "FeatureCollection", "features": features},
                              separators=(",", ":")) + "\n")
    print(f"{OUT}: {len(features)} counties, {OUT.stat().st_size:,} bytes")


if __name__ == "__main__":
    main()
