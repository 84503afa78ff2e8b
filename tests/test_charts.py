"""Charts as readers see them: valid Vega-Lite, whole-number axes, never an empty frame."""

from __future__ import annotations

import re
from functools import cache
from html import unescape

import pytest

from htprofiles.contract import geo
from htprofiles.contract.suppression import COMPLEMENTARY, SuppressionRule, format_value
from htprofiles.contract.territories import TERRITORIES
from htprofiles.publication.tables import PublishedTable
from htprofiles.rendering import charts, map_layout, sections

RULE = SuppressionRule()

BY_YEAR = PublishedTable("cases_by_year", "Cases by year", "year", (
    {"year": 2015, "value": "<3"}, {"year": 2016, "value": 1323}))
BY_CATEGORY = PublishedTable("call_types", "Calls", "category", (
    {"category": "Crisis", "value": "<3"}, {"category": "Tip", "value": 17},
    {"category": "Referral", "value": COMPLEMENTARY}))
BY_COUNTY = PublishedTable("cases_by_county", "Cases by county", "fips", (
    {"fips": "78010", "county": "St. Croix", "value": "<3"},
    {"fips": "78020", "county": "St. John", "value": COMPLEMENTARY},
    {"fips": "78030", "county": "St. Thomas", "value": 12}))
BY_TERRITORY = PublishedTable("cases", "Cases", "code", (
    {"code": "VI", "value": "<3"}, {"code": "TX", "value": 372}))
MEMBERS = {region: [code for code, t in TERRITORIES.items() if t.hhs_region == region]
           for region in dict.fromkeys(t.hhs_region for t in TERRITORIES.values())}
MEMBERS["nation"] = list(TERRITORIES)
"""Each HHS region's states and territories, from the registry, and the nation's."""
FILL_OF = dict(zip(["<3", COMPLEMENTARY, 5, 12, 30, 50, 140, 405, 1_239],
                   [charts.MAP_COLOURS[0], charts.PROTECTING, *charts.MAP_COLOURS[1:],
                    charts.MAP_COLOURS[-1]], strict=True))
"""Published cells of each kind, both marks and a count in every bin, and their fills."""
SHOWN = list(FILL_OF)


def _by_member(codes: list[str], cells: list = SHOWN) -> PublishedTable:
    """A table of the members' published cases, the cells taken in turn."""
    return PublishedTable("cases_by_member", "Cases by state or territory", "code", tuple(
        {"category": TERRITORIES[code].name, "code": code, "value": cells[i % len(cells)]}
        for i, code in enumerate(codes)))

CHARTS = {
    "columns by year": lambda: charts.bar_chart(BY_YEAR),
    "bars by category": lambda: charts.bar_chart(BY_CATEGORY),
    "county map": lambda: charts.county_map(BY_COUNTY, TERRITORIES["VI"], RULE),
    "county map of one frame": lambda: charts.county_map(
        PublishedTable("cases_by_county", "Cases by county", "fips", tuple(
            {"fips": fips, "county": name, "value": 4}
            for fips, name in geo.county_names("15").items())), TERRITORIES["HI"], RULE),
    "national tile map": lambda: charts.tile_map(BY_TERRITORY, RULE, "Cases"),
    "members map of a region": lambda: charts.members_map(
        _by_member(MEMBERS["IX"]), MEMBERS["IX"], RULE),
    "members map of the nation": lambda: charts.members_map(
        _by_member(MEMBERS["nation"]), MEMBERS["nation"], RULE),
}


@pytest.mark.parametrize("kind", CHARTS)
def test_every_kind_of_chart_is_valid_vega_lite(kind):
    chart = CHARTS[kind]()
    chart.to_dict(validate=True)  # raises a SchemaValidationError naming the wrong property
    assert charts.to_svg(chart).startswith("<svg")


@pytest.mark.parametrize("kind", CHARTS)
def test_every_kind_of_chart_renders_the_same_svg_every_time(kind):
    """vl-convert numbers clip paths across a process: a clipped chart would differ with
    whatever the same worker drew before it."""
    svgs = {charts.to_svg(CHARTS[kind]()) for _ in range(2)}
    assert len(svgs) == 1
    assert "url(#" not in svgs.pop()


def _bar_table(key: str, values: list) -> PublishedTable:
    name = {"year": "cases_by_year", "category": "call_types"}[key]
    rows = tuple(({"year": 2012 + i} if key == "year" else {"category": f"Kind {i}"})
                 | {"value": value} for i, value in enumerate(values))
    return PublishedTable(name, "Counts", key, rows)


def _count_axis_labels(svg: str) -> list[str]:
    """The tick labels of the axis titled 'Count', in drawing order."""
    (labels,) = re.findall(r"aria-label=\"[XY]-axis titled 'Count'[^\"]*\".*?"
                           r'<g class="mark-text role-axis-label"[^>]*>(.*?)</g>', svg, re.S)
    return [unescape(text) for text in re.findall(r">([^<]*)</text>", labels)]


