"""``build --pdf``: letter pages printed by headless Chromium that hold the report's text, the
same bytes for the same HTML, PDFs kept in step with their reports, and a failed print that
fails only its report."""

from __future__ import annotations

import hashlib
import io
import json
import re
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from conftest import ALL_REPORTS, BROWSER_REPORTS
from pypdf import PdfReader

from htprofiles.batch import execute
from htprofiles.batch.execute import Artifacts
from htprofiles.cli import main
from htprofiles.contract.suppression import format_cell
from htprofiles.rendering import pdf

pytestmark = pytest.mark.browser  # prints through the system Chromium

LETTER = (612, 792)


def _pages(data: bytes) -> list[str]:
    reader = PdfReader(io.BytesIO(data))
    assert all((float(page.mediabox.width), float(page.mediabox.height)) == LETTER
               for page in reader.pages)
    return [" ".join(page.extract_text().split()) for page in reader.pages]


@pytest.mark.parametrize("code, year", ALL_REPORTS)
def test_pdf_is_letter_and_holds_the_report(browser_reports, code, year):
    base = browser_reports / str(year) / code
    data = base.with_suffix(".pdf").read_bytes()
    report = json.loads(base.with_suffix(".json").read_text())
    assert data.startswith(b"%PDF-")
    pages = _pages(data)
    assert report["territory_name"] in pages[0]
    text = " ".join(pages)
    for name in ("citizenship", "gender", "age"):
        for row in report["tables"][name]:
            assert f"{row['category']} {format_cell(row)}" in text
    for number, page in enumerate(pages, 1):
        assert f"{report['territory_name']}, {year}" in page
        assert f"Page {number} of {len(pages)}" in page
    record = json.loads((browser_reports / "manifest.json").read_text())["reports"]
    assert record[f"{year}/{code}"]["sha256"]["pdf"] == hashlib.sha256(data).hexdigest()


PAGE_LIMITS = {"VI": 2, "HI": 3, "TX": 3, "R2": 3, "US": 4}
"""Like the reference profile's two-page handout; a large state and a region get a third page,
the nation (its map across the page, its states in a table per region, its withheld counts'
ranges drawn in its charts) a fourth. Hawaii's 2016 cases are withheld so that Region IX can
publish its own: the report says why, and its build record ends on a third page."""


def _inches(length: str) -> float:
    return float(length.removesuffix("in")) * 72


def _text_positions(page) -> list[tuple[float, float]]:
    """Where each piece of text on a page starts, in points from the bottom left."""
    found = []

    def visit(text, cm, tm, font, size):
        if text.strip():
            found.append((tm[4] * cm[0] + tm[5] * cm[2] + cm[4],
                          tm[4] * cm[1] + tm[5] * cm[3] + cm[5]))

    page.extract_text(visitor_text=visit)
    return found


def _fill(page) -> float:
    """How full a page is, 0 to 1: how far down its printable area the text of each half
    (each printed column) reaches, on average; the footer, in the bottom margin, left out."""
    top, bottom = LETTER[1] - _inches(pdf.MARGINS["top"]), _inches(pdf.MARGINS["bottom"])
    middle = LETTER[0] / 2
    text = [(x, y) for x, y in _text_positions(page) if y > bottom]
    halves = [[y for x, y in text if (x < middle) == left] for left in (True, False)]
    return sum((top - min(ys, default=top)) / (top - bottom) for ys in halves) / 2


@pytest.mark.parametrize("code", sorted(PAGE_LIMITS))
def test_pdf_is_a_handout_of_full_pages_with_nothing_cut(browser_reports, code):
    """VI on two pages, HI and TX on three; no page under half full but the last; no text
    past the side margins."""
    reader = PdfReader(browser_reports / "2016" / f"{code}.pdf")
    fills = [round(_fill(page), 2) for page in reader.pages]
    assert len(fills) <= PAGE_LIMITS[code], fills
    assert all(fill >= 0.5 for fill in fills[:-1]), fills
    left, right = _inches(pdf.MARGINS["left"]), LETTER[0] - _inches(pdf.MARGINS["right"])
    for page in reader.pages:
        assert all(left - 1 <= x <= right for x, _ in _text_positions(page))


@pytest.mark.parametrize("code", sorted(PAGE_LIMITS))
def test_no_page_ends_with_a_heading(browser_reports, code):
    """A section's heading is printed on the page its text starts on."""
    base = browser_reports / "2016" / code
    headings = re.findall(r"<h2>([^<]*)</h2>", base.with_suffix(".html").read_text())
    name = json.loads(base.with_suffix(".json").read_text())["territory_name"]
    pages = _pages(base.with_suffix(".pdf").read_bytes())
    for number, page in enumerate(pages[:-1], 1):
        text = page.replace(f"{name}, 2016", "").replace(f"Page {number} of {len(pages)}", "")
        assert not any(text.strip().endswith(h.upper()) for h in headings), (number, text[-80:])


