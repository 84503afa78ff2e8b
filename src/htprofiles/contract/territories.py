"""The registry of what a profile can be about: the 56 territories (USPS code, name, FIPS code,
HHS region), the ten HHS regions (``R1`` ... ``R10``: their territories) and the nation (``US``:
the regions). Records belong to territories only; a region or the nation counts its members'.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import UsageError


@dataclass(frozen=True)
class Territory:
    """A state, DC or territory (USPS code, FIPS code, name, HHS region), or an area made of
    ``members``: an HHS region (its territories) or the nation (the regions)."""

    code: str
    name: str
    fips: str
    hhs_region: str
    members: tuple[str, ...] = ()

    @property
    def is_area(self) -> bool:
        """A region or the nation: its counts are its members' sums."""
        return bool(self.members)


_ROWS = """
AL Alabama 01 IV|AK Alaska 02 X|AZ Arizona 04 IX|AR Arkansas 05 VI|CA California 06 IX
CO Colorado 08 VIII|CT Connecticut 09 I|DE Delaware 10 III|DC District of Columbia 11 III
FL Florida 12 IV|GA Georgia 13 IV|HI Hawaii 15 IX|ID Idaho 16 X|IL Illinois 17 V|IN Indiana 18 V
IA Iowa 19 VII|KS Kansas 20 VII|KY Kentucky 21 IV|LA Louisiana 22 VI|ME Maine 23 I
MD Maryland 24 III|MA Massachusetts 25 I|MI Michigan 26 V|MN Minnesota 27 V|MS Mississippi 28 IV
MO Missouri 29 VII|MT Montana 30 VIII|NE Nebraska 31 VII|NV Nevada 32 IX|NH New Hampshire 33 I
NJ New Jersey 34 II|NM New Mexico 35 VI|NY New York 36 II|NC North Carolina 37 IV
ND North Dakota 38 VIII|OH Ohio 39 V|OK Oklahoma 40 VI|OR Oregon 41 X|PA Pennsylvania 42 III
RI Rhode Island 44 I|SC South Carolina 45 IV|SD South Dakota 46 VIII|TN Tennessee 47 IV
TX Texas 48 VI|UT Utah 49 VIII|VT Vermont 50 I|VA Virginia 51 III|WA Washington 53 X
WV West Virginia 54 III|WI Wisconsin 55 V|WY Wyoming 56 VIII|AS American Samoa 60 IX|GU Guam 66 IX
MP Northern Mariana Islands 69 IX|PR Puerto Rico 72 II|VI U.S. Virgin Islands 78 II
"""


def _parse(rows: str) -> dict[str, Territory]:
    registry = {}
    for row in rows.replace("\n", "|").split("|"):
        if row.strip():
            code, *name, fips, region = row.split()
            registry[code] = Territory(code, " ".join(name), fips, region)
    return dict(sorted(registry.items()))


TERRITORIES: dict[str, Territory] = _parse(_ROWS)
"""The territories records belong to, by USPS code."""

_LARGEST_FIRST = """
CA TX FL NY PA IL OH GA NC MI NJ VA WA AZ MA TN IN MD MO WI CO MN SC AL LA KY OR OK CT PR UT
IA NV AR MS KS NM NE ID WV HI NH ME RI MT DE SD ND AK DC VT WY GU VI AS MP
"""
LARGEST_FIRST = tuple(_LARGEST_FIRST.split())
"""The territories by resident population (2020 census), largest first: public knowledge,
not data, so an order the protection may follow (a region's partner among its members)."""

NUMERALS = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X")
OFFICES = ("Boston", "New York", "Philadelphia", "Atlanta", "Chicago", "Dallas", "Kansas City",
           "Denver", "San Francisco", "Seattle")
"""The HHS regional offices, by region: where each region's office sits."""
NATION = "US"


def _areas() -> dict[str, Territory]:
    """The regions ``R1`` ... ``R10`` (not by numeral: "RI" is Rhode Island) and the nation."""
    regions = {f"R{n}": Territory(f"R{n}", f"HHS Region {numeral}", "", numeral, tuple(
        code for code, t in TERRITORIES.items() if t.hhs_region == numeral))
        for n, numeral in enumerate(NUMERALS, 1)}
    return regions | {NATION: Territory(NATION, "United States", "", "", tuple(regions))}


AREAS: dict[str, Territory] = _areas()
"""The HHS regions, then the nation, by code."""
PROFILED: dict[str, Territory] = TERRITORIES | AREAS
"""Everything a profile can be about, by code: what ``--territory`` accepts."""


def leaves(code: str) -> tuple[str, ...]:
    """The territories whose records a profile counts: itself, or its members' territories."""
    members = PROFILED[code].members
    return (code,) if not members else tuple(leaf for m in members for leaf in leaves(m))


def covering(code: str) -> str:
    """The place whose year is protected as one with ``code``'s: a territory's region (a
    member may withhold a count for its region's sake), or the area itself."""
    territory = PROFILED[code]
    return code if territory.is_area else f"R{NUMERALS.index(territory.hhs_region) + 1}"


def get_territory(code: str) -> Territory:
    """Look a territory, region or the nation up by code, failing with the known codes."""
    try:
        return PROFILED[code]
    except KeyError:
        raise UsageError(
            f"unknown territory code {code!r}; known codes: {' '.join(PROFILED)}"
        ) from None
