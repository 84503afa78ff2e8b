"""Warm kernels through papermill's engine registry: same reports as fresh kernels, faster."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest
from jupyter_core.utils import run_sync

from htprofiles.batch import kernels
from htprofiles.batch.execute import build_report
from htprofiles.batch.kernels import ENGINE, WarmKernel, thread_kernel
from htprofiles.errors import KernelFailure
from htprofiles.install import template_notebook

pytestmark = pytest.mark.build  # warm, fresh, killed and forked kernels

PARAMETERS = {"territory": "VI", "year": 2016}


def _build(workdir: Path, engine: str | None):
    workdir.mkdir()
    template = nbformat.read(template_notebook(), as_version=4)
    return build_report(template, PARAMETERS, workdir, engine)


def test_warm_and_fresh_kernels_give_byte_identical_reports(tmp_path):
    """The warm kernel is reused (a first report has run in it, leaving names and a count
    behind) and still gives what papermill's own engine gives in a new kernel."""
    warm_first = _build(tmp_path / "warm1", ENGINE)
    kernel = thread_kernel()
    manager = kernel.manager
    warm_second = _build(tmp_path / "warm2", ENGINE)
    assert kernel.manager is manager, "the second report reused the warm kernel"
    fresh = _build(tmp_path / "fresh", None)
    for artifacts in (warm_second, fresh):
        assert artifacts.html == warm_first.html
        assert artifacts.json == warm_first.json
        assert artifacts.notebook == warm_first.notebook


def test_papermill_runs_the_template_with_the_htprofiles_engine(tmp_path):
    """The engine is registered with papermill: its own command line can use it."""
    executed = tmp_path / "VI.ipynb"
    result = subprocess.run(
        [str(Path(sys.executable).parent / "papermill"), "--engine", ENGINE,
         str(template_notebook()), str(executed), "-p", "territory", "VI", "-p", "year", "2016",
         "--cwd", str(tmp_path), "--no-progress-bar"],
        capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    notebook = nbformat.read(executed, as_version=4)
    [report] = [o["data"]["application/vnd.htprofiles.report+json"] for c in notebook.cells
                for o in c.get("outputs", [])
                if "application/vnd.htprofiles.report+json" in o.get("data", {})]
    assert (report["territory"], report["year"]) == ("VI", 2016)
    json.dumps(report)


def test_a_dead_warm_kernel_is_replaced(tmp_path):
    kernel = WarmKernel()
    try:
        kernel.ensure_started()
        first = kernel.manager
        kernel.kill()
        deadline = time.monotonic() + 30
        while run_sync(first.is_alive)() and time.monotonic() < deadline:
            time.sleep(0.05)
        kernel.reset(str(tmp_path))
        assert kernel.manager is not first
        assert run_sync(kernel.manager.is_alive)()
    finally:
        kernel.shutdown()


def test_a_kernel_whose_set_up_fails_says_why(monkeypatch):
    monkeypatch.setattr(kernels, "_WARM_UP", "import no_such_module_anywhere")
    kernel = WarmKernel()
    try:
        with pytest.raises(KernelFailure, match="ModuleNotFoundError"):
            kernel.ensure_started()
    finally:
        kernel.shutdown()


FORKED_KERNEL = """
import os, sys
from jupyter_client.utils import run_sync
from htprofiles.batch.forking import _ForkedProcess
from htprofiles.batch.kernels import WarmKernel
kernel = WarmKernel()
kernel.reset(sys.argv[1])
manager = kernel.manager
pid = manager.provisioner.pid
reply = run_sync(kernel.client.execute_interactive)(
    "import os; assert os.getcwd() == " + repr(sys.argv[1]), store_history=False, timeout=30)
print(isinstance(manager.provisioner.process, _ForkedProcess), os.getsid(pid) == pid,
      reply["content"]["status"])
kernel.shutdown()
print(run_sync(manager.is_alive)())
"""


def test_a_single_threaded_worker_forks_its_kernel(tmp_path):
    """No new interpreter and imports: the kernel is a copy of its worker, in a session of its
    own (so a timeout kills all of it), working in the report's folder, gone at shutdown."""
    result = subprocess.run([sys.executable, "-c", FORKED_KERNEL, str(tmp_path)],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "True", "ok", "False"]
