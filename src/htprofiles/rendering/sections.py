"""HTML fragments of each report section, built from a ``Profile`` (published values only).

This module decides what each fragment says; the macros of ``templates/sections.html.j2`` hold
its markup and escape every value.
"""

from __future__ import annotations

import re
from functools import cache

from markupsafe import Markup

from ..contract.content import Hotline, Link
from ..contract.suppression import (
    COMPLEMENTARY,
    Published,
    SuppressionRule,
    format_cell,
    format_value,
    is_complementary,
    is_withheld,
)
from ..contract.territories import NATION, NUMERALS, PROFILED
from ..publication.headline import headline_rows
from ..publication.profile import Profile
from ..publication.tables import PublishedTable
from .templating import environment

FOOTNOTE_MARK = "*"
WITHHELD_WHOLE = "Every count of this table is withheld."


@cache
def _macros():
    """The macros of ``templates/sections.html.j2``, one per fragment."""
    return environment().get_template("sections.html.j2").module


def _render(macro: str, *args) -> str:
    """A fragment from its macro, as plain ``str``: adding text to a ``Markup`` would escape
    the text, and callers add markup of their own."""
    return str(getattr(_macros(), macro)(*args))


def header(profile: Profile) -> str:
    """Title block: territory, HHS region, data window and headline numbers, why a headline
    count is withheld where one is, the synthetic-data notice, and what the profile is for."""
    t = profile.territory
    series = ("national profile" if t.code == NATION else "regional profile" if t.is_area
              else "state and territory profile")
    region = f"Region {t.hhs_region}" if t.hhs_region else "(all ten regions)"
    return _render("header", t.name, series, region, _headline_facts(profile), profile.synthetic,
                   headline_note(profile), intro(profile))


def intro(profile: Profile) -> str:
    """What the profile covers, in words for its level: a territory, a region or the nation."""
    t = profile.territory
    window = f"from January {profile.first_year} to December {profile.year}"
    purpose = ("to help promote collaboration and inform and enhance the response to human "
               "trafficking")
    if t.code == NATION:
        return (f"This national profile summarizes the data reported to the National Human "
                f"Trafficking Hotline {window} from every state and territory, {purpose} "
                f"across the United States and its territories.")
    if t.is_area:
        return (f"This regional profile summarizes the data reported to the National Human "
                f"Trafficking Hotline {window} from the states and territories of {t.name} "
                f"({_names([PROFILED[code].name for code in t.members])}), {purpose} "
                f"across the region.")
    return (f"This profile summarizes data reported to the National Human Trafficking Hotline "
            f"{window}, {purpose} in {t.name}.")


def _names(names: list[str]) -> str:
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def headline_note(profile: Profile) -> str:
    """Why a headline count is withheld, in plain words, where one is (a reader would
    otherwise take "withheld" for a missing or small count); "" where none is."""
    rows = headline_rows({name: table.rows for name, table in profile.tables.items()},
                         profile.year)
    withheld = {kind: row["value"] for kind, row in rows.items()
                if is_withheld(row["value"]) and "lent_to" not in row}
    lent = [kind for kind, row in rows.items() if "lent_to" in row]
    reasons = [_lent_note(profile, lent, rows[lent[0]]["lent_to"])] if lent else []
    rule = profile.rule
    for value, kinds in _by_value(withheld).items():
        what = (f"The number of {' and of '.join(kinds)} in {profile.year} "
                f"{'are' if len(kinds) > 1 else 'is'}")
        if not is_complementary(value):
            reasons.append(f"{what} fewer than {rule.threshold} (shown as {value}): counts this "
                           f"small are withheld so that no one can be recognised in them.")
        elif profile.territory.is_area:
            reasons.append("A regional or national count is withheld wherever showing it would "
                           "tell a count that one of its states or territories withholds, such "
                           f"as one below {rule.threshold}: see the table of states and "
                           "territories below." + _ranges_note(profile, kinds))
        else:
            reasons.append(f"{what} withheld, although it is {rule.threshold} or more: with the "
                           f"other counts this profile publishes, it would let a reader work "
                           f"out a count below {rule.threshold} that the profile withholds.")
    return " ".join(reasons)


