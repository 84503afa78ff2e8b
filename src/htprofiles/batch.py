"""Plan and run a batch of reports: the matrix, the per-report work folder, atomic writes.

Data is read and validated once per batch; each report's work folder receives only its own
territory's slice and territory file, so the notebook sees nothing else and paths in the
executed notebook are relative and reproducible.
"""

from __future__ import annotations

import ast
import os
import shutil
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import papermill
from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from .content import load_territory_content, parse_yaml, territory_file, validation_problems
from .data import Dataset, slice_dataset, write_dataset
from .errors import HtprofilesError, InputError, UsageError
from .parameters import template_notebook, validate_parameters
from .render import Artifacts, build_report
from .territories import TERRITORIES

BATCH_FILE = "batch.yaml"
SLICE_DIR = "data"
PARAMS_SUBDIR = "params"


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
class ReportJob:
    territory: str
    year: int
    parameters: dict = field(hash=False)

    @property
    def name(self) -> str:
        return f"{self.year}/{self.territory}"


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


def notebook_defaults(template: Path | None = None) -> dict:
    """The template's declared parameters with their default values."""
    declared = papermill.inspect_notebook(str(template or template_notebook()))
    return {name: ast.literal_eval(p["default"]) for name, p in declared.items()}


def coerce_override(text: str, defaults: dict) -> tuple[str, object]:
    """``NAME=VALUE`` from the command line, typed like the parameter's default."""
    name, sep, value = text.partition("=")
    if not sep:
        raise UsageError(f"-p expects NAME=VALUE, got {text!r}")
    if name not in defaults:
        raise UsageError(f"unknown parameter {name!r}; known: {', '.join(defaults)}")
    default = defaults[name]
    if isinstance(default, bool):
        lowered = value.strip().lower()
        if lowered not in {"true", "false", "1", "0", "yes", "no"}:
            raise UsageError(f"parameter {name} expects true or false, got {value!r}")
        return name, lowered in {"true", "1", "yes"}
    if isinstance(default, int):
        try:
            return name, int(value)
        except ValueError:
            raise UsageError(f"parameter {name} expects a whole number, got {value!r}") from None
    return name, value


def plan_jobs(config: BatchConfig, territories: Iterable[str] | None, years: Iterable[int] | None,
              overrides: dict, data_years: set[int]) -> list[ReportJob]:
    """Every report of the run, validated before any is built."""
    territories = list(territories or config.territories)
    years = list(years or config.years)
    unknown = [t for t in territories if t not in TERRITORIES]
    if unknown:
        raise UsageError(f"unknown territory codes: {' '.join(unknown)}")
    missing = [y for y in years if y not in data_years]
    if missing:
        raise UsageError(f"no data for years {' '.join(map(str, missing))}; the data cover "
                         f"{min(data_years, default='-')}-{max(data_years, default='-')}")
    shared = notebook_defaults() | config.parameters | overrides
    jobs = []
    for year in sorted(set(years)):
        for territory in sorted(set(territories)):
            values = shared | {"territory": territory, "year": year, "data_dir": SLICE_DIR,
                               "params_dir": PARAMS_SUBDIR}
            validate_parameters(values)
            jobs.append(ReportJob(territory, year, values))
    return jobs


def prepare_workdir(workdir: Path, dataset: Dataset, territory: str, params_dir: Path) -> None:
    """Lay out what one report's kernel may read: its data slice and its territory file."""
    write_dataset(slice_dataset(dataset, territory), workdir / SLICE_DIR)
    target = territory_file(workdir / PARAMS_SUBDIR, territory)
    target.parent.mkdir(parents=True)
    shutil.copyfile(territory_file(params_dir, territory), target)


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


def write_artifacts(out: Path, job: ReportJob, artifacts: Artifacts) -> list[Path]:
    base = out / str(job.year) / job.territory
    paths = [base.with_suffix(".html"), base.with_suffix(".json"), base.with_suffix(".ipynb")]
    for path, data in zip(paths, (artifacts.html, artifacts.json, artifacts.notebook)):
        write_atomic(path, data)
    return paths


@dataclass
class BatchResult:
    written: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)


def run_job(job: ReportJob, dataset: Dataset, params_dir: Path, out: Path) -> Artifacts:
    """Build one report in a throw-away work folder; keep its notebook if it fails."""
    with tempfile.TemporaryDirectory(prefix="htprofiles-") as tmp:
        workdir = Path(tmp)
        prepare_workdir(workdir, dataset, job.territory, params_dir)
        try:
            return build_report(job.parameters, workdir)
        except HtprofilesError:
            failed = workdir / "executed.ipynb"
            if failed.exists():
                write_atomic(out / "_failed" / f"{job.year}-{job.territory}.ipynb",
                             failed.read_bytes())
            raise


def run_batch(jobs: list[ReportJob], dataset: Dataset, params_dir: Path, out: Path,
              progress=None) -> BatchResult:
    """Build each report in turn; a failure is recorded and the others go on."""
    result = BatchResult()
    for job in jobs:
        try:
            write_artifacts(out, job, run_job(job, dataset, params_dir, out))
            result.written.append(job.name)
        except HtprofilesError as exc:
            result.failed[job.name] = str(exc)
        if progress:
            progress(job)
    return result


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
