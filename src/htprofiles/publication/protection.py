"""Which counts one year of a territory publishes, decided so that a reader learns nothing
the audit does not know.

The reader to defend against knows this code and can replay it on every data set that might
lie behind a report. The rules therefore look at counts only through a ``Transcript``: each
question they ask (is this count at least the threshold? does what the published counts of a
line leave for its withheld ones let each of them reach the top of its mark?) is recorded,
and the audit takes every answer into account. Any data set that gives the same answers gives
the same publication, so the audit is at least as uncertain as any reader.

The rules, table by table in declaration order (docs/disclosure.md gives the reasons):

1. Small counts are marked ``<threshold``.
2. A table that adds up exactly to a published total is shown only if that total leaves room
   for any small cells it may have (about categories x threshold); a venue list only if the
   year's cases exceed the threshold. Otherwise the table is withheld whole, before anything
   in it is looked at.
3. A venue list shows its five largest venues of at least the threshold with their counts
   when every type of case is published and its types hold more than five times the
   threshold (else five listed counts, withheld, could each be pinned at the threshold).
   Otherwise a list with a venue at the threshold is not shown, since it would tell which
   types the cases are; only "every venue below the threshold" is said.
4. An exact line whose withheld cells could be worked out (a lone one, small ones whose sum
   would be known, or a withheld total) withholds its next part, in the order that puts the
   usually largest first. These choices need no answer and are all made before any question.
5. Where a line's total is published, what it leaves for the withheld cells must let each
   reach the top of its mark while the others sit at their least. When it does not (a "no"
   that the audit records), the line withholds more: an exact line all its other parts, else
   its total; an "at most" line (counties) its next part in report order, else its total; a
   venue list keeps its venues and withholds their counts. "At most" tables are asked first,
   since withholding their total changes what the tables after them can show.
6. An area's count (an HHS region's, the nation's) is its members' sum, and their marks are
   fixed: where any is withheld, the area's count is published only if one of them has no
   upper bound and what it leaves for them is at least their least plus ``threshold - 1``
   (never with a lone withheld member). Otherwise it is withheld, before any question about
   its size, and capped like a small count (its partner on a line must have no upper
   bound); its lines settle as above.
7. (``topdown``) Before rule 6, a region's case and signal totals that its members' marks
   alone would withhold borrow a partner: a territory that publishes its own withholds it
   (and a part under it where all were published), decided from marks and recorded answers.

The audit then checks that every withheld cell keeps two values or more; a report that fails
is not written, and the message names its tables only. docs/disclosure.md gives the threat
model, the argument and what is not guaranteed.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import Enum
from functools import lru_cache

from ..contract.suppression import COMPLEMENTARY, Mark, SuppressionRule
from ..errors import DisclosureError
from .audit import Interval, Line, feasible_ranges, single_valued
from .transcript import Cell, Implies, Relation, Transcript, total


class Status(Enum):
    """How a count appears in the reports."""

    COUNT = "count"
    SMALL = "small"
    PROTECTING = "protecting"
    MEMBERS = "withheld for members"
    """An area's count withheld for its members' sake, before any question about its size."""
    LEFT_OUT = "left out"
    NOT_SHOWN = "not shown"


@dataclass(frozen=True)
class Table:
    """One table of a year as the rules see it: its cells, in report order, and the line that
    binds them to their total (its parts are the cells), or a top list's length."""

    name: str
    cells: tuple[Cell, ...]
    line: Line | None = None
    top: int | None = None


@dataclass(frozen=True)
class YearModel:
    """Every table of one year, in the order the rules decide them (totals before their
    parts)."""

    tables: tuple[Table, ...]
    members: tuple[Line, ...] = ()
    """An area's lines to its members: each count is their counts' sum."""
    implications: tuple[Implies, ...] = ()
    """Counts of records that belong to others' (victims to cases): one or more implies one
    or more there."""

    @property
    def cells(self) -> tuple[Cell, ...]:
        """Every count cell of the year's tables."""
        return tuple(cell for table in self.tables for cell in table.cells)

    @property
    def lines(self) -> tuple[Line, ...]:
        """The year's lines (parts that add up to a total), which every reader knows."""
        return tuple(table.line for table in self.tables if table.line) + self.members


