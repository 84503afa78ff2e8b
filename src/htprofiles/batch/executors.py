"""Executors: where reports run. One contract, looked up by name.

An executor is a context manager yielding an object with the ``concurrent.futures.Executor``
``submit(fn, *args)`` method, whose futures work with ``concurrent.futures.as_completed``.
``fn`` and its arguments are pickled to a worker; results come back to the caller, which
alone writes to disk. Leaving the context shuts the workers (and their kernels) down.
"""

from __future__ import annotations

import contextlib
import gc
import multiprocessing
import os
import signal
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from contextlib import contextmanager

from ..errors import UsageError

SCHEDULER_TIMEOUT = 10
"""Seconds to reach a Dask scheduler before the build is refused (exit 2)."""
WORKER_PRELOAD = ["htprofiles.batch.tasks", "htprofiles.batch.execute", "htprofiles.report",
                  "ipykernel.kernelapp"]
"""Imported once by the fork server: what a worker needs (papermill, nbconvert), and what the
kernel forked from each worker needs (ipykernel, and the template's htprofiles.report with
pandas, Altair and vl-convert; see ``forking``)."""


def _start_worker() -> None:
    """Workers leave Ctrl-C to the batch, and stop their kernels when it stops them; each
    starts its warm kernel now, while the batch process reads the data, and while it is a
    fresh copy of the fork server with a single thread, so that the kernel can be forked."""
    from .kernels import thread_kernel

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _stop_worker)
    gc.freeze()  # the imported libraries stay for good: collections need not walk them
    with contextlib.suppress(Exception):  # the first report retries, and fails with the reason
        thread_kernel().ensure_started()


def _stop_worker(signum, frame) -> None:
    from .kernels import kill_kernels

    kill_kernels()
    os._exit(128 + signum)


class _InProcess(Executor):
    """Runs each task as it is submitted, in this process: no worker process to start."""

    def submit(self, fn, /, *args, **kwargs) -> Future:
        future = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except Exception as exc:
            future.set_exception(exc)
        return future


def _spawn_workers(pool: ProcessPoolExecutor, jobs: int) -> None:
    """Start every worker now, rather than one at each of the first reports: each waits for
    the fork server's imports, then warms its kernel. A pool starts a worker for each task
    submitted while none is idle, so an empty task per worker starts them all. A build that
    stops first (bad data) has shut the pool down: no more start, and no traceback."""
    for _ in range(jobs):
        try:
            pool.submit(int)
        except RuntimeError:  # "cannot schedule new futures after shutdown"
            return


@contextmanager
def inline(jobs: int = 1, address: str | None = None) -> Iterator[Executor]:
    """This process, one report after another: what ``--jobs 1`` asks for."""
    yield _InProcess()


@contextmanager
def local_pool(jobs: int, address: str | None = None) -> Iterator[Executor]:
    """Worker processes on this machine, each keeping one warm kernel."""
    # A fresh single-threaded server imports the worker code once and forks every worker
    # from it: no fork of this threaded process, and no import per worker.
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(WORKER_PRELOAD)
    pool = ProcessPoolExecutor(max_workers=jobs, mp_context=context, initializer=_start_worker)
    threading.Thread(target=_spawn_workers, args=(pool, jobs), daemon=True).start()
    try:
        yield pool
    except KeyboardInterrupt:
        # Stop now rather than finish the running reports: their results would be dropped.
        # (Python 3.14's pool.terminate_workers() does this; on 3.11 the pool's process table
        # is the only handle on workers forked by the fork server.)
        for process in list(pool._processes.values()):
            process.terminate()
        raise
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


@contextmanager
def dask_cluster(jobs: int, address: str | None = None) -> Iterator[Executor]:
    """An existing Dask distributed scheduler at ``address`` (tcp://HOST:PORT)."""
    from distributed import Client

    try:
        client = Client(address, timeout=SCHEDULER_TIMEOUT, set_as_default=False)
    except OSError as exc:
        raise UsageError(f"cannot reach the Dask scheduler at {address}: {exc}") from None
    try:
        yield client.get_executor(pure=False)
    finally:
        client.close()


EXECUTORS: dict[str, Callable[..., contextmanager]] = {
    "inline": inline, "local": local_pool, "dask": dask_cluster}


def get_executor(name: str) -> Callable:
    """The executor context manager registered under ``name``."""
    try:
        return EXECUTORS[name]
    except KeyError:
        raise UsageError(f"unknown executor {name!r}; known: {', '.join(EXECUTORS)}") from None
