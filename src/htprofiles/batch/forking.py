"""Kernels forked from their worker, instead of started as new interpreters.

Why: a new kernel spends about 2.5 s of CPU importing pandas, Altair, vl-convert and
htprofiles before its first report. A worker process has imported all of them already (the
fork server preloads them), so a kernel forked from it starts with them in memory. On two
cores the 12-report benchmark takes about 15 % longer with new interpreters
(benchmarks/README.md); a full matrix, which amortises the start-up, about 6 %.

How: ``KernelSeed`` forks a child while the worker is still single-threaded (a thread holding
a lock at the fork would leave it locked in the child forever); the child waits on a pipe for
the command line jupyter_client would have run, then becomes that ipykernel kernel in a
session of its own. ``ForkingProvisioner`` is jupyter_client's ``LocalProvisioner`` launching
from the seed instead of ``subprocess``. Where forking is not safe (the worker already has
threads, as after a kernel died), kernels start the usual way.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import pickle
import signal
import sys
import traceback
from typing import NoReturn

from jupyter_client import AsyncKernelManager
from jupyter_client.provisioning import LocalProvisioner


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
        """A seed, if this process has a single thread (read from /proc), else None."""
        try:
            single = len(os.listdir("/proc/self/task")) == 1
        except OSError:  # no /proc: do not guess
            single = False
        return cls() if single else None

    def become(self, argv: list[str], cwd: str | None, env: dict | None) -> None:
        """Send the seed the kernel's command line, folder and environment: it starts."""
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

    @classmethod
    def for_manager(cls, manager: AsyncKernelManager) -> ForkingProvisioner | None:
        """A provisioner holding a seed forked now, for ``manager`` to start its kernel with
        (jupyter_client keeps a provisioner set before the start); None where forking is not
        safe, and the manager starts a new interpreter."""
        seed = KernelSeed.fork_if_safe()
        if seed is None:
            return None
        provisioner = cls(kernel_spec=manager.kernel_spec, parent=manager)
        provisioner.seed = seed
        return provisioner

    def discard(self) -> None:
        """Release a seed that launched no kernel (the start failed before it)."""
        if self.seed:
            self.seed.discard()
            self.seed = None

    async def launch_kernel(self, cmd: list[str], **kwargs):
        """Become ``cmd`` from the seed when it runs ipykernel; else launch it as usual."""
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
