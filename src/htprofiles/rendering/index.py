"""``OUT/index.html``: every report of the run with its headline numbers, offline.

Built from the reports' records only, whose headline numbers are the reports' published
(already suppressed) cells, so the landing page can show nothing the reports do not. The whole
table reads without JavaScript; a small inline script, which fetches nothing, adds filters.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Protocol

from ..contract.suppression import (
    COMPLEMENTARY,
    Published,
    SuppressionRule,
    format_value,
    is_complementary,
    is_withheld,
)
from ..contract.territories import AREAS, NATION, NUMERALS, PROFILED, TERRITORIES
from ..publication.headline import HEADLINE_KINDS
from ..publication.tables import PublishedTable
from . import charts, sections
from .templating import TEMPLATES, environment

AREA_ORDER = [NATION, *(code for code in AREAS if code != NATION)]
"""The nation first, then its regions: they lead the landing page."""
STATUS_TEXT = {"failed": "failed", "stale": "last build failed; previous report kept"}
"""What the table says of a report that is not simply current."""


class IndexedReport(Protocol):
    """What the landing page reads of a report's record (the batch's ``ReportRecord``)."""

    territory: str
    year: int
    status: str
    headline: dict[str, Published] | None
    """The report's published cases and signals of its year; None without files."""

    @property
    def has_pdf(self) -> bool:
        """Whether the report was printed to PDF too."""

    @property
    def rule(self) -> SuppressionRule:
        """The disclosure rule the report was built with."""


def page_rule(records: Sequence[IndexedReport]) -> SuppressionRule:
    """The rule the page states: its reports'. A folder holds one, but a report whose last
    build failed keeps its earlier files, and the rule they were built with."""
    return Counter(r.rule for r in records).most_common(1)[0][0]


def overview_table(records: Sequence[IndexedReport], year: int,
                   rule: SuppressionRule) -> PublishedTable:
    """Published cases per territory in ``year`` under ``rule``, largest first, withheld ones
    last (a map's colours stand for one rule's marks)."""
    rows = [{"category": TERRITORIES[r.territory].name, "code": r.territory,
             "value": r.headline["cases"]}
            for r in records if r.year == year and r.headline and r.rule == rule
            and r.territory in TERRITORIES]
    rows.sort(key=lambda row: (is_withheld(row["value"]),
                               0 if is_withheld(row["value"]) else -row["value"],
                               row["category"]))
    return PublishedTable("cases_by_territory", f"Cases per territory in {year}", "category",
                          tuple(rows))


def headline_facts(records: Sequence[IndexedReport], latest: int) -> list[tuple[str, str]]:
    """Counts of reports, territories and years, and the latest year's published totals.

    A total adds published counts only: it is what a reader could add up from the table.
    """
    years = sorted({r.year for r in records})
    facts = [("Reports", f"{len(records):,}")]
    records = [r for r in records if r.territory in TERRITORIES]  # areas would count twice
    facts += [("Territories", str(len({r.territory for r in records}))),
              ("Years", f"{years[0]}-{years[-1]}" if len(years) > 1 else str(years[0]))]
    for kind in HEADLINE_KINDS:
        values = [r.headline[kind] for r in records if r.year == latest and r.headline]
        total = sum(v for v in values if not is_withheld(v))
        facts.append((f"{kind.capitalize()} in {latest}, published counts", f"{total:,}"))
    return facts


def _row(record: IndexedReport, rule: SuppressionRule) -> dict:
    territory = PROFILED[record.territory]
    headline = record.headline or {}
    base = f"{record.year}/{territory.code}"
    return {
        "name": territory.name, "code": territory.code, "region": territory.hhs_region,
        "year": record.year, "link": f"{base}.html" if headline else None,
        "pdf": f"{base}.pdf" if headline and record.has_pdf else None,
        "cases": format_value(headline["cases"]) if headline else "",
        "signals": format_value(headline["signals"]) if headline else "",
        "status": record.status,
        "status_text": "; ".join(filter(None, [STATUS_TEXT.get(record.status, ""),
                                               _other_rule(record, rule)])),
    }


def _other_rule(record: IndexedReport, rule: SuppressionRule) -> str:
    """What a report with files built under another rule than the page's says of it."""
    theirs = record.rule
    if not record.headline or theirs == rule:
        return ""
    return (f"built with another rule: counts from {theirs.least_withheld} to "
            f"{theirs.threshold - 1} read \"{theirs.mark}\"")


def _overview(records: Sequence[IndexedReport], latest: int, rule: SuppressionRule) -> str:
    """The national tile map of the latest year's published cases, with a text alternative."""
    table = overview_table(records, latest, rule)
    if not table.rows:
        return ""
    links = {row["code"]: f"{latest}/{row['code']}.html" for row in table.rows}
    svg = charts.linked_svg(charts.tile_map(table, rule, f"Cases in {latest}", links))
    note = (f"Each tile is a state or territory, placed roughly where it lies, shaded by the "
            f"cases its {latest} report publishes, and links to that report; the table below "
            f"lists every report.")
    return sections.figure(svg, table.title, sections.describe(table), note)


def _areas(rows: list[dict], latest: int) -> list[dict]:
    """The latest year's national and regional reports, the nation first."""
    return [row for code in AREA_ORDER for row in rows
            if row["code"] == code and row["year"] == latest]


def render_index(records: Sequence[IndexedReport], synthetic: bool) -> str:
    """The landing page of a run, one row per report of its matrix."""
    rule = page_rule(records)
    years = sorted({r.year for r in records})
    latest = years[-1]
    rows = sorted((_row(r, rule) for r in records), key=lambda row: (
        -row["year"], AREA_ORDER.index(row["code"]) if row["code"] in AREAS
        else len(AREA_ORDER), row["name"]))
    css = (TEMPLATES / "report" / "report.css").read_text(encoding="utf-8")
    return environment().get_template("index.html.j2").render(
        css=css, rows=rows, years=years[::-1], pdfs=any(row["pdf"] for row in rows),
        latest=latest, synthetic=synthetic,
        regions=sorted({row["region"] for row in rows if row["region"]}, key=NUMERALS.index),
        areas=_areas(rows, latest),
        facts=sections.facts(headline_facts(records, latest)), rule=rule,
        overview=_overview(records, latest, rule), complementary_mark=COMPLEMENTARY,
        complementary=any(is_complementary(value) for r in records
                          for value in (r.headline or {}).values()),
    )