def test_the_nations_legend_prints_readably(browser_reports):
    """The nation's map spans the page: its legend is at least 6 pt, not 3."""
    reader = PdfReader(browser_reports / "2016" / "US.pdf")
    sizes = []
    reader.pages[0].extract_text(visitor_text=lambda text, cm, tm, font, size: sizes.append(
        size * abs(cm[0] * tm[0])) if text.strip() == "fewer than 3" else None)
    assert sizes and min(sizes) >= 6, sizes


def test_pdf_links_show_their_addresses(browser_reports):
    """Links are clickable, and a printed page shows where each one goes, once."""
    reader = PdfReader(browser_reports / "2016" / "VI.pdf")
    text = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
    assert "Victims of Crime Act grants and funds (https://ovc.ojp.gov/)" in text
    assert "National Human Trafficking Hotline (https://humantraffickinghotline.org/)" in text
    assert text.count("https://www.victimlaw.org/victimlaw/") == 1
    targets = {annotation.get_object()["/A"]["/URI"] for page in reader.pages
               for annotation in page.get("/Annots", [])
               if annotation.get_object().get("/Subtype") == "/Link"}
    assert {"https://ovc.ojp.gov/", "https://humantraffickinghotline.org/",
            "https://www.victimlaw.org/victimlaw/"} <= targets


def test_the_same_html_prints_to_the_same_bytes(browser_reports, monkeypatch):
    """Chromium stamps the second of printing; the stamp is blanked or set from
    ``SOURCE_DATE_EPOCH``."""
    html = (browser_reports / "2016" / "VI.html").read_bytes()
    footer = pdf.footer("U.S. Virgin Islands", 2016)
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    with pdf.Printer(pdf.find_chromium()) as printer:
        first = printer.to_pdf(html, footer)
        time.sleep(1.1)
        second = printer.to_pdf(html, footer)
        monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
        dated = printer.to_pdf(html, footer)
    assert first == second == (browser_reports / "2016" / "VI.pdf").read_bytes()
    assert b"/CreationDate" not in first
    created = PdfReader(io.BytesIO(dated)).metadata.creation_date
    assert created == datetime.fromtimestamp(1700000000, UTC)


def _canned(out: Path, year: int, code: str) -> Artifacts:
    """A built report's files, handed back by a stand-in for the kernel."""
    base = out / str(year) / code
    data = base.with_suffix(".json").read_bytes()
    return Artifacts(html=base.with_suffix(".html").read_bytes(), json=data,
                     notebook=base.with_suffix(".ipynb").read_bytes(), report=json.loads(data))


@pytest.fixture
def canned_builds(browser_reports, monkeypatch):
    """Reports come back at once from the browser reports' files: the batch is what is tested."""
    canned = {code: _canned(browser_reports, year, code) for code, year in BROWSER_REPORTS}
    monkeypatch.setattr(execute, "build_report",
                        lambda template, parameters, *rest: canned[parameters["territory"]])


def _build(out: Path, *argv: str) -> int:
    return main(["build", "--territory", "VI", "--year", "2016", "--jobs", "1", "--out", str(out),
                 *argv])


def test_pdfs_stay_in_step_with_their_reports(canned_builds, tmp_path, capsys):
    out = tmp_path / "reports"
    vi = out / "2016" / "VI.pdf"
    assert _build(out) == 0 and not vi.exists()
    assert _build(out, "--pdf") == 0 and vi.read_bytes().startswith(b"%PDF-")
    assert _build(out, "--pdf") == 0 and _build(out) == 0 and vi.exists()
    summaries = capsys.readouterr().out.splitlines()
    assert [line.split(",")[0] for line in summaries] == [
        "1 written", "1 written", "0 written", "0 written"]
    assert _build(out, "--force") == 0
    assert not vi.exists()  # a PDF of an older build would mislead


def test_a_failed_print_fails_only_its_report(canned_builds, tmp_path, monkeypatch, capsys):
    real = pdf.Printer.to_pdf

    def fail_for_texas(self, html: bytes, footer_html: str) -> bytes:
        if "Texas" in footer_html:
            raise pdf.PdfError("printing to PDF failed: no paper")
        return real(self, html, footer_html)

    monkeypatch.setattr(pdf.Printer, "to_pdf", fail_for_texas)
    out = tmp_path / "reports"
    (out / "2016").mkdir(parents=True)
    (out / "2016" / "TX.html").write_text("previous good report")
    assert _build(out, "--territory", "TX", "--pdf") == 1
    assert "FAILED 2016/TX: printing to PDF failed: no paper" in capsys.readouterr().err
    assert (out / "2016" / "TX.html").read_text() == "previous good report"
    assert not (out / "2016" / "TX.pdf").exists()
    assert (out / "2016" / "VI.pdf").read_bytes().startswith(b"%PDF-")


def test_pdf_without_chromium_is_a_usage_error(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv(pdf.CHROMIUM_ENV, str(tmp_path / "no-chromium"))
    assert _build(tmp_path / "out", "--pdf") == 2
    assert "--pdf needs Chromium" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()
