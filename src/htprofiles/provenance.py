"""What a report records about its own making, so a reviewer can rebuild and check it.

Only facts that are the same for the same inputs: hashes, versions, the git commit. No time,
host, user or absolute path, and no digest of the input data: a digest of a territory's
records would differ between data sets that differ only inside withheld counts (and of a
territory with no records, anyone can compute it). What the batch needs to know about the
data stays in the output folder's private state (``manifest.STATE``).
"""

from __future__ import annotations

import platform
import subprocess
from functools import cache
from importlib import metadata
from pathlib import Path

from .manifest import package_fingerprint, sha256
from .parameters import ReportParameters, project_root, template_notebook

PACKAGES = ("htprofiles", "papermill", "nbconvert", "nbclient", "altair", "vl-convert-python",
            "pandas")


def package_versions() -> dict[str, str]:
    """Versions of Python and the packages that shape a report's bytes."""
    return {"python": platform.python_version()} | {
        name: metadata.version(name) for name in PACKAGES
    }


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
def _code_fingerprints() -> dict[str, str | None]:
    """Template and package hashes, once per kernel: the code it runs does not change."""
    template = template_notebook()
    return {"template": sha256(template.read_bytes()) if template.is_file() else None,
            "package": package_fingerprint()}


def collect(params: ReportParameters, territory_file: Path) -> dict:
    """The provenance of one report."""
    return {
        "parameters": params.model_dump(),
        "territory_file": sha256(territory_file.read_bytes()),
        **_code_fingerprints(),
        "git_commit": git_commit(),
        "versions": package_versions(),
    }
