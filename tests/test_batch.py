"""The batch as analysts run it: parallel, incremental, failure-isolated, on Dask too."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from html.parser import HTMLParser
from pathlib import Path

import pytest

from htprofiles.batch import execute, executors
from htprofiles.cli import main

pytestmark = pytest.mark.build  # whole batches, in worker processes and on Dask

PROJECT = Path(__file__).parents[1]
MATRIX = ["--territory", "VI", "PR", "GU", "--year", "2015", "2016"]
NAMES = [f"{y}/{t}" for y in (2015, 2016) for t in ("GU", "PR", "VI")]


def _files(out: Path) -> dict[str, tuple[int, bytes]]:
    """Every report file with its inode-change time and bytes (to see what was rewritten)."""
    return {str(p.relative_to(out)): (p.stat().st_mtime_ns, p.read_bytes())
            for p in sorted(out.glob("20*/*"))}


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":  # an HTML link, or a tile of the overview map (SVG)
            attributes = dict(attrs)
            self.links.append(attributes.get("href") or attributes["xlink:href"])


@pytest.fixture(scope="module")
def params(tmp_path_factory) -> Path:
    copy = tmp_path_factory.mktemp("params") / "params"
    shutil.copytree(PROJECT / "params", copy)
    return copy


@pytest.fixture(scope="module")
def built(tmp_path_factory, params) -> Path:
    out = tmp_path_factory.mktemp("batch") / "reports"
    assert main(["build", *MATRIX, "--jobs", "2", "--params", str(params), "--out", str(out)]) == 0
    return out


class TestOneBuild:
    """One build of the matrix, which these tests read, then rebuild unchanged, after an edit,
    with --force and on Dask, in this order (``make test`` runs a class on one worker)."""

    def test_batch_writes_every_report_the_index_and_the_manifest(self, built):
        for name in NAMES:
            for suffix in (".html", ".json", ".ipynb"):
                assert (built / f"{name}{suffix}").is_file()
        parser = _Links()
        parser.feed((built / "index.html").read_text())
        assert sorted(set(parser.links)) == sorted(f"{name}.html" for name in NAMES)
        manifest = json.loads((built / "manifest.json").read_text())
        assert sorted(manifest["reports"]) == NAMES
        record = manifest["reports"]["2016/VI"]
        assert set(record) == {"territory", "year", "status", "error", "parameters", "sizes",
                               "sha256", "headline"}
        assert record["sha256"]["html"] == hashlib.sha256(
            (built / "2016/VI.html").read_bytes()).hexdigest()
        assert record["headline"] == {"cases": 4, "signals": json.loads(
            (built / "2016/VI.json").read_text())["tables"]["signals_by_year"][-1]["value"]}

    def test_what_incremental_builds_need_stays_private(self, built):
        """Digests of a territory's records are never published: they live in a dot folder that
        says so, which nothing published links to."""
        private = built / ".htprofiles"
        assert "Do not publish" in (private / "DO-NOT-PUBLISH.txt").read_text()
        state = json.loads((private / "state.json").read_text())
        assert set(state["reports"]["2016/VI"]["inputs"]) == {
            "template", "package", "parameters", "data_slice", "territory_file", "versions"}
        slices = set(state["data"]["slices"].values()) | set(state["data"]["files"].values())
        for path in built.rglob("*"):
            if path.is_file() and ".htprofiles" not in path.parts:
                text = path.read_text(errors="replace")
                assert ".htprofiles/" not in text and not any(digest in text for digest in slices)

    def test_unchanged_rerun_rewrites_nothing(self, built, params, capsys):
        before = _files(built)
        assert main(["build", *MATRIX, "--params", str(params), "--out", str(built)]) == 0
        assert "0 written, 6 unchanged, 0 failed" in capsys.readouterr().out
        assert _files(built) == before

    def test_editing_a_territory_file_rebuilds_only_its_reports(self, built, params, capsys):
        vi = params / "territories" / "VI.yaml"
        vi.write_text(vi.read_text().replace("Victims of Crime Act grants and funds",
                                             "Territorial anti-trafficking fund"))
        before = _files(built)
        assert main(["build", *MATRIX, "--jobs", "1", "--params", str(params),
                     "--out", str(built)]) == 0
        assert "2 written, 4 unchanged, 0 failed" in capsys.readouterr().out
        after = _files(built)
        changed = sorted(name for name in after if after[name] != before[name])
        assert changed == ["2015/VI.html", "2015/VI.ipynb", "2015/VI.json",
                           "2016/VI.html", "2016/VI.ipynb", "2016/VI.json"]
        assert "Territorial anti-trafficking fund" in (built / "2016/VI.html").read_text()

    def test_force_rebuilds_everything_identically(self, built, params, capsys):
        before = _files(built)
        assert main(["build", *MATRIX, "--jobs", "1", "--force", "--params", str(params),
                     "--out", str(built)]) == 0
        assert "6 written, 0 unchanged" in capsys.readouterr().out
        after = _files(built)
        assert {k: v[1] for k, v in after.items()} == {k: v[1] for k, v in before.items()}

    def test_dask_scheduler_gives_byte_identical_reports(self, built, params, tmp_path):
        from distributed import LocalCluster

        with LocalCluster(n_workers=1, threads_per_worker=1, processes=True, host="127.0.0.1",
                          dashboard_address=None) as cluster:
            out = tmp_path / "dask"
            assert main(["build", *MATRIX, "--params", str(params), "--out", str(out),
                         "--scheduler", cluster.scheduler_address]) == 0
        local = {k: v[1] for k, v in _files(built).items()}
        assert {k: v[1] for k, v in _files(out).items()} == local


def test_a_failing_report_leaves_the_others_written(tmp_path, monkeypatch, capsys):
    """PR's kernel is handed an unknown territory: its notebook fails in the first cell."""
    real = execute.build_report

    def build_report(template, parameters, *rest):
        if parameters["territory"] == "PR":
            parameters = {**parameters, "territory": "ZZ"}
        return real(template, parameters, *rest)

    monkeypatch.setattr(execute, "build_report", build_report)
    out = tmp_path / "reports"
    (out / "2016").mkdir(parents=True)
    (out / "2016" / "PR.html").write_text("previous good report")
    code = main(["build", "--territory", "VI", "PR", "GU", "--year", "2016", "--jobs", "1",
                 "--out", str(out)])
    captured = capsys.readouterr()
    assert code == 1
    assert "2 written, 0 unchanged, 1 failed" in captured.out
    assert "FAILED 2016/PR: cell" in captured.err and "unknown territory" in captured.err
    assert ".htprofiles/failed/2016-PR.ipynb" in captured.err
    assert (out / "2016" / "VI.html").is_file() and (out / "2016" / "GU.html").is_file()
    assert (out / "2016" / "PR.html").read_text() == "previous good report"
    failed = json.loads((out / ".htprofiles" / "failed" / "2016-PR.ipynb").read_text())
    assert any(o.get("output_type") == "error" for c in failed["cells"]
               for o in c.get("outputs", []))
    assert "failed" in (out / "index.html").read_text()