def _lent_note(profile: Profile, kinds: list[str], region: str) -> str:
    """Why a territory's headline count is withheld for its region's sake."""
    many = len(kinds) > 1
    return (f"The number of {' and of '.join(kinds)} in {profile.year} "
            f"{'are' if many else 'is'} withheld ({'each is' if many else 'it is'} "
            f"{profile.rule.threshold} or more) so that {PROFILED[region].name} can publish "
            f"its own without revealing a count below {profile.rule.threshold} of another of "
            f"its states or territories.")


def _ranges_note(profile: Profile, kinds: list[str]) -> str:
    """Where withheld area headline counts are shown as ranges, what those ranges are."""
    rows = headline_rows({name: table.rows for name, table in profile.tables.items()},
                         profile.year)
    if not any(rows[kind].get("range") for kind in kinds):
        return ""
    return " Its range is what anyone can work out from the counts published."


def _by_value(cells: dict[str, Published]) -> dict[Published, list[str]]:
    """Kinds of headline count grouped by their published mark."""
    grouped: dict[Published, list[str]] = {}
    for kind, value in cells.items():
        grouped.setdefault(value, []).append(kind)
    return grouped


def _headline_facts(profile: Profile) -> list[tuple[str, str]]:
    """The profile year, the data window and the year's published case and signal counts
    (a withheld area count with the range anyone can work out for it)."""
    rows = headline_rows({name: table.rows for name, table in profile.tables.items()},
                         profile.year)
    return [("Profile year", str(profile.year)),
            ("Data window", f"January {profile.first_year} to December {profile.year}"),
            *((f"{kind.capitalize()} in {profile.year}"
               + (f" ({row['value']})" if row.get("range") else ""), format_cell(row))
              for kind, row in rows.items())]


def map_text(profile: Profile) -> str:
    """What the map shows, in words for its level: counties, or states and territories."""
    t, year = profile.territory, profile.year
    reported = (f"potential trafficking cases reported to the National Human Trafficking "
                f"Hotline in {year}")
    if t.code == NATION:
        text = (f"The map shades each state and territory by the {reported}, as its own profile "
                f"publishes them. Beside it are the ten HHS regions; below it, the states and "
                f"territories of each region.")
    elif t.is_area:
        text = (f"The map shades each state and territory of the region by the {reported}, as "
                f"its own profile publishes them; the table beside it lists them.")
    else:
        text = (f"The map shades each county of {t.name} by the number of {reported}. It "
                f"reflects only cases whose location was known; some cases may involve more "
                f"than one location.")
    return _render("paragraph", text)


def facts(items: list[tuple[str, str]]) -> str:
    """Headline numbers as a description list, each value above its label."""
    return _render("facts", items)


def table(published: PublishedTable, value_header: str = "Count") -> str:
    """A real table with caption and header cells; withheld cells read as their mark, and
    cells withheld to protect others point to the footnote saying so. A table with no row
    is its note under its title."""
    if not published.rows:
        return _render("withheld_table", published.title, published.note or "")
    first = {"year": "Year", "fips": "County", "code": "Name"}.get(published.key, "Category")
    rows = [(_row_label(published, row), _cell(row)) for row in published.rows]
    return _render("table", published.key, published.title, first, value_header, rows,
                   FOOTNOTE_MARK, published.footnote)


def _cell(row: dict) -> str:
    return format_cell(row) + (FOOTNOTE_MARK if is_complementary(row["value"]) else "")


def _row_label(published: PublishedTable, row: dict) -> str:
    if published.key == "fips":
        return f"{row['county']} ({row['fips']})"
    if published.key == "code":
        return row["category"]
    return str(row[published.key])


def venues(published: PublishedTable) -> str:
    """A top-venues table, or under its title the reference profile's sentence (or why the
    table is not shown) when no venue may be shown: the title says which list it is."""
    return table(published, "Cases")


