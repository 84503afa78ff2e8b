"""Altair charts drawn from published tables only, rendered to inline SVG with vl-convert.

Altair embeds every row it is given and vl-convert writes values into SVG ``aria-label``s,
so a chart must never see a raw count: each function here takes a ``PublishedTable``.
"""

from __future__ import annotations

import itertools
import json
import math
import re
from dataclasses import dataclass

import altair as alt
import vl_convert

from ..contract import geo
from ..contract.suppression import (
    SuppressionRule,
    format_cell,
    format_value,
    is_complementary,
    is_withheld,
)
from ..contract.territories import TERRITORIES, Territory
from ..publication.tables import PublishedTable
from . import map_layout

PALETTE = "#1f5f8b"
"""One dark blue for bars: readable in print and for every kind of colour vision."""
MAP_COLOURS = ("#fef0d9", "#fdd49e", "#fdbb84", "#fc8d59", "#ef6548", "#d7301f", "#990000")
"""ColorBrewer OrRd: small counts, then one colour per bin of published counts."""
DARK_COLOURS = MAP_COLOURS[-2:]
"""Colours dark enough that text on them is white."""
NO_CASES = "#ffffff"
PROTECTING = "#bdbdbd"
"""Counties withheld to protect others: grey, outside the scale of counts."""
WIDTH = 460
YEARS_HEIGHT = 150
"""Columns by year: low enough that both per-year charts fit a printed column."""
MAP_WIDTH, MAP_HEIGHTS = 540, (220, 400)
"""The map's width, and the range its height keeps to while following the territory's shape."""
FONT = "Liberation Sans"
"""vl-convert ships this font, so chart text is measured alike on every machine; the report's
CSS names it first, so charts and page share one typeface."""
THEME = {
    "font": FONT,
    "axis": {"labelFontSize": 12, "titleFontSize": 12, "titleFontWeight": "normal",
             "titleColor": "#555555", "labelColor": "#1b1b1b"},
    "legend": {"labelFontSize": 12, "titleFontSize": 12, "symbolSize": 160},
    "text": {"fontSize": 12},
    "view": {"stroke": None},
}
"""Chart text at the page's reading size; a chart's title is its figure's caption."""



WITHHELD_FILL, WITHHELD_STROKE = "#ffffff", "#8c8c8c"
"""A withheld count's band: hollow and dashed, unlike any bar of a count."""
DEFAULT_RULE = SuppressionRule()


def _bar_rows(table: PublishedTable) -> list[dict]:
    """Chart rows: bar length only for published counts, the label for every row, and the
    greatest value of a withheld count's public range where it has one."""
    label_key = "year" if table.key == "year" else "category"
    return [
        {
            "label": str(row[label_key]),
            "value": None if is_withheld(row["value"]) else row["value"],
            "high": row["range"][1] if row.get("range") else None,
            "text": format_cell(row),
        }
        for row in table.rows
    ]


def _bands(rule: SuppressionRule, top: int) -> dict[str, str]:
    """Vega expressions of each row's withheld band (the values a withheld count may have, as
    the page says them: below the threshold for a small count, up to its public range's top
    for one with a range, anything for another withheld to protect others) and of where its
    label sits: computed in the chart from the published row, so the chart's data hold
    nothing but what the page publishes."""
    band = (f"datum.value !== null ? null : datum.high !== null ? datum.high "
            f": datum.text === {json.dumps(rule.mark)} ? {rule.threshold} : {top}")
    return {"band": band, "at": f"datum.value !== null ? datum.value : ({band})"}


LABEL, ARIA = alt.Text("text:N"), alt.Description("aria:N")
MEMBER_ARIA = alt.Description("properties.aria:N")
"""What a screen reader says of a map's shape (a county or a member): its name and published
cell."""
"""Channels as objects, not shorthand strings: Altair would rebuild its schema index for each."""
MAX_TICK_STEPS = 8
"""A count axis has at most this many steps between its ticks."""


