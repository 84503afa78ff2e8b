"""The only way the protection rules see counts: questions whose answers are written down.

A reader who knows the software can replay every decision the rules make, so each answer is
something a reader may learn. ``Transcript`` records each one as a linear relation between
counts; the audit then takes all of them into account. Whatever data set gives the same
answers gives the same publication: the recorded relations are all a decision depended on.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass

Cell = Hashable
"""Any hashable name of one count, e.g. ``("call_types", 2016, "tip")``."""


@dataclass(frozen=True)
class Relation:
    """``low <= sum(coefficient * count) <= high``; None leaves that side open."""

    terms: tuple[tuple[Cell, int], ...]
    low: int | None = None
    high: int | None = None


@dataclass(frozen=True)
class Implies:
    """A relation of the input contract: ``part`` is one or more only if ``whole`` is (every
    record counted in ``part`` belongs to one counted in ``whole``, as a victim belongs to a
    case of its territory and year). Not linear: ``relation`` writes it for a part whose
    greatest value is known."""

    part: Cell
    whole: Cell

    def relation(self, least: int, most: int | None) -> Relation | None:
        """The implication as a linear relation, for a part known to lie in ``least`` ..
        ``most`` (None: no upper bound): ``part <= most * whole``, exact in whole numbers;
        ``whole >= 1`` for a part known to be one or more; None for a part known to be zero."""
        if least >= 1:
            return Relation(((self.whole, 1),), 1, None)
        if most == 0:
            return None
        return Relation(((self.part, 1), (self.whole, -(most or UNBOUNDED_PART))), None, 0)


UNBOUNDED_PART = 10**5
"""The greatest value assumed for a part with no upper bound in ``Implies.relation`` (a
territory's year has far fewer victims); small enough that the audit's whole-number tolerance
cannot let such a part be one while its whole is zero."""


def _negated(bound: int | None) -> int | None:
    return None if bound is None else -bound


def total(cells: Iterable[Cell]) -> dict[Cell, int]:
    """The sum of some counts, as a linear form."""
    form: dict[Cell, int] = {}
    for cell in cells:
        form[cell] = form.get(cell, 0) + 1
    return form


class Transcript:
    """The counts of one year, answered one question at a time; ``relations`` is the record."""

    def __init__(self, counts: Mapping[Cell, int]):
        self._counts = counts
        self.relations: list[Relation] = []
        self._answers: dict[tuple, bool] = {}
        self._about: dict[frozenset, list[Relation]] = {}
        """The recorded relations by the set of their terms, for ``bounds``."""
        self._told: dict[Cell, tuple[int | None, int | None]] = {}
        """What the answers about one count alone told of it, for ``bounds`` of one count."""

    def at_least(self, form: Mapping[Cell, int], bound: int) -> bool:
        """Whether ``sum(form[c] * count(c)) >= bound``; asked twice, answered once."""
        terms = tuple((cell, coefficient) for cell, coefficient in form.items() if coefficient)
        if not terms:  # a constant: nothing to learn
            return bound <= 0
        if (terms, bound) not in self._answers:
            holds = sum(self._counts[cell] * coefficient for cell, coefficient in terms) >= bound
            self._answers[terms, bound] = holds
            self._record(Relation(terms, bound, None) if holds
                         else Relation(terms, None, bound - 1))
        return self._answers[terms, bound]

    def bounds(self, form: Mapping[Cell, int]) -> tuple[int | None, int | None]:
        """The least and greatest value of a sum of counts that the recorded answers about
        that very sum tell (None where they tell nothing)."""
        if len(form) == 1 and next(iter(form.values())) == 1:
            return self._told.get(next(iter(form)), (None, None))
        terms = frozenset((cell, k) for cell, k in form.items() if k)
        negated = frozenset((cell, -k) for cell, k in terms)
        lows, highs = [], []
        for r in self._about.get(terms, ()):
            lows.append(r.low)
            highs.append(r.high)
        for r in self._about.get(negated, ()):
            lows.append(None if r.high is None else -r.high)
            highs.append(None if r.low is None else -r.low)
        return (max((b for b in lows if b is not None), default=None),
                min((b for b in highs if b is not None), default=None))

    def _record(self, relation: Relation) -> None:
        self.relations.append(relation)
        self._about.setdefault(frozenset(relation.terms), []).append(relation)
        if len(relation.terms) == 1 and abs(relation.terms[0][1]) == 1:
            (cell, k), = relation.terms
            low, high = ((relation.low, relation.high) if k == 1
                         else (_negated(relation.high), _negated(relation.low)))
            told_low, told_high = self._told.get(cell, (None, None))
            self._told[cell] = (max((b for b in (told_low, low) if b is not None), default=None),
                                min((b for b in (told_high, high) if b is not None),
                                    default=None))

    def value(self, cell: Cell) -> int:
        """A count that is about to be published."""
        count = self._counts[cell]
        self._record(Relation(((cell, 1),), count, count))
        return count

    def top(self, cells: list[Cell], size: int, floor: int) -> list[Cell]:
        """The largest counts of at least ``floor``, at most ``size`` of them, largest first,
        ties in the order of ``cells``.

        Records what a reader of such a list learns, even with its counts withheld: each listed
        count is at least ``floor`` and at least every count left out (more, where the other
        comes first); in a list shorter than ``size``, every count left out is below
        ``floor``. The order among the listed is not recorded: a list shows it only with its
        counts, which tell it anyway (a list whose counts are withheld keeps report order).
        """
        ranked = sorted(cells, key=lambda cell: -self._counts[cell])
        listed = [cell for cell in ranked[:size] if self._counts[cell] >= floor]
        left_out = [cell for cell in cells if cell not in listed]
        for cell in listed:
            self._record(Relation(((cell, 1),), floor, None))
            for other in left_out:
                ahead = cells.index(other) < cells.index(cell)
                self._record(Relation(((cell, 1), (other, -1)), int(ahead), None))
        if len(listed) < size:
            for cell in left_out:
                self._record(Relation(((cell, 1),), None, floor - 1))
        return listed
