"""The template in a real JupyterLab, as a researcher uses it after `make lab`: open it and run
it without changing a file, change ``territory`` and ``year`` in its parameters cell, run all
cells, read the new profile, then add a chart of one's own.

The test starts its own server (loopback, a port the system picks, a random token, settings,
runtime and data folders of its own, and the project's ``jupyter/`` configuration, as `make lab`
does) on copies of the template, drives it with Playwright and
the system Chromium, and stops the server and its kernels at the end, checking nothing is left
running. Screenshots are kept in ``test-artifacts/jupyterlab/``.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import nbformat
import psutil
import pytest
from conftest import TEMPLATE, template_example
from playwright.sync_api import Page

from htprofiles.contract.suppression import format_value
from htprofiles.rendering.export import report_json

pytestmark = [pytest.mark.lab, pytest.mark.browser]  # a JupyterLab server, driven by Chromium

PROJECT = Path(__file__).parents[1]
ARTIFACTS = PROJECT / "test-artifacts" / "jupyterlab"
TERRITORY, NAME, YEAR = "TX", "Texas", 2015
OWN_FOLDERS = ("JUPYTER_CONFIG_DIR", "JUPYTER_DATA_DIR", "JUPYTER_RUNTIME_DIR",
               "JUPYTERLAB_SETTINGS_DIR", "JUPYTERLAB_WORKSPACES_DIR", "IPYTHONDIR")
LAB_CONFIG = PROJECT / "jupyter"
"""What `make lab` adds to JupyterLab's configuration (``JUPYTER_CONFIG_PATH``)."""
AUTOSAVE_SECONDS = 1
SETTINGS = {"@jupyterlab/apputils-extension/notification": {"fetchNews": "false",
                                                            "checkForUpdates": False},
            "@jupyterlab/docmanager-extension/plugin": {"autosaveInterval": AUTOSAVE_SECONDS}}
"""Settings that keep JupyterLab from asking to fetch news (it shows nothing unasked-for), and
that would autosave every second if `make lab`'s configuration left autosave on."""
PRISTINE = "pristine"
"""The folder of the copies of the template and its twin that are opened and never saved."""
SERVER_START_SECONDS = 120
KERNEL_READY = "Python 3 (ipykernel) | Idle"
"""The status bar once the notebook's kernel has started and connected (the toolbar's own
indicator reads idle before there is a kernel at all)."""
KERNEL_START_MS = 120_000
RUN_ALL_MS = 300_000
STDERR = '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]'
FINISHED = """() => {
    const prompts = [...document.querySelectorAll('.jp-CodeCell .jp-InputPrompt')]
        .map(prompt => prompt.textContent.trim());
    const status = document.querySelector('.jp-Notebook-ExecutionIndicator')?.dataset.status;
    return status === 'idle' && /^\\[\\d+\\]:$/.test(prompts[0]) && !prompts.includes('[*]:');
}"""
"""Run All has finished: the kernel is idle, the first cell ran and no cell is still queued."""


@dataclass(frozen=True)
class Lab:
    """A running JupyterLab server on a folder holding a copy of the template."""

    url: str
    token: str
    folder: Path
    server: subprocess.Popen

    def open(self, name: str, workspace: str = "") -> str:
        """The URL that opens ``name``, in a workspace of its own if named (tabs open in one
        workspace reappear in another browser tab on it)."""
        place = f"workspaces/{workspace}/" if workspace else ""
        return f"{self.url}lab/{place}tree/{name}?token={self.token}"


def _own_folders(root: Path) -> dict[str, str]:
    """Environment variables pointing every Jupyter folder into ``root``, with the test's
    settings, and JupyterLab's configuration at the project's, as `make lab` has it."""
    folders = {name: root / name.lower() for name in OWN_FOLDERS}
    for plugin, values in SETTINGS.items():
        path = folders["JUPYTERLAB_SETTINGS_DIR"] / f"{plugin}.jupyterlab-settings"
        path.parent.mkdir(parents=True)
        path.write_text(json.dumps(values))
    return {name: str(path) for name, path in folders.items()} | {
        "JUPYTER_CONFIG_PATH": str(LAB_CONFIG)}


def _server_url(server: subprocess.Popen, runtime: Path, log: Path) -> str:
    """The URL the server writes into its runtime folder once it listens."""
    deadline = time.monotonic() + SERVER_START_SECONDS
    while time.monotonic() < deadline:
        assert server.poll() is None, f"JupyterLab exited:\n{log.read_text()[-3000:]}"
        for info in runtime.glob("jpserver-*.json"):
            try:
                return json.loads(info.read_text())["url"]
            except (ValueError, KeyError):
                pass  # still being written
        time.sleep(0.2)
    pytest.fail(f"JupyterLab did not start:\n{log.read_text()[-3000:]}")


def _family(pid: int) -> list[psutil.Process]:
    try:
        process = psutil.Process(pid)
        return [process, *process.children(recursive=True)]
    except psutil.NoSuchProcess:
        return []


