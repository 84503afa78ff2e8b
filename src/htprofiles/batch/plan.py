"""Plan a build: the matrix asked for, each report's validated parameters, and which reports
must be built because something they depend on changed.

The plan reads no data when the data files are unchanged since the last run (their facts come
from the folder's private state), so a build with nothing to do takes about a second.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ..contract.batchfile import BATCH_FILE, BatchConfig
from ..contract.content import load_territory_content, territory_file
from ..contract.parameters import validate_parameters
from ..errors import InputError, UsageError
from . import state
from .inputs import BatchInputs

WORKDIR_DATA = "data"
WORKDIR_PARAMS = "params"
"""Where a batch report's kernel finds its data slice and territory file, relative to its
work folder: relative paths keep the executed notebook free of absolute paths."""
PER_REPORT = {"territory": "--territory", "year": "--year", "data_dir": "--data",
              "params_dir": "--params"}
"""Parameters the batch sets for each report, from these command-line options."""


def parse_overrides(pairs: Iterable[str]) -> dict[str, str]:
    """``-p NAME=VALUE`` options as text, which validation reads as each declared type.

    Raises
    ------
    UsageError
        For a pair without ``=``, or a parameter the batch sets per report.
    """
    overrides = {}
    for text in pairs:
        name, sep, value = text.partition("=")
        if not sep:
            raise UsageError(f"-p expects NAME=VALUE, got {text!r}")
        if name in PER_REPORT:
            raise UsageError(f"parameter {name} is set per report; use {PER_REPORT[name]}")
        overrides[name] = value
    return overrides


@dataclass(frozen=True)
class ReportJob:
    """One territory x year of a batch, with its full, validated parameters."""

    territory: str
    year: int
    parameters: dict = field(hash=False, compare=False)

    @property
    def name(self) -> str:
        """``YEAR/CODE``: how the build, its log and its state name the report."""
        return f"{self.year}/{self.territory}"


@dataclass(frozen=True)
class BuildRequest:
    """What the analyst asked for on the command line."""

    data_dir: Path
    params_dir: Path
    out: Path
    territories: tuple[str, ...] = ()
    years: tuple[int, ...] = ()
    overrides: tuple[str, ...] = ()
    jobs: int = field(default_factory=lambda: os.cpu_count() or 1)
    force: bool = False
    executor: str = "local"
    scheduler: str | None = None
    timeout: float | None = None
    pdf: bool = False


def matrix(config: BatchConfig, territories: Iterable[str],
           years: Iterable[int]) -> list[tuple[int, str]]:
    """The (year, territory) pairs asked for, or the batch file's when none are (whatever
    years the data hold: which reports exist must not tell)."""
    territories = sorted(set(territories) or set(config.territories))
    years = sorted(set(years) or set(config.years))
    return [(year, territory) for year in years for territory in territories]


def plan_jobs(config: BatchConfig, territories: Iterable[str], years: Iterable[int],
              overrides: dict) -> list[ReportJob]:
    """Every report of the run, each with validated parameters, before any is built."""
    shared = config.parameters | overrides
    return [_job(shared, territory, year, config.years)
            for year, territory in matrix(config, territories, years)]


def check_request(request: BuildRequest, config: BatchConfig) -> list[ReportJob]:
    """The reports asked for, checked before any data is read (options, parameter names,
    types and values): a bad request starts no worker.

    Raises
    ------
    UsageError
        As ``plan_build`` would, for every problem of the request itself.
    """
    return plan_jobs(config, request.territories, request.years,
                     parse_overrides(request.overrides))


def _job(shared: dict, territory: str, year: int, series: Iterable[int]) -> ReportJob:
    """One report with the run's shared parameters, validated (its window opening at the
    series' first year unless ``first_year`` says otherwise)."""
    values = shared | {"territory": territory, "year": year,
                       "data_dir": WORKDIR_DATA, "params_dir": WORKDIR_PARAMS}
    return ReportJob(territory, year, validate_parameters(values, series).model_dump())


def check_territory_files(params_dir: Path, codes: Iterable[str]) -> None:
    """Validate every territory file a batch needs before any report runs."""
    problems = []
    for code in codes:
        try:
            load_territory_content(params_dir, code)
        except InputError as exc:
            problems.extend(exc.problems)
    if problems:
        raise InputError(problems)


