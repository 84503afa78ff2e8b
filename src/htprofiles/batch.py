"""Run a batch: plan the matrix, skip what is current, build the rest in parallel, write.

Data is read and validated once per batch, and not at all when its files are unchanged since
the last run; each report task carries only its own territory's slice. Only this process
writes to the output folder, each file atomically.

The heavy libraries (pandas, papermill, Altair) are imported only when something has to be
built, so that a batch with nothing to do takes about a second.
"""

from __future__ import annotations

import os
import tempfile
import threading
from collections.abc import Callable, Iterable
from concurrent.futures import Executor
from contextlib import ExitStack, nullcontext
from dataclasses import dataclass, field, replace
from functools import cached_property
from itertools import islice
from pathlib import Path

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from . import manifest as mf
from .content import load_territory_content, parse_yaml, territory_file, validation_problems
from .errors import InputError, UsageError
from .parameters import (
    WORKDIR_DATA,
    WORKDIR_PARAMS,
    ReportJob,
    parse_overrides,
    template_notebook,
    validate_parameters,
)
from .pdf import PdfError, Printer, find_chromium
from .pdf import footer as pdf_footer
from .territories import TERRITORIES

BATCH_FILE = "batch.yaml"
FAILED_DIR = mf.PRIVATE / "failed"
LOG_FILE = mf.PRIVATE / "build.log"


class BatchConfig(BaseModel):
    """``params/batch.yaml``: the default matrix and the parameters every report shares."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    territories: tuple[str, ...] | str = "all"
    years: tuple[int, ...]
    parameters: dict[str, bool | int | str] = {}

    @field_validator("territories")
    @classmethod
    def _known(cls, value):
        if value == "all":
            return tuple(TERRITORIES)
        if isinstance(value, str):
            raise ValueError('must be "all" or a list of territory codes')
        unknown = [code for code in value if code not in TERRITORIES]
        if unknown:
            raise ValueError(f"unknown territory codes: {' '.join(unknown)}")
        return value


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


@dataclass
class BatchResult:
    written: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    failed: dict = field(default_factory=dict)  # report name -> worker.Outcome
    interrupted: bool = False


def load_batch_config(params_dir: Path) -> BatchConfig:
    path = Path(params_dir) / BATCH_FILE
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UsageError(f"{path}: batch file not found") from None
    try:
        return BatchConfig.model_validate(parse_yaml(path, text))
    except ValidationError as exc:
        raise InputError(validation_problems(path, text, exc)) from None


def matrix(config: BatchConfig, territories: Iterable[str], years: Iterable[int],
           data_years: Iterable[int] | None = None) -> list[tuple[int, str]]:
    """The (year, territory) pairs asked for, or the batch file's when none are: its years
    that the data hold, when they are known (a data set starting in 2013 builds from 2013)."""
    territories = sorted(set(territories) or set(config.territories))
    years = set(years) or set(config.years) & set(config.years if data_years is None
                                                  else data_years)
    return [(year, territory) for year in sorted(years) for territory in territories]


def plan_jobs(config: BatchConfig, territories: Iterable[str], years: Iterable[int],
              overrides: dict, data_years: Iterable[int]) -> list[ReportJob]:
    """Every report of the run, each with validated parameters, before any is built."""
    shared = config.parameters | overrides
    jobs = []
    for year, territory in matrix(config, territories, years, data_years):
        values = shared | {"territory": territory, "year": year,
                           "data_dir": WORKDIR_DATA, "params_dir": WORKDIR_PARAMS}
        params = validate_parameters(values, data_years)
        jobs.append(ReportJob(territory, year, params.model_dump()))
    return jobs


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


def write_atomic(path: Path, data: bytes) -> None:
    """Write next to ``path`` and rename over it: readers see the old file or the new one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise


def _umask() -> int:
    """The process umask (reading it requires setting it)."""
    mask = os.umask(0)
    os.umask(mask)
    return mask