def _counts(table: PublishedTable) -> list[int]:
    """The published counts, and the tops of withheld counts' public ranges."""
    return [row["range"][1] if row.get("range") else row["value"] for row in table.rows
            if not is_withheld(row["value"]) or row.get("range")]


def count_ticks(table: PublishedTable, rule: SuppressionRule = DEFAULT_RULE) -> list[int]:
    """Whole-number ticks from 0 to just past the largest published count (and the threshold,
    where a small count's band reaches it), a nice step apart.

    Vega's own ticks halve small ranges, and a whole-number format then prints 0 1 1 2 2 3 3.
    """
    small = any(is_withheld(v) and not is_complementary(v) for v in table.values())
    top = max([*_counts(table), rule.threshold if small else 0])
    step = next(s for power in itertools.count() for s in (10**power, 2 * 10**power, 5 * 10**power)
                if top <= MAX_TICK_STEPS * s)
    return list(range(0, -(-top // step) * step + 1, step))


def has_bars(table: PublishedTable) -> bool:
    """Whether a bar chart of the table would draw any bar: some published count above zero."""
    return any(count > 0 for count in _counts(table))


def bar_svg(table: PublishedTable, rule: SuppressionRule = DEFAULT_RULE) -> str:
    """The bar chart of a table as SVG, or "" when it would be an empty frame (every count
    withheld or zero, or no row at all): the report says so in words instead."""
    return to_svg(bar_chart(table, rule)) if has_bars(table) else ""


def bar_chart(table: PublishedTable, rule: SuppressionRule = DEFAULT_RULE) -> alt.LayerChart:
    """Horizontal bars by category, or columns by year, each labelled with its published cell.

    A withheld count is a hollow dashed band over the values it may have, never an empty
    place that would read as zero.
    """
    ticks = count_ticks(table, rule)
    rows = _bar_rows(table)
    order = [row["label"] for row in rows]
    count = dict(type="quantitative", title="Count", scale=alt.Scale(domain=[0, ticks[-1]]),
                 axis=alt.Axis(format=",d", values=ticks))
    base = alt.Chart(alt.Data(values=rows))
    if table.key == "year":
        label = alt.X("label:O", sort=order, title=None, axis=alt.Axis(labelAngle=0))
        along, across, text_mark = "y", "x", base.mark_text(dy=-8)
        size = {"width": WIDTH, "height": YEARS_HEIGHT}
    else:
        label = alt.Y("label:N", sort=order, title=None)
        along, across, text_mark = "x", "y", base.mark_text(align="left", dx=4)
        size = {"width": WIDTH - 200, "height": alt.Step(24)}
    channel = {"x": alt.X, "y": alt.Y}[along]
    bars = base.mark_bar(color=PALETTE).encode(
        **{across: label, along: channel(field="value", **count)}, description=ARIA)
    bands = base.mark_bar(fill=WITHHELD_FILL, stroke=WITHHELD_STROKE, strokeDash=[4, 3],
                          strokeWidth=1).encode(
        **{across: label, along: channel(field="band", **count)}, description=ARIA)
    text = text_mark.encode(**{across: label, along: channel(field="at", **count)}, text=LABEL,
                            description=ARIA)
    layers = [bands] if any(row["value"] is None for row in rows) else []  # none empty, unnamed
    return alt.layer(*layers, bars, text).transform_calculate(
        aria="datum.label + ': ' + datum.text", **_bands(rule, ticks[-1])).properties(**size)


def map_bins(rule: SuppressionRule) -> list[tuple[int, str]]:
    """Colour bins (lower bound, label) that never separate values below the threshold."""
    t = rule.threshold
    edges = [t] + [e for e in (10, 25, 50, 100, 250) if e > t]
    bins = [(lo, f"{lo:,}-{hi - 1:,}") for lo, hi in zip(edges, edges[1:], strict=False)]
    return bins + [(edges[-1], f"{edges[-1]:,} or more")]


def _withheld_labels(rule: SuppressionRule) -> tuple[str, str]:
    """Legend entries of the two marks: small counts, and counts withheld to protect them."""
    return f"fewer than {rule.threshold}", f"withheld ({rule.threshold} or more)"


def _bin_label(value, rule: SuppressionRule, bins: list[tuple[int, str]]) -> str:
    """A county's legend entry from its published cell alone."""
    small, protecting = _withheld_labels(rule)
    if is_withheld(value):
        return protecting if is_complementary(value) else small
    if value == 0:
        return "none"
    return [label for lo, label in bins if value >= lo][-1]


def _legend(rule: SuppressionRule, bins: list[tuple[int, str]],
            shown: set[str]) -> tuple[list[str], list[str]]:
    """Legend entries and their colours: every bin, and "none" and the complementary mark only
    when they can appear, so a colour never depends on the data."""
    small, protecting = _withheld_labels(rule)
    entries = [("none", NO_CASES)] if not rule.suppress_zero else []
    entries += [(small, MAP_COLOURS[0])]
    entries += [(label, colour) for (_, label), colour in zip(bins, MAP_COLOURS[1:], strict=False)]
    entries += [(protecting, PROTECTING)] if protecting in shown else []
    return [label for label, _ in entries], [colour for _, colour in entries]


FRAMES_NOTE = alt.TitleParams(
    "Island groups far apart are framed separately, all at one scale.", orient="bottom",
    anchor="start", fontSize=12, fontWeight="normal", color="#555555", offset=10)
FRAME_TITLE = {"anchor": "start", "fontSize": 12, "fontWeight": "bold", "color": "#1b1b1b",
               "offset": 4}
FRAME = alt.ViewBackground(stroke="#8c8c8c", strokeWidth=0.6)
"""The thin border that tells a framed island group from the open sea."""


def county_map(table: PublishedTable, territory: Territory,
               rule: SuppressionRule) -> alt.TopLevelMixin:
    """Counties coloured by the bin of their published cell; every withheld county with the
    same mark looks alike, whatever count lies behind it.

    Islands far apart (see ``map_layout.map_frames``) are drawn in labelled frames at one scale, so
    the land fills the figure instead of the sea between.
    """
    bins = map_bins(rule)
    value_of = {row["fips"]: row["value"] for row in table.rows}
    features = [
        {**f, "properties": {**f["properties"],
                             "bin": _bin_label(value_of[f["id"]], rule, bins),
                             "aria": f"{f['properties']['county']}: "
                                     f"{format_value(value_of[f['id']])}"}}
        for f in geo.territory_features(territory.fips)
    ]
    encoding = {"color": _bin_colour(rule, bins, {f["properties"]["bin"] for f in features}),
                "description": MEMBER_ARIA}
    frames = map_layout.map_frames(features, territory.code)
    if len(frames) == 1:
        height = _map_height(map_layout.map_aspect(features, territory.code))
        return (_shapes(features, encoding).project(**map_layout.map_projection(territory.code))
                .properties(width=MAP_WIDTH, height=height))
    layout = map_layout.arrange_frames(frames, MAP_WIDTH, MAP_HEIGHTS[1])
    return alt.vconcat(*(_frame_row(row, layout.scale, encoding) for row in layout.rows),
                       spacing=map_layout.FRAME_GAP, title=FRAMES_NOTE)


def _bin_colour(rule: SuppressionRule, bins: list[tuple[int, str]], shown: set[str]) -> alt.Color:
    """The fill of a map's shapes by their ``bin`` property; its legend is the page's own
    (``map_legend``), at the page's text size in print and on a phone."""
    domain, colours = _legend(rule, bins, shown)
    return alt.Color("properties.bin:O", title="Cases",
                     scale=alt.Scale(domain=domain, range=colours), legend=None)


def map_legend(table: PublishedTable, rule: SuppressionRule) -> list[tuple[str, str]]:
    """A county or members map's legend entries (label, colour), as its shapes are filled."""
    bins = map_bins(rule)
    shown = {_bin_label(row["value"], rule, bins) for row in table.rows}
    return list(zip(*_legend(rule, bins, shown), strict=True))


def _map_height(aspect: float) -> int:
    """A one-frame map's height: its shape's at the map's width, within ``MAP_HEIGHTS``."""
    low, high = MAP_HEIGHTS
    return round(min(max(MAP_WIDTH * aspect, low), high))


def map_svg(table: PublishedTable, territory: Territory, rule: SuppressionRule) -> str:
    """The county map as SVG, each county titled with its published cell (shown on hover), or
    "" for a table withheld whole: no county has a mark."""
    return with_titles(to_svg(county_map(table, territory, rule))) if table.rows else ""


_SHAPE = re.compile(r'<path aria-label="([^"]*)"( role="graphics-symbol" '
                    r'aria-roledescription="geoshape"[^>]*?)/>')


def with_titles(svg: str) -> str:
    """Each described shape of a map with an SVG ``title`` of its description (its name and
    published cell), which browsers show on hover: Vega writes descriptions only as
    ``aria-label``, which only screen readers read."""
    return _SHAPE.sub(r'<path aria-label="\1"\2><title>\1</title></path>', svg)


def _shapes(features: list[dict] | tuple[dict, ...], encoding: dict,
            aria: bool = True) -> alt.Chart:
    """Shapes of the features, drawn and described by ``encoding`` (hidden from screen
    readers unless ``aria``)."""
    # As JSON text, which Vega-Lite parses: Altair would walk every coordinate of an object.
    data = alt.Data(values=json.dumps({"type": "FeatureCollection", "features": list(features)}),
                    format=alt.DataFormat(property="features", type="json"))
    return (alt.Chart(data).mark_geoshape(stroke="#555555", strokeWidth=0.4, clip=False,
                                          aria=aria)
            .encode(**encoding))


def _frame_row(frames: tuple[map_layout.Frame, ...], scale: float,
               encoding: dict) -> alt.HConcatChart:
    """One row of framed island groups; neighbours of one title share it (the Northern
    Islands' scattered islands)."""
    views = []
    for title, group in itertools.groupby(frames, key=lambda frame: frame.title):
        shapes = [_framed(frame, scale, encoding) for frame in group]
        titled = alt.TitleParams(title, **FRAME_TITLE)
        views.append(shapes[0].properties(title=titled) if len(shapes) == 1
                     else alt.hconcat(*shapes, spacing=map_layout.FRAME_GAP // 2, title=titled))
    return alt.hconcat(*views, spacing=map_layout.FRAME_GAP)


def _framed(frame: map_layout.Frame, scale: float, encoding: dict) -> alt.Chart:
    width, height = frame.size(scale)
    return (_shapes(frame.features, encoding).project(**frame.projection(scale))
            .properties(width=width, height=height, view=FRAME))


MEMBERS_NOTE = ("Each framed state or territory is drawn at its own scale, small islands "
                "enlarged most.")
TINY_NOTE = "The District of Columbia, too small to see in place, is framed as well."
"""The line under a map with a tiny member's inset (``TINY_MEMBERS``)."""
INSET_AREA, INSET_SIZING = 20000, 0.2
"""Square pixels of land (of its frames' land boxes) the largest framed member gets at most;
another gets that times the ratio of their true land areas to the power ``INSET_SIZING``, so
Guam's box is about a third of Alaska's across, where true scale would make it a sixtieth."""
TINY_MEMBERS, TINY_INSET_AREA = frozenset({"DC"}), 4000
"""Contiguous members too small to see or point at in the shared frame, and the square pixels
of land their inset gets at most. The District of Columbia (177 km², a twentieth of Rhode
Island) is 11 px across on Region III's map, the smallest that holds it, and 2 px on the
nation's: it keeps its place there, unlabelled, and gets a labelled inset like a far member."""
INSETS_PER_ROW = 3
TITLE_CHARACTER = 7
"""Pixels a character of a frame's title takes at most, for a title wider than its frame."""
BORDER = 2
"""Pixels a frame's border adds to its width: Vega rounds its half-pixel out on each side."""


def members_map(table: PublishedTable, codes: list[str],
                rule: SuppressionRule) -> alt.TopLevelMixin:
    """States and territories (``codes``, e.g. an HHS region's) coloured by their published
    cells, binned like the county map; ``table`` has a row per code (``code`` and ``value``).

    The contiguous members share one Albers frame at one scale. Each other member (Alaska,
    Hawaii, the island territories) gets a labelled inset of its own, sized by its true area
    but far less than in proportion, so the smallest islands are seen; scattered islands are
    split into frames as on the member's county map. A tiny contiguous member (``TINY_MEMBERS``:
    the District of Columbia) sharing the frame with others stays there unlabelled, hidden from
    screen readers, and gets a labelled inset too.
    """
    bins = map_bins(rule)
    value_of = {row["code"]: row["value"] for row in table.rows}
    features = [{**f, "properties": {
        **f["properties"], "bin": _bin_label(value_of[f["id"]], rule, bins),
        "aria": f"{f['properties']['name']}: {format_value(value_of[f['id']])}"}}
        for f in geo.state_features(codes)]
    encoding = {"color": _bin_colour(rule, bins, {f["properties"]["bin"] for f in features}),
                "description": MEMBER_ARIA}
    near = [f for f in features if f["id"] in geo.contiguous_codes()]
    tiny = [f for f in near if f["id"] in TINY_MEMBERS] if len(near) > 1 else []
    insets = [_Inset.of(f, TINY_INSET_AREA) for f in tiny] + [
        _Inset.of(f) for f in features if f["id"] not in geo.contiguous_codes()]
    views = []
    if near:
        projection, aspect = map_layout.albers(near)
        shapes = _shapes([f for f in near if f not in tiny], encoding)
        if tiny:
            shapes += _shapes(tiny, {"color": encoding["color"]}, aria=False)
        views.append(shapes.project(**projection)
                     .properties(width=MAP_WIDTH, height=_map_height(aspect)))
    if not insets:
        return views[0]
    views += [alt.hconcat(*(inset.chart(area, encoding) for inset, area in row),
                          spacing=map_layout.FRAME_GAP) for row in _inset_rows(insets)]
    note = [MEMBERS_NOTE, TINY_NOTE] if tiny else MEMBERS_NOTE
    return alt.vconcat(*views, spacing=map_layout.FRAME_GAP, title=alt.TitleParams(
        note, orient="bottom", anchor="start", fontSize=12, fontWeight="normal",
        color="#555555", offset=10))


def members_map_svg(table: PublishedTable, codes: list[str], rule: SuppressionRule) -> str:
    """The members map as SVG, each member titled with its published cell, or "" for a table
    withheld whole."""
    return with_titles(to_svg(members_map(table, codes, rule))) if table.rows else ""


@dataclass(frozen=True)
class _Inset:
    """A far member's labelled inset: its scattered islands in a row of Mercator frames at one
    scale (``frames``, as on its county map), or else one Albers frame turned to it, which
    keeps Alaska whole."""

    feature: dict
    frames: tuple[map_layout.Frame, ...]
    projection: dict
    aspect: float
    most: float = INSET_AREA
    """The square pixels of land it gets at most."""

    @classmethod
    def of(cls, feature: dict, most: float = INSET_AREA) -> _Inset:
        """The inset of one member's feature, its land spanning ``most`` square pixels at most."""
        frames = map_layout.map_frames([feature], feature["id"], name="name")
        return cls(feature, tuple(sorted(frames, key=lambda frame: frame.bounds[0])),
                   *map_layout.albers([feature]), most)

    @property
    def west(self) -> float:
        """How far west it lies (Mercator x), Guam and the Northern Marianas (across the
        antimeridian) furthest."""
        middle = (min(f.bounds[0] for f in self.frames) + max(f.bounds[2] for f in self.frames)) / 2
        return middle - 2 * math.pi if middle > 0 else middle

    @property
    def land(self) -> float:
        """The true area of its frames' land boxes (Mercator's, times cos^2 latitude)."""
        def cos_lat(y: float) -> float:
            return math.cos(2 * math.atan(math.exp(y)) - math.pi / 2)

        return sum((x1 - x0) * (y1 - y0) * cos_lat((y0 + y1) / 2) ** 2
                   for x0, y0, x1, y1 in (frame.bounds for frame in self.frames))

    def _scale(self, area: float) -> float:
        """Pixels per radian at which its frames' land boxes span ``area`` square pixels."""
        return math.sqrt(area / sum((x1 - x0) * (y1 - y0)
                                    for x0, y0, x1, y1 in (f.bounds for f in self.frames)))

    def _sizes(self, area: float) -> list[tuple[int, int]]:
        """Its frames' sizes in pixels when their land spans ``area`` square pixels."""
        if len(self.frames) > 1:
            return [frame.size(self._scale(area)) for frame in self.frames]
        width, pad = math.sqrt(area / self.aspect), map_layout.FRAME_PAD
        return [(round(width) + 2 * pad, round(width * self.aspect) + 2 * pad)]

    def width(self, area: float) -> int:
        """Its width in pixels, its title's included, when its land spans ``area``."""
        frames = sum(width + BORDER for width, _ in self._sizes(area)) \
            + map_layout.FRAME_GAP // 2 * (len(self.frames) - 1)
        return max(frames, TITLE_CHARACTER * len(self.feature["properties"]["name"]))

    def chart(self, area: float, encoding: dict) -> alt.TopLevelMixin:
        """The inset, its land spanning ``area`` square pixels."""
        title = alt.TitleParams(self.feature["properties"]["name"], **FRAME_TITLE)
        if len(self.frames) > 1:
            scale = self._scale(area)
            return alt.hconcat(*(_framed(frame, scale, encoding) for frame in self.frames),
                               spacing=map_layout.FRAME_GAP // 2, title=title)
        ((width, height),), pad = self._sizes(area), map_layout.FRAME_PAD
        return (_shapes([self.feature], encoding)
                .project(**self.projection, extent=[[pad, pad], [width - pad, height - pad]])
                .properties(width=width, height=height, view=FRAME, title=title))


def _inset_rows(insets: list[_Inset]) -> list[list[tuple[_Inset, float]]]:
    """Insets west to east in rows of the map's width, each with the area its land spans: as
    large as ``INSET_AREA`` allows while they fit one row per ``INSETS_PER_ROW`` insets."""
    insets = sorted(insets, key=lambda inset: inset.west)
    largest = max(inset.land for inset in insets)
    most_rows = -(-len(insets) // INSETS_PER_ROW)
    for shrink in (0.9**k for k in range(50)):
        rows: list[list[tuple[_Inset, float]]] = [[]]
        used = 0
        for inset in insets:
            area = shrink * min(inset.most, INSET_AREA * (inset.land / largest) ** INSET_SIZING)
            if rows[-1] and used + inset.width(area) > MAP_WIDTH:
                rows, used = [*rows, []], 0
            rows[-1].append((inset, area))
            used += inset.width(area) + map_layout.FRAME_GAP
        if len(rows) <= most_rows:
            break
    return rows


NOT_IN_RUN = "not in this run"
TILE = 40
"""Side of a tile of the national tile map, in pixels."""


def tile_map(table: PublishedTable, rule: SuppressionRule, legend_title: str,
             links: dict[str, str] | None = None) -> alt.LayerChart:
    """Every territory as a tile roughly where it lies, coloured like the county map by its
    published cell in ``table`` (rows with a ``code``); tiles not in the table stay blank. A
    tile in ``links`` (code to a relative address) links to it: draw it with
    ``linked_svg``."""
    bins = map_bins(rule)
    value_of = {row["code"]: row["value"] for row in table.rows}
    rows = [{"code": code, "row": row, "col": col, "link": (links or {}).get(code),
             "bin": _bin_label(value_of[code], rule, bins) if code in value_of else NOT_IN_RUN,
             "aria": f"{TERRITORIES[code].name}: {format_value(value_of[code])}"
             if code in value_of else TERRITORIES[code].name}
            for code, (row, col) in map_layout.TILE_GRID.items()]
    shown = {row["bin"] for row in rows}
    domain, colours = _legend(rule, bins, shown)
    if NOT_IN_RUN in shown:
        domain, colours = domain + [NOT_IN_RUN], colours + [NO_CASES]
    dark = [label for label, colour in zip(domain, colours, strict=True) if colour in DARK_COLOURS]
    base = alt.Chart(alt.Data(values=rows)).encode(
        x=alt.X("col:O", axis=None, scale=alt.Scale(paddingInner=0.08)),
        y=alt.Y("row:O", axis=None, scale=alt.Scale(paddingInner=0.08)))
    tiles = base.mark_rect(stroke="#8c8c8c", strokeWidth=0.6).encode(
        color=alt.Color("bin:N", title=legend_title, scale=alt.Scale(domain=domain, range=colours),
                        legend=alt.Legend(orient="bottom", columns=4, columnPadding=16,
                                          symbolType="square")),
        description=alt.Description("aria:N"))
    codes = base.mark_text(fontWeight="bold", aria=False).encode(
        text=alt.Text("code:N"),
        color=alt.condition(alt.FieldOneOfPredicate(field="bin", oneOf=dark),
                            alt.value("#ffffff"), alt.value("#1b1b1b")))
    targets = base.transform_filter("datum.link").mark_rect(opacity=0, cursor="pointer").encode(
        href=alt.Href("link:N"), description=alt.Description("aria:N"))
    width, height = (1 + max(c for _, c in map_layout.TILE_GRID.values()),
                     1 + max(r for r, _ in map_layout.TILE_GRID.values()))
    return alt.layer(tiles, codes, targets).properties(width=width * TILE, height=height * TILE)


VEGA_BASE = "https://vega.github.io/vega-datasets/"
"""What vl-convert puts before a relative link (Vega's default base address for data)."""


def linked_svg(chart: alt.TopLevelMixin) -> str:
    """A chart with links as SVG, its relative links left relative (to the page's folder)."""
    return to_svg(chart).replace(f'xlink:href="{VEGA_BASE}', 'xlink:href="')


def warm_up() -> None:
    """Draw a first chart: vl-convert's first in a process takes half a second, so processes
    that will draw charts draw this one while they would otherwise wait."""
    to_svg(alt.Chart(alt.Data(values=[{"a": 1}])).mark_bar().encode(x=alt.X("a:Q")))


def to_svg(chart: alt.TopLevelMixin) -> str:
    """Render a chart to an SVG string without any network access or random ids.

    The spec is not checked against the Vega-Lite schema here (a fifth of a report's time):
    the tests check every kind of chart.
    """
    return spec_to_svg(chart.to_dict(validate=False))


def spec_to_svg(spec: dict) -> str:
    """A Vega-Lite spec as SVG in the report's theme (a researcher's chart too, see
    ``report.prepare``)."""
    svg = vl_convert.vegalite_to_svg(spec | {"config": THEME}, vl_version="6.4")
    return re.sub(r"^<\?xml[^>]*>\s*", "", svg)