def _relabel_one_gu_case(data: Path) -> None:
    """Change one Guam record: a new version of the data for Guam only."""
    cases = data / "cases.csv"
    lines = cases.read_text().splitlines(keepends=True)
    row = next(i for i, line in enumerate(lines) if ",GU," in line and ",sex," in line)
    lines[row] = lines[row].replace(",sex,", ",labor,", 1)
    cases.write_text("".join(lines))


def test_one_folder_never_mixes_data_versions(tmp_path, capsys):
    """After Guam's records change, building VI alone would leave Guam's reports on the old
    data: refused, naming --force and --out; --force rebuilds them in the same run."""
    data, out = tmp_path / "data", tmp_path / "reports"
    assert main(["sample-data", str(data)]) == 0
    build = ["build", "--data", str(data), "--year", "2015", "2016", "--jobs", "2",
             "--out", str(out)]
    assert main([*build, "--territory", "GU", "VI"]) == 0
    _relabel_one_gu_case(data)
    before = _files(out)
    capsys.readouterr()
    assert main([*build, "--territory", "VI"]) == 2
    err = capsys.readouterr().err
    assert "2 report(s) built from other data (2015/GU, 2016/GU)" in err
    assert "--force" in err and "--out" in err and "Traceback" not in err
    assert _files(out) == before
    assert main([*build, "--territory", "VI", "--force"]) == 0
    assert "4 written" in capsys.readouterr().out
    assert main(["verify", "--data", str(data), str(out)]) == 0


def test_one_folder_never_mixes_disclosure_rules(tmp_path, capsys):
    """A report built with threshold 5 beside reports built with 3 would withhold as "<5" a
    count the others publish: refused, naming --force and --out; --force rebuilds the whole
    folder with the new rule; verify names a folder that mixes rules all the same."""
    out = tmp_path / "reports"
    build = ["build", "--year", "2016", "--jobs", "2", "--out", str(out)]
    assert main([*build, "--territory", "VI", "GU"]) == 0
    before = _files(out)
    capsys.readouterr()
    for rule in (["-p", "suppression_threshold=5"],
                 ["-p", "suppress_zero=false", "-p", "suppression_threshold=4"]):
        assert main([*build, "--territory", "VI", *rule]) == 2
        err = capsys.readouterr().err
        assert "1 report(s) built with other parameters" in err and "(2016/GU)" in err
        assert "--force" in err and "--out" in err and "Traceback" not in err
        assert _files(out) == before
    assert "suppression_threshold 3, not 5" in _error_of(main, [*build, "--territory", "VI",
                                                                "-p", "suppression_threshold=5"],
                                                         capsys)
    assert main([*build, "--territory", "VI", "-p", "suppression_threshold=5", "--force"]) == 0
    assert "2 written" in capsys.readouterr().out
    for code in ("VI", "GU"):
        report = json.loads((out / f"2016/{code}.json").read_text())
        assert report["suppression"]["threshold"] == 5
    assert main(["verify", str(out)]) == 0
    assert "mixes" not in capsys.readouterr().out

    state_file = out / ".htprofiles" / "state.json"  # as an older htprofiles could leave it
    recorded = json.loads(state_file.read_text())
    recorded["reports"]["2016/GU"]["parameters"]["suppression_threshold"] = 3
    state_file.write_text(json.dumps(recorded))
    assert main(["verify", str(out)]) == 1
    printed = capsys.readouterr().out
    assert "mixes report parameters" in printed and "suppression_threshold=3" in printed
    assert "suppression_threshold=5" in printed and "--force" in printed