class BatchInputs:
    """The batch's data and template facts, recomputed only when their files changed.

    The data are read only when asked for, so that a batch can start its workers first.
    """

    def __init__(self, data_dir: Path, template: str, previous: dict):
        self.data_dir = data_dir
        self.template = template
        self.file_hashes = mf.data_file_hashes(data_dir)
        self.package, self.versions = mf.package_fingerprint(), mf.dependency_versions()
        recorded = previous.get("data", {})
        self.changed = not self.file_hashes or recorded.get("files") != self.file_hashes
        """The data files differ from those of the last run: they must be read again."""
        self._recorded = None if self.changed else {
            fact: recorded[fact] for fact in ("slices", "years", "synthetic")}

    @cached_property
    def _dataset(self):
        from .data import load_dataset

        return load_dataset(self.data_dir)

    @cached_property
    def _facts(self) -> dict:
        if self._recorded:
            return self._recorded
        from .data import slice_fingerprints

        return {"slices": slice_fingerprints(self._dataset, TERRITORIES),
                "years": list(self._dataset.years), "synthetic": self._dataset.synthetic}

    slices = property(lambda self: self._facts["slices"])
    years = property(lambda self: self._facts["years"])
    synthetic = property(lambda self: self._facts["synthetic"])

    def slice(self, territory: str):
        from .data import slice_dataset

        return slice_dataset(self._dataset, territory)

    def report_inputs(self, parameters: dict, territory_file_bytes: bytes) -> dict[str, str]:
        """The hash of everything one report depends on, as things stand now."""
        return mf.report_inputs(parameters, self.template, self.package,
                                self.slices[parameters["territory"]], territory_file_bytes,
                                self.versions)

    def record(self) -> dict:
        return {"data": {"files": self.file_hashes, **self._facts}}


def run_build(request: BuildRequest, progress: Callable[[int, int], object] | None = None
              ) -> BatchResult:
    """Build every report of the request that is not already current; write the index.

    ``progress(total, skipped)`` may return a callback called with each finished ``Outcome``.
    """
    from .executors import get_executor

    config = load_batch_config(request.params_dir)
    chromium = find_chromium() if request.pdf else None
    previous = mf.load_state(request.out)
    template = template_notebook().read_text(encoding="utf-8")
    inputs = BatchInputs(request.data_dir, template, previous)
    result, plan, started = BatchResult(), None, None
    try:
        with ExitStack() as stack:
            def start_workers(reports: int) -> tuple[Executor, int]:
                """No more workers than reports: each costs a process and a kernel."""
                count = min(request.jobs, reports)
                executor = get_executor(request.executor)(count, request.scheduler)
                return stack.enter_context(executor), count

            if request.force or inputs.changed:
                # Workers take seconds to start: when the reports will be rebuilt anyway,
                # they start now and warm up while this process reads the data.
                started = start_workers(len(matrix(config, request.territories, request.years)))
            plan = _plan(request, config, inputs, previous, result)
            on_done = progress(len(plan.jobs), len(result.unchanged)) if progress else None
            if plan.todo:
                pool, workers = started or start_workers(len(plan.todo))
                _run(pool, workers, request, plan, inputs, result, on_done, chromium)
    except KeyboardInterrupt:  # the executor has stopped its workers and their kernels
        if plan is None:
            raise
        result.interrupted = True
    records = {name: _settle(request.out, record, previous["reports"].get(name))
               for name, record in plan.records.items()}
    _write_run_files(request.out, previous, records, inputs, plan.jobs)
    return result


@dataclass
class _Plan:
    jobs: list[ReportJob]
    todo: list[ReportJob]
    records: dict
    """Manifest entries by report name: the previous ones of current reports, pending others."""
    territory_files: dict[str, bytes]


