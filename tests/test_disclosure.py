"""No output tells more than the published cells: charts, map, HTML, notebook, and the
differential test (swapping 1 and 2 between withheld cells changes no byte of any report)."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from html import unescape
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pytest
from conftest import write_csvs

from htprofiles.cli import main
from htprofiles.contract.suppression import COMPLEMENTARY, SuppressionRule
from htprofiles.contract.territories import TERRITORIES
from htprofiles.publication.tables import PublishedTable
from htprofiles.rendering import charts, sections

RULE = SuppressionRule()
VI = TERRITORIES["VI"]

CALLS = PublishedTable("call_types", "Calls", "category", (
    {"category": "Crisis", "value": "<3"}, {"category": "Tip", "value": 17},
    {"category": "Referral", "value": COMPLEMENTARY}),
    footnote="Withheld to protect other small counts; each such count is 3 or more.")
COUNTIES = PublishedTable("cases_by_county", "Cases by county in 2016", "fips", (
    {"fips": "78010", "county": "St. Croix", "value": "<3"},
    {"fips": "78020", "county": "St. John", "value": COMPLEMENTARY},
    {"fips": "78030", "county": "St. Thomas", "value": 12}))


def _aria_labels(svg: str) -> list[str]:
    return [unescape(label) for label in re.findall(r'aria-label="([^"]*)"', svg)]


def test_a_chart_holds_only_published_cells():
    values = charts.bar_chart(CALLS).to_dict()["data"]["values"]
    assert values == [{"label": "Crisis", "value": None, "high": None, "text": "<3"},
                      {"label": "Tip", "value": 17, "high": None, "text": "17"},
                      {"label": "Referral", "value": None, "high": None, "text": COMPLEMENTARY}]


def test_svg_labels_carry_only_published_cells():
    svg = charts.to_svg(charts.bar_chart(CALLS))
    marks = re.findall(r'aria-label="([^"]*)"[^>]*aria-roledescription="(?:bar|text mark)"', svg)
    assert {unescape(label) for label in marks} == {"Crisis: <3", "Tip: 17", "Referral: withheld"}
    axis = next(label for label in _aria_labels(svg) if label.startswith("X-axis"))
    assert axis.endswith("from 0 to 20")  # the scale follows the published 17 only


def test_map_colours_never_separate_small_counts():
    bins = charts.map_bins(RULE)
    assert min(lo for lo, _ in bins) == RULE.threshold
    labels = {charts._bin_label(value, RULE, bins) for value in ("<3",) * 3}
    assert labels == {"fewer than 3"}
    assert charts._bin_label(COMPLEMENTARY, RULE, bins) == "withheld (3 or more)"


def _views(spec: dict, data: dict | None = None) -> list[dict]:
    """The single views of a chart spec, each with its data (Altair may lift it to a parent):
    the map of a scattered territory has several frames."""
    data = spec.get("data", data)
    nested = spec.get("vconcat", []) + spec.get("hconcat", [])
    return ([found for view in nested for found in _views(view, data)] if nested
            else [spec | {"data": data}])


def _map_bins_and_scale(table: PublishedTable) -> tuple[dict, dict]:
    """Each county's colour bin and the one colour scale of every frame of the VI map."""
    views = _views(charts.county_map(table, VI, RULE).to_dict())
    bins = {f["id"]: f["properties"]["bin"] for view in views
            for f in json.loads(view["data"]["values"])["features"]}
    (scale,) = {json.dumps(view["encoding"]["color"]["scale"]) for view in views}
    return bins, json.loads(scale)


def test_the_map_styles_withheld_counties_by_mark_alone():
    bins, scale = _map_bins_and_scale(COUNTIES)
    assert bins == {"78010": "fewer than 3", "78020": "withheld (3 or more)", "78030": "10-24"}
    assert "withheld (3 or more)" in scale["domain"]
    assert len(scale["domain"]) == len(scale["range"])
    _, plain = _map_bins_and_scale(PublishedTable("cases_by_county", "t", "fips", tuple(
        row | {"value": "<3"} for row in COUNTIES.rows)))
    assert "withheld (3 or more)" not in plain["domain"]
    assert plain["range"] == scale["range"][:len(plain["range"])]


