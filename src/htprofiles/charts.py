"""Altair charts drawn from published tables only, rendered to inline SVG with vl-convert.

Altair embeds every row it is given and vl-convert writes values into SVG ``aria-label``s,
so a chart must never see a raw count: each function here takes a ``PublishedTable``.
"""

from __future__ import annotations

import re

import altair as alt
import vl_convert

from . import geo
from .suppression import SuppressionRule, is_withheld
from .tables import PublishedTable
from .territories import Territory

PALETTE = "#1f5f8b"
"""One dark blue for bars: readable in print and for every kind of colour vision."""
MAP_SCHEME = "orangered"
WIDTH = 520


def format_value(value) -> str:
    """How a published cell reads: '1,234' or the withheld mark."""
    return value if is_withheld(value) else f"{value:,}"


def _bar_rows(table: PublishedTable) -> list[dict]:
    """Chart rows: bar length only for published counts, the label for every row."""
    label_key = "year" if table.key == "year" else "category"
    return [
        {
            "label": str(row[label_key]),
            "value": None if is_withheld(row["value"]) else row["value"],
            "text": format_value(row["value"]),
        }
        for row in table.rows
    ]


def bar_chart(table: PublishedTable) -> alt.LayerChart:
    """Horizontal bars by category, or columns by year, each labelled with its published cell."""
    rows = _bar_rows(table)
    order = [row["label"] for row in rows]
    base = alt.Chart(alt.Data(values=rows), title=table.title)
    if table.key == "year":
        position = {"x": alt.X("label:O", sort=order, title=None, axis=alt.Axis(labelAngle=0)),
                    "y": alt.Y("value:Q", title="Count", axis=alt.Axis(format=",d"))}
        text = base.mark_text(dy=-8).encode(x=position["x"], y=alt.Y("value:Q"), text="text:N")
        size = {"width": WIDTH, "height": 220}
    else:
        position = {"y": alt.Y("label:N", sort=order, title=None),
                    "x": alt.X("value:Q", title="Count", axis=alt.Axis(format=",d"))}
        text = base.mark_text(align="left", dx=4).encode(
            y=position["y"], x=alt.X("value:Q"), text="text:N")
        size = {"width": WIDTH - 180, "height": alt.Step(22)}
    bars = base.mark_bar(color=PALETTE).encode(**position, description="aria:N")
    # Withheld rows have no bar; their mark is drawn at the axis origin.
    text = text.encode(description="aria:N").transform_calculate(
        value="datum.value === null ? 0 : datum.value")
    return alt.layer(bars, text).transform_calculate(
        aria="datum.label + ': ' + datum.text").properties(**size)


def map_bins(rule: SuppressionRule) -> list[tuple[int, str]]:
    """Colour bins (lower bound, label) that never separate values below the threshold."""
    t = rule.threshold
    edges = [t] + [e for e in (10, 25, 50, 100, 250) if e > t]
    bins = [(lo, f"{lo:,}-{hi - 1:,}") for lo, hi in zip(edges, edges[1:])]
    return bins + [(edges[-1], f"{edges[-1]:,} or more")]


def _bin_label(value, rule: SuppressionRule, bins: list[tuple[int, str]]) -> str:
    if is_withheld(value):
        return f"fewer than {rule.threshold}"
    if value == 0:
        return "none"
    return [label for lo, label in bins if value >= lo][-1]


def county_map(table: PublishedTable, territory: Territory, rule: SuppressionRule) -> alt.Chart:
    """Counties coloured by the bin of their published count; the legend lists every bin."""
    bins = map_bins(rule)
    bin_of = {row["fips"]: _bin_label(row["value"], rule, bins) for row in table.rows}
    features = [
        {**f, "properties": {**f["properties"], "bin": bin_of.get(f["id"], "none")}}
        for f in geo.territory_features(territory.fips)
    ]
    domain = ([] if rule.suppress_zero else ["none"]) + [f"fewer than {rule.threshold}"]
    domain += [label for _, label in bins]
    data = alt.Data(values={"type": "FeatureCollection", "features": features},
                    format=alt.DataFormat(property="features", type="json"))
    return (
        alt.Chart(data, title=table.title)
        .mark_geoshape(stroke="#555555", strokeWidth=0.4)
        .encode(color=alt.Color("properties.bin:O", title="Cases",
                                scale=alt.Scale(domain=domain, scheme=MAP_SCHEME),
                                legend=alt.Legend(orient="right", symbolType="square")))
        .project(**geo.map_projection(territory.code))
        .properties(width=WIDTH - 120, height=320)
    )


def to_svg(chart: alt.TopLevelMixin) -> str:
    """Render a chart to an SVG string without any network access or random ids."""
    svg = vl_convert.vegalite_to_svg(chart.to_dict(), vl_version="6.4")
    return re.sub(r"^<\?xml[^>]*>\s*", "", svg)