def _plan(request: BuildRequest, config: BatchConfig, inputs: BatchInputs, previous: dict,
          result: BatchResult) -> _Plan:
    """Every report of the request, and which of them must be built."""
    jobs = plan_jobs(config, request.territories, request.years,
                     parse_overrides(request.overrides), inputs.years)
    jobs += _built_from_other_data(request, previous, inputs, jobs)
    codes = sorted({job.territory for job in jobs})
    check_territory_files(request.params_dir, codes)
    territory_files = {c: territory_file(request.params_dir, c).read_bytes() for c in codes}
    records, todo = {}, []
    for job in jobs:
        job_inputs = inputs.report_inputs(job.parameters, territory_files[job.territory])
        key = mf.report_key(job_inputs)
        old = previous["reports"].get(job.name)
        if not request.force and mf.is_current(old, key, request.out, request.pdf):
            records[job.name] = old
            result.unchanged.append(job.name)
        else:
            records[job.name] = {"territory": job.territory, "year": job.year, "key": key,
                                 "parameters": job.parameters, "inputs": job_inputs,
                                 "status": "pending"}
            todo.append(job)
    return _Plan(jobs, todo, records, territory_files)


def _built_from_other_data(request: BuildRequest, previous: dict, inputs: BatchInputs,
                           jobs: list[ReportJob]) -> list[ReportJob]:
    """The folder's reports outside this run whose territory's data changed: rebuilt with
    ``--force``, else the run is refused. One folder never mixes data versions, which could
    be differenced."""
    asked = {job.name for job in jobs}
    other = sorted(
        name for name, record in previous["reports"].items()
        if inputs.changed and name not in asked and "sha256" in record
        and record["inputs"]["data_slice"] != inputs.slices.get(record["territory"]))
    if other and not request.force:
        raise UsageError(
            f"{request.out} holds {len(other)} report(s) built from other data "
            f"({', '.join(other[:3])}{', ...' if len(other) > 3 else ''}): add --force to "
            f"rebuild them too from {request.data_dir}, or build into a new --out folder")
    records = [previous["reports"][name] for name in other]
    return [ReportJob(r["territory"], r["year"],
                      validate_parameters(r["parameters"], inputs.years).model_dump())
            for r in records]


def _run(pool: Executor, workers: int, request: BuildRequest, plan: _Plan, inputs: BatchInputs,
         result: BatchResult, on_done, chromium: str | None) -> None:
    """Feed the executor a few reports at a time and write each one as it comes back.

    At most two tasks per worker are in flight, so memory holds a few slices and results,
    not the whole batch. PDFs are printed here, while the workers build the next reports,
    so workers need no browser.
    """
    from concurrent.futures import FIRST_COMPLETED, wait

    from .worker import ReportTask, run_task

    def submit(job: ReportJob):
        task = ReportTask(job, inputs.template, inputs.slice(job.territory),
                          plan.territory_files[job.territory], request.timeout)
        return pool.submit(run_task, task)

    threading.Thread(target=_prepare_index, daemon=True).start()
    waiting, log_lines = iter(plan.todo), []
    try:
        with Printer(chromium) if chromium else nullcontext() as printer:
            running = {submit(job) for job in islice(waiting, 2 * workers)}
            while running:
                done, running = wait(running, return_when=FIRST_COMPLETED)
                for future in done:
                    outcome = _with_pdf(future.result(), printer)
                    plan.records[outcome.job.name] |= _store(request.out, outcome, result)
                    log_lines.append(_log_line(outcome))
                    if on_done:
                        on_done(outcome)
                running |= {submit(job) for job in islice(waiting, len(done))}
    finally:
        if log_lines:
            write_atomic(request.out / LOG_FILE, "".join(log_lines).encode())


def _prepare_index() -> None:
    """Import the index's renderer and draw a first chart while the workers build reports,
    not after them (see ``charts.warm_up``)."""
    from . import charts, index  # noqa: F401

    charts.warm_up()


def _with_pdf(outcome, printer: Printer | None):
    """The outcome with its report printed to PDF, or failed if printing failed."""
    if printer is None or outcome.artifacts is None:
        return outcome
    report = outcome.artifacts.report
    try:
        pdf = printer.to_pdf(outcome.artifacts.html,
                             pdf_footer(report["territory_name"], report["year"]))
    except PdfError as exc:
        return replace(outcome, artifacts=None, error=str(exc))
    return replace(outcome, artifacts=replace(outcome.artifacts, pdf=pdf))


