"""Regional and national profiles: counted from their territories' records, and protected
together with the territories' profiles, a territory withholding its case or signal total
where its region's would otherwise be withheld."""

from __future__ import annotations

import itertools
import json
from collections import defaultdict

import numpy as np
import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st
from scipy.optimize import Bounds, LinearConstraint, milp
from test_protection import records

from htprofiles.cli import main
from htprofiles.contract.data import slice_dataset
from htprofiles.contract.suppression import SuppressionRule
from htprofiles.contract.territories import AREAS, PROFILED, TERRITORIES, leaves
from htprofiles.errors import DisclosureError
from htprofiles.publication.audit import Line
from htprofiles.publication.catalogue import count_cells, year_model
from htprofiles.publication.protection import Table, YearModel, protect_year
from htprofiles.publication.tables import publish, report_tables
from htprofiles.publication.topdown import protect_area
from htprofiles.publication.transcript import Relation

YEARS = range(2015, 2017)


def test_every_region_and_the_nation_cover_each_territory_once():
    regions = [code for code in AREAS if code != "US"]
    assert sorted(leaf for code in regions for leaf in AREAS[code].members) == sorted(TERRITORIES)
    assert sorted(leaves("US")) == sorted(TERRITORIES)
    assert AREAS["R1"].name == "HHS Region I" and "RI" in AREAS["R1"].members  # not "RI"


@pytest.mark.parametrize("code", ["R2", "R9", "US"])
def test_area_counts_are_sums_of_their_territories_records(sample, code):
    """Counted from records, not added up from published values: a published regional count
    is its territories' true sum even where they withhold theirs."""
    area = PROFILED[code]
    from_records = count_cells(slice_dataset(sample, code).frames, area, YEARS)
    by_territory = {leaf: count_cells(slice_dataset(sample, leaf).frames, PROFILED[leaf], YEARS)
                    for leaf in leaves(code)}
    assert from_records == {cell: sum(counts[cell] for counts in by_territory.values())
                            for cell in from_records}
    tables = report_tables(publish(sample, area, YEARS, SuppressionRule()), 2016, 2015)
    published = [(name, row) for name, table in tables.items()
                 if name not in ("cases_by_state", "cases_by_region") for row in table.rows]
    assert code == "US" or any(isinstance(row["value"], int) for _, row in published)
    assert tables["cases_by_year"].rows[-1]["value"] in (from_records[
        ("cases_by_year", 2016, 2016)], "withheld")


def test_a_territory_publishes_the_same_alone_and_in_its_regions_profile(sample):
    """Its region's protection decides what a territory lends: building the territory alone
    protects the region's year too."""
    rule = SuppressionRule()
    region = publish(sample, PROFILED["R2"], YEARS, rule)
    for code, member in region.members.items():
        alone = publish(sample, PROFILED[code], YEARS, rule)
        assert all(member.years[year].marks == alone.years[year].marks for year in YEARS)
    assert region.members["PR"].years[2015].lent == {("cases_by_year", 2015, 2015)}
    assert isinstance(region.mark(("cases_by_year", 2015, 2015)), int)
    assert [row["value"] for row in report_tables(region, 2016, 2015)["cases_by_state"].rows] == [
        publish(sample, PROFILED[c], YEARS, rule).mark(("cases_by_year", 2016, 2016))
        for c in AREAS["R2"].members]


@pytest.mark.parametrize("code", ["US", "R9"])
def test_a_withheld_area_count_shows_the_range_anyone_can_work_out(sample, code):
    """Every withheld count of an area is shown as a range where it is bounded: it holds the
    true count, keeps it at least two values, and is what the area's lines and its members'
    audited ranges allow (so it tells a reader nothing the published counts do not)."""
    area = PROFILED[code]
    truth = count_cells(slice_dataset(sample, code).frames, area, YEARS)
    publication = publish(sample, area, YEARS, SuppressionRule())
    ranged = 0
    for year in YEARS:
        for cell, mark in publication.years[year].marks.items():
            row = publication.row(cell)
            if mark != "withheld":
                assert "range" not in row
                continue
            low, high = row["range"]
            assert low < high and low <= truth[cell] <= high
            assert (low, high) == (publication.years[year].ranges[cell].low,
                                   publication.years[year].ranges[cell].high)
            ranged += 1
    assert ranged


# The exhaustive enumeration of tests/test_protection.py, one level up: members with a total
# and two parts each, under an area that sums them cell by cell.

TOTAL = ("total", 0, 0)
PARTS = (("parts", 0, 0), ("parts", 0, 1))


