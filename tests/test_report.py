"""End to end: the template really runs through papermill and nbconvert, as `build` runs it."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pytest

from htprofiles.cli import main

pytestmark = pytest.mark.build  # five reports, from the sample and other data

REFERENCE_SENTENCES = (
    "All sex trafficking venues reported fewer than three times.",
    "All labor trafficking venues reported fewer than three times.",
)


def _build(out: Path, *argv: str) -> None:
    assert main(["build", *argv, "--out", str(out)]) == 0


@pytest.fixture(scope="module")
def sample_reports(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("reports")
    _build(out, "--territory", "VI", "CA", "--year", "2016")
    _build(out, "--territory", "TX", "--year", "2012")
    return out


@pytest.fixture(scope="module")
def other_data_report(tmp_path_factory) -> Path:
    """VI 2016 from a hand-made data set with the reference profile's counts."""
    from conftest import vi_2016_records, write_csvs

    root = tmp_path_factory.mktemp("other")
    data = write_csvs(root / "data", vi_2016_records())
    _build(root / "out", "--territory", "VI", "--year", "2016", "--data", str(data),
           "-p", "first_year=2015")  # the data begin in 2015
    return root / "out"


@pytest.fixture(scope="module")
def threshold_5_report(tmp_path_factory) -> Path:
    """CA 2016 again, with the threshold a researcher raised on the command line."""
    out = tmp_path_factory.mktemp("threshold_5")
    _build(out, "--territory", "CA", "--year", "2016", "-p", "suppression_threshold=5")
    return out


def _report(out: Path, year: int, code: str) -> tuple[dict, str]:
    return (json.loads((out / str(year) / f"{code}.json").read_text()),
            (out / str(year) / f"{code}.html").read_text())


def _cells(report: dict, table: str) -> dict:
    return {row.get("category", row.get("year")): row["value"] for row in report["tables"][table]}


class _Tables(HTMLParser):
    """Collects each table's caption and (row header, value) pairs from the HTML."""

    def __init__(self):
        super().__init__()
        self.tables, self._text, self._row = {}, None, []

    def handle_starttag(self, tag, attrs):
        if tag in ("caption", "th", "td"):
            self._text = ""
        if tag in ("table", "tbody"):
            self._in_body = tag == "tbody"
        if tag == "table":
            self._caption = None

    def handle_data(self, data):
        if self._text is not None:
            self._text += data

    def handle_endtag(self, tag):
        if tag == "caption":
            self._caption = self._text.strip()
            self.tables[self._caption] = {}
        elif tag in ("th", "td"):
            self._row.append(self._text.strip())
        elif tag == "tr":
            if len(self._row) == 2 and self._caption and self._in_body:
                self.tables[self._caption][self._row[0]] = self._row[1]
            self._row = []
        if tag in ("caption", "th", "td"):
            self._text = None


def _html_tables(html: str) -> dict:
    parser = _Tables()
    parser.feed(html)
    return parser.tables


@pytest.mark.parametrize("which", ["sample", "other data"])
def test_vi_2016_reproduces_the_reference_profile(which, sample_reports, other_data_report):
    out = sample_reports if which == "sample" else other_data_report
    report, html = _report(out, 2016, "VI")
    expected = {
        "citizenship": {"U.S. Citizen/Legal Permanent Resident": "<3", "Foreign National": "<3"},
        "gender": {"Female": 3, "Male": "<3", "Gender Minorities": "<3"},
        "age": {"Adult": 3, "Minor": "<3"},
    }
    tables = _html_tables(html)
    for name, cells in expected.items():
        assert _cells(report, name) == cells
        caption = {"citizenship": "Citizenship", "gender": "Gender", "age": "Age"}[name]
        assert tables[caption] == {k: str(v) for k, v in cells.items()}
    assert report["hhs_region"] == "II"
    assert report["tables"]["sex_trafficking_venues"] == []
    assert report["tables"]["labor_trafficking_venues"] == []
    for sentence in REFERENCE_SENTENCES:
        assert sentence in html
    for text in ("Region II", "Trafficking of Persons | §134",
                 "U.S. Virgin Islands Crimes Against Children Task Force",
                 "U.S. Virgin Islands Domestic Violence and Sexual Assault Council",
                 "Victims of Crime Act grants and funds",
                 "Women’s Coalition of St. Croix Crisis Center Hotline", "718–250–2770",
                 "1-888-373-7888"):
        assert text in html
    # The reference profile links the statute look-up and the funding, and so do we.
    assert ('visit <a class="url" href="https://www.victimlaw.org/victimlaw/">'
            "https://www.victimlaw.org/victimlaw/</a> and search by citation.") in html
    assert '<a href="https://ovc.ojp.gov/">Victims of Crime Act grants and funds</a>' in html


def test_sample_reports_say_synthetic_and_others_do_not(sample_reports, other_data_report):
    assert "Synthetic sample data" in _report(sample_reports, 2016, "VI")[1]
    assert _report(sample_reports, 2016, "VI")[0]["synthetic_sample"] is True
    assert "Synthetic sample data" not in _report(other_data_report, 2016, "VI")[1]