@dataclass(frozen=True)
class YearPublication:
    """One year of one territory: a mark per cell (None for a cell not shown), the tables
    withheld whole, and the audited range of every withheld cell (kept out of reports)."""

    marks: dict[Cell, Mark]
    listed: dict[str, tuple[Cell, ...]]
    """Each top list's cells in the order shown: largest first, or in report order when their
    counts are withheld (the order would tell what the counts do not)."""
    withheld_tables: frozenset[str]
    ranges: dict[Cell, Interval]
    told: dict[Cell, Interval]
    """What each small cell's mark alone tells: its range when nothing narrows it."""
    known: tuple[Relation, ...]
    """Everything a reader who replays the rules knows: the lines and every recorded answer,
    an area's members' included. Any data set that satisfies all of it publishes the same."""
    hidden: frozenset[Cell] = frozenset()
    """The cells not published, an area's members' included (as ``(member, cell)``)."""
    model: YearModel | None = None
    """The tables and lines the publication was decided on."""
    members: Mapping[str, YearPublication] = field(default_factory=dict)
    """An area's members' publications, as their own reports show them."""
    lent: frozenset[Cell] = frozenset()
    """A member's counts withheld as partners of its area's counts (``topdown``)."""

    def narrowed(self) -> list[Cell]:
        """Small cells whose audited range is narrower than their mark's."""
        return [cell for cell, told in self.told.items() if self.ranges[cell] != told]


def protect_year(counts: Mapping[Cell, int], model: YearModel, rule: SuppressionRule,
                 members: Mapping[str, YearPublication] | None = None,
                 audit: bool = True) -> YearPublication:
    """Publish one year: the rules, then the audit. An area's year needs its ``members``'
    publications, and its counts hold theirs as ``(member, cell)``: the audit covers the
    area and everything under it at once (``audit=False`` skips it for an area whose area
    above audits it all again).

    Raises
    ------
    DisclosureError
        Naming the tables (never a cell or count) if a withheld count could be worked out.
    """
    if members:
        return _protect_area(counts, model, rule, members, audit)
    return _protect(model, rule, tuple(counts[cell] for cell in model.cells))


@lru_cache(maxsize=512)
def _protect(model: YearModel, rule: SuppressionRule, values: tuple) -> YearPublication:
    """``protect_year`` on hashable arguments: the reports of one territory share its years."""
    transcript = Transcript(dict(zip(model.cells, values, strict=True)))
    rules = _Rules(transcript, model, rule)
    marks = rules.marks()  # reads the published counts: before ``known`` is taken
    known = (tuple(line.relation() for line in model.lines) + tuple(transcript.relations)
             + rules.implied(model.implications, marks))
    ranges = feasible_ranges(model.cells, known)
    _refuse_revealing({cell: ranges[cell].low for cell in rules.withheld
                       if ranges[cell].single}, rule)
    return _publication(rules, marks, ranges, known, frozenset(rules.withheld), model)


def _protect_area(counts: Mapping[Cell, int], model: YearModel, rule: SuppressionRule,
                  members: Mapping[str, YearPublication], audit: bool) -> YearPublication:
    """An area's year: rule 6 on its members' fixed marks, then one audit of the area and
    everything under it (witness programs: the lines join it all into one component).

    The ranges kept are those of the area's lines and members' audited ranges alone, a
    public bound the area above uses as it uses a territory's."""
    fixed = {part: (_status_of(members[part[0]].marks[part[1]]),
                    members[part[0]].ranges[part[1]])
             for line in model.members for part in line.parts}
    transcript = Transcript(counts)
    rules = _Rules(transcript, model, rule, fixed)
    marks = rules.marks()
    known = tuple(line.relation() for line in model.lines) + tuple(transcript.relations)
    ranges = feasible_ranges(model.cells + tuple(fixed), known + tuple(
        Relation(((cell, 1),), span.low, span.high) for cell, (_, span) in fixed.items()),
        frozenset(rules.withheld))
    below = tuple(_within(code, r) for code, publication in members.items()
                  for r in publication.known)
    hidden = frozenset(rules.withheld) | {(code, cell) for code, publication in members.items()
                                          for cell in publication.hidden}
    publication = _publication(rules, marks, {cell: ranges[cell] for cell in model.cells},
                               known + below, hidden, model, members)
    if audit:
        audit_area(publication, rule)
    return publication


