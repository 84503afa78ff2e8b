"""Run a build: plan the matrix, start workers, build what is not current, store, index.

Data is read and validated once per build, and not at all when its files are unchanged since
the last run; each report task carries only its own territory's slice. Only this process
writes to the output folder (``store``), each file atomically.

The heavy libraries (pandas, papermill, Altair) are imported only when something has to be
built, so that a build with nothing to do takes about a second.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Executor
from contextlib import ExitStack, nullcontext
from dataclasses import dataclass, field, replace
from itertools import islice

from ..contract.batchfile import load_batch_config
from ..errors import DisclosureError, PdfError
from ..install import template_notebook
from ..rendering.pdf import Printer, find_chromium
from ..rendering.pdf import footer as pdf_footer
from . import state, store
from .inputs import BatchInputs
from .plan import BuildRequest, Plan, ReportJob, check_request, plan_build


@dataclass
class BatchResult:
    """What a build did: report names written, left unchanged and failed (with outcomes)."""

    written: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    failed: dict = field(default_factory=dict)  # report name -> tasks.Outcome
    interrupted: bool = False


def run_build(request: BuildRequest, progress: Callable[[int, int], object] | None = None
              ) -> BatchResult:
    """Build every report of the request that is not already current; write the index.

    ``progress(total, skipped)`` may return a callback called with each finished ``Outcome``.
    """
    config = load_batch_config(request.params_dir)
    chromium = find_chromium() if request.pdf else None
    previous = state.load_state(request.out)
    inputs = BatchInputs(request.data_dir, template_notebook().read_text(encoding="utf-8"),
                         previous)
    result, plan = BatchResult(), None
    try:
        with ExitStack() as stack:
            workers = _Workers(request, stack)
            if request.force or inputs.changed:
                # Workers take seconds to start: when the reports will be rebuilt anyway,
                # they start now and warm up while this process reads the data, once the
                # request is known to be good as far as it can be told without the data.
                workers.start(len(check_request(request, config)))
            plan = plan_build(request, config, inputs, previous)
            result.unchanged = plan.unchanged
            on_done = progress(len(plan.jobs), len(plan.unchanged)) if progress else None
            if plan.todo:
                pool, count = workers.start(len(plan.todo))
                _run(pool, count, request, plan, inputs, result, on_done, chromium)
    except KeyboardInterrupt:  # the executor has stopped its workers and their kernels
        if plan is None:
            raise
        result.interrupted = True
    settled = {name: store.settle(request.out, record, previous.reports.get(name))
               for name, record in plan.records.items()}
    store.write_run_files(request.out, previous, plan, settled, inputs)
    return result


class _Workers:
    """The executor of a build, started once, with no more workers than reports: each costs
    a process and a kernel."""

    def __init__(self, request: BuildRequest, stack: ExitStack):
        self.request, self.stack, self.started = request, stack, None

    def start(self, reports: int) -> tuple[Executor, int]:
        if self.started is None:
            from .executors import get_executor

            count = min(self.request.jobs, reports)
            executor = get_executor(self.request.executor)(count, self.request.scheduler)
            self.started = self.stack.enter_context(executor), count
        return self.started


def _run(pool: Executor, workers: int, request: BuildRequest, plan: Plan, inputs: BatchInputs,
         result: BatchResult, on_done, chromium: str | None) -> None:
    """Feed the executor a few reports at a time and store each one as it comes back.

    At most two tasks per worker are in flight, so memory holds a few tables and results,
    not the whole batch. Each report's tables are published here, every place's year once for
    the build, and PDFs printed here, while the workers build the next reports: workers need
    neither the records nor a browser.
    """
    from concurrent.futures import FIRST_COMPLETED, Future, wait

    from .tasks import Outcome, ReportTask, run_task

    def submit(job: ReportJob):
        try:
            published = inputs.published(job)
        except DisclosureError as exc:  # no kernel needed to say so
            refused: Future = Future()
            refused.set_result(Outcome(job, error=str(exc)))
            return refused
        task = ReportTask(job, inputs.template, published, plan.territory_files[job.territory],
                          request.timeout)
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
                    name = outcome.job.name
                    plan.records[name] = store.store_outcome(request.out, outcome,
                                                             plan.records[name])
                    if outcome.artifacts is None:
                        result.failed[name] = outcome
                    else:
                        result.written.append(name)
                    log_lines.append(store.log_line(outcome))
                    if on_done:
                        on_done(outcome)
                running |= {submit(job) for job in islice(waiting, len(done))}
    finally:
        store.write_log(request.out, log_lines)


def _prepare_index() -> None:
    """Import the index's renderer and draw a first chart while the workers build reports,
    not after them (see ``charts.warm_up``)."""
    from ..rendering import charts, index  # noqa: F401

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
