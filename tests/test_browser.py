"""Reports and the landing page in a real browser: the system Chromium, driven by Playwright.

Each page is opened from disk with every request but the page itself blocked and recorded.
Screenshots (desktop and phone width) are kept in ``test-artifacts/browser/`` for people to look
at. ``make test`` installs Chromium and axe-core.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from conftest import ALL_REPORTS, AREA_REPORTS, BROWSER_REPORTS
from playwright.sync_api import Browser, Page

from htprofiles.batch.state import ReportRecord
from htprofiles.contract.suppression import format_cell
from htprofiles.publication.headline import headline
from htprofiles.rendering.index import render_index

pytestmark = pytest.mark.browser  # the system Chromium, on reports built with PDFs

PROJECT = Path(__file__).parents[1]
AXE = PROJECT / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = PROJECT / "test-artifacts" / "browser"
PHONE = 390
SERIOUS = {"serious", "critical"}
DEMOGRAPHICS = {"citizenship": "Citizenship", "gender": "Gender", "age": "Age"}


@dataclass
class Visit:
    """An open page and what it tried: requests other than itself, console errors."""

    page: Page
    requests: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


@contextmanager
def visit(browser: Browser, path: Path, width: int = 1000,
          javascript: bool = True) -> Iterator[Visit]:
    """Open ``path`` offline: any other request is aborted and recorded."""
    context = browser.new_context(viewport={"width": width, "height": 900},
                                  java_script_enabled=javascript)
    url = path.as_uri()
    page = context.new_page()
    seen = Visit(page)

    def route(route) -> None:
        if route.request.url == url:
            route.continue_()
        else:
            seen.requests.append(route.request.url)
            route.abort()

    context.route("**/*", route)
    page.on("websocket", lambda socket: seen.requests.append(socket.url))
    page.on("console", lambda message: seen.errors.append(message.text)
            if message.type == "error" else None)
    page.on("pageerror", lambda error: seen.errors.append(str(error)))
    page.goto(url, wait_until="load")
    try:
        yield seen
    finally:
        context.close()


def screenshot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=ARTIFACTS / f"{name}.png", full_page=True)


def serious_violations(page: Page) -> list[str]:
    """axe-core's serious and critical findings, as 'rule: element' lines."""
    if not AXE.is_file():
        pytest.fail(f"{AXE} is missing: run `make browser` (npm ci) first")
    page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
    violations = page.evaluate("async () => (await axe.run(document)).violations")
    return [f"{v['id']}: {node['target']}" for v in violations if v["impact"] in SERIOUS
            for node in v["nodes"]]


def _report(out: Path, code: str, year: int) -> tuple[Path, dict]:
    base = out / str(year) / code
    return base.with_suffix(".html"), json.loads(base.with_suffix(".json").read_text())


def _table_rows(page: Page, caption: str) -> dict[str, str]:
    """The visible (row header, value) pairs of the table with this caption."""
    table = page.get_by_role("table", name=caption, exact=True)
    assert table.is_visible()
    return dict(table.evaluate(
        "t => [...t.tBodies[0].rows].map(r => [r.cells[0].innerText, r.cells[1].innerText])"))


LAND_PIECES = """svg => {
  const frame = svg.getBoundingClientRect();
  const pieces = [];
  for (const shape of svg.querySelectorAll('path[aria-roledescription="geoshape"]')) {
    for (const part of shape.getAttribute('d').split(/(?=M)/)) {
      const piece = shape.cloneNode();
      piece.setAttribute('d', part);
      shape.after(piece);
      const box = piece.getBoundingClientRect();
      piece.remove();
      pieces.push([box.left - frame.left, box.top - frame.top,
                   box.right - frame.left, box.bottom - frame.top]);
    }
  }
  return {width: frame.width, height: frame.height, pieces};
}"""
"""The county map's size (its legend is the page's, under it), and the bounding box of each
piece of land."""


def _covered(intervals: list[tuple[float, float]]) -> float:
    total, end = 0.0, float("-inf")
    for low, high in sorted(intervals):
        total += max(0.0, high - max(low, end))
        end = max(end, high)
    return total


