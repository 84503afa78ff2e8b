"""The published tables of a territory's, region's or the nation's reports: protection of
every year, then rows.

``publish`` protects each year of the window on its own (no line joins two years), so a
per-year count reads the same in every report that shows it; a region's after its
territories', which may lend it partners (``topdown``), the nation's after the regions'.
Report tables, charts, JSON and the audit summary
are all drawn from the resulting marks, never from counts.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from ..contract.data import Dataset, slice_dataset
from ..contract.suppression import Mark, Published, SuppressionRule, is_complementary, is_withheld
from ..contract.territories import NATION, PROFILED, TERRITORIES, Territory, covering, leaves
from .catalogue import CellId, TableSpec, categories, count_territories, specs_of, year_model
from .protection import YearPublication, audit_area, protect_year
from .topdown import protect_area


@dataclass(frozen=True)
class PublishedTable:
    """One table as every output shows it: rows of published cells only.

    ``note`` replaces the rows of a table that shows none; ``status`` says so for programs:
    "shown", "withheld" (it would reveal counts the profile withholds) or "none listed" (a top
    list no category of which reaches the threshold). ``footnote`` explains complementary
    marks.
    """

    name: str
    title: str
    key: str
    rows: tuple[dict, ...]
    note: str | None = field(default=None)
    footnote: str | None = field(default=None)
    status: str = field(default="shown")

    def values(self) -> list[Published]:
        """The published cells, in row order."""
        return [row["value"] for row in self.rows]


@dataclass(frozen=True)
class Publication:
    """What every report of one territory publishes, year by year."""

    territory: Territory
    rule: SuppressionRule
    years: dict[int, YearPublication]
    members: dict[str, Publication] = field(default_factory=dict)
    """An area's members' publications, by code."""

    def mark(self, cell: CellId) -> Mark:
        """How ``cell`` is published: a count, a mark, or None if not shown."""
        return self.years[cell[1]].marks[cell]

    def row(self, cell: CellId) -> dict:
        """A published cell as a table row holds it: ``value``; for a region's or the
        nation's count withheld to protect others, the least and greatest value anyone can
        work out from what is published (``range``), where that is bounded; for a
        territory's count withheld so that its region can publish its own, the region
        (``lent_to``)."""
        value = self.mark(cell)
        year = self.years[cell[1]]
        span = year.ranges.get(cell)
        if (self.territory.is_area and is_complementary(value) and span is not None
                and span.high is not None):
            return {"value": value, "range": [span.low, span.high]}
        if cell in year.lent:
            return {"value": value, "lent_to": covering(self.territory.code)}
        return {"value": value}


def publish(dataset: Dataset, territory: Territory, years: range,
            rule: SuppressionRule) -> Publication:
    """Count, protect and audit every year of ``years``: the territories of the region that
    covers ``territory`` first, each as its own rules publish it, then the region, its
    members lending partners to its headline counts, then the nation on the regions.

    Raises
    ------
    DisclosureError
        If some year cannot be protected (naming its tables only).
    """
    area = covering(territory.code)
    return Publisher(slice_dataset(dataset, area), rule, leaves(area)).publication(
        territory, years)


class Publisher:
    """Places' publications from their territories' records, each year of each place counted
    and published once: a batch's reports share them (a region's report and the nation's
    need the same territories, and a territory's report its region's)."""

    def __init__(self, dataset: Dataset, rule: SuppressionRule,
                 territories: tuple[str, ...] = tuple(TERRITORIES)):
        """``dataset``: the records of ``territories``, every territory under the places asked
        for and under the regions that cover them."""
        self.dataset, self.rule = dataset, rule
        self.territories = [TERRITORIES[code] for code in territories]
        self._leaves: dict[int, dict[str, dict[CellId, int]]] = {}
        self._areas: dict[tuple[str, int], tuple[YearPublication, dict]] = {}
        self._audited: set[tuple[str, int]] = set()

    def publication(self, territory: Territory, years: range) -> Publication:
        """A place's publication of ``years``: an area's years audited with everything under
        them; a territory's years in which it lends a count, with its region (in the others it
        publishes what its own rules decided, which they audited).

        Raises
        ------
        DisclosureError
            If some year cannot be protected (naming its tables only).
        """
        self._count(years)
        for year in years:
            if territory.is_area or self._year(territory.code, year).lent:
                self._audit(covering(territory.code), year)
        return self._publication(territory.code, years)

    def _publication(self, code: str, years: range) -> Publication:
        territory = PROFILED[code]
        return Publication(territory, self.rule, {year: self._year(code, year) for year in years},
                           {member: self._publication(member, years)
                            for member in territory.members})

    def _year(self, code: str, year: int) -> YearPublication:
        """One place's year as its reports show it: a territory's as its region left it."""
        if PROFILED[code].is_area:
            return self._area(code, year)[0]
        return self._area(covering(code), year)[0].members[code]

    def _audit(self, code: str, year: int) -> None:
        """Audit an area's year once; the nation's covers every region's."""
        if not {(code, year), (NATION, year)} & self._audited:
            audit_area(self._area(code, year)[0], self.rule)
            self._audited.add((code, year))

    def _counts(self, year: int) -> dict[str, dict[CellId, int]]:
        """Every territory's counts of ``year`` (zeros where the records hold none)."""
        if year not in self._leaves:
            self._count(range(year, year + 1))
        return self._leaves[year]

    def _count(self, years: range) -> None:
        """Count the years of ``years`` not counted yet, in one pass over the records."""
        todo = [year for year in years if year not in self._leaves]
        if not todo:
            return
        counted = count_territories(self.dataset.frames, self.territories,
                                    range(min(todo), max(todo) + 1))
        for year in todo:
            self._leaves[year] = {code: {cell: n for cell, n in counts.items() if cell[1] == year}
                                  for code, counts in counted.items()}

    def _own(self, code: str, year: int) -> tuple[YearPublication, dict]:
        """A member's year as its own rules publish it (before lending), and its counts."""
        if PROFILED[code].is_area:
            return self._area(code, year)
        counts = self._counts(year)[code]
        return protect_year(counts, year_model(PROFILED[code], year), self.rule), counts

    def _area(self, code: str, year: int) -> tuple[YearPublication, dict]:
        """An area's year, unaudited, and the counts it was made from, which the area above
        needs."""
        if (code, year) not in self._areas:
            model = year_model(PROFILED[code], year)
            members = {member: self._own(member, year) for member in PROFILED[code].members}
            counts = {cell: sum(theirs[cell] for _, theirs in members.values())
                      for cell in model.cells}
            joint = counts | {(member, cell): n for member, (_, theirs) in members.items()
                              for cell, n in theirs.items()}
            self._areas[code, year] = protect_area(
                joint, model, self.rule,
                {member: publication for member, (publication, _) in members.items()},
                audit=False), counts
        return self._areas[code, year]


