"""The interval audit: the least and greatest value each withheld count can have.

A reader knows the lines between counts (a total and its parts) and every relation the
transcript recorded: each decision of the protection rules, each mark and each published
count. Any data set satisfying all of them gives the same publication, so the least and
greatest integer a count can take under all of them at once bound what a reader can learn
about it. Each bound is one small integer program solved with HiGHS (``highspy``: one model
per connected part, re-solved with each objective, about ten times faster per bound than
building it anew through ``scipy.optimize.milp``); counts on the same rows with the same
bounds are solved once.

A year of a region or the nation joins thousands of counts into one part, too many to bound
one by one: ``single_valued`` only checks that each withheld count keeps two values, from
data sets found with random objectives, and bounds only the few it leaves.
"""

from __future__ import annotations

import random
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

    ``complements`` lists the parts in the order the protection rules withhold them. An area's
    line to its ``members`` has their cells (published already, and fixed) as parts.
    """

    parts: tuple[Cell, ...]
    total: tuple[Cell, ...]
    exact: bool = True
    complements: tuple[Cell, ...] = ()
    members: bool = False

    def relation(self) -> Relation:
        """The line as a relation the audit bounds withheld counts under."""
        terms = [(cell, 1) for cell in self.parts] + [(cell, -1) for cell in self.total]
        return Relation(tuple(terms), 0 if self.exact else None, 0)


def feasible_ranges(cells: Iterable[Cell], relations: Iterable[Relation],
                    only: frozenset | None = None) -> dict[Cell, Interval]:
    """The least and greatest non-negative integer value of each cell under ``relations``
    (of the cells ``only``, if given: the others get the bounds their own relations give).

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
        ranges |= _component_ranges(key, tuple(member_rows), only)
    return ranges


WITNESS_ROUNDS = 12
"""Integer programs with random costs tried before the cells still unproven are solved one
by one (twelve prove all but a few percent of a year of the whole hierarchy)."""


def single_valued(cells: Iterable[Cell], relations: Iterable[Relation],
                  check: Iterable[Cell]) -> dict[Cell, int]:
    """The cells of ``check`` that take one value only under ``relations``, with that value.

    For a model too large to bound every cell (a year of every territory, region and the
    nation is one component of thousands of cells): integer programs with random costs find
    data sets that satisfy everything a reader knows, so publish the same, and each cell two
    of them give different values is proven to keep two. Only the cells left are solved
    one by one. Random costs change how fast, never what is found.

    Raises
    ------
    DisclosureError
        If the relations contradict each other.
    """
    cells, relations = list(cells), list(relations)
    low, high, rows = _bounds_and_rows(cells, relations)
    cap = 100 + sum(abs(b) for r in relations for b in (r.low, r.high) if b is not None)
    program = _Program(tuple((c, low[c], high[c]) for c in cells), tuple(rows), cap)
    first = program.witness({})
    if first is None:
        raise DisclosureError("the published values contradict each other")
    seen = {cell: {first[cell]} for cell in check}
    rng = random.Random(0)
    for _ in range(WITNESS_ROUNDS):
        todo = _unproven(seen, low, high)
        if not todo:
            break
        _see(seen, program.witness({c: rng.choice((-1.0, 1.0)) * rng.uniform(0.5, 1.5)
                                    for c in todo}))
    while todo := _unproven(seen, low, high):  # each pushed away from the one value seen
        if not _see(seen, program.witness({c: 1.0 if min(seen[c]) > low[c] else -1.0
                                           for c in todo})):
            break
    for cell in _unproven(seen, low, high):  # its least and greatest, as far as needed
        for sense in (1.0, -1.0):
            if len(seen[cell]) < 2:
                _see(seen, program.witness({cell: sense}))
    return {cell: min(values) for cell, values in seen.items() if len(values) < 2}


def _unproven(seen: dict, low: dict, high: dict) -> list:
    """The cells with one value seen so far that their bounds do not pin."""
    return [cell for cell, values in seen.items() if len(values) < 2 and low[cell] != high[cell]]


def _see(seen: dict, witness: dict) -> bool:
    """Add a witness's values; whether any cell gained a second one."""
    gained = False
    for cell, values in seen.items():
        if len(values) < 2 and witness[cell] not in values:
            values.add(witness[cell])
            gained = True
    return gained


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
def _component_ranges(cells: tuple, rows: tuple[Relation, ...],
                      only: frozenset | None) -> dict[Cell, Interval]:
    """The range of every cell of one connected part. Cells with the same bounds on the same
    rows with the same coefficients are interchangeable: their range is solved once."""
    program = _Program(cells, rows)
    solved: dict[tuple, Interval] = {}
    ranges = {}
    for cell, low, high in cells:
        if low == high or not rows or only is not None and cell not in only:
            ranges[cell] = Interval(low, high)
            continue
        signature = program.signature(cell)
        if signature not in solved:
            solved[signature] = program.solve(cell)
        ranges[cell] = solved[signature]
    return ranges