def test_complementary_cells_point_to_their_footnote():
    html = sections.table(CALLS)
    assert "<td class=\"num\">withheld*</td>" in html
    assert "<tfoot>" in html and "* Withheld to protect other small counts" in html
    assert "<tfoot>" not in sections.table(replace(COUNTIES, rows=COUNTIES.rows[:1]))
    assert sections.describe(CALLS) == "Calls. Crisis: <3; Tip: 17; Referral: withheld."


# The differential test: two data sets that differ only by swapping 1 and 2 between two
# withheld cells, in every kind of table at once, give byte-identical reports.

def _records(swapped: bool) -> dict[str, list[dict]]:
    """VI records with a pair of withheld cells (counts 1 and 2) in demographics, venues,
    trafficking types, call types, counties and years; ``swapped`` exchanges every pair."""

    def flip(one: str, two: str) -> str:
        """The record that makes ``two`` count 2 and ``one`` count 1, or the other way."""
        return one if swapped else two

    cases = [("2016", "labor", "78010", "", "agriculture"),
             ("2016", "sex_and_labor", "78020", "hotel_motel", "domestic_work"),
             ("2016", flip("labor", "sex_and_labor"), flip("78010", "78020"),
              flip("hotel_motel", "street_based"), flip("agriculture", "domestic_work")),
             ("2016", "sex", "78030", "street_based", "")]
    cases += [("2016", "sex", "78030", "escort_service", "")] * 5
    cases += [("2016", "sex", county, "", "") for county in ("78030",) * 4 + ("",) * 1]
    cases += [("2016", "not_specified", "", "", "")] * 4
    cases += [("2013", "sex", "78030", "", ""), ("2014", "sex", "78030", "", ""),
              (flip("2013", "2014"), "sex", "78030", "", "")]
    cases += [("2015", "sex", "78030", "", "")] * 4 + [("2012", "labor", "78010", "", "")] * 5
    victims = [("male", "us_citizen_lpr", "adult"),
               ("gender_minority", "foreign_national", "minor"),
               (flip("male", "gender_minority"), flip("us_citizen_lpr", "foreign_national"),
                flip("adult", "minor"))] + [("female", "", "")] * 5
    signals = ([("2016", "phone", call) for call in ("crisis", "referral",
                                                     flip("crisis", "referral"))]
               + [("2016", "phone", "tip")] * 13 + [("2016", "phone", "general_information")] * 4
               + [("2016", method, "tip") for method in ["email"] * 5 + ["webform"] * 4
                  + ["text"] * 3 + ["chat"]]
               + [("2013", "phone", "tip"), ("2014", "phone", "tip"),
                  (flip("2013", "2014"), "phone", "tip")]
               + [("2015", "email", "tip")] * 9 + [("2012", "phone", "crisis")] * 12)
    return {
        "cases": [{"case_id": f"c{i}", "reported_date": f"{year}-06-01", "territory": "VI",
                   "county_fips": county, "trafficking_type": kind, "sex_venue": sex,
                   "labor_venue": labor}
                  for i, (year, kind, county, sex, labor) in enumerate(cases)],
        "victims": [{"victim_id": f"v{i}", "case_id": f"c{3 + i}", "gender": gender,
                     "citizenship": citizenship, "age_group": age}
                    for i, (gender, citizenship, age) in enumerate(victims)],
        "signals": [{"signal_id": f"s{i}", "received_date": f"{year}-06-01", "territory": "VI",
                     "method": method, "call_type": call}
                    for i, (year, method, call) in enumerate(signals)],
    }


REPORTS = [(year, "VI", suffix) for year in (2014, 2016) for suffix in ("html", "json", "ipynb")]


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> dict[bool, Path]:
    """Both data sets, each built once for VI 2014 and 2016 by the real command."""
    root = tmp_path_factory.mktemp("differential")
    outs = {}
    for swapped in (False, True):
        data = write_csvs(root / f"data-{swapped}", _records(swapped))
        outs[swapped] = root / f"out-{swapped}"
        assert main(["build", "--territory", "VI", "--year", "2014", "2016", "--data", str(data),
                     "--out", str(outs[swapped])]) == 0
    return outs