@dataclass
class Plan:
    """Every report of a build, and which of them are built this time."""

    jobs: list[ReportJob]
    todo: list[ReportJob]
    unchanged: list[str]
    records: dict[str, state.ReportRecord]
    """Records by report name: the previous ones of current reports, pending for the others."""
    territory_files: dict[str, bytes]


def plan_build(request: BuildRequest, config: BatchConfig, inputs: BatchInputs,
               previous: state.FolderState) -> Plan:
    """Every report of the request, and which of them must be built.

    Raises
    ------
    UsageError
        When nothing is asked for, or when the folder holds reports this
        run would leave inconsistent with it (``_left_inconsistent``).
    """
    jobs = plan_jobs(config, request.territories, request.years,
                     parse_overrides(request.overrides))
    if not jobs:
        raise UsageError(f"nothing to build: {request.params_dir / BATCH_FILE} names no "
                         f"territory or year; name them with --territory and --year")
    jobs += _left_inconsistent(request, previous, inputs, config, jobs)
    codes = sorted({job.territory for job in jobs})
    check_territory_files(request.params_dir, codes)
    territory_files = {c: territory_file(request.params_dir, c).read_bytes() for c in codes}
    records, todo, unchanged = {}, [], []
    for job in jobs:
        job_inputs = inputs.report_inputs(job.parameters, territory_files[job.territory])
        key = state.report_key(job_inputs)
        old = previous.reports.get(job.name)
        if not request.force and state.is_current(old, key, request.out, request.pdf):
            records[job.name] = old
            unchanged.append(job.name)
        else:
            records[job.name] = state.ReportRecord(job.territory, job.year, key, job.parameters,
                                                   job_inputs)
            todo.append(job)
    return Plan(jobs, todo, unchanged, records, territory_files)


def folder_parameters(parameters: dict) -> dict:
    """The parameters every report of one output folder shares: all but those set per
    report. They decide what is published and how (the disclosure rule, the data window)."""
    return {name: value for name, value in parameters.items() if name not in PER_REPORT}


def _left_inconsistent(request: BuildRequest, previous: state.FolderState, inputs: BatchInputs,
                       config: BatchConfig, jobs: list[ReportJob]) -> list[ReportJob]:
    """The folder's reports outside this run that were built from other data or with other
    parameters: rebuilt with this run's parameters under ``--force``, else the run is
    refused. One folder never mixes data versions (two could be differenced) nor disclosure
    rules (a count one report withholds, another would publish)."""
    asked = {job.name for job in jobs}
    shared = folder_parameters(jobs[0].parameters)
    reasons: dict[str, set[str]] = {}
    for name, record in previous.reports.items():
        if name in asked or not record.built:
            continue
        if inputs.changed and record.inputs["data_slice"] != inputs.slices.get(record.territory):
            reasons.setdefault("other data", set()).add(name)
        if folder_parameters(record.parameters) != shared:
            reasons.setdefault("other parameters", set()).add(name)
    other = sorted(set().union(*reasons.values()))
    if other and not request.force:
        raise UsageError(
            f"{request.out} holds {len(other)} report(s) built "
            f"{_reasons(reasons, previous, shared)} ({', '.join(other[:3])}"
            f"{', ...' if len(other) > 3 else ''}): add --force to rebuild them too, from "
            f"{request.data_dir} with this run's parameters, or build into a new --out folder")
    return [_job(shared, previous.reports[name].territory, previous.reports[name].year,
                 config.years) for name in other]


def _reasons(reasons: dict[str, set[str]], previous: state.FolderState, shared: dict) -> str:
    """"from other data", "with other parameters (suppression_threshold 3, not 5)", or
    both."""
    words = []
    if "other data" in reasons:
        words.append("from other data")
    if "other parameters" in reasons:
        theirs = folder_parameters(previous.reports[min(reasons["other parameters"])].parameters)
        differ = [f"{name} {theirs.get(name)!r}, not {value!r}"
                  for name, value in shared.items() if theirs.get(name) != value]
        words.append(f"with other parameters ({'; '.join(differ)})")
    return " and ".join(words)
