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
from dataclasses import asdict, dataclass, field
from pathlib import Path

from ..contract.suppression import Published, SuppressionRule
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
OPTIONAL_FIELDS = ("sizes", "sha256", "headline")
"""Fields a report has only once its files were written: left out of the JSON until then."""


@dataclass(frozen=True)
class ReportRecord:
    """One report as the folder's state records it, from plan to store to verify and index.

    ``status``: ``pending`` (planned), ``written``, ``failed``, or ``stale`` (its last build
    failed; its previous files, built from the same data, are kept). A report that has files
    has their ``sizes`` and ``sha256`` and its ``headline``.
    """

    territory: str
    year: int
    key: str
    parameters: dict
    inputs: dict[str, str]
    status: str = "pending"
    error: str | None = None
    sizes: dict[str, int] | None = None
    sha256: dict[str, str] | None = None
    headline: dict[str, Published] | None = None

    @property
    def name(self) -> str:
        """``YEAR/CODE``, as the build, its log and its state name the report."""
        return f"{self.year}/{self.territory}"

    @property
    def built(self) -> bool:
        """Whether files of this report were written (now or by an earlier build)."""
        return self.sha256 is not None

    @property
    def has_pdf(self) -> bool:
        """Whether a PDF is among the report's files."""
        return "pdf" in (self.sizes or {})

    @property
    def rule(self) -> SuppressionRule:
        """The disclosure rule this report was built with."""
        return SuppressionRule(self.parameters["suppression_threshold"],
                               self.parameters["suppress_zero"])

    def paths(self, out: Path) -> dict[str, Path]:
        """Where this report's files go in ``out``."""
        return report_paths(out, self.year, self.territory)

    def to_json(self) -> dict:
        """The record as ``state.json`` keeps it."""
        return {name: value for name, value in asdict(self).items()
                if value is not None or name not in OPTIONAL_FIELDS}

    @classmethod
    def from_json(cls, value: dict) -> ReportRecord:
        """A record read back from ``state.json``; ``TypeError`` for a record of another
        shape."""
        return cls(**value)

    def public(self) -> dict:
        """What ``manifest.json`` publishes of the record: nothing derived from the data but
        the report's own files."""
        recorded = self.to_json()
        return {name: recorded[name] for name in PUBLIC_FIELDS if name in recorded}


@dataclass
class FolderState:
    """The private state of an output folder: its data facts, index key and reports."""

    data: dict = field(default_factory=dict)
    """The data files' hashes and the facts read from them (``inputs.BatchInputs.record``)."""
    index: str | None = None
    """The key of the index last written, to skip writing the same one again."""
    reports: dict[str, ReportRecord] = field(default_factory=dict)

    def to_json(self) -> dict:
        """The state as ``state.json`` keeps it."""
        return {"format": FORMAT_VERSION, "data": self.data, "index": self.index,
                "reports": {name: record.to_json()
                            for name, record in sorted(self.reports.items())}}

    @classmethod
    def from_json(cls, value: dict) -> FolderState:
        """A state read back; ``KeyError`` or ``TypeError`` for one of another shape."""
        return cls(value["data"], value["index"], {
            name: ReportRecord.from_json(record) for name, record in value["reports"].items()})

    def manifest(self) -> dict:
        """``manifest.json``: the public part of the state."""
        return {"format": FORMAT_VERSION,
                "reports": {name: record.public()
                            for name, record in sorted(self.reports.items())}}


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


def load_state(out: Path) -> FolderState:
    """The previous run's state, or an empty one (a damaged file only costs a rebuild)."""
    try:
        recorded = json.loads((out / STATE).read_text(encoding="utf-8"))
        if recorded.get("format") == FORMAT_VERSION:
            return FolderState.from_json(recorded)
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        pass
    return FolderState()


def is_current(record: ReportRecord | None, key: str, out: Path, pdf: bool = False) -> bool:
    """Built from the same inputs, and its files still there with the sizes it wrote (a PDF
    among them if ``pdf``)."""
    if not record or record.key != key or record.status != "written":
        return False
    if pdf and not record.has_pdf:
        return False
    paths = record.paths(out)
    return all(paths[kind].is_file() and paths[kind].stat().st_size == size
               for kind, size in record.sizes.items())


def json_bytes(value: dict) -> bytes:
    """Stable, readable JSON bytes for the state and the manifest."""
    return (json.dumps(value, indent=1, sort_keys=True) + "\n").encode()
