"""``OUT/index.html``: every report of the run with its headline numbers, offline.

Built from the manifest only, whose headline numbers are the reports' published (already
suppressed) cells, so the landing page can show nothing the reports do not. The whole table
reads without JavaScript; a small inline script, which fetches nothing, adds filters.
"""

from __future__ import annotations

from ..contract.suppression import (
    COMPLEMENTARY,
    SuppressionRule,
    format_value,
    is_complementary,
    is_withheld,
)
from ..contract.territories import AREAS, NATION, PROFILED, TERRITORIES
from ..publication.headline import HEADLINE_KINDS
from ..publication.tables import PublishedTable
from . import charts, sections
from .templating import TEMPLATES, environment

AREA_ORDER = [NATION, *(code for code in AREAS if code != NATION)]
"""The nation first, then its regions: they lead the landing page."""
STATUS_TEXT = {"failed": "failed", "stale": "last build failed; previous report kept"}
"""What the table says of a report that is not simply current."""


def overview_table(records: list[dict], year: int) -> PublishedTable:
    """Published cases per territory in ``year``, largest first, withheld ones last."""
    rows = [{"category": TERRITORIES[r["territory"]].name, "code": r["territory"],
             "value": r["headline"]["cases"]}
            for r in records if r["year"] == year and r.get("headline")
            and r["territory"] in TERRITORIES]
    rows.sort(key=lambda row: (is_withheld(row["value"]),
                               0 if is_withheld(row["value"]) else -row["value"],
                               row["category"]))
    return PublishedTable("cases_by_territory", f"Cases per territory in {year}", "category",
                          tuple(rows))


def headline_facts(records: list[dict], latest: int) -> list[tuple[str, str]]:
    """Counts of reports, territories and years, and the latest year's published totals.

    A total adds published counts only: it is what a reader could add up from the table.
    """
    years = sorted({r["year"] for r in records})
    facts = [("Reports", f"{len(records):,}")]
    records = [r for r in records if r["territory"] in TERRITORIES]  # areas would count twice
    facts += [("Territories", str(len({r["territory"] for r in records}))),
              ("Years", f"{years[0]}-{years[-1]}" if len(years) > 1 else str(years[0]))]
    for kind in HEADLINE_KINDS:
        values = [r["headline"][kind] for r in records if r["year"] == latest and r.get("headline")]
        total = sum(v for v in values if not is_withheld(v))
        facts.append((f"{kind.capitalize()} in {latest}, published counts", f"{total:,}"))
    return facts


def _row(record: dict) -> dict:
    territory = PROFILED[record["territory"]]
    headline = record.get("headline") or {}
    base = f"{record['year']}/{territory.code}"
    return {
        "name": territory.name, "code": territory.code, "region": territory.hhs_region,
        "year": record["year"], "link": f"{base}.html" if headline else None,
        "pdf": f"{base}.pdf" if headline and record.get("pdf") else None,
        "cases": format_value(headline["cases"]) if headline else "",
        "signals": format_value(headline["signals"]) if headline else "",
        "status": record["status"], "status_text": STATUS_TEXT.get(record["status"], ""),
    }


def _overview(records: list[dict], latest: int, rule: SuppressionRule) -> str:
    """The national tile map of the latest year's published cases, with a text alternative."""
    table = overview_table(records, latest)
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


def render_index(records: list[dict], suppression: dict, synthetic: bool) -> str:
    """The landing page of a run; ``records`` (territory, year, headline, status, pdf)."""
    rule = SuppressionRule(**suppression)
    years = sorted({r["year"] for r in records})
    latest = years[-1]
    rows = sorted((_row(r) for r in records), key=lambda row: (
        -row["year"], AREA_ORDER.index(row["code"]) if row["code"] in AREAS
        else len(AREA_ORDER), row["name"]))
    css = (TEMPLATES / "report" / "report.css").read_text(encoding="utf-8")
    return environment().get_template("index.html.j2").render(
        css=css, rows=rows, years=years[::-1], pdfs=any(row["pdf"] for row in rows),
        latest=latest, synthetic=synthetic,
        regions=sorted({row["region"] for row in rows if row["region"]}, key=_roman),
        areas=_areas(rows, latest),
        facts=sections.facts(headline_facts(records, latest)), rule=rule,
        overview=_overview(records, latest, rule), complementary_mark=COMPLEMENTARY,
        complementary=any(is_complementary(value) for r in records
                          for value in (r.get("headline") or {}).values()),
    )


def _roman(numeral: str) -> int:
    """HHS regions I to X in their order."""
    return ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X"].index(numeral)