def _published(out: Path) -> dict[str, bytes]:
    """Every file of an output folder but its private build state."""
    return {str(path.relative_to(out)): path.read_bytes() for path in sorted(out.rglob("*"))
            if path.is_file() and not path.relative_to(out).parts[0].startswith(".")}


def test_the_data_sets_differ_in_every_kind_of_table():
    plain, swapped = _records(False), _records(True)
    changed = {(name, column) for name in plain for a, b in zip(plain[name], swapped[name],
                                                                strict=True)
               for column in a if a[column] != b[column]}
    assert changed == {("cases", "trafficking_type"), ("cases", "county_fips"),
                       ("cases", "sex_venue"), ("cases", "labor_venue"),
                       ("cases", "reported_date"), ("victims", "gender"),
                       ("victims", "citizenship"), ("victims", "age_group"),
                       ("signals", "call_type"), ("signals", "received_date")}


@pytest.mark.build
def test_swapping_withheld_counts_changes_no_published_byte(built):
    published = _published(built[False])
    assert sorted(published) == sorted(["index.html", "manifest.json"] + [
        f"{year}/{code}.{suffix}" for year, code, suffix in REPORTS])
    assert published == _published(built[True])
    state = Path(".htprofiles") / "state.json"
    assert (built[False] / state).read_bytes() != (built[True] / state).read_bytes()


@pytest.mark.build
def test_the_swapped_cells_are_withheld_and_one_table_needed_a_complement(built):
    report = json.loads((built[False] / "2016" / "VI.json").read_text())
    tables = report["tables"]

    def value(table: str, name: str):
        return next(row["value"] for row in tables[table]
                    if name in (row.get("category"), row.get("fips"), row.get("year")))

    for table, a, b in [("gender", "Male", "Gender Minorities"),
                        ("citizenship", "U.S. Citizen/Legal Permanent Resident",
                         "Foreign National"),
                        ("age", "Adult", "Minor"), ("trafficking_types", "Labor", "Sex and Labor"),
                        ("call_types", "Crisis", "Referral"), ("cases_by_county", "78010", "78020"),
                        ("cases_by_year", 2013, 2014), ("signals_by_year", 2013, 2014)]:
        assert value(table, a) == value(table, b) == "<3"
    # Some types of case are withheld: a list of venues would tell which types the cases are.
    assert tables["sex_trafficking_venues"] == tables["labor_trafficking_venues"] == []
    assert value("signal_methods", "Email") == COMPLEMENTARY
    assert report["provenance"]["audit"]["guarantee"] == (
        "each withheld count keeps at least two possible values")
    assert "* Withheld to protect other small counts" in (built[False] / "2016" / "VI.html"
                                                          ).read_text()


class _Shown(HTMLParser):
    """Every text and attribute value of an HTML fragment: all a reader can see or hear."""

    def __init__(self, html: str):
        super().__init__()
        self.shown: set[str] = set()
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.shown.update(value for _, value in attrs if value)

    def handle_data(self, data):
        if data.strip():
            self.shown.add(data.strip())


@pytest.mark.build
@pytest.mark.parametrize("year", [2014, 2016])
def test_the_notebook_shows_nothing_the_html_does_not(built, year):
    html = _Shown((built[False] / str(year) / "VI.html").read_text()).shown
    notebook = nbformat.read(built[False] / str(year) / "VI.ipynb", as_version=4)
    outputs = [o for cell in notebook.cells if cell.cell_type == "code" for o in cell.outputs]
    assert {o.output_type for o in outputs} == {"display_data"}
    for output in outputs:
        assert set(output.data) <= {"text/html", "application/vnd.htprofiles.report+json"}
        if "text/html" in output.data:
            assert _Shown(output.data["text/html"]).shown <= html
        else:
            assert output.data["application/vnd.htprofiles.report+json"] == json.loads(
                (built[False] / str(year) / "VI.json").read_text())


def test_a_mark_standing_for_two_values_is_refused_before_anything_is_built(tmp_path, capsys):
    """Without suppress_zero, "<3" would stand for 1 or 2: protecting its neighbours could tell
    which."""
    out = tmp_path / "out"
    assert main(["build", "--territory", "VI", "--year", "2016", "--out", str(out),
                 "-p", "suppress_zero=false"]) == 2
    assert "the threshold must be 4 or more" in capsys.readouterr().err
    assert not out.exists()