def figure(svg: str, title: str, description: str, note: str = "", body: str = "",
           legend: list[tuple[str, str]] = ()) -> str:
    """An inline SVG chart under its title, with a text alternative of published values and
    optionally a note, more content (its table) beside it, and a map's legend entries (label,
    colour) under it. Without an SVG (nothing to draw) the note says so and the content stands
    alone: never an empty frame. ``svg`` and ``body`` are markup, inserted as they are."""
    return _render("figure", svg, title, description, note, body, legend)


def map_figure(svg: str, published: PublishedTable, rule: SuppressionRule, year: int,
               legend: list[tuple[str, str]] = ()) -> str:
    """The county map under its title and note; for a table withheld whole, its note alone."""
    if not svg:
        return figure("", published.title, "", published.note or WITHHELD_WHOLE)
    note = (f"Cases reported in {year} by county, where the location was known. "
            f"Counties with fewer than {rule.threshold} cases are shaded alike; point at a "
            f"county for its count."
            + (f" {published.footnote}" if published.footnote else ""))
    counted = counted_counties(published, year)
    if counted.rows:
        note += " The table lists the counties whose count is published."
    return figure(svg, published.title, describe(published), note,
                  table(counted, "Cases") if counted.rows else "", legend)


def counted_counties(published: PublishedTable, year: int) -> PublishedTable:
    """The counties whose cases are published as a count above zero, largest first: the
    map's numbers that a reader can look up, in a table short enough to sit beside it."""
    rows = sorted((row for row in published.rows
                   if not is_withheld(row["value"]) and row["value"] > 0),
                  key=lambda row: (-row["value"], row["county"]))
    return PublishedTable(published.name, f"Counties with published counts in {year}",
                          published.key, tuple(rows))


def members_figure(svg: str, published: PublishedTable, rule: SuppressionRule,
                   regions: PublishedTable | None = None,
                   legend: list[tuple[str, str]] = ()) -> str:
    """The map of a region's or the nation's states and territories beside their table; the
    nation's has its regions' table beside it, and its states and territories below, in a
    table per region (56 rows in one table would leave half the page empty beside them)."""
    note = (f"Each state and territory is shaded by the cases its own profile publishes; "
            f"those with fewer than {rule.threshold} are shaded alike."
            + (f" {published.footnote}" if published.footnote else ""))
    if regions is None:
        return figure(svg, published.title, describe(published), note, table(published),
                      legend)
    return (figure(svg, published.title, describe(published), note, table(regions), legend)
            + _render("grouped_tables", published.title,
                      [table(group) for group in by_region(published)]))


def by_region(published: PublishedTable) -> list[PublishedTable]:
    """A table of states and territories split by HHS region, each region's sorted by name."""
    groups: dict[str, list[dict]] = {}
    for row in published.rows:
        groups.setdefault(PROFILED[row["code"]].hhs_region, []).append(row)
    return [PublishedTable(published.name, f"HHS Region {numeral}", published.key,
                           tuple(sorted(groups[numeral], key=lambda row: row["category"])),
                           footnote=published.footnote if any(
                               is_complementary(row["value"]) for row in groups[numeral])
                           else None)
            for numeral in NUMERALS if numeral in groups]


def chart_with_table(svg: str, published: PublishedTable, rule: SuppressionRule) -> str:
    """A bar chart beside its table: the table is the chart's numbers, for every reader.

    With no bar to draw (``svg`` empty) a sentence says why, above the table; a table withheld
    whole shows its note alone.
    """
    if not published.rows:
        return figure("", published.title, "", published.note or WITHHELD_WHOLE)
    note = bar_note(published, rule) if svg else no_bars_note(published, rule)
    return figure(svg, published.title, describe(published), note, table(published))


