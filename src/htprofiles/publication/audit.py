"""The interval audit: the least and greatest value each withheld count can have.

A reader knows the lines between counts (a total and its parts) and every relation the
transcript recorded: each decision of the protection rules, each mark and each published
count. Any data set satisfying all of them gives the same publication, so the least and
greatest integer a count can take under all of them at once bound what a reader can learn
about it. Each bound is one small integer program solved with HiGHS (``highspy``: one model
per connected part, re-solved with each objective, about ten times faster per bound than
building it anew through ``scipy.optimize.milp``); counts on the same rows with the same
bounds are solved once.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

import highspy
import numpy as np

from ..errors import DisclosureError
from .transcript import Cell, Relation

_NO_OPTIMUM = {highspy.HighsModelStatus.kInfeasible, highspy.HighsModelStatus.kUnbounded,
               highspy.HighsModelStatus.kUnboundedOrInfeasible}


@dataclass(frozen=True)
class Interval:
    """The integers from ``low`` to ``high``; ``high`` is None when there is no upper bound."""

    low: int
    high: int | None = None

    @property
    def single(self) -> bool:
        """Whether exactly one value is possible: a known count."""
        return self.low == self.high

    @property
    def size(self) -> float:
        """How many values are possible (infinite without an upper bound)."""
        return float("inf") if self.high is None else self.high - self.low + 1


@dataclass(frozen=True)
class Line:
    """A relation every reader knows: the parts add up to the total, or to at most the total.

    ``complements`` lists the parts in the order the protection rules withhold them.
    """

    parts: tuple[Cell, ...]
    total: tuple[Cell, ...]
    exact: bool = True
    complements: tuple[Cell, ...] = ()

    def relation(self) -> Relation:
        """The line as a relation the audit bounds withheld counts under."""
        terms = [(cell, 1) for cell in self.parts] + [(cell, -1) for cell in self.total]
        return Relation(tuple(terms), 0 if self.exact else None, 0)


def feasible_ranges(cells: Iterable[Cell], relations: Iterable[Relation]) -> dict[Cell, Interval]:
    """The least and greatest non-negative integer value of each cell under ``relations``.

    Raises
    ------
    DisclosureError
        If the relations contradict each other: the model of what is published is wrong.
    """
    cells = list(cells)
    low, high, rows = _bounds_and_rows(cells, relations)
    ranges = {}
    for members, member_rows in _components(cells, rows):
        key = tuple((cell, low[cell], high[cell]) for cell in members)
        ranges |= _component_ranges(key, tuple(member_rows))
    return ranges


def _bounds_and_rows(cells, relations):
    """Single-count relations as bounds, the others as rows."""
    low = dict.fromkeys(cells, 0)
    high: dict[Cell, int | None] = dict.fromkeys(cells, None)
    rows = []
    for relation in relations:
        if len(relation.terms) != 1:
            rows.append(relation)
            continue
        (cell, coefficient), = relation.terms
        least, most = _divided(relation.low, relation.high, coefficient)
        if least is not None:
            low[cell] = max(low[cell], least)
        if most is not None:
            high[cell] = most if high[cell] is None else min(high[cell], most)
        if high[cell] is not None and high[cell] < low[cell]:
            raise DisclosureError("the published values contradict each other")
    return low, high, rows


def _divided(low: int | None, high: int | None, coefficient: int):
    """The integer bounds on ``x`` from ``low <= coefficient * x <= high``."""
    if coefficient < 0:
        low, high, coefficient = (None if high is None else -high,
                                  None if low is None else -low, -coefficient)
    return (None if low is None else -(-low // coefficient),
            None if high is None else high // coefficient)


def _components(cells, rows) -> list[tuple[list[Cell], list[Relation]]]:
    """The cells and rows of each connected part, in model order."""
    parent = {cell: cell for cell in cells}

    def root(cell):
        while parent[cell] != cell:
            parent[cell] = parent[parent[cell]]
            cell = parent[cell]
        return cell

    for row in rows:
        first = root(row.terms[0][0])
        for cell, _ in row.terms[1:]:
            parent[root(cell)] = first
    members: dict[Cell, list[Cell]] = {}
    for cell in cells:
        members.setdefault(root(cell), []).append(cell)
    by_root: dict[Cell, list[Relation]] = {}
    for row in rows:
        by_root.setdefault(root(row.terms[0][0]), []).append(row)
    return [(group, by_root.get(key, [])) for key, group in members.items()]


@lru_cache(maxsize=8192)
def _component_ranges(cells: tuple, rows: tuple[Relation, ...]) -> dict[Cell, Interval]:
    """The range of every cell of one connected part. Cells with the same bounds on the same
    rows with the same coefficients are interchangeable: their range is solved once."""
    program = _Program(cells, rows)
    solved: dict[tuple, Interval] = {}
    ranges = {}
    for cell, low, high in cells:
        if low == high or not rows:
            ranges[cell] = Interval(low, high)
            continue
        signature = program.signature(cell)
        if signature not in solved:
            solved[signature] = program.solve(cell)
        ranges[cell] = solved[signature]
    return ranges


class _Program:
    """The integer program of one component: variables are cells, rows are relations."""

    def __init__(self, cells: tuple, rows: tuple[Relation, ...]):
        self.index = {cell: i for i, (cell, _, _) in enumerate(cells)}
        self.matrix = np.zeros((len(rows), len(cells)))
        for r, row in enumerate(rows):
            for cell, coefficient in row.terms:
                self.matrix[r, self.index[cell]] += coefficient
        self.lows = [low for _, low, _ in cells]
        self.highs = [highspy.kHighsInf if high is None else high for _, _, high in cells]
        self.model = highspy.Highs()
        self.model.setOptionValue("output_flag", False)
        count = len(cells)
        self.model.addVars(count, np.array(self.lows, float), np.array(self.highs, float))
        self.model.changeColsIntegrality(count, np.arange(count, dtype=np.int32), np.full(
            count, highspy.HighsVarType.kInteger))
        for r, row in enumerate(rows):
            columns = np.flatnonzero(self.matrix[r]).astype(np.int32)
            self.model.addRow(-highspy.kHighsInf if row.low is None else row.low,
                              highspy.kHighsInf if row.high is None else row.high,
                              len(columns), columns, self.matrix[r, columns])

    def signature(self, cell: Cell) -> tuple:
        i = self.index[cell]
        return self.lows[i], self.highs[i], self.matrix[:, i].tobytes()

    def solve(self, cell: Cell) -> Interval:
        low = self._optimum(cell, 1.0)
        if low is None:
            raise DisclosureError("the published values contradict each other")
        high = self._optimum(cell, -1.0)
        return Interval(round(low), None if high is None else round(-high))

    def _optimum(self, cell: Cell, sense: float) -> float | None:
        """The minimum of ``sense * cell``; None if there is none (infeasible or unbounded)."""
        i = self.index[cell]
        self.model.changeColCost(i, sense)
        self.model.run()
        status = self.model.getModelStatus()  # read before the model changes again
        optimum = self.model.getInfo().objective_function_value
        self.model.changeColCost(i, 0.0)
        if status in _NO_OPTIMUM:
            return None
        if status != highspy.HighsModelStatus.kOptimal:
            raise DisclosureError(f"the audit could not bound a count: "
                                  f"{self.model.modelStatusToString(status)}")
        return optimum
