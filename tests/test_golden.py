"""The sample reports' bytes, fixed: a refactoring that changes a report fails here.

Digests are taken after the code's own fingerprints (template and package hashes, git commit,
htprofiles version) are masked, so that moving code changes nothing while changing what a
report says or how it looks does. The Python version is masked too: reports name it in their
provenance, and are otherwise the same bytes on Python 3.11, 3.12 and 3.13
(``make test-pythons``). A change meant to alter reports regenerates the digests in its own
commit: ``HTPROFILES_UPDATE_GOLDEN=1 uv run pytest tests/test_golden.py``.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pytest

from htprofiles.cli import main

pytestmark = pytest.mark.build  # twelve reports

GOLDEN = Path(__file__).parent / "golden" / "sample-digests.json"
SELECTION = ["--territory", "VI", "TX", "GU", "WY", "AS", "MP", "--year", "2015", "2016"]
CODE_FINGERPRINTS = ("template", "package", "git_commit")


def _masks(out: Path) -> dict[str, str]:
    """What identifies the code rather than the report, with the placeholder shown instead."""
    provenance = json.loads(next(out.glob("20*/*.json")).read_text())["provenance"]
    masks = {provenance[key]: f"<{key}>" for key in CODE_FINGERPRINTS if provenance[key]}
    masks[provenance["versions"]["htprofiles"]] = "<htprofiles-version>"
    masks[provenance["versions"]["python"]] = "<python-version>"
    return masks


def _digests(out: Path) -> dict[str, str]:
    masks = _masks(out)
    digests = {}
    for path in [*sorted(out.glob("20*/*")), out / "index.html", out / "manifest.json"]:
        text = path.read_text(encoding="utf-8")
        if path.name == "manifest.json":
            text = _without_file_digests(text)
        for value, placeholder in masks.items():
            text = text.replace(value, placeholder)
        digests[str(path.relative_to(out))] = hashlib.sha256(text.encode()).hexdigest()
    return digests


def _without_file_digests(manifest: str) -> str:
    """The manifest less its files' sizes and digests: those depend on the code's fingerprints
    inside the files, and the files' own (masked) digests are checked here anyway."""
    reports = json.loads(manifest)["reports"]
    for record in reports.values():
        record.pop("sha256"), record.pop("sizes")
    return json.dumps(reports, indent=1, sort_keys=True)


@pytest.fixture(scope="module")
def sample_build(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("golden")
    assert main(["build", *SELECTION, "--jobs", "2", "--out", str(out)]) == 0
    return out


def test_sample_reports_match_their_golden_digests(sample_build):
    digests = _digests(sample_build)
    assert len(digests) == 12 * 3 + 2
    if os.environ.get("HTPROFILES_UPDATE_GOLDEN"):
        GOLDEN.parent.mkdir(exist_ok=True)
        GOLDEN.write_text(json.dumps(digests, indent=2, sort_keys=True) + "\n")
    golden = json.loads(GOLDEN.read_text())
    changed = sorted(name for name in golden.keys() | digests.keys()
                     if golden.get(name) != digests.get(name))
    assert not changed, (f"reports changed: {changed}; if meant, regenerate the digests "
                         "(HTPROFILES_UPDATE_GOLDEN=1) in the commit that changes them")