def _model() -> YearModel:
    return YearModel((Table("total", (TOTAL,)), Table("parts", PARTS, Line(PARTS, (TOTAL,), True,
                                                                          PARTS))))


def _area(members: tuple[str, ...]) -> YearModel:
    model = _model()
    return YearModel(model.tables, tuple(
        Line(tuple((m, cell) for m in members), (cell,), members=True) for cell in model.cells))


def _splits(largest: int):
    return [(n, a, n - a) for n in range(largest + 1) for a in range(n + 1)]


def _enumerate(members: int, largest: int, rule: SuppressionRule):
    """Every data set of ``members`` members (a total and two parts each) under one area,
    grouped by everything the members and the area publish; how many were refused, and the
    members that lent a partner to the area in some data set."""
    codes = tuple(f"M{i}" for i in range(members))
    groups, refused, lending = defaultdict(list), 0, set()
    for data in itertools.product(_splits(largest), repeat=members):
        counts = {code: dict(zip((TOTAL, *PARTS), split, strict=True))
                  for code, split in zip(codes, data, strict=True)}
        try:
            joint, area = _small_hierarchy(counts, rule)
        except DisclosureError:
            refused += 1
            continue
        lending.update(code for code in codes if area.members[code].lent)
        groups[_seen(area)].append((joint, area))
    return groups, refused, lending


def _small_hierarchy(counts: dict[str, dict], rule: SuppressionRule):
    """The area's year over its members' (lending included), and every count by name."""
    own = {code: protect_year(theirs, _model(), rule) for code, theirs in counts.items()}
    joint = {cell: sum(c[cell] for c in counts.values()) for cell in (TOTAL, *PARTS)}
    joint |= {(code, cell): n for code, theirs in counts.items() for cell, n in theirs.items()}
    return joint, protect_area(joint, _area(tuple(counts)), rule, own)


def _seen(area) -> frozenset:
    """Everything the area and its members publish."""
    return frozenset(area.marks.items()) | {
        (code, frozenset(member.marks.items())) for code, member in area.members.items()}


@pytest.mark.exhaustive
@pytest.mark.parametrize("members, largest, rule", [
    (2, 9, SuppressionRule()), (3, 5, SuppressionRule()),
    (2, 11, SuppressionRule(4, suppress_zero=False)), (2, 11, SuppressionRule(5))])
def test_no_withheld_count_is_recoverable_across_a_small_hierarchy(members, largest, rule):
    """In each group of data sets that publish the same, each withheld count, of a member or
    of the area, takes two values or more, those members withhold for the area's sake
    included; and no data set is refused (a refusal would tell something too).

    A count with one value among the data sets enumerated may have others beyond them (a
    lent total has no upper bound; a total at ``largest`` cannot grow): such a value is
    looked for among the data sets satisfying what the audit says a reader knows, and the
    one found must publish the same when the code is run on it."""
    groups, refused, lending = _enumerate(members, largest, rule)
    assert refused == 0 and len(lending) == members
    checked = beyond = 0
    for key, group in groups.items():
        joint, area = group[0]
        for cell in sorted(area.hidden, key=repr):
            values = {joint[cell] for joint, _ in group}
            if len(values) < 2:
                other = _another_data_set(area.known, 0, (cell, joint[cell]))
                again = {code: {c: other.get((code, c), 0) for c in (TOTAL, *PARTS)}
                         for code in area.members}
                assert max(n for theirs in again.values() for n in theirs.values()) > largest
                assert _seen(_small_hierarchy(again, rule)[1]) == key, (cell, values, joint)
                beyond += 1
            checked += 1
    assert checked > 100 and beyond


def _region_year(counts: dict[str, dict], rule: SuppressionRule):
    """A region's year and its territories' as their reports show them (a territory may
    withhold a count for the region's sake), from each territory's counts."""
    region = PROFILED["R2"]
    own = {code: protect_year(counts[code], year_model(PROFILED[code], 2016), rule)
           for code in region.members}
    model = year_model(region, 2016)
    joint = {cell: sum(counts[code][cell] for code in region.members) for cell in model.cells}
    joint |= {(code, cell): n for code in region.members for cell, n in counts[code].items()}
    area = protect_area(joint, model, rule, own)
    return area, area.members


