"""Execute the template for one report with papermill, then export it: its three artifacts.

``build_report`` writes only inside its work folder and returns bytes; where they go is the
caller's business. Notebooks run through a papermill engine: ``kernels.ENGINE``, the calling
thread's warm kernel, unless another is named (``None`` is papermill's own, a fresh kernel
per notebook: the reports are the same bytes).
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from pathlib import Path

import nbformat
import papermill
from papermill.exceptions import PapermillExecutionError

from ..errors import CellError
from ..rendering.export import export_html, report_json
from .kernels import ENGINE, KERNEL_ARGUMENTS, KERNEL_NAME

EXECUTED = "executed.ipynb"
"""The executed notebook in a report's work folder, kept when a cell fails."""
INJECTED_CELL_ID = "injected-parameters"
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Artifacts:
    """The files of one report, and its JSON as data for the batch's index.

    ``pdf`` is printed by the batch, not the worker, and only when asked for.
    """

    html: bytes
    json: bytes
    notebook: bytes
    report: dict
    pdf: bytes | None = None


def execute(template: nbformat.NotebookNode, parameters: dict, workdir: Path,
            engine: str | None = ENGINE) -> nbformat.NotebookNode:
    """Run the template with papermill in ``workdir``, keeping the executed notebook at
    ``workdir/executed.ipynb`` even when a cell fails.

    Our engine takes the folder as its own argument: papermill's ``cwd`` would change the
    folder of the whole process, which Dask's task threads share.
    """
    where = ({"workdir": str(workdir)} if engine == ENGINE
             else {"cwd": str(workdir), "extra_arguments": KERNEL_ARGUMENTS})
    try:
        notebook = papermill.execute_notebook(
            template, str(workdir / EXECUTED), parameters=parameters, engine_name=engine,
            kernel_name=KERNEL_NAME, progress_bar=False, log_output=False, record_timing=False,
            request_save_on_cell_execute=False, **where,
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


def build_report(template: nbformat.NotebookNode, parameters: dict, workdir: Path,
                 engine: str | None = ENGINE) -> Artifacts:
    """Execute, then export: the pipeline every executor runs for one report."""
    notebook = execute(template, parameters, workdir, engine)
    report = report_json(notebook)
    return Artifacts(
        html=export_html(notebook, report).encode(),
        json=(json.dumps(report, indent=2, ensure_ascii=False) + "\n").encode(),
        notebook=(nbformat.writes(notebook) + "\n").encode(),
        report=report,
    )
