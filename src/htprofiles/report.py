"""What the template notebook calls: one line per section, each displaying published HTML.

Every output is a raw ``text/html`` bundle (no ``text/plain`` repr of objects), so the executed
notebook holds exactly what the HTML report shows, plus the report JSON under its own MIME type.
A researcher's own cells get each published table as a DataFrame (``table_frame``), and their
Altair charts display like the report's (inline SVG).
"""

from __future__ import annotations

import ast
from pathlib import Path

import altair as alt
import pandas as pd
from IPython import get_ipython
from IPython.display import display

from .contract.batchfile import load_batch_config
from .contract.content import Link, load_territory_content, territory_file
from .contract.data import load_dataset
from .contract.parameters import WINDOW_FROM_SERIES, ReportParameters, validate_parameters
from .contract.suppression import is_withheld
from .contract.territories import PROFILED
from .errors import UsageError
from .install import code_fingerprints, package_versions, sha256
from .publication.profile import (
    PUBLISHED_FILE,
    REPORT_MIME,
    Profile,
    build_profile,
    profile_tables,
    published_for,
    read_published,
)
from .rendering import charts, sections

INJECTED_HEADER = "# Parameters\n"
"""How the cell papermill injects after the ``parameters`` cell begins."""
ALTAIR_RENDERER = "htprofiles"
"""The name ``prepare`` registers its Altair renderer under."""


def prepare(**parameters) -> Profile:
    """Validate the parameters, read the data and territory file, and publish every table.

    Names papermill injected that the template does not declare are refused too (papermill
    itself only warns); an open data window opens at the first year of the params folder's
    batch file. The records stay inside this function: the kernel's namespace only ever holds
    published values.

    Raises
    ------
    UsageError
        Naming every wrong parameter, as one line (no traceback in Jupyter or papermill).
    """
    params = validate_parameters(dict.fromkeys(injected_names()) | parameters)
    if params.first_year == WINDOW_FROM_SERIES:  # the batch opened it already
        series = load_batch_config(params.params_path).years
        params = validate_parameters(params.model_dump(), series)
    territory = PROFILED[params.territory]
    tables, synthetic = _tables(params, territory)
    content = load_territory_content(params.params_path, params.territory)
    made_from = _provenance(params, territory_file(params.params_path, params.territory),
                            synthetic)
    _draw_altair_like_the_reports()
    return build_profile(tables, territory, params.year, params.first_year, params.rule,
                         content, synthetic, made_from)


def _tables(params: ReportParameters, territory) -> tuple[dict, bool]:
    """The report's published tables: as the batch published them for every report of the
    build, when it did (its data folder then holds them in place of records), else from the
    records, in this kernel."""
    published = params.data_path / PUBLISHED_FILE
    if published.is_file():
        return read_published(published.read_bytes(), published_for(
            params.territory, params.year, params.first_year, params.rule))
    dataset = load_dataset(params.data_path)  # ``publish`` takes the rows it needs
    return profile_tables(dataset, territory, params.year, params.first_year,
                          params.rule), dataset.synthetic


DATA_SOURCES = {True: "synthetic sample", False: "data folder"}
"""What ``data_source`` says the records were: htprofiles' synthetic sample (the embedded one,
or one ``htprofiles sample-data`` wrote), or a data folder of real records. ``data_dir`` alone
cannot say: a batch hands each report its slice of the data in a folder named ``data``."""


def _provenance(params: ReportParameters, territory_yaml: Path, synthetic: bool) -> dict:
    """What the report records about its own making, so a reviewer can rebuild and check it.

    Only facts that are the same for the same inputs: hashes, versions, the git commit. No
    time, host, user or absolute path, and no digest of the input data: a digest of a
    territory's records would differ between data sets that differ only inside withheld
    counts (and of a territory with no records, anyone can compute it).
    """
    return {"parameters": params.model_dump(), "data_source": DATA_SOURCES[synthetic],
            "territory_file": sha256(territory_yaml.read_bytes()),
            **code_fingerprints(), "versions": package_versions()}


def injected_names() -> set[str]:
    """The names papermill assigned in the cell it injected into this kernel, if any."""
    shell = get_ipython()
    cells = [source for source in (shell.history_manager.input_hist_raw if shell else [])
             if source.startswith(INJECTED_HEADER)]
    if not cells:
        return set()
    return {target.id for node in ast.parse(cells[-1]).body if isinstance(node, ast.Assign)
            for target in node.targets if isinstance(target, ast.Name)}


