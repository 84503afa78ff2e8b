"""``htprofiles verify OUT``: are the reports of a folder current and untouched?

A report is *stale* when what it was built from has changed since (data slice, territory file,
template, package code, dependency versions; its recorded parameters are taken as given) and
*altered* when one of its files no longer has the bytes the build wrote.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..contract.content import territory_file
from ..errors import UsageError
from ..install import sha256, template_notebook
from . import state
from .inputs import BatchInputs
from .plan import folder_parameters


@dataclass(frozen=True)
class Check:
    """What ``verify`` found for one report: the inputs that changed and the files altered."""
    name: str
    stale: tuple[str, ...] = ()
    altered: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        """Current and untouched."""
        return not self.stale and not self.altered

    def __str__(self) -> str:
        if self.ok:
            return f"{self.name}: current"
        parts = [f"stale ({', '.join(self.stale)} changed)"] if self.stale else []
        parts += [f"altered ({', '.join(self.altered)})"] if self.altered else []
        return f"{self.name}: {'; '.join(parts)}"


def check_files(out: Path, record: state.ReportRecord) -> tuple[str, ...]:
    """Which of a report's files are missing or differ from what was written."""
    paths = record.paths(out)
    return tuple(
        kind for kind, digest in record.sha256.items()
        if not paths[kind].is_file() or sha256(paths[kind].read_bytes()) != digest
    )


def check_inputs(inputs: BatchInputs, params_dir: Path, record: state.ReportRecord
                 ) -> tuple[str, ...]:
    """Which recorded inputs differ from the current ones."""
    path = territory_file(params_dir, record.territory)
    current_file = path.read_bytes() if path.is_file() else b""
    now = inputs.report_inputs(record.parameters, current_file)
    return tuple(name for name, digest in record.inputs.items() if now.get(name) != digest)


@dataclass(frozen=True)
class Verification:
    """``verify``'s findings: one check per built report, and the reports by the parameters
    they share (more than one set: the folder mixes disclosure rules or data windows)."""

    checks: list[Check]
    parameter_sets: list[tuple[dict, list[str]]]

    @property
    def mixed(self) -> bool:
        """Reports built with different shared parameters sit in one folder."""
        return len(self.parameter_sets) > 1


def verify_reports(out: Path, data_dir: Path, params_dir: Path) -> Verification:
    """One check per report recorded in ``out``'s build state that has files."""
    previous = state.load_state(out)
    built = {name: r for name, r in previous.reports.items() if r.built}
    if not built:
        raise UsageError(f"{out}: no build state ({state.STATE}) with built reports to verify")
    inputs = BatchInputs(data_dir, template_notebook().read_text(encoding="utf-8"), previous)
    checks = [Check(name, check_inputs(inputs, params_dir, record), check_files(out, record))
              for name, record in sorted(built.items())]
    sets: list[tuple[dict, list[str]]] = []
    for name, record in sorted(built.items()):
        shared = folder_parameters(record.parameters)
        names = next((names for known, names in sets if known == shared), None)
        if names is None:
            sets.append((shared, names := []))
        names.append(name)
    return Verification(checks, sets)