def audit_area(publication: YearPublication, rule: SuppressionRule) -> None:
    """Refuse an area's year if any withheld count under it, of the area or of a member at
    any depth, would keep one value given everything a reader knows (witness programs: the
    lines join it all into one component).

    Raises
    ------
    DisclosureError
        Naming the tables (never a cell or count).
    """
    hidden = sorted(publication.hidden, key=repr)
    cells = dict.fromkeys([*publication.marks, *hidden,
                           *(cell for r in publication.known for cell, _ in r.terms)])
    _refuse_revealing(single_valued(cells, publication.known, hidden), rule)


def _within(member: str, relation: Relation) -> Relation:
    """A member's relation over the area's names of its cells."""
    return Relation(tuple(((member, cell), k) for cell, k in relation.terms), relation.low,
                    relation.high)


def _status_of(mark: Mark) -> Status:
    """How a member publishes a cell, as the rules' status."""
    if isinstance(mark, int):
        return Status.COUNT
    return {None: Status.NOT_SHOWN, COMPLEMENTARY: Status.PROTECTING}.get(mark, Status.SMALL)


def _refuse_revealing(pinned: Mapping[Cell, int], rule: SuppressionRule) -> None:
    """Refuse a publication that leaves a withheld cell one value (a zero may be one where
    zeros are published), naming the tables only."""
    revealed = sorted({_table_of(cell) for cell, value in pinned.items()
                       if value or rule.suppress_zero})
    if revealed:
        raise DisclosureError(f"the {', '.join(revealed)} table(s) cannot be published "
                              f"without revealing a withheld count")


def _table_of(cell: Cell) -> str:
    """The table of a cell ``(table, year, key)``, or of a member's ``(member, cell)``."""
    while len(cell) == 2:
        cell = cell[1]
    return cell[0]


def _publication(rules: _Rules, marks: dict[Cell, Mark], ranges: dict,
                 known: tuple[Relation, ...], hidden: frozenset, model: YearModel,
                 members: Mapping[str, YearPublication] | None = None) -> YearPublication:
    listed = {name: cells if all(isinstance(marks[c], int) for c in cells)
              else tuple(c for c in rules.cells if c in cells)  # no counts, no order
              for name, cells in rules.listed.items()}
    told = {cell: Interval(rules.rule.least_withheld, rules.rule.threshold - 1)
            for cell in rules.cells if rules.status[cell] is Status.SMALL}
    return YearPublication(marks, listed, frozenset(rules.withheld_tables), ranges, told, known,
                           hidden, model, dict(members or {}))


Change = dict[Cell, Status]
"""New statuses for some cells: what a rule asks for."""


