"""Kernels for executing reports: a fresh one per report (plain papermill), or a warm one.

A warm kernel is started once per worker process, has already imported pandas, Altair,
vl-convert and htprofiles and drawn one chart, and is reset to a clean namespace and execution
count before each report. Reports from either kernel are byte-identical (a test proves it);
the warm one only skips the start-up and import costs a fresh kernel pays every time.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing.util
import os
import shutil
import signal
import tempfile
import threading
from pathlib import Path

from jupyter_client import AsyncKernelManager
from jupyter_core.utils import run_sync

from .errors import ReportError

KERNEL_NAME = "python3"
KERNEL_ARGUMENTS = ["--IPKernelApp.log_level=ERROR", "--HistoryManager.enabled=False"]
"""Keep start-up warnings out of the terminal; no history database shared by kernels."""
STARTUP_TIMEOUT = 60

_WARM_UP = """
import altair, pandas, vl_convert
from htprofiles import charts, notebook
vl_convert.vegalite_to_svg(altair.Chart(altair.Data(values=[{"a": 1}])).mark_bar()
                           .encode(x="a:Q").to_dict())
"""
_RESET = """
import os as _os
_os.chdir({workdir!r})
get_ipython().reset(new_session=False)
get_ipython().execution_count = 1
"""

log = logging.getLogger(__name__)


class _ClientTrackingManager(AsyncKernelManager):
    """Remembers the clients handed out, so those of a finished report can be closed.

    nbclient leaves the client of a kernel it does not own connected; without this, every
    report would leave four sockets open in the worker. Asynchronous like nbclient's own
    manager, so nbclient notices a kernel that dies or is killed mid-report.
    """

    def client(self, **kwargs):
        client = super().client(**kwargs)
        self.__dict__.setdefault("_handed_out", []).append(client)
        return client

    def close_clients(self) -> None:
        for client in self.__dict__.pop("_handed_out", []):
            client.stop_channels()


class KernelFailure(ReportError):
    """The warm kernel could not be started or reset: the report fails, the batch goes on."""


class WarmKernel:
    """A kernel this process owns and reuses; shut down when the process exits."""

    def __init__(self, kernel_name: str = KERNEL_NAME, startup_timeout: float = STARTUP_TIMEOUT):
        self.kernel_name = kernel_name
        self.startup_timeout = startup_timeout
        self.manager: AsyncKernelManager | None = None

    def ensure_started(self) -> AsyncKernelManager:
        """Start (or restart after a death) and warm up the kernel."""
        if self.manager is None or not run_sync(self.manager.is_alive)():
            self.shutdown()
            # IPC sockets in a folder of our own: kernels started at the same moment by
            # several workers cannot race for the same TCP port.
            self._sockets = tempfile.mkdtemp(prefix="htprofiles-kernel-")
            self.manager = _ClientTrackingManager(kernel_name=self.kernel_name, transport="ipc",
                                                  ip=os.path.join(self._sockets, "kernel"))
            run_sync(self.manager.start_kernel)(extra_arguments=KERNEL_ARGUMENTS)
            self._run(_WARM_UP, wait_for_ready=True)
        return self.manager

    def reset(self, workdir: Path) -> AsyncKernelManager:
        """A clean namespace, execution count 1 and ``workdir`` as the working folder."""
        manager = self.ensure_started()
        manager.close_clients()
        self._run(_RESET.format(workdir=str(workdir)))
        return manager

    def kill(self) -> None:
        """Kill the kernel's process group at once: safe from a timer or a signal handler."""
        pid = getattr(self.manager and self.manager.provisioner, "pid", None)
        if pid:
            with contextlib.suppress(OSError):
                os.killpg(pid, signal.SIGKILL)
            shutil.rmtree(self._sockets, ignore_errors=True)

    def shutdown(self) -> None:
        """Stop the kernel if this object started one; safe to call twice."""
        if self.manager is not None:
            self.manager.close_clients()
            try:
                run_sync(self.manager.shutdown_kernel)(now=True)
            finally:
                self.manager = None
                shutil.rmtree(self._sockets, ignore_errors=True)

    def _run(self, code: str, wait_for_ready: bool = False) -> None:
        """Run set-up code silently (no output, no execution count) on a client of our own."""
        run_sync(self._run_async)(code, wait_for_ready)

    async def _run_async(self, code: str, wait_for_ready: bool) -> None:
        client = self.manager.client()
        client.start_channels()
        try:
            if wait_for_ready:
                await client.wait_for_ready(timeout=self.startup_timeout)
            reply = await client.execute_interactive(code, silent=True, store_history=False,
                                                     timeout=self.startup_timeout)
        finally:
            client.stop_channels()
        if reply["content"]["status"] != "ok":
            content = reply["content"]
            raise KernelFailure(f"kernel set-up failed: {content.get('ename')}: "
                                f"{content.get('evalue')}")


_kernels: dict[int, WarmKernel] = {}
_kernels_lock = threading.Lock()


def worker_kernel() -> WarmKernel:
    """The warm kernel of the calling thread (Dask runs several task threads per process).

    Kernels are shut down by multiprocessing's exit handlers, which run in pool and Dask
    worker processes as well as in the main process.
    """
    with _kernels_lock:
        kernel = _kernels.get(threading.get_ident())
        if kernel is None:
            kernel = _kernels[threading.get_ident()] = WarmKernel()
            multiprocessing.util.Finalize(kernel, kernel.shutdown, exitpriority=10)
        return kernel


def kill_kernels() -> None:
    """Kill every kernel this process started, from a signal handler: no lock, no event loop."""
    for kernel in list(_kernels.values()):
        kernel.kill()
