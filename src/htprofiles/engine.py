"""Kernels for executing reports: a fresh one per report (plain papermill), or a warm one.

A warm kernel is started once per worker process, has already imported pandas, Altair,
vl-convert and htprofiles and drawn one chart, and is reset to a clean namespace and execution
count before each report. Reports from either kernel are byte-identical (a test proves it);
the warm one only skips the start-up and import costs a fresh kernel pays every time.

Where it can, a warm kernel is started by forking the worker, which has imported all of that
already, rather than by a new interpreter that would import it all again.
"""

from __future__ import annotations

import asyncio
import contextlib
import multiprocessing.util
import os
import pickle
import shutil
import signal
import sys
import tempfile
import threading
import traceback
from pathlib import Path
from typing import NoReturn

from jupyter_client import AsyncKernelClient, AsyncKernelManager
from jupyter_client.provisioning import LocalProvisioner
from jupyter_core.utils import run_sync
from traitlets import Type

from .errors import ReportError

KERNEL_NAME = "python3"
KERNEL_ARGUMENTS = ["--IPKernelApp.log_level=ERROR", "--HistoryManager.enabled=False"]
"""Keep start-up warnings out of the terminal; no history database shared by kernels."""
STARTUP_TIMEOUT = 60

_WARM_UP = """
import gc
from htprofiles import charts, notebook
charts.warm_up()
gc.freeze()
"""
"""Imports and a first chart done before any report; then the garbage collector leaves what is
here for good out of its rounds, so the collection in each reset takes milliseconds."""
_RESET = """
import os as _os
_os.chdir({workdir!r})
get_ipython().reset(new_session=False)
get_ipython().execution_count = 1
"""

class _ForkedProcess:
    """The part of ``subprocess.Popen`` that ``LocalProvisioner`` uses, for a forked child."""

    stdin = stdout = stderr = None

    def __init__(self, pid: int):
        self.pid, self.returncode = pid, None

    def poll(self) -> int | None:
        if self.returncode is None:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                self.returncode = os.waitstatus_to_exitcode(status)
        return self.returncode

    def wait(self) -> int:
        if self.returncode is None:
            _, status = os.waitpid(self.pid, 0)
            self.returncode = os.waitstatus_to_exitcode(status)
        return self.returncode

    def send_signal(self, signum: int) -> None:
        if self.poll() is None:
            os.kill(self.pid, signum)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)


class KernelSeed:
    """A child forked from this process that waits to be told which kernel to become.

    It is forked in plain (not asynchronous) code, so that it inherits no running event loop,
    and only while this process has a single thread: a thread holding a lock at the fork would
    leave it locked in the child forever.
    """

    def __init__(self):
        read, self._orders = os.pipe()
        self.pid = os.fork()
        if self.pid == 0:
            os.close(self._orders)
            _await_orders(read)
        os.close(read)

    @classmethod
    def fork_if_safe(cls) -> KernelSeed | None:
        try:
            single = len(os.listdir("/proc/self/task")) == 1
        except OSError:  # no /proc: do not guess
            single = False
        return cls() if single else None

    def become(self, argv: list[str], cwd: str | None, env: dict | None) -> None:
        with os.fdopen(self._orders, "wb") as orders:
            pickle.dump((argv, cwd, env), orders)

    def discard(self) -> None:
        """Let an unused seed exit (it reads no orders) and reap it."""
        with contextlib.suppress(OSError):
            os.close(self._orders)
        os.waitpid(self.pid, 0)


def _await_orders(read: int) -> NoReturn:
    code = 1
    try:
        with os.fdopen(read, "rb") as orders:
            data = orders.read()
        if data:
            _run_kernel(*pickle.loads(data))
        code = 0
    except BaseException:
        traceback.print_exc(file=sys.__stderr__)  # sys.stderr is the kernel's by now
    finally:
        sys.__stdout__.flush()
        sys.__stderr__.flush()
        os._exit(code)


def _run_kernel(argv: list[str], cwd: str | None, env: dict | None) -> None:
    """Run ipykernel as ``python -m ipykernel_launcher ARGV`` would, in a session of its own
    (so that the whole kernel can be killed at once), watching the process that forked it."""
    os.setsid()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, signal.SIG_DFL)
    if cwd:
        os.chdir(cwd)
    if env is not None:
        os.environ.clear()
        os.environ.update(env)
    os.dup2(os.open(os.devnull, os.O_RDONLY), 0)
    asyncio.set_event_loop(None)  # an idle loop inherited from the parent is not ours
    from ipykernel.kernelapp import IPKernelApp

    IPKernelApp.launch_instance(argv=argv, parent_handle=os.getppid())


