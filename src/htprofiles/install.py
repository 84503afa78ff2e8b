"""This installation of htprofiles: where its files are, and what identifies its code.

A source checkout (an editable install) runs its own ``notebooks/`` and ``params/``; a wheel
carries copies of both inside the package. Never the current folder: the template runs alike
from any folder, or copied elsewhere.

The fingerprints (template and package hashes, the git commit, the versions of the packages
that shape a report) are the same for the same code on any machine: reports record them, and
incremental builds rebuild a report when they change.
"""

from __future__ import annotations

import hashlib
import json
import platform
import subprocess
from functools import cache
from importlib import metadata, resources
from pathlib import Path

TEMPLATE = "notebooks/profile.ipynb"
PARAMS = "params"
REPORT_PACKAGES = ("papermill", "nbconvert", "nbclient", "ipykernel", "altair",
                   "vl-convert-python", "pandas", "pyarrow")
"""The packages whose versions can change a report's bytes."""


def project_root() -> Path | None:
    """The source checkout the package runs from (an editable install), or None for a wheel."""
    root = Path(__file__).resolve().parents[2]
    return root if (root / TEMPLATE).is_file() else None


def _project_path(relative: str) -> Path:
    """``relative`` in the project checkout, else the copy a wheel ships inside the package."""
    root = project_root()
    return root / relative if root else Path(__file__).parent / relative


def template_notebook() -> Path:
    """The report template the batch runs."""
    return _project_path(TEMPLATE)


def default_params_dir() -> Path:
    """The params folder (batch matrix, territory files) used when none is given."""
    return _project_path(PARAMS)


def sha256(data: bytes) -> str:
    """The hex digest every fingerprint and manifest uses."""
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


def package_versions() -> dict[str, str]:
    """Versions of Python, htprofiles and the packages that shape a report's bytes."""
    return {"python": platform.python_version(), "htprofiles": metadata.version("htprofiles")
            } | {name: metadata.version(name) for name in REPORT_PACKAGES}


@cache
def git_commit() -> str | None:
    """The project's commit, when it is a git checkout (``package`` covers uncommitted edits)."""
    root = project_root()
    if root is None:  # an installed wheel: whatever repository the working folder is in is not ours
        return None
    try:
        result = subprocess.run(["git", "rev-parse", "HEAD"], cwd=root,
                                capture_output=True, text=True, timeout=10, check=True)
    except (OSError, subprocess.SubprocessError):
        return None
    return result.stdout.strip() or None


@cache
def code_fingerprints() -> dict[str, str | None]:
    """Template and package hashes and the git commit, once per process: the code it runs
    does not change."""
    template = template_notebook()
    return {"template": sha256(template.read_bytes()) if template.is_file() else None,
            "package": package_fingerprint(), "git_commit": git_commit()}
