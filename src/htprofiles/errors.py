"""One exception tree: user mistakes print as one line and exit 2, report failures exit 1."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


class HtprofilesError(Exception):
    """Root of every error htprofiles raises on purpose."""

    exit_code = 1

    def _render_traceback_(self) -> list[str]:
        """What IPython shows instead of a traceback (in Jupyter and papermill): our errors
        are messages for the user, not bugs to debug."""
        return [f"{type(self).__name__}: {self}"]


class UsageError(HtprofilesError):
    """A bad command line, parameter or configuration value."""

    exit_code = 2


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input file, located as ``FILE:LINE: COLUMN: message``."""

    file: Path | str
    line: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line is not None else f"{self.file}"
        column = f" {self.column}:" if self.column else ""
        return f"{where}:{column} {self.message}"


class InputError(HtprofilesError):
    """Input data or parameter files that break the contract; carries every problem found."""

    exit_code = 2

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class ReportError(HtprofilesError):
    """A report that could not be built (failed cell, failed audit, dead kernel)."""


class DisclosureError(ReportError):
    """A report that could let a reader work out a withheld count; it is not written.

    The message names tables, never a cell or a count.
    """


class CellError(ReportError):
    """A template cell raised; carries which cell, so the summary can point at it."""

    def __init__(self, cell: int | None, ename: str, evalue: str):
        self.cell, self.ename, self.evalue = cell, ename, evalue
        super().__init__(f"cell {cell} failed: {ename}: {evalue}")


class KernelFailure(ReportError):
    """A warm kernel could not be started or reset: the report fails, the batch goes on."""


class PdfError(ReportError):
    """A report whose PDF could not be printed: the report counts as failed."""
