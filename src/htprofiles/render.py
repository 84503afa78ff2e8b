"""The edge that runs kernels: execute the template with papermill, export HTML with nbconvert.

``build_report(parameters, workdir)`` returns the report's three artifacts as bytes; it writes
only inside ``workdir``. Where the artifacts go is the caller's business.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

import nbformat
import papermill
from nbconvert import HTMLExporter
from papermill.exceptions import PapermillExecutionError

from .errors import ReportError
from .notebook import REPORT_MIME
from .parameters import template_notebook


@dataclass(frozen=True)
class Artifacts:
    """The three files of one report."""

    html: bytes
    json: bytes
    notebook: bytes
    report: dict


def execute(parameters: dict, workdir: Path, template: Path | None = None) -> nbformat.NotebookNode:
    """Run the template in a fresh kernel whose working folder is ``workdir``.

    The executed notebook is kept at ``workdir/executed.ipynb`` even when a cell fails, so the
    caller can keep it for debugging.
    """
    output = workdir / "executed.ipynb"
    try:
        return papermill.execute_notebook(
            str(template or template_notebook()), str(output), parameters=parameters,
            cwd=str(workdir), progress_bar=False, log_output=False, kernel_name="python3",
        )
    except PapermillExecutionError as exc:
        raise ReportError(f"cell {exc.exec_count} failed: {exc.ename}: {exc.evalue}") from None


@cache
def _exporter() -> HTMLExporter:
    templates = resources.files("htprofiles") / "templates"
    return HTMLExporter(
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


def build_report(parameters: dict, workdir: Path, template: Path | None = None) -> Artifacts:
    """Execute, then export: the one function every executor runs for a report."""
    notebook = execute(parameters, workdir, template)
    report = report_json(notebook)
    html = export_html(notebook, report)
    return Artifacts(
        html=html.encode(),
        json=(json.dumps(report, indent=2, ensure_ascii=False) + "\n").encode(),
        notebook=nbformat.writes(notebook).encode(),
        report=report,
    )
