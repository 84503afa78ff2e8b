"""The edge that runs kernels: execute the template with papermill, export HTML with nbconvert.

``build_report`` returns a report's three artifacts as bytes and writes only inside its work
folder; where the artifacts go is the caller's business.
"""

from __future__ import annotations

import json
import logging
from functools import cache
from importlib import resources
from pathlib import Path

import nbformat
import papermill
from jupyter_client import AsyncKernelManager
from nbconvert import HTMLExporter, TemplateExporter
from papermill.exceptions import PapermillExecutionError

from .engine import KERNEL_ARGUMENTS, KERNEL_NAME
from .errors import ReportError
from .notebook import REPORT_MIME
from .worker import EXECUTED, Artifacts

INJECTED_CELL_ID = "injected-parameters"
log = logging.getLogger(__name__)


class CellError(ReportError):
    """A template cell raised; carries which cell, so the summary can point at it."""

    def __init__(self, cell: int | None, ename: str, evalue: str):
        self.cell, self.ename, self.evalue = cell, ename, evalue
        super().__init__(f"cell {cell} failed: {ename}: {evalue}")


def execute(template: nbformat.NotebookNode, parameters: dict, workdir: Path,
            kernel: AsyncKernelManager | None = None) -> nbformat.NotebookNode:
    """Run the template with papermill in ``workdir``: in a fresh kernel, or in ``kernel``.

    A given kernel must already work in ``workdir`` with a clean namespace
    (``WarmKernel.reset``). The executed notebook is kept at ``workdir/executed.ipynb`` even
    when a cell fails.
    """
    engine_args = ({"km": kernel} if kernel
                   else {"cwd": str(workdir), "extra_arguments": KERNEL_ARGUMENTS})
    try:
        notebook = papermill.execute_notebook(
            template, str(workdir / EXECUTED), parameters=parameters, kernel_name=KERNEL_NAME,
            progress_bar=False, log_output=False, record_timing=False,
            request_save_on_cell_execute=False, **engine_args,
        )
    except PapermillExecutionError as exc:
        raise CellError(exc.exec_count, exc.ename, exc.evalue) from None
    return normalize(notebook)


def normalize(notebook: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Drop what differs between runs of the same inputs: times, paths, random ids, streams.

    Streams (warnings, prints) are logged rather than kept: the executed notebook holds
    nothing the HTML report does not show.
    """
    notebook.metadata["papermill"] = {"parameters": notebook.metadata["papermill"]["parameters"]}
    for cell in notebook.cells:
        cell.metadata.pop("papermill", None)
        cell.metadata.pop("execution", None)
        if "injected-parameters" in cell.metadata.get("tags", []):
            cell.id = INJECTED_CELL_ID
        if cell.cell_type == "code":
            for output in cell.outputs:
                if output.output_type == "stream":
                    log.warning("cell %s wrote to %s: %s", cell.execution_count, output.name,
                                output.text.strip())
            cell.outputs = [o for o in cell.outputs if o.output_type != "stream"]
    return notebook


class ReportExporter(HTMLExporter):
    """nbconvert's HTML exporter without its last step, a BeautifulSoup pass that gives alt text
    and tab stops to JupyterLab's cell markup: our template has none, and the pass took four
    fifths of the export."""

    def from_notebook_node(self, nb, resources=None, **kw):
        return TemplateExporter.from_notebook_node(self, nb, resources, **kw)


@cache
def _exporter() -> ReportExporter:
    templates = resources.files("htprofiles") / "templates"
    return ReportExporter(
        extra_template_basedirs=[str(templates)], template_name="report",
        exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True,
        exclude_anchor_links=True,
    )


def report_json(notebook: nbformat.NotebookNode) -> dict:
    """The report JSON that the template's last cell published."""
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            if REPORT_MIME in output.get("data", {}):
                return output["data"][REPORT_MIME]
    raise ReportError("the notebook published no report JSON (is its last cell missing?)")


def export_html(notebook: nbformat.NotebookNode, report: dict) -> str:
    """Markdown and published outputs only, in our offline template."""
    title = f"{report['territory_name']} {report['year']}: Efforts to Combat Human Trafficking"
    html, _ = _exporter().from_notebook_node(notebook, resources={"htprofiles": {"title": title}})
    return html


def build_report(template: nbformat.NotebookNode, parameters: dict, workdir: Path,
                 kernel: AsyncKernelManager | None = None) -> Artifacts:
    """Execute, then export: the pipeline every executor runs for one report."""
    notebook = execute(template, parameters, workdir, kernel)
    report = report_json(notebook)
    return Artifacts(
        html=export_html(notebook, report).encode(),
        json=(json.dumps(report, indent=2, ensure_ascii=False) + "\n").encode(),
        notebook=(nbformat.writes(notebook) + "\n").encode(),
        report=report,
    )
