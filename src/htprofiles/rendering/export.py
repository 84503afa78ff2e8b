"""An executed template as a report: its JSON, and its HTML through nbconvert.

The HTML holds markdown and published outputs only, in the project's offline template.
"""

from __future__ import annotations

from functools import cache

import nbformat
from nbconvert import HTMLExporter, TemplateExporter

from ..errors import ReportError
from ..publication.profile import REPORT_MIME
from .templating import TEMPLATES


class ReportExporter(HTMLExporter):
    """nbconvert's HTML exporter without its last step, a BeautifulSoup pass that gives alt text
    and tab stops to JupyterLab's cell markup: our template has none, and the pass took four
    fifths of the export."""

    def from_notebook_node(self, nb, resources=None, **kw):
        """Render with the template only."""
        return TemplateExporter.from_notebook_node(self, nb, resources, **kw)


@cache
def _exporter() -> ReportExporter:
    return ReportExporter(
        extra_template_basedirs=[str(TEMPLATES)], template_name="report",
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