def publish_territory(counts: Mapping[CellId, int], territory: Territory, years: range,
                      rule: SuppressionRule) -> Publication:
    """Protect and audit every year of ``years`` of one territory by its own rules alone, from
    its counts (its reports may withhold more, for its region's sake: ``publish``)."""
    return Publication(territory, rule,
                       {year: protect_year(counts, year_model(territory, year), rule)
                        for year in years})


def report_tables(publication: Publication, year: int,
                  first_year: int) -> dict[str, PublishedTable]:
    """The published tables of the report for ``year``; an area's with its members' cases,
    as they publish them."""
    tables = {spec.name: _table(spec, publication, year, first_year)
              for spec in specs_of(publication.territory)}
    if publication.territory.is_area:
        tables["cases_by_state"] = _by_member(
            "cases_by_state", f"Cases by state and territory in {year}", year,
            _leaf_publications(publication), publication.rule)
    if any(member.territory.is_area for member in publication.members.values()):
        tables["cases_by_region"] = _by_member(
            "cases_by_region", f"Cases by HHS region in {year}", year, publication.members,
            publication.rule)
    return tables


def _leaf_publications(publication: Publication) -> dict[str, Publication]:
    """The publications of an area's territories, by code."""
    if not publication.territory.is_area:
        return {publication.territory.code: publication}
    return {code: leaf for member in publication.members.values()
            for code, leaf in _leaf_publications(member).items()}


