"""County geography from the vendored us-atlas TopoJSON."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources


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
