"""``OUT/index.html``: every report of the run with its headline numbers, offline, no script.

Built from the manifest only, whose headline numbers are the reports' published (already
suppressed) cells, so the landing page can show nothing the reports do not.
"""

from __future__ import annotations

from importlib import resources

import jinja2

from . import charts, sections
from .suppression import is_withheld
from .tables import PublishedTable
from .territories import TERRITORIES

STATUS_TEXT = {"written": "current", "failed": "failed",
               "stale": "last build failed; previous report kept"}


def _template() -> jinja2.Template:
    folder = resources.files("htprofiles") / "templates"
    env = jinja2.Environment(autoescape=True, keep_trailing_newline=True)
    return env.from_string((folder / "index.html.j2").read_text(encoding="utf-8"))


def overview_table(records: list[dict], year: int) -> PublishedTable:
    """Published cases per territory in ``year``, largest first, withheld ones last."""
    rows = [{"category": TERRITORIES[r["territory"]].name, "value": r["headline"]["cases"]}
            for r in records if r["year"] == year and r.get("headline")]
    rows.sort(key=lambda row: (is_withheld(row["value"]),
                               0 if is_withheld(row["value"]) else -row["value"],
                               row["category"]))
    return PublishedTable("cases_by_territory", f"Cases per territory in {year}", "category",
                          tuple(rows))


def _row(record: dict) -> dict:
    territory = TERRITORIES[record["territory"]]
    headline = record.get("headline") or {}
    return {
        "name": territory.name, "region": territory.hhs_region, "year": record["year"],
        "link": f"{record['year']}/{territory.code}.html" if headline else None,
        "cases": charts.format_value(headline["cases"]) if headline else "",
        "signals": charts.format_value(headline["signals"]) if headline else "",
        "status": record["status"], "status_text": STATUS_TEXT[record["status"]],
    }


def render_index(records: list[dict], suppression: dict, synthetic: bool) -> str:
    """The landing page of a run; ``records`` (territory, year, headline, status) in order."""
    years = sorted({r["year"] for r in records})
    latest = max(years)
    overview = overview_table(records, latest)
    svg = charts.to_svg(charts.bar_chart(overview)) if overview.rows else ""
    css = (resources.files("htprofiles") / "templates" / "report" / "report.css").read_text()
    return _template().render(
        css=css, rows=[_row(r) for r in records], years=years, latest=latest,
        territories=len({r["territory"] for r in records}), synthetic=synthetic,
        threshold=suppression["threshold"], suppress_zero=suppression["suppress_zero"],
        overview=sections.figure(svg, overview.title, sections.describe(overview)) if svg else "",
    )