def _by_member(name: str, title: str, year: int, members: Mapping[str, Publication],
               rule: SuppressionRule) -> PublishedTable:
    """Members' cases of ``year``, each as its own report publishes it."""
    rows = tuple({"category": m.territory.name, "code": code}
                 | m.row(("cases_by_year", year, year)) for code, m in members.items())
    of_areas = any(m.territory.is_area for m in members.values())
    return PublishedTable(name, title, "code", rows, footnote=_footnote(rows, rule, of_areas))


def _table(spec: TableSpec, publication: Publication, year: int,
           first_year: int) -> PublishedTable:
    shown = range(first_year, year + 1) if spec.per_year else range(year, year + 1)
    cells = [((spec.name, y, key), _row_name(spec, key, label)) for y in shown
             for key, label in zip(*categories(spec, publication.territory, y), strict=True)]
    if spec.top:  # in the order the publication lists them
        names = dict(cells)
        cells = [(cell, names[cell]) for cell in publication.years[year].listed.get(spec.name, ())]
    rows = [name | publication.row(cell) for cell, name in cells
            if publication.mark(cell) is not None]
    threshold = publication.rule.threshold
    withheld = spec.name in publication.years[year].withheld_tables
    note, status = None, "withheld" if withheld else "none listed" if spec.top and not rows \
        else "shown"
    if withheld and publication.territory.is_area:
        note = (f"Not shown for {year}: it would reveal counts that this profile or its "
                f"members' profiles withhold.")
    elif withheld:
        note = (f"Not shown for {year}: too few to show without revealing counts below "
                f"{threshold}.")
    elif spec.top and not rows:
        kind = "sex" if spec.column == "sex_venue" else "labor"
        note = f"All {kind} trafficking venues reported fewer than {_times(threshold)}."
    title = spec.title.format(year=year, first_year=first_year)
    return PublishedTable(spec.name, title, spec.key, tuple(rows), note,
                          _footnote(rows, publication.rule, publication.territory.is_area), status)


def _footnote(rows, rule: SuppressionRule, of_area: bool) -> str | None:
    """What a table says under it when some count was withheld to protect others: a
    territory's is the threshold or more (and may protect a count of its region's other
    territories); a region's or the nation's may be any count."""
    if not any(is_complementary(row["value"]) for row in rows):
        return None
    if of_area and any(row.get("range") for row in rows):
        return ("Withheld to protect other counts, of this profile or of its members' "
                "profiles; a range is what anyone can work out from the counts published.")
    if of_area:
        return "Withheld to protect other counts, of this profile or of its members' profiles."
    if any("lent_to" in row for row in rows):
        return (f"Withheld to protect other small counts, some so that the state's or "
                f"territory's HHS region can publish its own; each such count is "
                f"{rule.threshold} or more.")
    return f"Withheld to protect other small counts; each such count is {rule.threshold} or more."


def _row_name(spec: TableSpec, key, label: str) -> dict:
    if spec.key == "year":
        return {"year": key}
    if spec.key == "fips":
        return {"fips": key, "county": label}
    return {"category": label}


def audit_summary(tables: Mapping[str, PublishedTable]) -> dict:
    """What the audit guarantees for one report: the same words for every report written, and
    the number of withheld cells, which anyone can count in its tables."""
    withheld = sum(is_withheld(value) for table in tables.values() for value in table.values())
    return {
        "method": "every decision that withheld a count was recorded as a relation between "
                  "counts; the least and greatest value of every withheld count given all of "
                  "them and every published count, mark and total (HiGHS)",
        "guarantee": "each withheld count keeps at least two possible values",
        "withheld": withheld,
    }


_NUMBER_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
                 "ten")


def _times(n: int) -> str:
    """'three times', as the reference profile words it."""
    word = _NUMBER_WORDS[n] if n < len(_NUMBER_WORDS) else str(n)
    return "once" if n == 1 else f"{word} times"
