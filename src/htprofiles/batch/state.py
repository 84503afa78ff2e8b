"""What a build records: the private state of an output folder and its public manifest.

The state (``OUT/.htprofiles/state.json``) holds what incremental builds need: each report's
key, the hash of everything it depends on (template notebook, package code, parameters, its
territory's data slice, its territory file, dependency versions) and the data files' hashes.
Digests of a territory's records must never be published (two data sets that differ only
inside withheld counts would publish different bytes), so the state sits in a folder whose
name starts with a dot, never linked from a report or the index, with a note saying not to
publish it. ``OUT/manifest.json`` is the public part: parameters, status and the digests of
the files each report wrote.

A report is skipped when its key matches the recorded one and its files are still there.

This module stays light (no pandas, papermill or Altair) so that a batch with nothing to do
finishes in about a second.
"""

from __future__ import annotations

import json
from pathlib import Path

from ..install import canonical, sha256

MANIFEST = "manifest.json"
PRIVATE = Path(".htprofiles")
STATE = PRIVATE / "state.json"
PRIVATE_NOTE = (PRIVATE / "DO-NOT-PUBLISH.txt",
                b"Build state of htprofiles: digests of each territory's data, build logs and "
                b"failed notebooks.\nDo not publish this folder; publish the rest of the "
                b"output folder.\n")
PUBLIC_FIELDS = ("territory", "year", "status", "error", "parameters", "sizes", "sha256",
                 "headline")
FORMAT_VERSION = 2
SUFFIXES = {"html": ".html", "json": ".json", "notebook": ".ipynb", "pdf": ".pdf"}






def data_file_hashes(directory: Path) -> dict[str, str]:
    """Hashes of every file of the data folder, to skip reloading data that did not change."""
    if not directory.is_dir():
        return {}
    return {p.name: sha256(p.read_bytes()) for p in sorted(directory.iterdir())
            if p.is_file() and not p.name.startswith(".")}


def report_inputs(parameters: dict, template: str, package: str, data_slice: str,
                  territory_file: bytes, versions: dict) -> dict[str, str]:
    """The hash of each thing one report depends on (kept apart so a change can be named)."""
    return {
        "template": sha256(template.encode()),
        "package": package,
        "parameters": sha256(canonical(parameters)),
        "data_slice": data_slice,
        "territory_file": sha256(territory_file),
        "versions": sha256(canonical(versions)),
    }


def report_key(inputs: dict[str, str]) -> str:
    """One key for all of a report's inputs: equal keys mean the report is current."""
    return sha256(canonical(inputs))


def report_paths(out: Path, year: int, territory: str) -> dict[str, Path]:
    """Where a report's files go: ``OUT/YEAR/CODE.html|json|ipynb|pdf``."""
    base = out / str(year) / territory
    return {kind: base.with_suffix(suffix) for kind, suffix in SUFFIXES.items()}


def load_state(out: Path) -> dict:
    """The previous run's state, or an empty one (a damaged file only costs a rebuild)."""
    try:
        manifest = json.loads((out / STATE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {"format": FORMAT_VERSION, "reports": {}}
    if manifest.get("format") != FORMAT_VERSION:
        return {"format": FORMAT_VERSION, "reports": {}}
    return manifest


def is_current(record: dict | None, key: str, out: Path, pdf: bool = False) -> bool:
    """Built from the same inputs, and its files still there with the sizes it wrote (a PDF
    among them if ``pdf``)."""
    if not record or record.get("key") != key or record.get("status") != "written":
        return False
    if pdf and "pdf" not in record["sizes"]:
        return False
    paths = report_paths(out, record["year"], record["territory"])
    return all(paths[kind].is_file() and paths[kind].stat().st_size == size
               for kind, size in record["sizes"].items())


def public_manifest(state: dict) -> dict:
    """What ``manifest.json`` publishes of the state: nothing derived from the data but the
    published reports' own files."""
    return {"format": state["format"],
            "reports": {name: {field: record[field] for field in PUBLIC_FIELDS if field in record}
                        for name, record in state["reports"].items()}}


def json_bytes(value: dict) -> bytes:
    """Stable, readable JSON bytes for the state and the manifest."""
    return (json.dumps(value, indent=1, sort_keys=True) + "\n").encode()