def land_fill(page: Page) -> float:
    """How much of the county map the land spans: the share of its width under some piece of
    land times the share of its height. Open sea across the map (islands far apart) lowers it."""
    found = page.locator("figure.chart svg").first.evaluate(LAND_PIECES)
    pieces = found["pieces"]
    return (_covered([(left, right) for left, _, right, _ in pieces]) / found["width"]
            * _covered([(top, bottom) for _, top, _, bottom in pieces]) / found["height"])


def _drawn_charts_have_marks(page: Page) -> None:
    """Every figure shows a chart with marks in it, or says in words why there is none."""
    figures = page.locator("figure.chart")
    assert figures.count() >= 4  # map, call types, cases and signals per year
    for figure in figures.all():
        chart = figure.locator("svg")
        if chart.count() == 0:
            caption = figure.locator("figcaption").inner_text()
            assert "No bars are drawn" in caption or "Not shown for" in caption
            continue
        box = chart.bounding_box()
        assert chart.is_visible() and box["width"] > 0 and box["height"] > 0
        marks = chart.locator('[aria-roledescription="bar"], [aria-roledescription="geoshape"]')
        assert any(mark.bounding_box()["height"] > 0 for mark in marks.all())


@pytest.mark.parametrize("code, year", BROWSER_REPORTS)
def test_report_is_offline_with_charts_and_readable_tables(browser, browser_reports, code, year):
    html, report = _report(browser_reports, code, year)
    with visit(browser, html) as seen:
        _drawn_charts_have_marks(seen.page)
        for name, caption in DEMOGRAPHICS.items():
            expected = {row["category"]: format_cell(row) for row in report["tables"][name]}
            assert _table_rows(seen.page, caption) == expected
        screenshot(seen.page, f"{year}-{code}")
        assert land_fill(seen.page) >= 0.5
        assert seen.requests == []
        assert seen.errors == []


@pytest.mark.parametrize("code, year", BROWSER_REPORTS)
def test_report_reads_like_a_published_profile(browser, browser_reports, code, year):
    """Title block, map legend starting at the small counts, one typeface for page and charts."""
    html, report = _report(browser_reports, code, year)
    with visit(browser, html) as seen:
        title = seen.page.locator("header.title-block").inner_text()
        for text in (report["territory_name"], f"Region {report['hhs_region']}",
                     f"January {report['data_window']['first_year']} to December {year}",
                     "Synthetic sample data"):
            assert text in title
        legend = seen.page.locator("figure.chart").first.locator("ul.legend li")
        assert legend.first.inner_text() == "fewer than 3"
        fonts = seen.page.evaluate("""() => [document.body, document.querySelector('svg text')]
            .map(element => getComputedStyle(element).fontFamily)""")
        assert fonts[0] == fonts[1] and fonts[0].startswith('"Liberation Sans"')


@pytest.mark.parametrize("code, year", BROWSER_REPORTS)
def test_report_has_no_serious_accessibility_violation(browser, browser_reports, code, year):
    with visit(browser, _report(browser_reports, code, year)[0]) as seen:
        assert serious_violations(seen.page) == []


@pytest.mark.parametrize("code, year", BROWSER_REPORTS)
def test_report_fits_a_phone(browser, browser_reports, code, year):
    with visit(browser, _report(browser_reports, code, year)[0], width=PHONE) as seen:
        assert seen.page.evaluate("document.documentElement.scrollWidth") <= PHONE
        screenshot(seen.page, f"{year}-{code}-phone")
        assert land_fill(seen.page) >= 0.5


def test_index_is_offline_with_overview_and_every_report(browser, browser_reports):
    with visit(browser, browser_reports / "index.html") as seen:
        overview = seen.page.locator("figure.chart svg")
        assert overview.is_visible() and overview.bounding_box()["height"] > 0
        links = seen.page.locator("#report-rows th a")
        assert sorted(links.evaluate_all("links => links.map(a => a.getAttribute('href'))")) == \
            sorted(f"{year}/{code}.html" for code, year in ALL_REPORTS)
        assert seen.page.locator("#report-rows a", has_text="PDF").count() == len(ALL_REPORTS)
        tiles = seen.page.locator("figure.chart svg a").evaluate_all(
            "links => links.map(a => a.href.baseVal)")
        assert sorted(tiles) == sorted(f"{year}/{code}.html" for code, year in BROWSER_REPORTS)
        screenshot(seen.page, "index")
        assert serious_violations(seen.page) == []
        assert seen.requests == []
        assert seen.errors == []