class ForkingProvisioner(LocalProvisioner):
    """Starts an ipykernel kernel from a ``KernelSeed`` of this process, which has imported what
    the template needs, instead of a new interpreter that would import it all again. Without a
    seed, or for another kind of kernel, the kernel is launched the usual way."""

    seed: KernelSeed | None = None

    async def launch_kernel(self, cmd: list[str], **kwargs):
        seed, self.seed = self.seed, None
        if seed is None or cmd[1:3] != ["-m", "ipykernel_launcher"]:
            if seed:
                seed.discard()
            return await super().launch_kernel(cmd, **kwargs)
        seed.become(cmd[3:], kwargs.get("cwd"), kwargs.get("env"))
        self.process = _ForkedProcess(seed.pid)
        self.pid = self.pgid = seed.pid
        self.cwd = kwargs.get("cwd") or os.getcwd()
        return self.connection_info


class _ReusedClient(AsyncKernelClient):
    """A client that lives as long as its kernel, though nbclient starts it and waits for the
    kernel to be ready at every report: once is enough (the wait alone lasts 0.2 s)."""

    _ready = False

    def start_channels(self, *args, **kwargs) -> None:
        if not self.channels_running:
            super().start_channels(*args, **kwargs)

    async def wait_for_ready(self, timeout: float | None = None) -> None:
        if not self._ready:
            await super().wait_for_ready(timeout=timeout)
            self._ready = True


class _OneClientManager(AsyncKernelManager):
    """Hands out one client, connected once, for the whole life of its kernel.

    The clients of a manager share its session identity, and the kernel answers only the
    latest of them to connect; and a client already subscribed to the kernel's output spares
    nbclient's readiness check a retry (0.2 s) at every report. Asynchronous like nbclient's
    own manager, so nbclient notices a kernel that dies or is killed mid-report.
    """

    client_factory = Type(_ReusedClient)
    _client: _ReusedClient | None = None

    def client(self, **kwargs) -> AsyncKernelClient:
        if self._client is None:
            self._client = super().client(**kwargs)
            self._client.start_channels()
        return self._client

    def close_client(self) -> None:
        if self._client is not None:
            self._client.stop_channels()


class KernelFailure(ReportError):
    """The warm kernel could not be started or reset: the report fails, the batch goes on."""


class WarmKernel:
    """A kernel this process owns and reuses; shut down when the process exits."""

    def __init__(self, kernel_name: str = KERNEL_NAME, startup_timeout: float = STARTUP_TIMEOUT):
        self.kernel_name = kernel_name
        self.startup_timeout = startup_timeout
        self.manager: _OneClientManager | None = None

    def ensure_started(self) -> AsyncKernelManager:
        """Start (or restart after a death) and warm up the kernel."""
        if self.manager is None or not run_sync(self.manager.is_alive)():
            self.shutdown()
            # IPC sockets in a folder of our own: kernels started at the same moment by
            # several workers cannot race for the same TCP port.
            self._sockets = tempfile.mkdtemp(prefix="htprofiles-kernel-")
            self.manager = _OneClientManager(kernel_name=self.kernel_name, transport="ipc",
                                             ip=os.path.join(self._sockets, "kernel"))
            provisioner = ForkingProvisioner(kernel_spec=self.manager.kernel_spec,
                                             parent=self.manager)
            provisioner.seed = KernelSeed.fork_if_safe()
            self.manager.provisioner = provisioner
            try:
                run_sync(self.manager.start_kernel)(extra_arguments=KERNEL_ARGUMENTS)
            finally:
                if provisioner.seed:  # start_kernel failed before it launched the kernel
                    provisioner.seed.discard()
            run_sync(self.manager.client().wait_for_ready)(timeout=self.startup_timeout)
            self._run(_WARM_UP)
        return self.manager

    def reset(self, workdir: Path) -> AsyncKernelManager:
        """A clean namespace, execution count 1 and ``workdir`` as the working folder."""
        manager = self.ensure_started()
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
            manager, self.manager = self.manager, None
            try:
                manager.close_client()
                run_sync(manager.shutdown_kernel)(now=True)
            finally:
                shutil.rmtree(self._sockets, ignore_errors=True)

    def _run(self, code: str) -> None:
        """Run set-up code silently (no output, no execution count)."""
        reply = run_sync(self.manager.client().execute_interactive)(
            code, silent=True, store_history=False, timeout=self.startup_timeout)
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
