"""Top-down: an area's headline counts published, a member withholding its own as their
partner.

Bottom-up, a region whose territory marks its year's cases ``<3`` cannot publish its own
cases: the region's count less its other members' published counts would tell the small
one. Statistical agencies protect such hierarchies from the top (tau-ARGUS's modular method):
the area's margin is published and the complement is pushed down into a member. Here a
member that publishes its count lends it: the count is withheld in the member's reports too,
so the area's count only tells the sum of two withheld counts, which keeps each two values.

Which member lends is decided from what every reader can recompute: the members' marks, the
relations their publications record (the audited ranges without the lent count's value),
and a fixed order of the territories, largest population first. The value of a lent count
plays no part beyond the answers its own rules recorded, so any data set a reader cannot
rule out lends the same count (docs/disclosure.md).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from ..contract.suppression import COMPLEMENTARY, SuppressionRule
from .audit import Line, feasible_ranges
from .protection import YearModel, YearPublication, protect_year
from .transcript import Cell


def protect_area(counts: Mapping[Cell, int], model: YearModel, rule: SuppressionRule,
                 members: Mapping[str, YearPublication], audit: bool = True) -> YearPublication:
    """An area's year, its headline counts published where a member can lend a partner:
    ``protect_year`` on the members' publications after they lend. The result's ``members``
    are those publications, which the members' own reports show."""
    return protect_year(counts, model, rule, lend(model, members, rule), audit)


def lend(model: YearModel, members: Mapping[str, YearPublication],
         rule: SuppressionRule) -> dict[str, YearPublication]:
    """The members' publications after each headline count of the area that their marks
    alone would withhold has borrowed a partner: the cheapest member able to lend (fewest
    counts newly withheld), ties in the area's order of its members."""
    members, headlines = dict(members), _headlines(model)
    for line in model.members:
        if line.total[0] in headlines and _wants_partner(line, members):
            offers = sorted((len(set(cells) - members[code].lent), rank, code, cells)
                            for rank, (code, cell) in enumerate(line.complements or line.parts)
                            if (cells := _under(members[code], cell, rule)) is not None)
            members |= next(({code: lent} for *_, code, cells in offers
                             if (lent := _lent(members[code], cells, rule)) is not None), {})
    return members


def _headlines(model: YearModel) -> set[Cell]:
    """An area's counts at the top of its tables: totals of a line, parts of none (the
    year's cases and signals)."""
    parts = {cell for line in model.lines if not line.members for cell in line.parts}
    return {cell for line in model.lines if not line.members
            for cell in line.total} - parts


def _wants_partner(line: Line, members: Mapping[str, YearPublication]) -> bool:
    """Rule 6 would withhold the area's count on its members' marks alone: a lone withheld
    member, or withheld members that all have an upper bound."""
    hidden = [(code, cell) for code, cell in line.parts
              if not isinstance(members[code].marks[cell], int)]
    return bool(hidden) and (len(hidden) == 1 or all(
        members[code].ranges[cell].high is not None for code, cell in hidden))


def _lent(member: YearPublication, lent: list[Cell],
          rule: SuppressionRule) -> YearPublication | None:
    """The member's publication once it withholds ``lent`` (a count of its area's line
    first): None where that would leave the count an upper bound, a lent count not known to
    be at least the threshold, or a withheld count of the member one value."""
    known = _without(member, lent)
    hidden = member.hidden | set(lent)
    ranges = feasible_ranges(list(member.marks), known, frozenset(hidden))
    if ranges[lent[0]].high is not None or any(ranges[c].single for c in hidden) or any(
            ranges[c].low < rule.threshold for c in lent):
        return None
    return replace(member, marks=member.marks | dict.fromkeys(lent, COMPLEMENTARY),
                   known=known, hidden=hidden,
                   ranges=member.ranges | {c: ranges[c] for c in hidden},
                   lent=member.lent | frozenset(lent))


def _under(member: YearPublication, cell: Cell, rule: SuppressionRule) -> list[Cell] | None:
    """What a member withholds to lend ``cell``: the cell, and under it the first published
    part, in complement order, of each exact line that would otherwise tell it (all its
    parts published; each part, as rule 1 recorded, at least the threshold). None where the
    member cannot lend: an area, a cell not published, or a line with no such part."""
    if member.model is None or member.model.members or not isinstance(member.marks[cell], int):
        return None
    lent, todo = [cell], [cell]
    while todo:
        total = todo.pop()
        for line in member.model.lines:
            if not line.exact or line.total != (total,) or any(
                    member.marks[p] == COMPLEMENTARY for p in line.parts):
                continue
            part = next((p for p in line.complements if p not in lent
                         and isinstance(member.marks[p], int)
                         and member.marks[p] >= rule.threshold), None)
            if part is None:
                return None
            lent.append(part)
            todo.append(part)
    return lent


def _without(member: YearPublication, lent: list[Cell]):
    """What a reader knows of the member once ``lent`` are withheld: its relations less the
    lent counts' values."""
    values = {(cell, member.marks[cell]) for cell in lent}
    return tuple(r for r in member.known if not (
        len(r.terms) == 1 and r.low == r.high and (r.terms[0][0], r.low) in values))
