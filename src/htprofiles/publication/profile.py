"""The publication model of one report: published tables plus reference content.

Everything a report shows (HTML, charts, JSON, executed notebook) is drawn from a ``Profile``,
which holds no raw count.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass

from ..contract.content import TerritoryContent
from ..contract.data import Dataset
from ..contract.suppression import SuppressionRule
from ..contract.territories import Territory
from ..errors import UsageError
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


def build_profile(tables: dict[str, PublishedTable], territory: Territory, year: int,
                  first_year: int, rule: SuppressionRule, content: TerritoryContent,
                  synthetic: bool, provenance: dict) -> Profile:
    """A report's publication from its published tables: the audit's result (the number of
    withheld cells, no count) joins the provenance as ``audit``."""
    return Profile(territory, year, first_year, rule, tables, content, synthetic,
                   provenance | {"audit": audit_summary(tables)})


def profile_tables(dataset: Dataset, territory: Territory, year: int, first_year: int,
                   rule: SuppressionRule) -> dict[str, PublishedTable]:
    """Count, suppress, audit, publish: the only place raw records turn into published tables
    (a region's or the nation's: its territories' records).

    Raises
    ------
    DisclosureError
        If a withheld count could be worked out and no further suppression prevents it.
    """
    publication = publish(dataset, territory, range(first_year, year + 1), rule)
    return report_tables(publication, year, first_year)


PUBLISHED_FILE = "htprofiles-published.json"
"""In a batch report's data folder, in place of records: its tables as the batch published
them, once for every report of the build (docs/architecture.md)."""


def published_for(territory: str, year: int, first_year: int, rule: SuppressionRule) -> dict:
    """What a report's published tables are for: its territory, year, data window and rule."""
    return {"territory": territory, "year": year, "first_year": first_year, **rule.to_json()}


def published_json(tables: dict[str, PublishedTable], synthetic: bool, report: dict) -> bytes:
    """A report's tables for its kernel, with what they were published for (``report``: its
    territory, year, data window and rule) and whether the records were synthetic."""
    return json.dumps({"report": report, "synthetic": synthetic,
                       "tables": [asdict(table) for table in tables.values()]}).encode()


def read_published(data: bytes, report: dict) -> tuple[dict[str, PublishedTable], bool]:
    """The tables and synthetic flag of ``published_json``.

    Raises
    ------
    UsageError
        If they were published for another report than ``report``.
    """
    published = json.loads(data)
    if published["report"] != report:
        raise UsageError(f"{PUBLISHED_FILE} holds the tables of another report "
                         f"({published['report']}), not of {report}")
    tables = [PublishedTable(**table | {"rows": tuple(table["rows"])})
              for table in published["tables"]]
    return {table.name: table for table in tables}, published["synthetic"]