class _Program:
    """The integer program of some cells: variables are cells, rows are relations (sparse:
    a year of the whole hierarchy has thousands of each)."""

    def __init__(self, cells: tuple, rows: tuple[Relation, ...], cap: float | None = None):
        """``cells`` as ``(cell, low, high)``; a cell without upper bound gets ``cap`` if
        given (witness programs must not be unbounded), else none."""
        self.index = {cell: i for i, (cell, _, _) in enumerate(cells)}
        self.columns: list[list[tuple[int, int]]] = [[] for _ in cells]
        starts, indices, values = [], [], []
        for r, row in enumerate(rows):
            merged: dict[int, int] = {}
            for cell, coefficient in row.terms:
                i = self.index[cell]
                merged[i] = merged.get(i, 0) + coefficient
            starts.append(len(indices))
            for i, coefficient in merged.items():
                indices.append(i)
                values.append(coefficient)
                self.columns[i].append((r, coefficient))
        self.lows = [low for _, low, _ in cells]
        unbounded = highspy.kHighsInf if cap is None else cap
        self.highs = [unbounded if high is None else high for _, _, high in cells]
        self.model = highspy.Highs()
        self.model.setOptionValue("output_flag", False)
        count = len(cells)
        self.model.addVars(count, np.array(self.lows, float), np.array(self.highs, float))
        self._integral(True)
        if rows:
            inf = highspy.kHighsInf
            self.model.addRows(len(rows), np.array([-inf if r.low is None else r.low
                                                    for r in rows], float),
                               np.array([inf if r.high is None else r.high for r in rows],
                                        float),
                               len(indices), np.array(starts, np.int32),
                               np.array(indices, np.int32), np.array(values, float))

    def signature(self, cell: Cell) -> tuple:
        """What makes two cells interchangeable: bounds and coefficients on every row."""
        i = self.index[cell]
        return self.lows[i], self.highs[i], tuple(self.columns[i])

    def solve(self, cell: Cell) -> Interval:
        """The least and greatest value of ``cell``."""
        low, _ = self._optimum({cell: 1.0})
        if low is None:
            raise DisclosureError("the published values contradict each other")
        high, _ = self._optimum({cell: -1.0})
        return Interval(round(low), None if high is None else round(-high))

    def _integral(self, integral: bool) -> None:
        """Whether the counts must be whole numbers (else the faster linear relaxation)."""
        kind = highspy.HighsVarType.kInteger if integral else highspy.HighsVarType.kContinuous
        count = len(self.index)
        self.model.changeColsIntegrality(count, np.arange(count, dtype=np.int32),
                                         np.full(count, kind))

    def witness(self, costs: dict[Cell, float]) -> dict[Cell, int] | None:
        """A data set that publishes the same, found by minimising ``costs``: the linear
        relaxation's optimum when it is whole (as it mostly is, and three times faster on a
        year of the hierarchy), else the integer program's."""
        self._integral(False)
        optimum, solution = self._optimum(costs)
        self._integral(True)
        if optimum is not None and not np.allclose(solution, np.round(solution), atol=1e-6):
            optimum, solution = self._optimum(costs)
        if optimum is None:
            return None
        return {cell: round(solution[i]) for cell, i in self.index.items()}

    def _optimum(self, costs: dict[Cell, float]) -> tuple[float | None, list[float]]:
        """The minimum of ``sum(costs[c] * c)`` and where it is reached; None if there is
        none (infeasible or unbounded)."""
        columns = np.array([self.index[cell] for cell in costs], np.int32)
        self.model.changeColsCost(len(columns), columns, np.array(list(costs.values()), float))
        self.model.run()
        status = self.model.getModelStatus()  # read before the model changes again
        optimum = self.model.getInfo().objective_function_value
        solution = self.model.getSolution().col_value
        self.model.changeColsCost(len(columns), columns, np.zeros(len(columns)))
        if status in _NO_OPTIMUM:
            return None, []
        if status != highspy.HighsModelStatus.kOptimal:
            raise DisclosureError(f"the audit could not bound a count: "
                                  f"{self.model.modelStatusToString(status)}")
        return optimum, solution