def test_index_reads_without_javascript(browser, browser_reports):
    with visit(browser, browser_reports / "index.html", javascript=False) as seen:
        rows = seen.page.locator("#report-rows tr")
        assert [row.is_visible() for row in rows.all()] == [True] * len(ALL_REPORTS)
        assert not seen.page.locator("form.filters").is_visible()
        assert seen.requests == []


def _visible_names(page: Page) -> list[str]:
    return [row.inner_text() for row in page.locator("#report-rows th").all()
            if row.is_visible()]


def test_index_filters_by_name_region_and_year(browser, browser_reports):
    with visit(browser, browser_reports / "index.html", width=PHONE) as seen:
        form = seen.page.locator("form.filters")
        form.get_by_label("Territory").fill("tex")
        assert _visible_names(seen.page) == ["Texas"]
        form.get_by_label("Territory").fill("")
        form.get_by_label("HHS region").select_option("X")
        assert _visible_names(seen.page) == ["Alaska"]
        form.get_by_label("HHS region").select_option("")
        form.get_by_label("Year").select_option("2016")
        assert len(_visible_names(seen.page)) == len(ALL_REPORTS)
        total = len(ALL_REPORTS)
        assert form.locator("output").inner_text() == f"{total} of {total} reports"
        assert seen.page.evaluate("document.documentElement.scrollWidth") <= PHONE
        screenshot(seen.page, "index-phone")
        assert seen.errors == []


@pytest.mark.parametrize("width", [1280, PHONE])
def test_index_without_pdfs_has_no_pdf_column_and_fits(browser, browser_reports, tmp_path, width):
    """After `make reports` (no --pdf) no column stands empty, and a phone does not scroll
    sideways."""
    reports = [_report(browser_reports, code, year)[1] for code, year in ALL_REPORTS]
    records = [ReportRecord(report["territory"], report["year"], "key",
                            report["provenance"]["parameters"], {}, status="written",
                            sizes={"html": 1}, headline=headline(report["tables"],
                                                                 report["year"]))
               for report in reports]
    page = tmp_path / "index.html"
    page.write_text(render_index(records, True))
    with visit(browser, page, width=width) as seen:
        headers = seen.page.locator("table.reports thead th").all_inner_texts()
        assert "PDF" not in headers
        assert seen.page.evaluate("document.documentElement.scrollWidth") <= width
        screenshot(seen.page, f"index-without-pdfs-{width}")


def _withheld_bands(page: Page, caption: str) -> int | None:
    """The dashed bands of a bar chart, or None where no chart is drawn (every count withheld:
    a sentence says so)."""
    figure = page.locator("figure.chart", has_text=caption)
    if figure.locator("svg").count() == 0:
        assert "No bars are drawn" in figure.locator("figcaption").inner_text()
        return None
    return figure.locator("svg path[stroke-dasharray]").count()


@pytest.mark.parametrize("width", [1280, PHONE])
@pytest.mark.parametrize("code, year", AREA_REPORTS)
def test_area_page_shows_withheld_as_withheld_and_fits(browser, browser_reports, code, year,
                                                       width):
    """A withheld year is a dashed band, not a gap; the nation's states are in a table per
    region, side by side where there is room; the page fits a phone."""
    html, report = _report(browser_reports, code, year)
    with visit(browser, html, width=width) as seen:
        page = seen.page
        for name in ("cases_by_year", "signals_by_year"):
            rows = report["tables"][name]
            caption = "Cases per year" if name == "cases_by_year" else "Signals per year"
            drawn = any(isinstance(row["value"], int) and row["value"] > 0 or row.get("range")
                        for row in rows)  # a withheld count's range is drawn as its band
            assert _withheld_bands(page, caption) == (
                sum(isinstance(row["value"], str) for row in rows) if drawn else None)
        grouped = page.locator(".tables.by-region table")
        if code == "US":
            assert grouped.count() == 10
            columns = len(set(grouped.evaluate_all("ts => ts.map(t => t.offsetLeft)")))
            assert columns == (1 if width == PHONE else 3)
            assert page.locator("figure.chart", has_text="Cases by state").locator(
                "table").get_attribute("class") == "counts by-code"
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        screenshot(page, f"{year}-{code}-{width}")
        assert seen.requests == [] and seen.errors == []
