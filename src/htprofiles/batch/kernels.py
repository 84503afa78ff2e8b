"""Warm kernels: one per thread, kept from one notebook to the next.

A warm kernel has imported pandas, Altair, vl-convert and htprofiles and drawn one chart
before its first notebook, and is reset to a clean namespace and execution count before each,
so its notebooks are byte-identical to those of a fresh kernel (``tests/test_kernels.py``); it
only skips the start-up and imports that a fresh kernel pays at every notebook. Notebooks run
in it through papermill's ``htprofiles`` engine (``engine.py``). Where it can, the kernel is
forked from its worker, which has imported all of that already (``forking.py``).
"""

from __future__ import annotations

import contextlib
import multiprocessing.util
import os
import queue
import shutil
import signal
import tempfile
import threading
import time

from jupyter_client import AsyncKernelClient, AsyncKernelManager
from jupyter_core.utils import run_sync

from ..errors import KernelFailure
from .forking import ForkingProvisioner

ENGINE = "htprofiles"
"""The name of the warm-kernel engine for papermill's ``engine_name`` and ``--engine``."""
KERNEL_NAME = "python3"
KERNEL_ARGUMENTS = ["--IPKernelApp.log_level=ERROR", "--HistoryManager.enabled=False"]
"""Keep start-up warnings out of the terminal; no history database shared by kernels."""
STARTUP_TIMEOUT = 60
LIVENESS_INTERVAL = 0.5
"""How often set-up code that has not answered yet checks that its kernel is alive."""

_WARM_UP = """
import gc
from htprofiles import report
from htprofiles.rendering import charts
charts.warm_up()
gc.freeze()
"""
"""Imports and a first chart done before any notebook; then the garbage collector leaves what
is here for good out of its rounds, so the collection in each reset takes milliseconds."""
_RESET = """
import os as _os
_os.chdir({workdir!r})
get_ipython().reset(new_session=False)
get_ipython().execution_count = 1
"""


class WarmKernel:
    """A kernel this process owns and reuses, with one client for its whole life.

    One client, connected and found ready once: nbclient would otherwise connect a new one and
    wait for the kernel to answer it (0.2 s) at every notebook. The manager is asynchronous
    like nbclient's own, so nbclient notices a kernel that dies or is killed mid-notebook.
    """

    def __init__(self, kernel_name: str = KERNEL_NAME):
        self.kernel_name = kernel_name
        self.manager: AsyncKernelManager | None = None
        self.client: AsyncKernelClient | None = None

    def ensure_started(self) -> None:
        """Start (or restart after a death) and warm up the kernel."""
        if self.manager is not None and run_sync(self.manager.is_alive)():
            return
        self.shutdown()
        # IPC sockets in a folder of our own: kernels started at the same moment by several
        # workers cannot race for the same TCP port.
        self._sockets = tempfile.mkdtemp(prefix="htprofiles-kernel-")
        self.manager = AsyncKernelManager(kernel_name=self.kernel_name, transport="ipc",
                                          ip=os.path.join(self._sockets, "kernel"))
        self.manager.provisioner = ForkingProvisioner.for_manager(self.manager)
        try:
            run_sync(self.manager.start_kernel)(extra_arguments=KERNEL_ARGUMENTS)
        finally:
            if isinstance(self.manager.provisioner, ForkingProvisioner):
                self.manager.provisioner.discard()  # a seed left if the start failed early
        self.client = self.manager.client()
        self.client.start_channels()
        self.client.allow_stdin = False
        run_sync(self.client.wait_for_ready)(timeout=STARTUP_TIMEOUT)
        self._run(_WARM_UP)

    def reset(self, workdir: str) -> None:
        """A clean namespace, execution count 1 and ``workdir`` as the working folder."""
        self.ensure_started()
        self._run(_RESET.format(workdir=workdir))

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
            manager, client, self.manager, self.client = self.manager, self.client, None, None
            try:
                if client is not None:
                    client.stop_channels()
                run_sync(manager.shutdown_kernel)(now=True)
            finally:
                shutil.rmtree(self._sockets, ignore_errors=True)

    def _run(self, code: str) -> None:
        """Run set-up code silently (no output, no execution count)."""
        reply = run_sync(self._reply)(code)
        if reply["content"]["status"] != "ok":
            content = reply["content"]
            raise KernelFailure(f"kernel set-up failed: {content.get('ename')}: "
                                f"{content.get('evalue')}")

    async def _reply(self, code: str) -> dict:
        """The kernel's reply to ``code``. A kernel killed meanwhile (a report's time-out)
        fails at once, not after ``STARTUP_TIMEOUT``: it would never answer."""
        msg_id = self.client.execute(code, silent=True, store_history=False)
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while time.monotonic() < deadline:
            try:
                reply = await self.client.get_shell_msg(timeout=LIVENESS_INTERVAL)
            except queue.Empty:
                if not await self.manager.is_alive():
                    raise KernelFailure("the kernel died during set-up") from None
                continue
            if reply["parent_header"].get("msg_id") == msg_id:
                return reply
        raise KernelFailure(f"kernel set-up took more than {STARTUP_TIMEOUT} s")


_kernels: dict[tuple[int, str], WarmKernel] = {}
_kernels_lock = threading.Lock()


def thread_kernel(kernel_name: str = KERNEL_NAME) -> WarmKernel:
    """The calling thread's warm kernel (Dask runs several task threads per process).

    Kernels are shut down by multiprocessing's exit handlers, which run in pool and Dask
    worker processes as well as in the main process.
    """
    key = (threading.get_ident(), kernel_name)
    with _kernels_lock:
        kernel = _kernels.get(key)
        if kernel is None:
            kernel = _kernels[key] = WarmKernel(kernel_name)
            multiprocessing.util.Finalize(kernel, kernel.shutdown, exitpriority=10)
        return kernel


def kill_kernels() -> None:
    """Kill every kernel this process started, from a signal handler: no lock, no event loop."""
    for kernel in list(_kernels.values()):
        kernel.kill()
