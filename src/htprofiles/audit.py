"""The interval audit: what a reader can work out about each withheld cell.

A reader knows an interval for every cell (a published count is a single point, a mark the
interval it stands for) and every published relation between cells (a total and its parts).
The least and greatest integers a cell can take under all of that at once are what the reader
can learn about it; a withheld cell whose range holds a single value is disclosed. Each bound
is one small integer program solved with HiGHS through ``scipy.optimize.milp``.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp

from .errors import DisclosureError

Cell = Hashable
"""Any hashable name of one count, e.g. ``("call_types", 2016, "tip")``."""

_NO_OPTIMUM = {2, 3, 4}
"""``milp`` statuses: infeasible, unbounded, and HiGHS's "unbounded or infeasible"."""


@dataclass(frozen=True)
class Interval:
    """The integers from ``low`` to ``high``; ``high`` is None when there is no upper bound."""

    low: int
    high: int | None = None

    @property
    def single(self) -> bool:
        """Whether exactly one value is possible: a point, i.e. a known count."""
        return self.low == self.high

    @property
    def size(self) -> float:
        """How many values are possible (infinite without an upper bound)."""
        return float("inf") if self.high is None else self.high - self.low + 1

    def to_json(self) -> dict:
        return {"min": self.low, "max": self.high}


@dataclass(frozen=True)
class Line:
    """A relation every reader knows: the parts sum to the total, or to at most the total."""

    total: Cell
    parts: tuple[Cell, ...]
    exact: bool = True

    @property
    def cells(self) -> tuple[Cell, ...]:
        return (self.total, *self.parts)


@dataclass(frozen=True)
class Knowledge:
    """Everything published, as a reader can use it: an interval per cell and the lines."""

    bounds: Mapping[Cell, Interval]
    lines: tuple[Line, ...]

    def hidden(self) -> list[Cell]:
        """The cells a reader does not see as a count, in model order."""
        return [cell for cell, known in self.bounds.items() if not known.single]


def feasible_ranges(knowledge: Knowledge, cells: Iterable[Cell]) -> dict[Cell, Interval]:
    """The least and greatest integer value of each cell consistent with ``knowledge``.

    Each connected part of the lines is solved on its own and remembered, so the audit after
    one more cell is withheld re-solves only that cell's part.

    Raises
    ------
    DisclosureError
        If the published values contradict each other: the model of what is published is wrong.
    """
    ranges = {}
    for bounds, lines in _components(knowledge):
        ranges |= _component_ranges(bounds, lines)
    return {cell: ranges[cell] for cell in cells}


def _components(knowledge: Knowledge) -> list[tuple[tuple, tuple[Line, ...]]]:
    """The cells and lines of each connected part, as hashable tuples in model order."""
    parent = {cell: cell for cell in knowledge.bounds}

    def root(cell: Cell) -> Cell:
        while parent[cell] != cell:
            parent[cell] = parent[parent[cell]]
            cell = parent[cell]
        return cell

    for line in knowledge.lines:
        for cell in line.parts:
            parent[root(cell)] = root(line.total)
    members: dict[Cell, list] = {}
    for cell, known in knowledge.bounds.items():
        members.setdefault(root(cell), []).append((cell, known))
    lines: dict[Cell, list[Line]] = {}
    for line in knowledge.lines:
        lines.setdefault(root(line.total), []).append(line)
    return [(tuple(cells), tuple(lines.get(key, ()))) for key, cells in members.items()]


@lru_cache(maxsize=4096)
def _component_ranges(bounds: tuple, lines: tuple[Line, ...]) -> dict[Cell, Interval]:
    """The range of every cell of one connected part; a published count is its own range.

    Cells on the same lines with the same known interval are interchangeable, so their ranges
    are equal and solved once; a cell on no line keeps its known interval.
    """
    program = _Program(Knowledge(dict(bounds), lines))
    solved: dict[tuple, Interval] = {}
    ranges = {}
    for cell, known in bounds:
        if known.single:
            ranges[cell] = known
            continue
        signature = program.signature(cell)
        if signature not in solved:
            solved[signature] = program.solve(cell)
        ranges[cell] = solved[signature]
    return ranges


class _Program:
    """The constraint system of one ``Knowledge``: variables are cells, rows are lines."""

    def __init__(self, knowledge: Knowledge):
        self.knowledge = knowledge
        self.index = {cell: i for i, cell in enumerate(knowledge.bounds)}
        self.matrix = np.zeros((len(knowledge.lines), len(self.index)))
        for row, line in enumerate(knowledge.lines):
            self.matrix[row, [self.index[c] for c in line.parts]] += 1
            self.matrix[row, self.index[line.total]] -= 1
        self.rows = LinearConstraint(
            self.matrix, [0 if line.exact else -np.inf for line in knowledge.lines], 0)
        known = knowledge.bounds.values()
        self.bounds = Bounds([k.low for k in known],
                             [np.inf if k.high is None else k.high for k in known])

    def signature(self, cell: Cell) -> tuple:
        return self.knowledge.bounds[cell], self.matrix[:, self.index[cell]].tobytes()

    def solve(self, cell: Cell) -> Interval:
        if not self.matrix[:, self.index[cell]].any():
            return self.knowledge.bounds[cell]
        low = self._optimum(cell, 1.0)
        if low is None:
            raise DisclosureError(f"the published values contradict each other around {cell}")
        high = self._optimum(cell, -1.0)
        return Interval(round(low), None if high is None else round(-high))

    def _optimum(self, cell: Cell, sense: float) -> float | None:
        """The minimum of ``sense * cell``; None if there is none (infeasible or unbounded)."""
        objective = np.zeros(len(self.index))
        objective[self.index[cell]] = sense
        result = milp(objective, integrality=np.ones(len(self.index)), bounds=self.bounds,
                      constraints=self.rows if len(self.knowledge.lines) else None)
        if result.status in _NO_OPTIMUM:
            return None
        if result.status != 0:
            raise DisclosureError(f"the audit could not bound {cell}: {result.message}")
        return result.fun