def _stop(lab: Lab) -> list[str]:
    """Shut the server down (it shuts its kernels down), kill whatever stayed, and return the
    command lines of what had stayed."""
    family = _family(lab.server.pid)
    if lab.url:  # else it never listened
        request = urllib.request.Request(f"{lab.url}api/shutdown", method="POST",
                                         headers={"Authorization": f"token {lab.token}"})
        try:
            urllib.request.urlopen(request, timeout=10).close()
            lab.server.wait(timeout=30)
        except (OSError, subprocess.TimeoutExpired):
            pass  # the kill below ends it
    _, stayed = psutil.wait_procs(family, timeout=10)
    left = []
    for process in stayed:
        try:
            left.append(" ".join(process.cmdline()))
            process.kill()
        except psutil.NoSuchProcess:
            pass
    psutil.wait_procs(stayed, timeout=10)
    return left


@pytest.fixture(scope="module")
def lab(tmp_path_factory) -> Iterator[Lab]:
    root = tmp_path_factory.mktemp("jupyterlab")
    folder = root / "work"
    folder.mkdir()
    shutil.copy(TEMPLATE, folder / TEMPLATE.name)  # the committed template is never touched
    (folder / PRISTINE).mkdir()
    for path in (TEMPLATE, TEMPLATE.with_suffix(".py")):
        shutil.copy2(path, folder / PRISTINE / path.name)
    env = os.environ | _own_folders(root)
    token = secrets.token_hex(16)
    log = root / "server.log"
    command = [sys.executable, "-m", "jupyter", "lab", "--no-browser", "--ip=127.0.0.1",
               "--port=0", f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={folder}",
               "--LabApp.news_url=None", "--LabApp.expose_app_in_browser=True",
               "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"]
    command += ["--allow-root"] if os.geteuid() == 0 else []
    with open(log, "w") as output:
        server = subprocess.Popen(command, env=env, cwd=folder, stdout=output,
                                  stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    running = Lab("", token, folder, server)
    try:
        running = Lab(_server_url(server, Path(env["JUPYTER_RUNTIME_DIR"]), log), token, folder,
                      server)
        yield running
    finally:
        left = _stop(running)
    assert left == [], f"left running after the server was stopped: {left}"


@pytest.fixture(scope="module")
def page(lab: Lab, browser) -> Iterator[Page]:
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    try:
        yield page
    finally:
        page.close()


def screenshot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=ARTIFACTS / f"{name}.png")


def _edited_parameters() -> str:
    """The template's parameters cell with the territory and year a researcher picks."""
    [cell] = [c for c in nbformat.read(TEMPLATE, as_version=4).cells
              if "parameters" in c.metadata.get("tags", [])]
    source = re.sub(r'^territory: str = "\w+"', f'territory: str = "{TERRITORY}"', cell.source,
                    flags=re.MULTILINE)
    source = re.sub(r"^year: int = \d+", f"year: int = {YEAR}", source, flags=re.MULTILINE)
    assert source != cell.source
    return source


def _replace_source(page: Page, cell, source: str) -> None:
    """Type ``source`` over the cell's code, as in an editor (select all, then type)."""
    cell.locator(".cm-content").click()
    cell.locator(".cm-editor.cm-focused").wait_for()
    page.keyboard.press("Control+A")
    page.keyboard.insert_text(source)
    page.keyboard.press("Control+Home")  # back to the start, as a reader expects to see it


UNSAVED = ".lm-TabBar-tab.jp-mod-dirty"
KERNEL_SETTLED = """async () => {
    const panel = window.jupyterapp.shell.currentWidget;
    const kernel = panel.sessionContext.session.kernel;
    await kernel.info;
    await kernel.spec;
    await new Promise(resolve => setTimeout(resolve, 0));  // after JupyterLab's own handlers
    return panel.context.model.dirty;
}"""
"""Whether the open notebook is unsaved once JupyterLab has written the kernel's language and
kernelspec into its metadata."""


def _run_all(page: Page) -> None:
    page.locator(".lm-MenuBar-itemLabel", has_text="Run").click()
    page.get_by_role("menuitem", name="Run All Cells", exact=True).click()
    page.wait_for_function(FINISHED, timeout=RUN_ALL_MS)


def _close_without_saving(page: Page) -> None:
    """Shut the notebook's kernel down (closing a tab leaves it running), then close the tab,
    discarding its changes."""
    page.evaluate("() => window.jupyterapp.shell.currentWidget.sessionContext.shutdown()")
    page.locator(".lm-MenuBar-itemLabel", has_text="File").click()
    page.get_by_role("menuitem", name=re.compile(r"^Close Tab")).click()
    page.locator(".jp-Dialog button", has_text="Discard").click()
    page.locator(".jp-NotebookPanel").wait_for(state="detached")


