"""Which counts one year of a territory publishes, decided so that a reader learns nothing
the audit does not know.

The reader to defend against knows this code and can replay it on every data set that might
lie behind a report. The rules therefore look at counts only through a ``Transcript``: each
question they ask (is this count at least the threshold? is what the published counts leave
for the withheld ones of a line enough to hide them?) is recorded, and the audit takes every
answer into account. Any data set that answers the same gives the same publication, so what
the audit computes is at least as uncertain as what a reader can work out.

The rules, in order (docs/disclosure.md gives the reasons):

1. The year's cases and signals are published unless small.
2. A table that adds up exactly to a total is shown only if its total is large enough for its
   small cells to be protected whatever they are (number of categories x threshold - 1);
   a venue list only if its types of case are not all of a total at the threshold. Below
   that the table is withheld whole. The questions are answered by published totals.
3. Small counts are marked; a top list keeps its largest counts of at least the threshold.
4. Until nothing changes, for each line (a table and its total, and the lines they imply
   together): an exact line with a withheld cell, or with a withheld total, withholds its
   first usual-largest category too; and where the line's total is published, what it leaves
   for the withheld cells must let each reach the top of its mark. When it does not (the
   answer is recorded), the line withholds more: all its categories, else its total; a venue
   list keeps its categories and withholds their counts.

The audit then checks that every withheld cell keeps two values or more.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import Enum
from functools import lru_cache

from .audit import Interval, Line, feasible_ranges
from .errors import DisclosureError
from .suppression import COMPLEMENTARY, Mark, SuppressionRule
from .transcript import Cell, Transcript, total


class Status(Enum):
    """How a count appears in the reports."""

    COUNT = "count"
    SMALL = "small"
    PROTECTING = "protecting"
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

    @property
    def cells(self) -> tuple[Cell, ...]:
        return tuple(cell for table in self.tables for cell in table.cells)

    @property
    def lines(self) -> tuple[Line, ...]:
        return tuple(table.line for table in self.tables if table.line)


def derived_lines(lines: tuple[Line, ...]) -> tuple[Line, ...]:
    """What the lines imply together, which a reader can also work out.

    A part of an exact line that is itself the total of an exact line can be replaced by that
    line's parts (signals by method, with phone calls by type). An "at most" line whose total
    is some parts of an exact line bounds, with the other parts, that line's total (sex venues
    with labor and unspecified cases make at most the year's cases).
    """
    derived = []
    for outer in (line for line in lines if line.exact):
        for inner in lines:
            if inner.exact and len(inner.total) == 1 and inner.total[0] in outer.parts:
                rest = tuple(p for p in outer.parts if p != inner.total[0])
                order = inner.complements + tuple(c for c in outer.complements if c in rest)
                derived.append(Line(rest + inner.parts, outer.total, True, order))
            elif not inner.exact and set(inner.total) < set(outer.parts):
                rest = tuple(p for p in outer.parts if p not in inner.total)
                derived.append(Line(inner.parts + rest, outer.total, False))
    return tuple(derived)


@dataclass(frozen=True)
class YearPublication:
    """One year of one territory: a mark per cell (None for a cell not shown), the tables
    withheld whole, and the audited range of every withheld cell (kept out of reports)."""

    marks: dict[Cell, Mark]
    withheld_tables: frozenset[str]
    ranges: dict[Cell, Interval]
    told: dict[Cell, Interval]
    """What each small cell's mark alone tells: its range when nothing narrows it."""

    def narrowed(self) -> list[Cell]:
        """Small cells whose audited range is narrower than their mark's."""
        return [cell for cell, told in self.told.items() if self.ranges[cell] != told]


def protect_year(counts: Mapping[Cell, int], model: YearModel,
                 rule: SuppressionRule) -> YearPublication:
    """Publish one year: the rules, then the audit.

    Raises
    ------
    DisclosureError
        Naming the tables (never a cell or count) if a withheld count could be worked out.
    """
    return _protect(model, rule, tuple(counts[cell] for cell in model.cells))


@lru_cache(maxsize=512)
def _protect(model: YearModel, rule: SuppressionRule, values: tuple) -> YearPublication:
    """``protect_year`` on hashable arguments: the reports of one territory share its years."""
    transcript = Transcript(dict(zip(model.cells, values, strict=True)))
    rules = _Rules(transcript, model, rule)
    rules.settle()
    marks = rules.marks()
    lines = [line.relation() for line in model.lines]
    ranges = feasible_ranges(model.cells, lines + transcript.relations)
    revealed = sorted({table.name for table in model.tables for cell in table.cells
                       if not isinstance(marks[cell], int) and ranges[cell].single
                       and (ranges[cell].low or rule.suppress_zero)})
    if revealed:
        raise DisclosureError(f"the {', '.join(revealed)} table(s) cannot be published "
                              f"without revealing a withheld count")
    told = {cell: Interval(rule.least_withheld, rule.threshold - 1)
            for cell, status in rules.status.items() if status is Status.SMALL}
    return YearPublication(marks, frozenset(rules.withheld_tables), ranges, told)