def bar_note(published: PublishedTable, rule: SuppressionRule) -> str:
    """What a bar chart's withheld rows mean, when it has any: their dashed bands are the
    values each may have."""
    values = published.values()
    notes = []
    if any(is_withheld(v) and not is_complementary(v) for v in values):
        notes.append(f"A count shown as {rule.mark} is fewer than {rule.threshold}: its "
                     f"dashed band reaches {rule.threshold}.")
    ranged = [row for row in published.rows if row.get("range")]
    if ranged:
        notes.append("A range is a count withheld to protect others, as anyone can work it "
                     "out from the counts published; its dashed band reaches the range's top.")
    if any(is_complementary(row["value"]) and not row.get("range") for row in published.rows):
        notes.append(f"A count shown as {COMPLEMENTARY} is withheld to protect other counts: "
                     f"its dashed band spans the whole axis.")
    return " ".join(notes)


def no_bars_note(published: PublishedTable, rule: SuppressionRule) -> str:
    """Why a chart of counts draws no bar: each count is withheld or zero."""
    reasons = {rule.mark: f"fewer than {rule.threshold} (shown as {rule.mark})",
               COMPLEMENTARY: "withheld to protect other small counts", 0: "zero"}
    found = [reason for value, reason in reasons.items() if value in published.values()]
    return f"No bars are drawn: every count is {' or '.join(found) or 'withheld'}."


def describe(published: PublishedTable) -> str:
    """A one-sentence text alternative listing the published cells of a table."""
    cells = "; ".join(
        f"{_row_label(published, row)}: {format_value(row['value'])}" for row in published.rows
    )
    return f"{published.title}. {cells}."


def laws(profile: Profile) -> str:
    """The territory file's laws with their citations, and its note; "None on file" when it
    has neither (a region's or the nation's file has a note only: its members' laws)."""
    content = profile.content
    if not content.laws and not content.laws_note:
        return _render("none_on_file")
    return _render("laws", content.laws, _with_links(content.laws_note))


def links(items: tuple[Link, ...]) -> str:
    """A list of named organisations or programmes, or "None on file"."""
    return _render("links", items) if items else _render("none_on_file")


def hotlines(items: tuple[Hotline, ...]) -> str:
    """Local hotlines from the territory file (the template's markdown adds the national one)."""
    return _render("hotlines", items) if items else _render("none_on_file")


_URL = re.compile(r"https?://[^\s<>\"]*[^\s<>\".,;:!?)]")
"""A web address in running text, without the punctuation that ends its sentence."""


def _with_links(text: str) -> Markup:
    """Text with each web address in it as a link that reads as the address itself (print
    does not repeat it after the link); Markup, for the laws macro to insert as is."""
    parts = zip(_URL.split(text), [*_URL.findall(text), ""], strict=True)
    return _macros().with_links(list(parts))


def _audit_line(audit: dict) -> str:
    if not audit["withheld"]:
        return "no withheld cells"
    return f"{audit['withheld']} withheld cells; {audit['guarantee']}"


_FINGERPRINTS = {
    "territory_file": "Territory file (sha256)",
    "template": "Template notebook (sha256)",
    "package": "htprofiles package files (sha256)",
    "git_commit": "Project git commit",
}


def about(profile: Profile) -> str:
    """Parameters, code hashes and package versions: enough to rebuild the report from the
    same data and check it."""
    prov = profile.provenance
    rows = [("Territory", f"{profile.territory.name} ({profile.territory.code})"),
            ("Year", str(profile.year)),
            ("Data window", f"{profile.first_year}-{profile.year}"),
            ("Suppression", f"counts below {profile.rule.threshold} withheld"
             + (", zeros withheld" if profile.rule.suppress_zero else ""))]
    rows += [("Data", prov["data_source"])] if prov.get("data_source") else []
    rows += [(f"Parameter {k}", str(v)) for k, v in prov.get("parameters", {}).items()]
    rows += [(label, prov[key]) for key, label in _FINGERPRINTS.items() if prov.get(key)]
    rows += [(f"Version of {k}", v) for k, v in prov.get("versions", {}).items()]
    if "audit" in prov:
        rows.append(("Disclosure audit", _audit_line(prov["audit"])))
    return _render("about", rows)