def _another_data_set(known, seed: int, unlike: tuple | None = None) -> dict:
    """Counts satisfying everything a reader of a region's reports and its territories'
    knows, found by an integer program with a random objective (with a value of some count
    ``unlike`` the one given: above it, else below)."""
    if unlike:
        cell, value = unlike
        for above in (Relation(((cell, 1),), value + 1), Relation(((cell, 1),), None, value - 1)):
            try:
                return _another_data_set((*known, above), seed)
            except AssertionError:
                continue
        raise AssertionError(f"{cell} has one value")
    cells = list(dict.fromkeys(cell for r in known for cell, _ in r.terms))
    index = {cell: i for i, cell in enumerate(cells)}
    matrix = np.zeros((len(known), len(cells)))
    for row, relation in enumerate(known):
        for cell, coefficient in relation.terms:
            matrix[row, index[cell]] += coefficient
    rows = LinearConstraint(matrix, [-np.inf if r.low is None else r.low for r in known],
                            [np.inf if r.high is None else r.high for r in known])
    result = milp(np.random.default_rng(seed).normal(size=len(cells)),
                  integrality=np.ones(len(cells)), constraints=rows, bounds=Bounds(0, 400))
    assert result.status == 0, result.message
    return {cell: round(value) for cell, value in zip(cells, result.x, strict=True)}


@pytest.mark.exhaustive
@settings(max_examples=15, deadline=None)
@given(data=st.data())
def test_every_hierarchy_a_reader_cannot_rule_out_publishes_the_same(data):
    """Random records for the territories of Region II: any data set satisfying everything a
    reader of the region's and its territories' reports knows publishes the same, region and
    territories alike, counts withheld for the region's sake included (the invariance the
    audit rests on, one level up)."""
    rule = SuppressionRule()
    counts = {code: count_cells(records(data.draw, code), PROFILED[code], range(2016, 2017))
              for code in AREAS["R2"].members}
    try:
        region, below = _region_year(counts, rule)
    except DisclosureError:
        event("refused")
        return
    if any(member.lent for member in below.values()):
        event("a territory withholds a count for the region's sake")
    for seed in range(2):
        other = _another_data_set(region.known, seed)
        again, again_below = _region_year({code: {cell: other.get((code, cell), 0)
                                                  for cell in counts[code]}
                                           for code in counts}, rule)
        if any(other.get((code, cell), 0) != n for code in counts
               for cell, n in counts[code].items()):
            event("another data set than the drawn one")
        assert again.marks == region.marks
        assert {c: p.marks for c, p in again_below.items()} == {
            c: p.marks for c, p in below.items()}


@pytest.mark.build
def test_building_a_territory_alone_or_with_its_region_and_the_nation_gives_the_same_bytes(
        tmp_path):
    alone, together = tmp_path / "alone", tmp_path / "together"
    build = ["build", "--year", "2016", "--jobs", "2", "--out"]
    assert main([*build, str(alone), "--territory", "VI"]) == 0
    assert main([*build, str(together), "--territory", "VI", "R2", "US"]) == 0
    for suffix in ("html", "json", "ipynb"):
        assert (alone / f"2016/VI.{suffix}").read_bytes() == (
            together / f"2016/VI.{suffix}").read_bytes()
    region = (together / "2016/R2.html").read_text(encoding="utf-8")
    assert "HHS Region II" in region and "U.S. Virgin Islands" in region
    for code in ("R2", "US", "VI"):  # a withheld area headline says why
        report = json.loads((together / f"2016/{code}.json").read_text(encoding="utf-8"))
        withheld = any(report["tables"][f"{kind}_by_year"][-1]["value"] == "withheld"
                       for kind in ("cases", "signals"))
        html = (together / f"2016/{code}.html").read_text(encoding="utf-8")
        assert ("A regional or national count is withheld" in html) == (
            withheld and code != "VI")
    index = (together / "index.html").read_text(encoding="utf-8")
    assert index.index('href="2016/US.html"') < index.index('href="2016/R2.html"') < index.index(
        'href="2016/VI.html"')


def test_territories_names_each_areas_members(capsys):
    assert main(["territories"]) == 0
    out = capsys.readouterr().out
    assert "R2" in out and "HHS Region II (NJ NY PR VI)" in out
    assert "United States (R1 R2 R3 R4 R5 R6 R7 R8 R9 R10)" in out


def test_a_researcher_gets_a_regions_territories_as_a_data_frame():
    from htprofiles import report

    profile = report.prepare(territory="R2", year=2016)
    frame = report.table_frame(profile, "cases_by_state")
    assert list(frame.columns) == ["code", "category", "value", "count"]
    assert list(frame["code"]) == list(AREAS["R2"].members)
    assert frame.loc[frame["code"] == "NY", "category"].item() == "New York"