def _store(out: Path, outcome, result: BatchResult) -> dict:
    """Write a finished report, or keep its failed notebook; return its manifest fields."""
    job = outcome.job
    if outcome.artifacts is None:
        result.failed[job.name] = outcome
        if outcome.failed_notebook:
            write_atomic(failed_notebook_path(out, job), outcome.failed_notebook)
        return {"status": "failed", "error": outcome.error}
    paths = mf.report_paths(out, job.year, job.territory)
    files = {"html": outcome.artifacts.html, "json": outcome.artifacts.json,
             "notebook": outcome.artifacts.notebook, "pdf": outcome.artifacts.pdf}
    files = {kind: data for kind, data in files.items() if data is not None}
    for kind, data in files.items():
        write_atomic(paths[kind], data)
    if "pdf" not in files:
        paths["pdf"].unlink(missing_ok=True)  # a PDF of the previous version would mislead
    failed_notebook_path(out, job).unlink(missing_ok=True)
    result.written.append(job.name)
    return {"status": "written", "error": None,
            "sizes": {kind: len(data) for kind, data in files.items()},
            "sha256": {kind: mf.sha256(data) for kind, data in files.items()},
            "headline": _headline(outcome.artifacts.report, job.year)}


def failed_notebook_path(out: Path, job: ReportJob) -> Path:
    return out / FAILED_DIR / f"{job.year}-{job.territory}.ipynb"


def _headline(report: dict, year: int) -> dict:
    """The report's own published cells for its year: the index shows nothing else."""
    tables = report["tables"]
    return {kind: next(row["value"] for row in tables[f"{kind}_by_year"] if row["year"] == year)
            for kind in ("cases", "signals")}


def _settle(out: Path, record: dict, old: dict | None) -> dict | None:
    """The state entry after the run. A failed report keeps its previous good files if they
    were built from the same data; from other data, they are removed (one data version per
    folder)."""
    if record["status"] == "pending":  # cancelled by Ctrl-C
        return old
    if record["status"] == "failed" and old and "sha256" in old:
        if old["inputs"]["data_slice"] == record["inputs"]["data_slice"]:
            return {**old, "status": "stale", "error": record["error"]}
        for path in mf.report_paths(out, old["year"], old["territory"]).values():
            path.unlink(missing_ok=True)
    return record


def _write_run_files(out: Path, previous: dict, records: dict, inputs: BatchInputs,
                     jobs: list[ReportJob]) -> None:
    """The manifest (every report built into ``out``) and the index of this run's matrix."""
    rows = [{"territory": job.territory, "year": job.year,
             "headline": (records.get(job.name) or {}).get("headline"),
             "status": (records.get(job.name) or {}).get("status", "failed"),
             "pdf": "pdf" in (records.get(job.name) or {}).get("sizes", {})} for job in jobs]
    suppression = {"threshold": jobs[0].parameters["suppression_threshold"],
                   "suppress_zero": jobs[0].parameters["suppress_zero"]}
    index_key = mf.sha256(mf.canonical([rows, suppression, inputs.synthetic, inputs.package]))
    if previous.get("index") != index_key or not (out / "index.html").is_file():
        from .index import render_index

        write_atomic(out / "index.html", render_index(rows, suppression, inputs.synthetic).encode())
    reports = previous["reports"] | {k: v for k, v in records.items() if v}
    state = {"format": mf.FORMAT_VERSION, **inputs.record(), "index": index_key,
             "reports": dict(sorted(reports.items()))}
    note, text = mf.PRIVATE_NOTE
    if not (out / note).is_file():
        write_atomic(out / note, text)
    write_atomic(out / mf.STATE, mf.json_bytes(state))
    write_atomic(out / mf.MANIFEST, mf.json_bytes(mf.public_manifest(state)))


def _log_line(outcome) -> str:
    status = "written" if outcome.artifacts else f"FAILED {outcome.error}"
    lines = [f"{outcome.job.name} {status} ({outcome.seconds:.1f} s)\n"]
    lines += [f"  {message}\n" for message in outcome.messages]
    return "".join(lines)