def _draw_altair_like_the_reports() -> None:
    """Display Altair charts as inline SVG in the report's theme, as HTML: JupyterLab cannot
    draw Vega-Lite 6 itself, and a report shows HTML outputs only."""
    alt.renderers.register(ALTAIR_RENDERER,
                           lambda spec, **_: {"text/html": charts.spec_to_svg(spec)})
    alt.renderers.enable(ALTAIR_RENDERER)


def table_frame(profile: Profile, name: str) -> pd.DataFrame:
    """One published table as a DataFrame, for analyses of your own.

    Columns: what names a row (``category``, ``year``, ``fips`` and ``county``, or a region's
    or the nation's members' ``code`` and ``category``), ``value``
    (the published cell: a count, or a mark such as "<3") and ``count`` (the count, missing
    where withheld: chart it, and a withheld row has no bar). No withheld count is in it.

    Raises
    ------
    UsageError
        For a name that is not one of ``profile.tables``.
    """
    if name not in profile.tables:
        raise UsageError(f"no published table {name!r}; the tables are "
                         f"{', '.join(profile.tables)}")
    published = profile.tables[name]
    names = {"fips": ["fips", "county"], "code": ["code", "category"]}.get(published.key,
                                                                        [published.key])
    frame = pd.DataFrame(list(published.rows), columns=[*names, "value"])
    frame["count"] = pd.array([None if is_withheld(v) else v for v in frame["value"]],
                              dtype="Int64")
    return frame


def _show(fragment: str) -> None:
    display({"text/html": fragment}, raw=True)


def show_header(profile: Profile) -> None:
    """The title block: territory, region, data window and headline counts."""
    _show(sections.header(profile))


def show_tables(profile: Profile, *names: str) -> None:
    """Tables side by side (they wrap on narrow screens and paper)."""
    _show('<div class="tables">' + "".join(sections.table(profile.tables[n]) for n in names)
          + "</div>")


def show_chart(profile: Profile, name: str) -> None:
    """A bar chart of one published table, with its table for readers without sight of it."""
    published = profile.tables[name]
    _show(sections.chart_with_table(charts.bar_svg(published, profile.rule), published,
                                    profile.rule))


def show_map(profile: Profile) -> None:
    """What the map shows, then the map of the year's cases with its note: by county, or a
    region's or the nation's by state and territory (as each publishes its own), with their
    table."""
    if not profile.territory.is_area:
        published = profile.tables["cases_by_county"]
        svg = charts.map_svg(published, profile.territory, profile.rule)
        _show(sections.map_text(profile) + sections.map_figure(
            svg, published, profile.rule, profile.year, charts.map_legend(published,
                                                                           profile.rule)))
        return
    published = profile.tables["cases_by_state"]
    svg = charts.members_map_svg(published, [row["code"] for row in published.rows],
                                 profile.rule)
    _show(sections.map_text(profile) + sections.members_figure(
        svg, published, profile.rule, profile.tables.get("cases_by_region"),
        charts.map_legend(published, profile.rule)))


def show_venues(profile: Profile) -> None:
    """The top sex and labor trafficking venues, or why none may be shown."""
    _show('<div class="tables">' + sections.venues(profile.tables["sex_trafficking_venues"])
          + sections.venues(profile.tables["labor_trafficking_venues"]) + "</div>")


def show_laws(profile: Profile) -> None:
    """The territory file's laws, or "None on file"."""
    _show(sections.laws(profile))


def show_links(items: tuple[Link, ...]) -> None:
    """Collaborations or funding opportunities of the territory file, or "None on file"."""
    _show(sections.links(items))


def show_hotlines(profile: Profile) -> None:
    """The territory file's local hotlines."""
    _show(sections.hotlines(profile.content.hotlines))


def show_about(profile: Profile) -> None:
    """How the report was built: parameters, code hashes, versions, the audit."""
    _show(sections.about(profile))


def publish(profile: Profile) -> None:
    """Hand the report JSON to the renderer through the executed notebook."""
    display({REPORT_MIME: profile.to_json()}, raw=True)