def _error_of(command, argv, capsys) -> str:
    assert command(argv) == 2
    return capsys.readouterr().err


def test_verify_names_the_reports_of_other_data(tmp_path, capsys):
    """A territory's report depends on its region's records (a territory of the region may
    withhold a count for the region's sake): a Guam case changed makes Hawaii's stale too."""
    data, out = tmp_path / "data", tmp_path / "reports"
    assert main(["sample-data", str(data)]) == 0
    assert main(["build", "--data", str(data), "--territory", "GU", "HI", "VI", "--year",
                 "2016", "--jobs", "1", "--out", str(out)]) == 0
    _relabel_one_gu_case(data)
    capsys.readouterr()
    assert main(["verify", "--data", str(data), str(out)]) == 1
    printed = capsys.readouterr().out
    assert "2016/GU: stale (data_slice changed)" in printed and "2016/VI: current" in printed
    assert "2016/HI: stale (data_slice changed)" in printed
    assert "mixes data versions: 2 of 3 reports" in printed and "--force" in printed


def test_a_report_over_its_timeout_fails_cleanly(tmp_path, capsys):
    out = tmp_path / "reports"
    code = main(["build", "--territory", "VI", "--year", "2016", "--jobs", "1",
                 "--timeout", "0.01", "--out", str(out)])
    assert code == 1
    assert "FAILED 2016/VI: timed out after 0.01 s" in capsys.readouterr().err
    assert not (out / "2016" / "VI.html").exists()
    assert main(["build", "--territory", "VI", "--year", "2016", "--jobs", "1",
                 "--out", str(out)]) == 0, "the next report gets a new kernel"


def test_a_batch_starts_no_more_workers_than_it_has_reports(tmp_path, monkeypatch):
    """On a many-core machine, one report must not start a worker and kernel per core."""
    started = []

    def recording_pool(jobs, address=None):
        started.append(jobs)
        return executors.inline()

    monkeypatch.setitem(executors.EXECUTORS, "local", recording_pool)
    assert main(["build", "--territory", "VI", "--year", "2016", "--jobs", "8",
                 "--out", str(tmp_path / "reports")]) == 0
    assert main(["build", "--territory", "VI", "GU", "--year", "2016", "--jobs", "8",
                 "--out", str(tmp_path / "reports")]) == 0  # VI is current: one to build
    assert started == [1, 1]


def test_unreachable_scheduler_is_a_usage_error(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(executors, "SCHEDULER_TIMEOUT", 1)  # not the ten seconds a user waits
    code = main(["build", "--territory", "VI", "--year", "2016", "--out", str(tmp_path),
                 "--scheduler", "tcp://127.0.0.1:1"])
    assert code == 2
    assert "cannot reach the Dask scheduler" in capsys.readouterr().err
    assert os.listdir(tmp_path) == []


def _descendants(pid: int) -> set[int]:
    """Every living process below ``pid`` (read from /proc)."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, todo = set(), [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.add(child)
            todo.append(child)
    return found


def _alive(pids: set[int]) -> set[int]:
    """The processes still running (zombies waiting to be reaped do not count)."""
    running = set()
    for pid in pids:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if state != "Z":
            running.add(pid)
    return running


@pytest.mark.parametrize("pdf", [(), pytest.param(("--pdf",), marks=pytest.mark.browser)],
                         ids=["html", "pdf"])
def test_ctrl_c_stops_workers_and_kernels_and_keeps_finished_reports(tmp_path, pdf):
    out = tmp_path / "reports"
    command = [str(Path(sys.executable).parent / "htprofiles"), "build", "--territory", "VI",
               "PR", "GU", "AS", "MP", "DC", "--year", "2014", "2015", "2016", "--jobs", "2",
               "--out", str(out), *pdf]
    build = subprocess.Popen(command, start_new_session=True, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 240
    while not list(out.glob("20*/*.html")) and time.monotonic() < deadline:
        time.sleep(0.2)
    spawned = _descendants(build.pid)
    os.killpg(build.pid, signal.SIGINT)
    _, err = build.communicate(timeout=30)
    assert build.returncode == 130
    assert "interrupted" in err and "Traceback" not in err
    deadline = time.monotonic() + 10
    while _alive(spawned) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not _alive(spawned), "workers or kernels left running"
    written = list(out.glob("20*/*.html"))
    assert 1 <= len(written) < 18
    assert all(page.read_text().rstrip().endswith("</html>") for page in written)
    assert not [p for p in out.rglob(".*") if p.is_file()], "half-written files left"