@pytest.mark.parametrize("key", ["year", "category"])
@pytest.mark.parametrize("top", [1, 2, 3, 5, 7, 12])
def test_count_axes_label_whole_numbers_once_each(key, top):
    """Small maxima used to give 0 1 1 2 2 3 3: halves printed as whole numbers."""
    table = _bar_table(key, [top, "<3", COMPLEMENTARY, (top + 1) // 2, 0])
    labels = _count_axis_labels(charts.bar_svg(table))
    numbers = [int(label.replace(",", "")) for label in labels]  # ValueError if not whole
    assert numbers[0] == 0 and numbers[-1] >= top
    assert all(a < b for a, b in zip(numbers, numbers[1:], strict=False))
    assert len(numbers) >= 2


def test_a_large_count_axis_keeps_few_readable_ticks():
    labels = _count_axis_labels(charts.bar_svg(_bar_table("category", [1323, 17])))
    assert labels == ["0", "200", "400", "600", "800", "1,000", "1,200", "1,400"]


ALL_WITHHELD = {
    "columns by year": _bar_table("year", ["<3", COMPLEMENTARY, "<3"]),
    "bars by category": _bar_table("category", ["<3", "<3", COMPLEMENTARY, "<3"]),
    "bars of zeros": _bar_table("category", [0, "<3", 0]),
}


@pytest.mark.parametrize("kind", ALL_WITHHELD)
def test_a_chart_of_withheld_counts_is_a_sentence_and_its_table(kind):
    table = ALL_WITHHELD[kind]
    assert charts.bar_svg(table) == ""
    html = sections.chart_with_table(charts.bar_svg(table), table, RULE)
    assert "<svg" not in html and 'role="img"' not in html
    assert "No bars are drawn: every count is " in html
    assert html.count("<tr>") == 1 + len(table.rows)  # the header and every row
    if kind == "bars of zeros":
        assert "fewer than 3 (shown as &lt;3) or zero." in html


def test_a_table_withheld_whole_shows_its_note_alone():
    table = PublishedTable("signals_by_year", "Signals per year", "year", (),
                           note="This table is withheld in full.")
    html = sections.chart_with_table(charts.bar_svg(table), table, RULE)
    assert "This table is withheld in full." in html
    assert "<svg" not in html and "<table" not in html


def test_a_chart_with_some_bars_is_drawn():
    table = _bar_table("year", ["<3", 4, COMPLEMENTARY])
    html = sections.chart_with_table(charts.bar_svg(table), table, RULE)
    assert "<svg" in html and "No bars are drawn" not in html


def _filled_shapes(svg: str) -> list[str]:
    return re.findall(r'<path[^>]*aria-roledescription="geoshape"[^>]*fill="(#[0-9a-f]+)"', svg)


def test_a_map_of_withheld_counties_colours_every_county():
    table = PublishedTable("cases_by_county", "Cases by county", "fips", tuple(
        row | {"value": "<3"} for row in BY_COUNTY.rows))
    svg = charts.map_svg(table, TERRITORIES["VI"], RULE)
    assert _filled_shapes(svg) and set(_filled_shapes(svg)) == {charts.MAP_COLOURS[0]}
    assert ("fewer than 3", charts.MAP_COLOURS[0]) in charts.map_legend(table, RULE)


def test_a_county_table_withheld_whole_draws_no_map():
    table = PublishedTable("cases_by_county", "Cases by county", "fips", (),
                           note="Cases by county are withheld in full.")
    assert charts.map_svg(table, TERRITORIES["VI"], RULE) == ""
    html = sections.map_figure("", table, RULE, 2016)
    assert "Cases by county are withheld in full." in html and "<svg" not in html


def test_a_tile_map_of_withheld_counts_colours_every_tile():
    table = PublishedTable("cases", "Cases", "code", (
        {"code": "VI", "value": "<3"}, {"code": "TX", "value": COMPLEMENTARY}))
    svg = charts.to_svg(charts.tile_map(table, RULE, "Cases"))
    fills = dict(re.findall(r'<path aria-label="([^"]*)"[^>]*? fill="([^"]*)"', svg))
    assert fills["U.S. Virgin Islands: &lt;3"] == charts.MAP_COLOURS[0]
    assert fills["Texas: withheld"] == charts.PROTECTING


def test_a_tile_links_to_its_report_and_says_its_published_cell():
    table = PublishedTable("cases", "Cases", "code", (
        {"code": "VI", "value": "<3"}, {"code": "TX", "value": 372}))
    svg = charts.linked_svg(charts.tile_map(table, RULE, "Cases", {"TX": "2016/TX.html"}))
    assert re.findall(r'<a xlink:href="([^"]*)"><path aria-label="([^"]*)"', svg) == [
        ("2016/TX.html", "Texas: 372")]


# Maps of an HHS region's or the nation's states and territories.

@cache
def _members_svg(name: str) -> str:
    return charts.members_map_svg(_by_member(MEMBERS[name]), MEMBERS[name], RULE)


def _member_shapes(svg: str) -> list[tuple[str, str, str]]:
    """(aria-label, fill, path data) of each shape drawn."""
    tags = [dict(re.findall(r'([\w-]+)="([^"]*)"', tag))
            for tag in re.findall(r"<path [^>]*>", svg)]
    return [(unescape(tag["aria-label"]), tag["fill"], tag["d"]) for tag in tags
            if tag.get("aria-roledescription") == "geoshape"]


@pytest.mark.parametrize("name", MEMBERS)
def test_a_members_map_draws_every_member_with_its_published_cell(name):
    """Each member is a shape labelled with its name and published cell, filled with its
    cell's bin colour; far members (Alaska, Hawaii, the islands) in a frame titled by name."""
    table = _by_member(MEMBERS[name])
    shapes = _member_shapes(_members_svg(name))
    expected = {f"{TERRITORIES[row['code']].name}: {format_value(row['value'])}":
                FILL_OF[row["value"]] for row in table.rows}
    assert {label for label, _, _ in shapes} == set(expected)
    assert all(fill == expected[label] and d.startswith("M") for label, fill, d in shapes)
    titles = set(re.findall(r"aria-label=\"Title text '([^']*)'\"", _members_svg(name)))
    near = geo.contiguous_codes() & set(MEMBERS[name])
    tiny = charts.TINY_MEMBERS & near if len(near) > 1 else set()
    assert {TERRITORIES[code].name for code in MEMBERS[name]} - titles \
        == {TERRITORIES[code].name for code in near - tiny}


def _extent(d: str) -> tuple[float, float]:
    """Width and height in pixels of a path's points."""
    points = [(float(x), float(y)) for x, y in re.findall(r"(-?[\d.]+),(-?[\d.]+)", d)]
    return (max(x for x, _ in points) - min(x for x, _ in points),
            max(y for _, y in points) - min(y for _, y in points))


@pytest.mark.parametrize("name", ["III", "nation"])
def test_the_district_of_columbia_gets_an_inset_large_enough_to_see(name):
    """In place it is a speck (2 px across on the nation's map): it stays there, unlabelled and
    hidden from screen readers, and its one labelled shape is a titled inset's, tens of pixels
    across, filled like the other members."""
    svg, table = _members_svg(name), _by_member(MEMBERS[name])
    cell = next(row["value"] for row in table.rows if row["code"] == "DC")
    district = [(fill, d) for label, fill, d in _member_shapes(svg)
                if label == f"District of Columbia: {format_value(cell)}"]
    assert len(district) == 1 and district[0][0] == FILL_OF[cell]
    assert min(_extent(district[0][1])) >= 40
    assert "aria-label=\"Title text 'District of Columbia'\"" in svg
    hidden = re.findall(r'<g class="mark-shape[^"]*" aria-hidden="true"><path [^>]*d="([^"]*)"'
                        r'[^>]*fill="([^"]*)"', svg)
    assert [fill for _, fill in hidden] == [FILL_OF[cell]] and max(_extent(hidden[0][0])) < 15
    assert charts.TINY_NOTE in unescape(svg)


def test_a_map_of_the_district_alone_needs_no_inset():
    svg = charts.members_map_svg(_by_member(["DC"]), ["DC"], RULE)
    ((label, _, d),) = _member_shapes(svg)
    assert label.startswith("District of Columbia") and _extent(d)[0] > 300
    assert "Title text" not in svg and "aria-hidden=\"true\"><path" not in svg


@pytest.mark.parametrize("name", MEMBERS)
def test_a_members_map_fits_the_width_of_the_county_map(name):
    width = float(re.search(r'<svg[^>]*width="([\d.]+)"', _members_svg(name))[1])
    assert width <= charts.MAP_WIDTH + 12  # Vega's padding, and strokes on the edge


def test_a_members_map_has_the_county_maps_legend():
    """One legend for both kinds of map, drawn by the page (readable in print and on a phone),
    not inside the SVG; its "withheld" entry only where a shape can be filled so."""
    members = _by_member(MEMBERS["II"])
    assert charts.map_legend(members, RULE)[:7] == charts.map_legend(BY_COUNTY, RULE)[:7]
    assert charts.map_legend(members, RULE)[0] == ("fewer than 3", charts.MAP_COLOURS[0])
    plain = _by_member(MEMBERS["I"], ["<3", 5])
    assert "withheld" not in " ".join(label for label, _ in charts.map_legend(plain, RULE))
    assert "legend" not in charts.members_map_svg(plain, MEMBERS["I"], RULE)


NUMBER = r"\d+(?:,\d{3})*"


def test_a_members_map_shows_no_digit_of_a_withheld_count():
    """The counts behind the marks (say 76 and 7 behind "withheld", 1 and 2 behind "<3") use
    digits no published count (``SHOWN``) and no legend entry has: none may appear in any text
    or label. Every number read is a published count or a bin's bound (or the legend's size)."""
    table, svg = _by_member(MEMBERS["nation"]), _members_svg("nation")
    read = [unescape(text) for text in re.findall(r'aria-label="([^"]*)"', svg)
            + re.findall(r">([^<>]+)</text>", svg)]
    assert not any(re.search("[67]", text) for text in read)
    numbers = {n for text in read for n in re.findall(NUMBER, text)}
    assert numbers <= {format_value(v) for v in table.values() if isinstance(v, int)} | {
        n for _, label in charts.map_bins(RULE) for n in re.findall(NUMBER, label)} | {"8"}


def test_a_members_table_withheld_whole_draws_no_map():
    table = PublishedTable("cases_by_member", "Cases", "code", (), note="Withheld in full.")
    assert charts.members_map_svg(table, MEMBERS["II"], RULE) == ""


@pytest.mark.parametrize("code", sorted(set(TERRITORIES) - geo.contiguous_codes()))
def test_a_far_members_land_fills_its_frames(code):
    """Scattered islands are framed as on their county map, each frame filled; one frame is
    drawn edge to edge, within its padding."""
    inset = charts._Inset.of(geo.state_features([code])[0])
    if len(inset.frames) > 1:
        for frame in inset.frames:
            islands = map_layout.island_bounds(frame.features)
            assert map_layout.land_fill(islands) >= map_layout.LAND_FILL
        return
    ((width, height),) = inset._sizes(charts.INSET_AREA / 4)
    svg = charts.to_svg(inset.chart(charts.INSET_AREA / 4, {}))
    points = [(float(x), float(y)) for d in re.findall(r'<path (?!class=)[^>]*? d="([^"]*)"', svg)
              for x, y in re.findall(r"(-?[\d.]+),(-?[\d.]+)", d)]
    land = map_layout.FRAME_PAD
    assert min(x for x, _ in points) == pytest.approx(land, abs=2)
    assert max(x for x, _ in points) == pytest.approx(width - land, abs=2)
    assert min(y for _, y in points) == pytest.approx(land, abs=2)
    assert max(y for _, y in points) == pytest.approx(height - land, abs=2)


def test_a_withheld_count_is_a_dashed_band_not_a_gap():
    """A gap would read as zero: a small count's band reaches the threshold, a count withheld
    to protect others spans the axis; a count's bar is solid."""
    svg = charts.bar_svg(PublishedTable("cases_by_year", "Cases", "year", (
        *BY_YEAR.rows, {"year": 2017, "value": COMPLEMENTARY})), RULE)
    shapes = re.findall(r'<path aria-label="([^"]*)"[^>]*? d="M[\d.-]+,[\d.-]+h[\d.-]+'
                        r'v([\d.-]+)[^"]*"([^>]*)>', svg)
    bars = {label: ("stroke-dasharray" in rest, float(height)) for label, height, rest in shapes}
    assert bars["2015: &lt;3"][0] and bars["2017: withheld"][0] and not bars["2016: 1,323"][0]
    assert bars["2017: withheld"][1] > bars["2016: 1,323"][1] > bars["2015: &lt;3"][1] > 0


def test_each_county_and_member_is_titled_with_its_published_cell():
    """Browsers show an SVG title on hover: a county's value is not for screen readers only."""
    svg = charts.map_svg(BY_COUNTY, TERRITORIES["VI"], RULE)
    assert set(re.findall(r"<title>([^<]*)</title>", svg)) == {
        "St. Croix: &lt;3", "St. John: withheld", "St. Thomas: 12"}
    members = charts.members_map_svg(BY_TERRITORY, ["VI", "TX"], RULE)
    assert {"U.S. Virgin Islands: &lt;3", "Texas: 372"} == set(
        re.findall(r"<title>([^<]*)</title>", members))


def test_the_county_table_lists_published_counts_only_largest_first():
    counted = sections.counted_counties(PublishedTable("cases_by_county", "Cases", "fips", (
        *BY_COUNTY.rows, {"fips": "78040", "county": "Water Island", "value": 40})), 2016)
    assert [(row["county"], row["value"]) for row in counted.rows] == [
        ("Water Island", 40), ("St. Thomas", 12)]
    html = sections.map_figure("<svg></svg>", BY_COUNTY, RULE, 2016)
    assert "<th scope=\"row\">St. Thomas (78030)</th><td class=\"num\">12</td>" in html
    assert "St. Croix (78010)</th>" not in html
