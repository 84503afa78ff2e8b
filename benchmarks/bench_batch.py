"""Benchmark: `htprofiles build` against the plain papermill + nbconvert loop, in one run.

Run from the project root after `make setup`:

    uv run python benchmarks/bench_batch.py            # everything (about 4 minutes on 2 cores)
    uv run python benchmarks/bench_batch.py --quick    # skip the full-matrix figures

Prints wall times, their ratio and peak memory (of each command's own process). Nothing here
asserts a time; record the figures in benchmarks/README.md with the machine they came from.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
TERRITORIES = ["VI", "PR", "TX", "CA", "NY", "GU"]
YEARS = ["2015", "2016"]
REPEATS = 3
"""Runs of the 12-report build, whose median is compared: a single 9-second run varies by about
10% on a shared machine, while the plain loop's 24 commands average out their own variations."""


def run(command: list[str], **kwargs) -> tuple[float, float]:
    """Wall seconds and peak resident memory (MiB) of one command's own process."""
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                               **kwargs)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"failed: {' '.join(command)}\n{process.stderr.read().decode()}")
    return seconds, usage.ru_maxrss / 1024


def htprofiles(*args: str) -> list[str]:
    return [str(BIN / "htprofiles"), *args]


def plain_loop(work: Path) -> float:
    """What a user would write without htprofiles: papermill, then nbconvert, per report."""
    started = time.perf_counter()
    for year in YEARS:
        for code in TERRITORIES:
            executed = work / f"{year}-{code}.ipynb"
            run([str(BIN / "papermill"), str(ROOT / "notebooks/profile.ipynb"), str(executed),
                 "-p", "territory", code, "-p", "year", year, "--no-progress-bar"])
            run([str(BIN / "jupyter"), "nbconvert", "--to", "html", "--no-input",
                 str(executed)])
    return time.perf_counter() - started


def report(label: str, seconds: float, memory: float | None = None, note: str = "") -> None:
    mem = f"{memory:8.0f} MiB" if memory is not None else " " * 12
    print(f"{label:<52} {seconds:8.1f} s {mem}  {note}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="skip the full-matrix figures")
    args = parser.parse_args()
    cores = os.cpu_count() or 1
    n = len(TERRITORIES) * len(YEARS)
    print(f"machine: {platform.machine()}, {cores} cores, Python {platform.python_version()}, "
          f"{platform.platform()}")
    with tempfile.TemporaryDirectory(prefix="htprofiles-bench-") as tmp:
        work = Path(tmp)
        selection = ["--territory", *TERRITORIES, "--year", *YEARS]
        runs = [run(htprofiles("build", *selection, "--force", "--jobs", str(cores),
                               "--out", str(work / "ours"))) for _ in range(REPEATS)]
        ours, memory = statistics.median(runs)
        report(f"htprofiles build, {n} reports, --jobs {cores}", ours, memory,
               f"{ours / n:.2f} s/report; median of "
               + ", ".join(f"{seconds:.1f}" for seconds, _ in runs))
        (work / "plain").mkdir()
        plain = plain_loop(work / "plain")
        report(f"plain papermill + nbconvert loop, {n} reports", plain, None,
               f"{plain / n:.2f} s/report")
        print(f"{'cold ratio (plain / htprofiles)':<52} {plain / ours:8.1f} x", flush=True)

        if not args.quick:
            full = work / "full"
            seconds, memory = run(htprofiles("build", "--out", str(full)))
            report("full matrix (280 reports), cold", seconds, memory)
            seconds, memory = run(htprofiles("build", "--out", str(full)))
            report("full matrix, unchanged rerun", seconds, memory)
            params = work / "params"
            shutil.copytree(ROOT / "params", params)
            vi = params / "territories" / "VI.yaml"
            vi.write_text(vi.read_text().replace("grants and funds", "grants and funding"))
            seconds, memory = run(htprofiles("build", "--params", str(params), "--out", str(full)))
            report("full matrix, after editing VI.yaml (5 reports)", seconds, memory)

        seconds, memory = run(htprofiles("validate"))
        report("validate, embedded sample", seconds, memory)
        for scale in (5, 10):
            data = work / f"scale{scale}"
            run(htprofiles("sample-data", str(data), "--scale", str(scale)))
            rows = sum(f.read_text().count("\n") - 1 for f in data.glob("*.csv"))
            seconds, memory = run(htprofiles("validate", "--data", str(data)))
            report(f"validate, sample-data --scale {scale} ({rows:,} rows)", seconds, memory)


if __name__ == "__main__":
    main()
