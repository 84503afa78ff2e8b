"""``OUT/manifest.json``: what each report was built from and what it wrote.

This module stays light (no pandas, papermill or Altair) so that a batch with nothing to do
finishes in about a second.

A report is skipped when the fingerprint of everything it depends on (template notebook,
package code, parameters, its data slice, its territory file, dependency versions) matches
the recorded one and its files are still there.
"""

from __future__ import annotations

import hashlib
import json
from importlib import metadata, resources
from pathlib import Path

MANIFEST = "manifest.json"
FORMAT_VERSION = 1
KEY_PACKAGES = ("papermill", "nbconvert", "nbclient", "altair", "vl-convert-python", "pandas",
                "pyarrow", "ipykernel")
SUFFIXES = {"html": ".html", "json": ".json", "notebook": ".ipynb", "pdf": ".pdf"}


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def canonical(value) -> bytes:
    """Stable bytes of JSON-able data, for hashing."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), default=str).encode()


def package_fingerprint() -> str:
    """One hash of every file of the installed htprofiles package (code, templates, data)."""
    root = Path(str(resources.files("htprofiles")))
    digest = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0")
        digest.update(sha256(path.read_bytes()).encode())
    return digest.hexdigest()


def dependency_versions() -> dict[str, str]:
    return {name: metadata.version(name) for name in KEY_PACKAGES}


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
    return sha256(canonical(inputs))


def report_paths(out: Path, year: int, territory: str) -> dict[str, Path]:
    base = out / str(year) / territory
    return {kind: base.with_suffix(suffix) for kind, suffix in SUFFIXES.items()}


def load_manifest(out: Path) -> dict:
    """The previous run's manifest, or an empty one (a damaged file only costs a rebuild)."""
    try:
        manifest = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
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


def manifest_bytes(manifest: dict) -> bytes:
    return (json.dumps(manifest, indent=1, sort_keys=True) + "\n").encode()
