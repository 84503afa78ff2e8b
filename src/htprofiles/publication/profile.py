"""The publication model of one report: published tables plus reference content.

Everything a report shows (HTML, charts, JSON, executed notebook) is drawn from a ``Profile``,
which holds no raw count.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..contract.content import TerritoryContent
from ..contract.data import Dataset
from ..contract.suppression import SuppressionRule
from ..contract.territories import Territory
from .tables import PublishedTable, audit_summary, publish, report_tables

REPORT_MIME = "application/vnd.htprofiles.report+json"
"""The MIME type under which the template's last cell publishes the report JSON."""


@dataclass(frozen=True)
class Profile:
    """One report's publication: its published tables and the territory file's content."""

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
            "members": list(self.territory.members),
            "data_window": {"first_year": self.first_year, "last_year": self.year},
            "synthetic_sample": self.synthetic,
            "suppression": self.rule.to_json(),
            "tables": {name: [dict(row) for row in t.rows] for name, t in self.tables.items()},
            "table_status": {name: {"status": t.status, "reason": t.note}
                             for name, t in self.tables.items()},
            "provenance": self.provenance,
        }


def build_profile(dataset: Dataset, territory: Territory, year: int, first_year: int,
                  rule: SuppressionRule, content: TerritoryContent, synthetic: bool,
                  provenance: dict) -> Profile:
    """Count, suppress, audit, publish: the only place raw records turn into published tables
    (a region's or the nation's: its territories' records).

    The audit's result (ranges only, no count) joins the provenance as ``audit``.

    Raises
    ------
    DisclosureError
        If a withheld count could be worked out and no further suppression prevents it.
    """
    years = range(first_year, year + 1)
    publication = publish(dataset, territory, years, rule)
    tables = report_tables(publication, year, first_year)
    return Profile(territory, year, first_year, rule, tables, content, synthetic,
                   provenance | {"audit": audit_summary(tables)})