def test_opening_and_running_the_template_changes_no_file(lab, browser):
    """Opened, it is not marked unsaved (its metadata is what JupyterLab writes); nothing is
    autosaved, neither before Run All nor after it; closed without saving, the template and
    its jupytext twin are the bytes they were."""
    folder = lab.folder / PRISTINE
    before = _files(folder)
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    try:
        page.goto(lab.open(f"{PRISTINE}/{TEMPLATE.name}", workspace=PRISTINE))
        page.get_by_text(KERNEL_READY, exact=True).wait_for(timeout=KERNEL_START_MS)
        assert page.evaluate(KERNEL_SETTLED) is False
        assert page.locator(UNSAVED).count() == 0
        page.wait_for_timeout(3000 * AUTOSAVE_SECONDS)  # past autosave, were it on
        _run_all(page)
        page.wait_for_timeout(3000 * AUTOSAVE_SECONDS)
        assert page.locator(UNSAVED).count() == 1  # outputs, unsaved
        screenshot(page, "pristine-after-run-all")
        _close_without_saving(page)
    finally:
        page.close()
    assert _files(folder) == before


def _files(folder: Path) -> dict[str, bytes]:
    """The files of a folder (not JupyterLab's checkpoints, which git ignores)."""
    return {path.name: path.read_bytes() for path in folder.iterdir() if path.is_file()}


@pytest.fixture(scope="module")
def ran(lab: Lab, page: Page) -> Page:
    """The template open in JupyterLab with new parameters, after Run > Run All Cells."""
    page.goto(lab.open(TEMPLATE.name))
    page.get_by_text(KERNEL_READY, exact=True).wait_for(timeout=KERNEL_START_MS)
    _replace_source(page, page.locator(".jp-CodeCell").first, _edited_parameters())
    try:
        _run_all(page)
    finally:
        screenshot(page, f"{TERRITORY}-{YEAR}-after-run-all")
    return page


def _saved(lab: Lab, page: Page) -> nbformat.NotebookNode:
    """The notebook as JupyterLab saves it (File > Save)."""
    page.keyboard.press("Escape")
    page.keyboard.press("Control+S")
    page.locator(".lm-TabBar-tab.jp-mod-dirty").wait_for(state="detached")  # saved
    return nbformat.read(lab.folder / TEMPLATE.name, as_version=4)


def test_run_all_profiles_the_new_territory_without_an_error(lab, ran):
    page = ran
    executed = _saved(lab, page)
    code = [cell for cell in executed.cells if cell.cell_type == "code"]
    assert all(cell.execution_count for cell in code), "Run All stopped before the last cell"
    assert [o for cell in code for o in cell.outputs if o.output_type == "error"] == []
    assert page.locator(STDERR).count() == 0
    report = report_json(executed)
    assert (report["territory"], report["year"]) == (TERRITORY, YEAR)

    title = page.locator("h1", has_text=f"{NAME}: Efforts to Combat Human Trafficking")
    title.scroll_into_view_if_needed()
    assert title.is_visible()
    screenshot(page, f"{TERRITORY}-{YEAR}-top")

    county_map = page.locator("figure.chart", has_text=f"Cases by county in {YEAR}")
    county_map.scroll_into_view_if_needed()
    box = county_map.locator("svg").first.bounding_box()
    assert box["width"] > 200 and box["height"] > 100
    screenshot(page, f"{TERRITORY}-{YEAR}-map")

    table = page.get_by_role("table", name="Citizenship", exact=True)
    table.scroll_into_view_if_needed()
    rows = dict(table.evaluate(
        "t => [...t.tBodies[0].rows].map(r => [r.cells[0].innerText, r.cells[1].innerText])"))
    assert rows == {row["category"]: format_value(row["value"])
                    for row in report["tables"]["citizenship"]}


def test_the_kernel_is_the_projects_python(lab, ran):
    kernels = [process.cmdline() for process in _family(lab.server.pid)[1:]
               if "ipykernel_launcher" in " ".join(process.cmdline())]
    assert [Path(kernel[0]).parent for kernel in kernels] == [Path(sys.prefix) / "bin"]


def test_a_chart_of_ones_own_draws_in_a_new_cell(ran):
    page = ran
    page.locator(".jp-Cell").last.click()
    page.keyboard.press("Escape")
    page.keyboard.press("b")  # a new cell below the last one
    cell = page.locator(".jp-CodeCell").last
    _replace_source(page, cell, template_example())
    page.keyboard.press("Control+Enter")  # run it and stay on it
    chart = cell.locator(".jp-OutputArea-output svg").first
    try:
        chart.wait_for()
        chart.scroll_into_view_if_needed()
    finally:
        screenshot(page, f"{TERRITORY}-{YEAR}-own-chart")
    bars = chart.locator('[aria-roledescription="bar"]')
    calls = _published_calls(page)
    assert bars.count() == sum(isinstance(value, int) for value in calls)
    assert page.locator(STDERR).count() == 0


def _published_calls(page: Page) -> list:
    """The published call types, as the page's own table shows them (counts or marks)."""
    table = page.get_by_role("table", name=f"Types of calls to the National Human Trafficking "
                                           f"Hotline in {YEAR}", exact=True)
    cells = table.evaluate("t => [...t.tBodies[0].rows].map(r => r.cells[1].textContent)")
    return [int(cell.replace(",", "")) if cell.replace(",", "").isdigit() else cell
            for cell in cells]
