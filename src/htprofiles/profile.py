"""The publication model of one report: published tables plus reference content.

Everything a report shows (HTML, charts, JSON, executed notebook) is drawn from a ``Profile``,
which holds no raw count.
"""

from __future__ import annotations

import platform
from dataclasses import dataclass
from importlib import metadata

from .content import TerritoryContent
from .suppression import SuppressionRule
from .tables import PublishedTable, count_tables, publish_tables
from .territories import Territory

NATIONAL_HOTLINE = "1-888-373-7888"
PROVENANCE_PACKAGES = ("htprofiles", "papermill", "nbconvert", "nbclient", "altair",
                       "vl-convert-python", "pandas")


@dataclass(frozen=True)
class Profile:
    territory: Territory
    year: int
    first_year: int
    rule: SuppressionRule
    tables: dict[str, PublishedTable]
    content: TerritoryContent
    synthetic: bool
    provenance: dict

    def to_json(self) -> dict:
        """The report's JSON: every published number, withheld ones as their mark."""
        return {
            "territory": self.territory.code,
            "territory_name": self.territory.name,
            "year": self.year,
            "hhs_region": self.territory.hhs_region,
            "data_window": {"first_year": self.first_year, "last_year": self.year},
            "synthetic_sample": self.synthetic,
            "suppression": self.rule.to_json(),
            "tables": {name: [dict(row) for row in t.rows] for name, t in self.tables.items()},
            "provenance": self.provenance,
        }


def build_profile(frames: dict, territory: Territory, year: int, first_year: int,
                  rule: SuppressionRule, content: TerritoryContent, synthetic: bool,
                  provenance: dict) -> Profile:
    """Count, then publish: the only place raw records turn into published tables."""
    counts = count_tables(frames, territory, year, first_year)
    tables = publish_tables(counts, rule, year, first_year)
    return Profile(territory, year, first_year, rule, tables, content, synthetic, provenance)


def package_versions() -> dict[str, str]:
    """Versions of Python and the packages that shape a report's bytes."""
    return {"python": platform.python_version()} | {
        name: metadata.version(name) for name in PROVENANCE_PACKAGES
    }