class _Rules:
    """The protection rules of one year, working on a status per cell."""

    def __init__(self, transcript: Transcript, model: YearModel, rule: SuppressionRule,
                 fixed: Mapping[Cell, tuple[Status, Interval]] | None = None):
        """``fixed``: an area's members' cells, with how they are published and their audited
        range, which rule 6 takes as given."""
        self.ask, self.rule = transcript, rule
        self.lines = model.lines
        self.cells = model.cells
        self.table_of = {cell: table.name for table in model.tables for cell in table.cells}
        self.top_tables = {table.name for table in model.tables if table.top}
        self.status: dict[Cell, Status] = {cell: status for cell, (status, _) in
                                           (fixed or {}).items()}
        self.ranges = {cell: span for cell, (_, span) in (fixed or {}).items()}
        self.member_line = {line.total[0]: line for line in model.members}
        self.public = {line.total[0] for line in model.members
                       if all(self.status[p] is Status.COUNT for p in line.parts)}
        """An area's cells whose members all publish theirs: known whatever the area shows."""
        self.capped: set[Cell] = set()
        """An area's cells withheld by rule 6, which its answers bound from above: like small
        counts, their sum on a line must not be known without a partner."""
        self.large: set[Cell] = set()
        """Published cells known to be at least the threshold (zeros may be published)."""
        self.listed: dict[str, tuple[Cell, ...]] = {}
        self.vouched: dict[Cell, set[Line]] = {}
        """The lines whose questions a published count's value went into: withholding it for
        another line would turn those answers into clues about it."""
        for table in model.tables:
            self._set_up(table)
            self._settle(self._members, self._partner, self._closing)
        self._settle(self._members, self._partner, self._room)

    @property
    def withheld_tables(self) -> set[str]:
        """Tables not shown at all."""
        shown = {self.table_of[cell] for cell in self.cells
                 if self.status[cell] is not Status.NOT_SHOWN}
        return set(self.table_of.values()) - shown

    @property
    def withheld(self) -> list[Cell]:
        """The cells not published as a count, nor known from what members publish."""
        return [cell for cell in self.cells
                if self.status[cell] is not Status.COUNT and cell not in self.public]

    # Rules 1-3: setting a table up ------------------------------------------------------

    def _set_up(self, table: Table) -> None:
        if table.line and self._zero(table.line.total):  # every cell is a zero, shown as such
            self.status |= dict.fromkeys(table.cells, Status.COUNT)
        elif not self._shown(table):
            self.status |= dict.fromkeys(table.cells, Status.NOT_SHOWN)
        elif table.top:
            self._set_up_list(table)
        else:
            self.status |= {cell: self._primary(cell) for cell in table.cells}

    def _primary(self, cell: Cell) -> Status:
        """Rule 1, after rule 6 for an area's count: one its members' withheld counts decide
        to withhold is not asked about its size, which would bound it from below."""
        line = self.member_line.get(cell)
        if line and self._for_members(line):
            self.capped.add(cell)
            return Status.MEMBERS
        if self.ask.at_least({cell: 1}, self.rule.threshold):
            self.large.add(cell)
            return Status.COUNT
        if self.rule.suppress_zero or self.ask.at_least({cell: 1}, 1):
            return Status.SMALL
        return Status.COUNT

    def _shown(self, table: Table) -> bool:
        """Rule 2. Where zeros are published, the number of cells that are not zero is known:
        under a withheld total it could pin them, so such an "at most" table is not shown."""
        line = table.line
        if not line:
            return True
        if table.top:
            return self._listable(line)
        if not line.exact:
            return self.rule.suppress_zero or self._published(line.total)
        return self._published(line.total) and self.ask.at_least(total(line.total),
                                                                 self._enough(len(line.parts)))

    def _enough(self, parts: int) -> int:
        """The least total that leaves room for any small cells of ``parts`` cells once every
        other cell is withheld (rule 5): one small cell, the rest at least the threshold."""
        rule = self.rule
        return (parts - 1) * rule.threshold + rule.least_withheld + rule.threshold - 1

    def _listable(self, line: Line) -> bool:
        """Rule 2 for a venue list: listing a venue tells that its types of case hold at least
        the threshold, so the year's cases must exceed the threshold (or be too few for any
        venue to be listed), and so must those types where they are published."""
        outer = self._outer(line)
        if outer is None or all(self.status[c] is Status.SMALL for c in outer.total):
            return True
        above = self.rule.threshold + 1
        if not self._published(outer.total) or not self.ask.at_least(total(outer.total), above):
            return False
        return not self._published(line.total) or self.ask.at_least(total(line.total), above)

    def _set_up_list(self, table: Table) -> None:
        """Rule 3."""
        outer = self._outer(table.line)
        if outer is None or self._published(outer.parts) and self.ask.at_least(
                total(table.line.total), table.top * self.rule.threshold + 1):
            listed = self.ask.top(list(table.cells), table.top, self.rule.threshold)
        else:
            first = table.cells[0] if not self._may_witness(table.line.total) else next(
                (c for c in table.cells if self.ask.at_least({c: 1}, self.rule.threshold)), None)
            if first is not None:
                self.status |= dict.fromkeys(table.cells, Status.NOT_SHOWN)
                return
            listed = []
        self.listed[table.name] = tuple(listed)
        self.large |= set(listed)
        self.status |= {c: Status.COUNT if c in listed else Status.LEFT_OUT for c in table.cells}

    def _may_witness(self, cells) -> bool:
        """Whether "is a venue at the threshold?" may be asked of a list adding up to at most
        ``cells``: a "yes" tells they add up to the threshold, which must not pin small ones.
        So: they are published (the list's gate asked for more), one of them is known to be
        at least the threshold, or none is marked small (a table not shown)."""
        return self._published(cells) or any(
            c in self.large or self.status.get(c) is Status.PROTECTING for c in cells) or not any(
            self.status.get(c) is Status.SMALL for c in cells)

    def _outer(self, line: Line) -> Line | None:
        """The exact line whose parts a venue list's total is some of (the types of case)."""
        return next((o for o in self.lines if o.exact and set(line.total) < set(o.parts)),
                    None)

    def _zero(self, cells) -> bool:
        """Cells published as zero (only where zeros are published)."""
        return all(self.status.get(c) is Status.COUNT and c not in self.large for c in cells)

    def _published(self, cells) -> bool:
        return all(self.status.get(cell) is Status.COUNT for cell in cells)

    # Rules 4-5: settling the lines ------------------------------------------------------

    def _settle(self, *rules: Callable[[Line], Change | None]) -> None:
        """Apply the rules to the lines of the tables set up so far until none asks for more.
        Each rule is tried on every line before the next one: partners, which need no answer,
        are all chosen before a question is asked, so that no count a "yes" was about is
        withheld afterwards (where it can be helped)."""
        while change := self._first_change(rules):
            self.status |= change

    def _first_change(self, rules) -> Change | None:
        lines = [line for line in self.lines
                 if all(cell in self.status for cell in line.parts + line.total)]
        for rule in rules:
            for line in lines:
                change = rule(line)
                if change and any(self.status[c] is not status for c, status in change.items()):
                    return change
        return None

    def _partner(self, line: Line) -> Change | None:
        """Rule 4."""
        if not line.exact or line.members:
            return None
        hidden = [p for p in line.parts if self.status[p] is not Status.COUNT]
        large = any(self.status[p] is not Status.SMALL and p not in self.capped for p in hidden)
        if self._published(line.total):
            needs = bool(hidden) and (len(hidden) == 1 or not large)
        else:
            needs = not large
        partner = next((c for c in line.complements if self._complement(c, line)), None)
        return {partner: Status.PROTECTING} if needs and partner else None

    def _closing(self, line: Line) -> Change | None:
        """Rule 5 for an "at most" table as soon as it is set up (counties, before the types
        of case): its answer may withhold the year's total."""
        if line.exact or self.table_of[line.parts[0]] in self.top_tables:
            return None
        return self._room(line)

    def _room(self, line: Line) -> Change | None:
        """Rule 5, and for an exact line whose withheld parts all have a known greatest value
        (small ones, no part could be withheld with them; or an area's parts capped by
        rule 6), the same from below: each must be able to sit at its least while the others
        are at their greatest."""
        hidden = [p for p in line.parts if self.status[p] is not Status.COUNT]
        if not hidden or not self._published(line.total) or line.members:
            return None
        room = {c: 1 for c in line.total} | {p: -1 for p in line.parts if p not in hidden}
        needed = sum(map(self._least, hidden)) + max(map(self._margin, hidden))
        for cell in room if len(room) > 1 else ():  # a lone total's bounds are its own
            self.vouched.setdefault(cell, set()).add(line)
        if not self.ask.at_least(room, needed):
            return self._more(line, room, needed - 1)
        if line.exact and (all(self.status[p] is Status.SMALL for p in hidden)
                           or self.capped & set(hidden)) and None not in (
                tops := [self._most(p) for p in hidden]):
            top = sum(tops) - max(map(self._margin, hidden))
            if not self.ask.at_least({c: -k for c, k in room.items()}, -top):
                return self._close(line, room, None)
        return None

    def _members(self, line: Line) -> Change | None:
        """Rule 6 for a count shown already (a listed venue's): withheld if its members'
        withheld counts ask for it. A withheld one is capped: its partner on its own lines
        must not be."""
        total = line.total[0]
        if not line.members or self.status[total] is not Status.COUNT or total not in self.large:
            return None  # decided already, or a zero shown where every member's is a zero
        if not self._for_members(line) or not self._publishable(total, line):
            return None
        self.capped.add(total)
        return {total: Status.PROTECTING}

    def _for_members(self, line: Line) -> bool:
        """Rule 6: whether an area's count must be withheld for its members' withheld ones: a
        lone one, or any that what the count leaves for them would not keep two values."""
        hidden = [p for p in line.parts if self.status[p] is not Status.COUNT]
        return bool(hidden) and (len(hidden) == 1 or not self._leaves_two(line, hidden))

    def _leaves_two(self, line: Line, hidden: list[Cell]) -> bool:
        """Whether what the area's count leaves for its ``hidden`` members lets each keep two
        values: asked only where one of them has no upper bound, and from below only, so
        that the count, published, keeps no upper bound a later line could pin it against.
        Where all are bounded, their ranges make the count's, which withheld keeps them."""
        if None not in (self.ranges[p].high for p in hidden):
            return False
        room = {line.total[0]: 1} | {p: -1 for p in line.parts if p not in hidden}
        least = sum(self.ranges[p].low for p in hidden)
        return self.ask.at_least(room, least + self.rule.threshold - 1)

    def _more(self, line: Line, room: dict, most: int) -> Change | None:
        """What a line withholds once its room is known to be at most ``most``: a venue list
        its counts; an exact line all its other parts, if they may all be withheld (its gate
        then guarantees the room), else its total, else what parts it can; an "at most" line
        its next part in complement order (counties), else its total."""
        table = self.table_of[line.parts[0]]
        if table in self.top_tables:  # the venues stay listed, their counts withheld
            return dict.fromkeys([p for p in line.parts if self._publishable(p, line)],
                                 Status.PROTECTING) or None
        more = [p for p in line.complements if self._complement(p, line)]
        covered = all(p in line.complements for p in line.parts if p in self.large)
        if line.exact and more and covered:
            return dict.fromkeys(more, Status.PROTECTING)
        if not line.exact and more:  # one at a time: the room is asked again after each
            return {more[0]: Status.PROTECTING}
        closed = self._close(line, room, most)
        if closed or not line.exact:
            return closed
        return dict.fromkeys(more, Status.PROTECTING) or None

    def _close(self, line: Line, room: dict, most: int | None) -> Change | None:
        """Withhold a line's total, provided that what a reader knows of it then leaves it two
        values: the published parts plus what the room can be (at least the withheld parts'
        least, at most ``most``, within what earlier answers about the room told), within
        what earlier answers about the total itself told."""
        if len(line.total) != 1 or not self._publishable(line.total[0], line):
            return None
        cell = line.total[0]
        parts = {p: 1 for p in room if p != cell}  # the published parts, which stay published
        hidden = [p for p in line.parts if p not in parts]
        told_low, told_high = self.ask.bounds(room)
        low = max(sum(map(self._least, hidden)), told_low or 0)
        capacity = (len(hidden) * (self.rule.threshold - 1)
                    if all(self.status[p] is Status.SMALL for p in hidden) else None)
        highs = [h for h in (most, told_high, capacity) if h is not None]
        high = min(highs) if highs else None
        least, greatest = self.ask.bounds({cell: 1})
        if high is not None and (high <= low or not self.ask.at_least(
                parts, (least or 0) + 1 - high)):
            return None
        if greatest is not None and not self.ask.at_least({p: -1 for p in parts},
                                                          low + 1 - greatest):
            return None
        return {cell: Status.PROTECTING}

    def _publishable(self, cell: Cell, line: Line | None = None) -> bool:
        """A published count that may be withheld as at least the threshold, for ``line``:
        not one other lines' answers relied on, nor the total of a table that is, or may yet
        be, shown (phone calls, whose types would lose their total), nor an area's count that
        its members publish anyway (withholding it would protect nothing)."""
        return (cell in self.large and self.status[cell] is Status.COUNT
                and cell not in self.public
                and self.vouched.get(cell, set()) <= {line}
                and not any(other.total == (cell,) and other is not line and not other.members
                            and self.status.get(other.parts[0], Status.NOT_SHOWN)
                            is not Status.NOT_SHOWN
                            for other in self.lines))

    def _complement(self, cell: Cell, line: Line) -> bool:
        """A part ``line`` may withhold to protect its others: publishable, and with no upper
        bound told by an earlier answer (a table's gate), which the line's room would turn
        into a lower one and so pin it."""
        return self._publishable(cell, line) and self.ask.bounds({cell: 1})[1] is None

    def _least(self, cell: Cell) -> int:
        """The least value a reader knows a withheld cell has: what its mark tells, or more
        where an answer about the cell alone told more (an area's count that rule 6 found
        leaving room for its members, then withheld as a partner)."""
        status = self.status[cell]
        if status is Status.SMALL:  # what rule 1 asked of it is all its answers tell
            return self.rule.least_withheld
        if status is Status.MEMBERS:
            least = sum(self.ranges[p].low for p in self.member_line[cell].parts)
        elif status is Status.PROTECTING:
            least = self.rule.threshold
        else:
            return 0
        return max(least, self.ask.bounds({cell: 1})[0] or 0)

    def _most(self, cell: Cell) -> int | None:
        """The greatest value a reader knows a withheld cell has, where one is known: the top
        of a small count's mark, an area's count's members' greatest values, or less where
        an answer about the cell alone told less."""
        if self.status[cell] is Status.SMALL:
            return self.rule.threshold - 1
        told = self.ask.bounds({cell: 1})[1]
        if self.status[cell] is Status.MEMBERS:
            highs = [self.ranges[p].high for p in self.member_line[cell].parts]
            if None not in highs:
                return sum(highs) if told is None else min(told, sum(highs))
        return told

    def _margin(self, cell: Cell) -> int:
        """How far above its least a withheld cell must still be able to go: to the top of
        its mark for a small count, ``threshold - 1`` for the others. When a line's room is
        found short, a reader learns that no cell of it goes that far; with these margins each
        still keeps two values or more."""
        if self.status[cell] is Status.SMALL:
            return self.rule.threshold - 1 - self.rule.least_withheld
        return self.rule.threshold - 1

    def implied(self, implications: tuple[Implies, ...],
                marks: dict[Cell, Mark]) -> tuple[Relation, ...]:
        """The contract's implications as linear relations, each for what its part's mark
        tells: a count, a small count's range, or at least the threshold."""
        spans = {Status.SMALL: (self.rule.least_withheld, self.rule.threshold - 1),
                 Status.PROTECTING: (self.rule.threshold, None)}
        relations = []
        for implication in implications:
            mark = marks[implication.part]
            least, most = ((mark, mark) if isinstance(mark, int)
                           else spans.get(self.status[implication.part], (0, None)))
            relation = implication.relation(least, most)
            if relation is not None:
                relations.append(relation)
        return tuple(relations)

    def marks(self) -> dict[Cell, Mark]:
        """The published form of every cell; counts are read only now, for the cells shown."""
        shown = {Status.SMALL: self.rule.mark, Status.PROTECTING: COMPLEMENTARY,
                 Status.MEMBERS: COMPLEMENTARY}
        return {cell: self.ask.value(cell) if self.status[cell] is Status.COUNT
                else shown.get(self.status[cell]) for cell in self.cells}