Change = dict[Cell, Status]
"""New statuses for some cells: what a line asks for."""


class _Rules:
    """The protection rules of one year, working on a status per cell."""

    def __init__(self, transcript: Transcript, model: YearModel, rule: SuppressionRule):
        self.ask, self.rule = transcript, rule
        self.structural = model.lines
        self.derived = derived_lines(model.lines)
        self.table_of = {cell: table.name for table in model.tables for cell in table.cells}
        self.top_tables = {table.name for table in model.tables if table.top}
        self.status: dict[Cell, Status] = {}
        self.large: set[Cell] = set()
        """Published cells known to be at least the threshold (zeros may be published)."""
        self.short: set[Line] = set()
        """Lines whose room was found short: a reader knows their withheld cells are few."""
        self.pressed: dict[Cell, set[str]] = {}
        """Withheld cells a "no" put near the top ("above") or bottom ("below") of their mark."""
        for table in model.tables:
            self._set_up(table)
            self.settle()

    def _set_up(self, table: Table) -> None:
        """Rules 1-3 for one table, once the tables above it are settled."""
        if table.line and self._zero(table.line.total):  # every cell is a zero, shown as such
            self.status |= dict.fromkeys(table.cells, Status.COUNT)
        elif not self._shown(table):
            self.status |= dict.fromkeys(table.cells, Status.NOT_SHOWN)
        elif table.top:
            listed = set(self.ask.top(list(table.cells), table.top, self.rule.threshold))
            self.large |= listed
            self.status |= {c: Status.COUNT if c in listed else Status.LEFT_OUT
                            for c in table.cells}
        else:
            self.status |= {cell: self._primary(cell) for cell in table.cells}

    @property
    def withheld_tables(self) -> set[str]:
        """Tables not shown at all."""
        shown = {self.table_of[cell] for cell, status in self.status.items()
                 if status is not Status.NOT_SHOWN}
        return set(self.table_of.values()) - shown

    def _shown(self, table: Table) -> bool:
        """Rule 2. Where zeros are published, the number of cells that are not zero is known:
        below a small total, it could pin them, so such a table is not shown."""
        if not table.line:
            return True
        if table.top:
            return self._listable(table.line)
        if table.line.exact:
            return self._large_enough(table.line)
        return self.rule.suppress_zero or self._published(table.line.total)

    def _zero(self, cells) -> bool:
        """Cells published as zero (only where zeros are published)."""
        return all(self.status.get(c) is Status.COUNT and c not in self.large for c in cells)

    def _large_enough(self, line: Line) -> bool:
        """Rule 2: whether the total of an exact table, published, can protect any small cells
        the table has. A withheld total is replaced by the published total it is a part of
        (phone calls by signals), or the table is not shown."""
        via = next((d for d in self.derived if d.exact and set(line.parts) <= set(d.parts)),
                   None) if not self._published(line.total) else line
        if via is None or not self._published(via.total):
            return False
        return self.ask.at_least(total(via.total), self._enough(len(via.parts)))

    def _enough(self, parts: int) -> int:
        """The least total that leaves room for any small cells of ``parts`` cells once every
        other cell is withheld (see ``_room``): one small cell, the rest at least the
        threshold."""
        rule = self.rule
        return (parts - 1) * rule.threshold + rule.least_withheld + rule.threshold - 1

    def _listable(self, line: Line) -> bool:
        """Rule 2 for a top list whose total is some parts of an exact line (venues of some
        types of case): listing a count tells a reader that those parts hold at least the
        threshold, so the line's total must exceed the threshold, or be too small for any
        count to be listed, and those parts must not all be small. Otherwise the list is not
        shown, whatever it would hold."""
        outer = next((o for o in self.structural if o.exact and set(line.total) < set(o.parts)),
                     None)
        if outer is None:
            return True
        if all(self.status[c] is Status.SMALL for c in outer.total):
            return True
        if outer in self.short:  # its withheld cells are known to be few: a list would pin them
            return False
        if all(self.status[c] is Status.SMALL for c in line.total):
            return False  # any count listed would tell that some of these small ones are not 0
        if self._published(line.total) and not self.ask.at_least(total(line.total),
                                                                 self.rule.threshold + 1):
            return False  # a count listed could only be all of them
        return (self._published(outer.total)
                and self.ask.at_least(total(outer.total), self.rule.threshold + 1))

    def _published(self, cells) -> bool:
        return all(self.status.get(cell) is Status.COUNT for cell in cells)

    def _primary(self, cell: Cell) -> Status:
        if self.ask.at_least({cell: 1}, self.rule.threshold):
            self.large.add(cell)
            return Status.COUNT
        if self.rule.suppress_zero or self.ask.at_least({cell: 1}, 1):
            return Status.SMALL
        return Status.COUNT

    def settle(self) -> None:
        """Rule 4, until no line of the tables set up so far asks for more."""
        lines = [line for line in self.structural + self.derived
                 if all(cell in self.status for cell in line.parts + line.total)]
        while change := next(filter(None, map(self._check, lines)), None):
            self.status |= change

    def _check(self, line: Line) -> Change | None:
        """What ``line`` asks for now, if it would change anything."""
        change = self._partner(line) or self._room(line) or self._floor(line)
        if change and any(self.status[cell] is not status for cell, status in change.items()):
            return change
        return None

    def _partner(self, line: Line) -> Change | None:
        """An exact line whose withheld parts could be worked out from its published total and
        parts (a lone one, or small ones whose sum would be known), or whose withheld total
        could be worked out from its parts, withholds the next part in its usual order."""
        if not line.exact:
            return None
        hidden = [p for p in line.parts if self.status[p] is not Status.COUNT]
        large = any(self.status[p] is not Status.SMALL for p in hidden)
        if self._published(line.total):
            needs = bool(hidden) and (len(hidden) == 1 or not large)
        else:
            needs = not large
        if needs:
            partner = next((c for c in line.complements if self._publishable(c)), None)
            return {partner: Status.PROTECTING} if partner else None
        return None

    def _room(self, line: Line) -> Change | None:
        """Where a line's total is published, what it leaves for the withheld cells must let
        each reach the top of its mark while the others sit at their least."""
        hidden = [p for p in line.parts if self.status[p] is not Status.COUNT]
        if not hidden or not self._published(line.total):
            return None
        room = {c: 1 for c in line.total} | {p: -1 for p in line.parts if p not in hidden}
        needed = sum(map(self._least, hidden)) + max(map(self._margin, hidden))
        if not self._short(room, needed, hidden, "below", "above"):
            return None
        self.short.add(line)
        table = self.table_of[line.parts[0]]
        if table in self.top_tables:
            return self._list_only(table)
        if line.exact and (more := [p for p in line.parts if self._publishable(p)]):
            return dict.fromkeys(more, Status.PROTECTING)
        if not any(p in self.large for p in line.parts):
            return None  # a withheld total would be pinned by the answer just recorded
        return dict.fromkeys([c for c in line.total if self._publishable(c)], Status.PROTECTING)

    def _floor(self, line: Line) -> Change | None:
        """An "at most" line whose total holds small cells must leave each of them able to be
        as small as its mark allows (a venue list must not tell that sex-and-labor cases
        exist); if it does not, the list's counts are withheld."""
        small = [c for c in line.total if self.status[c] is not Status.COUNT]
        if line.exact or not small or any(self.status[c] is not Status.SMALL for c in small):
            return None
        hidden = [p for p in line.parts if self.status[p] is not Status.COUNT]
        room = ({c: 1 for c in line.total if c not in small}
                | {p: -1 for p in line.parts if p not in hidden})
        others = (len(small) - 1) * (self.rule.threshold - 1)
        needed = sum(map(self._least, hidden)) + self.rule.least_withheld - others
        if not self._short(room, needed, small, "above", "below"):
            return None
        return self._list_only(self.table_of[line.parts[0]])

    def _short(self, room: dict, needed: int, cells: list[Cell], before: str,
               after: str) -> bool:
        """Whether ``room`` falls short of ``needed``; a "no" tells a reader that ``cells``
        sit near one end (``after``) of their marks. Where a cell is already known to sit
        near the other end (``before``), a second "no" could pin it: the question, unless
        already answered, is not asked, and the line withholds more as if answered no."""
        answered = self.ask.answer(room, needed)
        if answered is None and any(before in self.pressed.get(cell, ()) for cell in cells):
            return True
        if self.ask.at_least(room, needed):
            return False
        for cell in cells:
            self.pressed.setdefault(cell, set()).add(after)
        return True

    def _publishable(self, cell: Cell) -> bool:
        """A published count that may be withheld as at least the threshold."""
        return cell in self.large and self.status[cell] is Status.COUNT

    def _least(self, cell: Cell) -> int:
        """The least value a reader knows a withheld cell has."""
        return {Status.SMALL: self.rule.least_withheld,
                Status.PROTECTING: self.rule.threshold}.get(self.status[cell], 0)

    def _margin(self, cell: Cell) -> int:
        """How far above its least a withheld cell must still be able to go: to the top of
        its mark for a small count, ``threshold - 1`` for the others. When a line's room is
        found short, a reader learns that no cell of it goes that far; with these margins each
        still keeps two values or more."""
        if self.status[cell] is Status.SMALL:
            return self.rule.threshold - 1 - self.rule.least_withheld
        return self.rule.threshold - 1

    def _list_only(self, table: str) -> Change | None:
        """A top list whose counts would tell too much keeps its categories, in their order,
        with their counts withheld."""
        listed = [c for c, status in self.status.items()
                  if self.table_of[c] == table and status is Status.COUNT and c in self.large]
        return dict.fromkeys(listed, Status.PROTECTING) or None

    def marks(self) -> dict[Cell, Mark]:
        """The published form of every cell; counts are read only now, for the cells shown."""
        shown = {Status.SMALL: self.rule.mark, Status.PROTECTING: COMPLEMENTARY}
        return {cell: self.ask.value(cell) if status is Status.COUNT else shown.get(status)
                for cell, status in self.status.items()}
