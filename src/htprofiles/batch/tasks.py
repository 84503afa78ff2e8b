"""The per-report task every executor runs, in a worker process or on a Dask worker.

A ``ReportTask`` carries everything a report needs (template, parameters, its published
tables, territory file), so workers need no shared disk and see no record; an ``Outcome``
carries everything back.
Kernels and nbconvert are imported only where reports are built: the batch process that
sends tasks and reads outcomes does without them.
"""

from __future__ import annotations

import logging
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..contract.content import territory_file
from ..errors import CellError, HtprofilesError
from ..publication.profile import PUBLISHED_FILE
from .plan import WORKDIR_DATA, WORKDIR_PARAMS, ReportJob

if TYPE_CHECKING:
    from .execute import Artifacts


@dataclass(frozen=True)
class ReportTask:
    """One report to build, with everything it needs: workers share no disk with the batch."""

    job: ReportJob
    template: str
    published: bytes
    """The report's tables, published once for the build (``publication.profile``)."""
    territory_yaml: bytes
    timeout: float | None = None
    """Seconds the report may take; past them its kernel is killed and the report fails."""


@dataclass(frozen=True)
class Outcome:
    """What came back: artifacts, or why it failed (and the failed notebook, if any)."""

    job: ReportJob
    artifacts: Artifacts | None = None
    error: str | None = None
    failed_cell: int | None = None
    failed_notebook: bytes | None = None
    messages: tuple[str, ...] = ()
    seconds: float = 0.0


def prepare_workdir(workdir: Path, task: ReportTask) -> None:
    """Lay out what one report's kernel may read: its published tables, in place of records,
    and its territory file."""
    (workdir / WORKDIR_DATA).mkdir()
    (workdir / WORKDIR_DATA / PUBLISHED_FILE).write_bytes(task.published)
    target = territory_file(workdir / WORKDIR_PARAMS, task.job.territory)
    target.parent.mkdir(parents=True)
    target.write_bytes(task.territory_yaml)


def run_task(task: ReportTask) -> Outcome:
    """Build one report in a throw-away work folder; never raises for a failed report."""
    import nbformat

    from .execute import EXECUTED, build_report
    from .kernels import thread_kernel

    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="htprofiles-") as tmp, capture_logs() as messages:
        workdir = Path(tmp)
        prepare_workdir(workdir, task)
        kernel = thread_kernel()
        template = nbformat.reads(task.template, as_version=4)
        watchdog = threading.Timer(task.timeout or 0, kernel.kill)
        try:
            kernel.ensure_started()  # the time-out is the report's, not its kernel's start
            if task.timeout:
                watchdog.start()
            artifacts = build_report(template, task.job.parameters, workdir)
            return Outcome(task.job, artifacts, messages=tuple(messages),
                           seconds=time.monotonic() - started)
        except Exception as exc:  # one failed report must not stop the batch
            if not isinstance(exc, CellError):
                kernel.shutdown()  # dead, killed or confused: start afresh next time
            reason = (f"timed out after {task.timeout:g} s" if watchdog.finished.is_set()
                      else _reason(exc))
            failed = workdir / EXECUTED
            return Outcome(
                task.job, error=reason, failed_cell=getattr(exc, "cell", None),
                failed_notebook=failed.read_bytes() if failed.exists() else None,
                messages=tuple(messages), seconds=time.monotonic() - started,
            )
        finally:
            watchdog.cancel()


def _reason(exc: Exception) -> str:
    if isinstance(exc, HtprofilesError):
        return str(exc)
    return f"{type(exc).__name__}: {exc}".strip().rstrip(":")


CAPTURED_LOGGERS = ("htprofiles", "papermill")
_report_messages: ContextVar[list[str] | None] = ContextVar("report_messages", default=None)
"""The messages of the report whose task runs in this context (thread or asyncio task)."""


class _ReportLogs(logging.Handler):
    """Hands each log record to the report whose task logged it: loggers are process-wide,
    and a threaded Dask worker runs several reports at once. Attached to the loggers only
    while a task runs, so that outside tasks they behave as they would without htprofiles."""

    def __init__(self):
        super().__init__(logging.INFO)
        self.tasks = 0
        self.counting = threading.Lock()

    def emit(self, record: logging.LogRecord) -> None:
        messages = _report_messages.get()
        if messages is not None:
            messages.append(record.getMessage())

    def count(self, change: int) -> None:
        """Count a task in (+1) or out (-1): attach for the first, detach after the last."""
        with self.counting:
            self.tasks += change
            if self.tasks == (1 if change > 0 else 0):
                for name in CAPTURED_LOGGERS:
                    logger = logging.getLogger(name)
                    (logger.addHandler if change > 0 else logger.removeHandler)(self)


_report_logs = _ReportLogs()


@contextmanager
def capture_logs() -> Iterator[list[str]]:
    """Collect this task's log records (what the notebook printed, what papermill reported),
    to travel back with its outcome into the batch's log file rather than onto the terminal."""
    _report_logs.count(+1)
    messages: list[str] = []
    token = _report_messages.set(messages)
    try:
        yield messages
    finally:
        _report_messages.reset(token)
        _report_logs.count(-1)
