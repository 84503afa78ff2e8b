"""Store a build: each report's files, written atomically, and the folder's run files.

Only the batch process writes to the output folder. Run files: the private state and build
log, the failed notebooks (all under ``OUT/.htprofiles/``), the public manifest and the index.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from ..install import canonical, sha256
from ..publication.headline import headline
from . import state
from .inputs import BatchInputs
from .plan import Plan, ReportJob
from .state import FolderState, ReportRecord

if TYPE_CHECKING:
    from .tasks import Outcome

FAILED_DIR = state.PRIVATE / "failed"
LOG_FILE = state.PRIVATE / "build.log"


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


def store_outcome(out: Path, outcome: Outcome, record: ReportRecord) -> ReportRecord:
    """Write a finished report, or keep its failed notebook; return its record updated."""
    job = outcome.job
    if outcome.artifacts is None:
        if outcome.failed_notebook:
            write_atomic(failed_notebook_path(out, job), outcome.failed_notebook)
        return replace(record, status="failed", error=outcome.error)
    paths = state.report_paths(out, job.year, job.territory)
    files = {"html": outcome.artifacts.html, "json": outcome.artifacts.json,
             "notebook": outcome.artifacts.notebook, "pdf": outcome.artifacts.pdf}
    files = {kind: data for kind, data in files.items() if data is not None}
    for kind, data in files.items():
        write_atomic(paths[kind], data)
    if "pdf" not in files:
        paths["pdf"].unlink(missing_ok=True)  # a PDF of the previous version would mislead
    failed_notebook_path(out, job).unlink(missing_ok=True)
    return replace(record, status="written", error=None,
                   sizes={kind: len(data) for kind, data in files.items()},
                   sha256={kind: sha256(data) for kind, data in files.items()},
                   headline=headline(outcome.artifacts.report["tables"], job.year))


def failed_notebook_path(out: Path, job: ReportJob) -> Path:
    """Where a failed report's executed notebook is kept, in the private folder."""
    return out / FAILED_DIR / f"{job.year}-{job.territory}.ipynb"


def settle(out: Path, record: ReportRecord, old: ReportRecord | None) -> ReportRecord | None:
    """The state entry after the run. A failed report keeps its previous good files if they
    were built from the same data; from other data, they are removed (one data version per
    folder)."""
    if record.status == "pending":  # cancelled by Ctrl-C
        return old
    if record.status == "failed" and old and old.built:
        if old.inputs["data_slice"] == record.inputs["data_slice"]:
            return replace(old, status="stale", error=record.error)
        for path in old.paths(out).values():
            path.unlink(missing_ok=True)
    return record


def write_run_files(out: Path, previous: FolderState, plan: Plan,
                    settled: dict[str, ReportRecord | None], inputs: BatchInputs) -> None:
    """The index of this run's matrix, then the private state and the public manifest (every
    report built into ``out``)."""
    shown = [settled[job.name] or replace(plan.records[job.name], status="failed")
             for job in plan.jobs]  # a report cancelled before its first build: failed
    index_key = sha256(canonical([[_index_fields(record) for record in shown],
                                  inputs.synthetic, inputs.package]))
    if previous.index != index_key or not (out / "index.html").is_file():
        from ..rendering.index import render_index

        write_atomic(out / "index.html", render_index(shown, inputs.synthetic).encode())
    recorded = FolderState(inputs.record(), index_key,
                           previous.reports | {k: v for k, v in settled.items() if v})
    note, text = state.PRIVATE_NOTE
    if not (out / note).is_file():
        write_atomic(out / note, text)
    write_atomic(out / state.STATE, state.json_bytes(recorded.to_json()))
    write_atomic(out / state.MANIFEST, state.json_bytes(recorded.manifest()))


def _index_fields(record: ReportRecord) -> list:
    """What the index shows of a report: an index with the same fields is not rewritten."""
    return [record.territory, record.year, record.status, record.headline, record.has_pdf,
            record.rule.to_json()]


def write_log(out: Path, lines: list[str]) -> None:
    """The build log of this run's reports, if any was built (``OUT/.htprofiles/``)."""
    if lines:
        write_atomic(out / LOG_FILE, "".join(lines).encode())


def log_line(outcome: Outcome) -> str:
    """A report's lines in the build log: its status, time and what its notebook said."""
    status = "written" if outcome.artifacts else f"FAILED {outcome.error}"
    lines = [f"{outcome.job.name} {status} ({outcome.seconds:.1f} s)\n"]
    lines += [f"  {message}\n" for message in outcome.messages]
    return "".join(lines)
