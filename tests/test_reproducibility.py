"""Same inputs, same bytes; outputs that name what they were built from and fetch nothing."""

from __future__ import annotations

import getpass
import json
import re
import shutil
import socket
from pathlib import Path

import pytest

from htprofiles.cli import main

pytestmark = pytest.mark.build  # the same reports built twice

PROJECT = Path(__file__).parents[1]
SELECTION = ["--territory", "VI", "AK", "--year", "2016"]


@pytest.fixture(scope="module")
def two_builds(tmp_path_factory) -> tuple[Path, Path]:
    """The same reports built into two folders, once in one process, once with two workers."""
    root = tmp_path_factory.mktemp("repro")
    first, second = root / "first", root / "elsewhere" / "second"
    assert main(["build", *SELECTION, "--jobs", "1", "--out", str(first)]) == 0
    assert main(["build", *SELECTION, "--jobs", "2", "--out", str(second)]) == 0
    return first, second


def _report_files(out: Path) -> dict[str, bytes]:
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.glob("20*/*"))}


def test_reports_are_byte_identical_across_folders_and_jobs(two_builds):
    first, second = two_builds
    assert _report_files(first) == _report_files(second)
    assert len(_report_files(first)) == 6
    assert (first / "index.html").read_bytes() == (second / "index.html").read_bytes()


def test_outputs_hold_no_path_host_user_or_time(two_builds):
    first, _ = two_builds
    forbidden = [str(first), str(first.parent), "/tmp/", str(PROJECT), socket.gethostname(),
                 getpass.getuser() + "/", "start_time", "end_time", "duration"]
    for name, data in _report_files(first).items():
        text = data.decode()
        for word in forbidden:
            assert word not in text, f"{name} holds {word!r}"
        assert not re.search(r"20\d\d-\d\d-\d\dT\d\d:\d\d", text), f"{name} holds a timestamp"


_FETCHES = re.compile(
    r"<script[^>]*\bsrc\s*=|<link[^>]*\bhref\s*=|<img[^>]*\bsrc\s*=|url\(|@import"
    r"|<iframe|<object|<embed|\bsrc\s*=\s*[\"']https?:", re.IGNORECASE)


def test_no_report_or_index_references_the_network(two_builds):
    first, _ = two_builds
    pages = [first / "index.html", *first.glob("20*/*.html")]
    assert len(pages) == 3
    for page in pages:
        assert not _FETCHES.search(page.read_text()), page


def test_json_provenance_names_parameters_versions_and_code_but_not_the_data(two_builds):
    first, _ = two_builds
    provenance = json.loads((first / "2016" / "VI.json").read_text())["provenance"]
    assert provenance["parameters"]["territory"] == "VI"
    assert set(provenance) == {"parameters", "data_source", "territory_file", "template",
                               "package", "git_commit", "versions", "audit"}
    assert provenance["data_source"] == "synthetic sample"
    assert all(re.fullmatch(r"[0-9a-f]{64}", provenance[key])
               for key in ("territory_file", "template", "package"))
    assert set(provenance["versions"]) >= {"python", "htprofiles", "papermill", "nbconvert",
                                           "nbclient", "altair", "vl-convert-python", "pandas"}
    html = (first / "2016" / "VI.html").read_text()
    assert provenance["template"] in html and provenance["territory_file"] in html


def test_verify_tells_current_stale_and_altered(two_builds, tmp_path, capsys):
    first, _ = two_builds
    out = tmp_path / "reports"
    shutil.copytree(first, out)
    params = tmp_path / "params"
    shutil.copytree(PROJECT / "params", params)

    assert main(["verify", str(out), "--params", str(params)]) == 0
    assert "2016/VI: current" in capsys.readouterr().out

    vi = params / "territories" / "VI.yaml"
    vi.write_text(vi.read_text() + "# reviewed\n")
    assert main(["verify", str(out), "--params", str(params)]) == 1
    lines = capsys.readouterr().out
    assert "2016/VI: stale (territory_file changed)" in lines
    assert "2016/AK: current" in lines

    html = out / "2016" / "AK.html"
    html.write_bytes(html.read_bytes().replace(b"Alaska", b"Alaskb", 1))
    assert main(["verify", str(out), "--params", str(params)]) == 1
    assert "2016/AK: altered (html)" in capsys.readouterr().out


def test_verify_without_reports_is_a_usage_error(tmp_path, capsys):
    assert main(["verify", str(tmp_path)]) == 2
    assert "no build state" in capsys.readouterr().err