def test_cases_by_year_match_published_totals(sample_reports):
    ca, ca_html = _report(sample_reports, 2016, "CA")
    assert _cells(ca, "cases_by_year")[2012] == 489
    assert _cells(ca, "cases_by_year")[2016] == 1323
    assert _html_tables(ca_html)["Cases per year, 2012-2016"]["2016"] == "1,323"
    assert _cells(_report(sample_reports, 2012, "TX")[0], "cases_by_year") == {2012: 372}


def test_territories_without_content_say_none_on_file(sample_reports):
    _, html = _report(sample_reports, 2016, "CA")
    assert html.count("None on file.") == 4  # laws, collaborations, funding, local hotlines
    assert "1-888-373-7888" in html


class _References(HTMLParser):
    """Every attribute or stylesheet construct that could make a browser fetch something."""

    FETCHING = {("script", "src"), ("link", "href"), ("img", "src"), ("iframe", "src"),
                ("source", "src"), ("video", "src"), ("audio", "src"), ("object", "data"),
                ("embed", "src"), ("image", "href"), ("image", "xlink:href"), ("use", "href"),
                ("use", "xlink:href")}

    def __init__(self):
        super().__init__()
        self.found, self.tags = [], set()

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        for name, value in attrs:
            if (tag, name) in self.FETCHING and value and not value.startswith("#"):
                self.found.append((tag, name, value))
            if name == "style" and value and re.search(r"url\(|@import", value):
                self.found.append((tag, name, value))


@pytest.mark.parametrize("code, year", [("VI", 2016), ("CA", 2016), ("TX", 2012)])
def test_html_references_nothing_outside_itself(sample_reports, code, year):
    _, html = _report(sample_reports, year, code)
    parser = _References()
    parser.feed(html)
    assert parser.found == []
    assert "script" not in parser.tags
    assert not re.search(r"url\(|@import", html)
    assert html.count("<svg") >= 3  # map, cases and signals per year (and call types): inline


def test_executed_notebook_is_kept_and_holds_no_code_output_but_the_report(sample_reports):
    notebook = nbformat.read(sample_reports / "2016" / "VI.ipynb", as_version=4)
    outputs = [o for cell in notebook.cells if cell.cell_type == "code" for o in cell.outputs]
    assert outputs
    assert {o.output_type for o in outputs} == {"display_data"}
    kinds = {kind for o in outputs for kind in o.data}
    assert kinds == {"text/html", "application/vnd.htprofiles.report+json"}


def _values(report: dict) -> dict:
    """Every published cell of a report JSON, keyed by table and row."""
    return {(name, str(next(iter(row.values())))): row["value"]
            for name, rows in report["tables"].items() for row in rows}


def test_threshold_5_withholds_every_count_below_5(sample_reports, threshold_5_report):
    """Against the same report at threshold 3: its 3s and 4s now read <5, nothing else shows."""
    default, _ = _report(sample_reports, 2016, "CA")
    raised, html = _report(threshold_5_report, 2016, "CA")
    assert raised["suppression"] == {"threshold": 5, "suppress_zero": True}
    assert raised["provenance"]["parameters"]["suppression_threshold"] == 5
    before, after = _values(default), _values(raised)
    small = [key for key, value in before.items() if value in (3, 4)]
    assert small, "the comparison needs counts of 3 or 4 at the default threshold"
    assert all(after[key] == "<5" for key in small)
    assert all(value >= 5 for value in after.values() if isinstance(value, int))
    assert all(after[key] != value for key, value in before.items() if value == "<3")
    assert "&lt;5" in html and "&lt;3" not in html
    cells = [value for table in _html_tables(html).values() for value in table.values()]
    counties = re.findall(r"\(\d{5}\): (&lt;5|[\d,]+)", html)  # the map's text alternative
    assert len(counties) == len(raised["tables"]["cases_by_county"])
    assert all(int(value.replace(",", "")) >= 5
               for value in cells + counties if re.fullmatch(r"[\d,]+", value))


@pytest.mark.parametrize("code", ["VI", "R2"])
def test_a_report_from_the_batchs_tables_is_the_report_from_the_records(code, tmp_path):
    """The batch publishes each report's tables once for the build and hands them to the
    kernel in place of records: the profile is the one the template publishes from the records
    when run alone, and the kernel refuses tables published for another report."""
    from htprofiles import report
    from htprofiles.batch.inputs import BatchInputs
    from htprofiles.batch.plan import ReportJob
    from htprofiles.contract.sample import embedded_sample_dir
    from htprofiles.errors import UsageError
    from htprofiles.publication.profile import PUBLISHED_FILE

    alone = report.prepare(territory=code, year=2016)
    params = alone.provenance["parameters"]
    inputs = BatchInputs(embedded_sample_dir(), "", _empty_state())
    (tmp_path / PUBLISHED_FILE).write_bytes(inputs.published(ReportJob(code, 2016, params)))
    batch = report.prepare(territory=code, year=2016, data_dir=str(tmp_path))
    assert batch.to_json()["tables"] == alone.to_json()["tables"]
    assert batch.tables == alone.tables and batch.synthetic == alone.synthetic
    with pytest.raises(UsageError, match="holds the tables of another report"):
        report.prepare(territory=code, year=2015, data_dir=str(tmp_path))


def _empty_state():
    from htprofiles.batch.state import FolderState

    return FolderState()
