"""The ``htprofiles`` command: parse arguments, call the package, print errors as one line.

Our own errors exit with their code (2 for bad input or usage, 1 for failed reports) and
never show a traceback; set ``HTPROFILES_DEBUG=1`` to see one.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from tqdm import tqdm

from .batch import plan, store
from .batch.build import BatchResult, run_build
from .contract.parameters import parameter_rows
from .contract.sample import embedded_sample_dir
from .contract.territories import PROFILED
from .errors import HtprofilesError
from .install import default_params_dir

DEFAULT_OUT = Path("reports")
BROKEN_PIPE = 141
"""128 + SIGPIPE: the reader of our output went away."""


def _data_dir(args) -> Path:
    return Path(args.data) if args.data else embedded_sample_dir()


def _params_dir(args) -> Path:
    return Path(args.params) if args.params else default_params_dir()


def cmd_build(args) -> int:
    """``htprofiles build``: build the matrix asked for, with one progress bar."""
    request = plan.BuildRequest(
        data_dir=_data_dir(args), params_dir=_params_dir(args), out=Path(args.out),
        territories=tuple(args.territory or ()), years=tuple(args.year or ()),
        overrides=tuple(args.parameter), jobs=args.jobs, force=args.force,
        executor="dask" if args.scheduler else "inline" if args.jobs == 1 else "local",
        scheduler=args.scheduler, timeout=args.timeout, pdf=args.pdf,
    )
    with _ProgressBar() as progress:
        result = run_build(request, progress)
    _summarise(result, request.out)
    if result.interrupted:
        return 130
    return 1 if result.failed else 0


class _ProgressBar:
    """One bar for the batch: reports done, failed, skipped, time left."""

    def __enter__(self):
        self.bar = None
        return self

    def __call__(self, total: int, skipped: int):
        self.bar = tqdm(total=total, initial=skipped, unit="report", disable=None,
                        dynamic_ncols=True)
        self.counts = {"failed": 0, "skipped": skipped}
        self.bar.set_postfix(self.counts)

        def done(outcome) -> None:
            if outcome.artifacts is None:
                self.counts["failed"] += 1
                self.bar.set_postfix(self.counts)
            self.bar.update()
        return done

    def __exit__(self, *exc_info) -> None:
        if self.bar is not None:
            self.bar.close()


def _summarise(result: BatchResult, out: Path) -> None:
    print(f"{len(result.written)} written, {len(result.unchanged)} unchanged, "
          f"{len(result.failed)} failed, into {out}/ (see {out / 'index.html'})")
    for name, outcome in sorted(result.failed.items()):
        where = (f" (notebook: {store.failed_notebook_path(out, outcome.job)})"
                 if outcome.failed_notebook else "")
        print(f"FAILED {name}: {outcome.error}{where}", file=sys.stderr)
    if result.interrupted:
        print("interrupted: finished reports were written, the others kept their previous "
              "version", file=sys.stderr)


def cmd_validate(args) -> int:
    """``htprofiles validate``: check the data and every territory file."""
    from .contract.data import load_dataset

    dataset = load_dataset(_data_dir(args))
    plan.check_territory_files(_params_dir(args), PROFILED)
    print(f"OK: {len(dataset.signals):,} signals, {len(dataset.cases):,} cases, "
          f"{len(dataset.victims):,} victims; {len(PROFILED)} territory files")
    return 0


def cmd_verify(args) -> int:
    """``htprofiles verify OUT``: report by report, current, stale or altered; and whether
    the folder mixes data versions or parameters."""
    from .batch.verify import verify_reports

    found = verify_reports(Path(args.out), _data_dir(args), _params_dir(args))
    checks = found.checks
    for check in checks:
        print(check)
    bad = sum(not check.ok for check in checks)
    print(f"{len(checks) - bad} current, {bad} stale or altered")
    rebuild = f"rebuild them with `htprofiles build --force --out {args.out}`"
    other = sum("data_slice" in check.stale for check in checks)
    if 0 < other < len(checks):
        print(f"{args.out} mixes data versions: {other} of {len(checks)} reports were built "
              f"from other data than {_data_dir(args)}; {rebuild}")
    if found.mixed:
        sets = "; ".join(f"{_parameters_text(shared)} ({len(names)} report(s): "
                         f"{', '.join(names[:3])}{', ...' if len(names) > 3 else ''})"
                         for shared, names in found.parameter_sets)
        print(f"{args.out} mixes report parameters, so one report may publish a count another "
              f"withholds: {sets}; {rebuild} and the parameters you want (-p NAME=VALUE), "
              f"or build each set into its own --out folder")
    return 1 if bad or found.mixed else 0


def _parameters_text(parameters: dict) -> str:
    return ", ".join(f"{name}={value}" for name, value in parameters.items())


def cmd_territories(args) -> int:
    """``htprofiles territories``: the codes, FIPS codes, regions and names, then the HHS
    regions and the nation with their members."""
    print(f"{'code':<5} {'fips':<5} {'region':<7} name")
    for t in PROFILED.values():
        members = f" ({' '.join(t.members)})" if t.members else ""
        print(f"{t.code:<5} {t.fips:<5} {t.hhs_region:<7} {t.name}{members}")
    return 0


def cmd_params(args) -> int:
    """``htprofiles params``: each report parameter, its type, default and help."""
    rows = [("name", "type", "default", "allowed", "help"), *parameter_rows()]
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    for *columns, help_text in rows:
        print("  ".join([*(c.ljust(w) for c, w in zip(columns, widths, strict=True)),
                         help_text]))
    return 0


def cmd_sample_data(args) -> int:
    """``htprofiles sample-data DIR``: write the synthetic sample, at any scale."""
    from .contract.sample.generate import write_sample

    write_sample(Path(args.directory), scale=args.scale, seed=args.seed)
    print(f"synthetic sample (scale {args.scale}, seed {args.seed}) written to {args.directory}")
    return 0


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {value}")
    return value


def parser() -> argparse.ArgumentParser:
    """The command line: one subcommand per task."""
    top = argparse.ArgumentParser(prog="htprofiles", description=__doc__.splitlines()[0])
    commands = top.add_subparsers(dest="command", required=True)
    data_opts = argparse.ArgumentParser(add_help=False)
    data_opts.add_argument("--data", metavar="DIR", help="input data folder (default: sample)")
    data_opts.add_argument("--params", metavar="DIR", help="parameter folder (default: params/)")

    build = commands.add_parser("build", parents=[data_opts], help="build reports")
    build.add_argument("--territory", nargs="+", action="extend", metavar="CODE")
    build.add_argument("--year", nargs="+", action="extend", type=int, metavar="YEAR")
    build.add_argument("--out", default=str(DEFAULT_OUT), metavar="DIR")
    build.add_argument("-p", "--parameter", action="append", default=[], metavar="NAME=VALUE",
                       help="override a notebook parameter for every report")
    build.add_argument("--jobs", type=_positive, default=os.cpu_count() or 1, metavar="N",
                       help="reports built at once (default: the number of cores; 1 builds "
                       "them one after another in this process)")
    build.add_argument("--force", action="store_true", help="rebuild even unchanged reports")
    build.add_argument("--scheduler", metavar="ADDRESS",
                       help="run on an existing Dask scheduler, e.g. tcp://127.0.0.1:8786")
    build.add_argument("--timeout", type=float, metavar="SECONDS",
                       help="fail a report that runs longer than this")
    build.add_argument("--pdf", action="store_true",
                       help="also print each report to YEAR/CODE.pdf (needs Chromium)")
    build.set_defaults(run=cmd_build)

    validate = commands.add_parser("validate", parents=[data_opts], help="check the inputs")
    validate.set_defaults(run=cmd_validate)

    verify = commands.add_parser("verify", parents=[data_opts],
                                 help="check reports against their inputs and files")
    verify.add_argument("out", metavar="OUT", help="a folder of built reports")
    verify.set_defaults(run=cmd_verify)

    territories = commands.add_parser("territories", help="list the known territories")
    territories.set_defaults(run=cmd_territories)

    params = commands.add_parser("params", help="list the report parameters (for -p)")
    params.set_defaults(run=cmd_params)

    sample = commands.add_parser("sample-data", help="write the synthetic sample data set")
    sample.add_argument("directory", metavar="DIR")
    sample.add_argument("--scale", type=_positive, default=1, metavar="K")
    sample.add_argument("--seed", type=int, default=2016, metavar="S")
    sample.set_defaults(run=cmd_sample_data)
    return top


def main(argv: list[str] | None = None) -> int:
    """Run one command; our errors print as one line and exit with their code."""
    args = parser().parse_args(argv)
    try:
        return args.run(args)
    except HtprofilesError as exc:
        if os.environ.get("HTPROFILES_DEBUG"):
            raise
        print(f"htprofiles: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("htprofiles: interrupted", file=sys.stderr)
        return 130


def run() -> None:
    """Console-script entry point.

    Output piped to ``head`` or a pager that stops reading ends the command quietly, as a
    Unix tool killed by SIGPIPE would (exit 141), instead of with a traceback.
    """
    try:
        code = main()
        sys.stdout.flush()  # here, not at interpreter exit, where the error would be printed
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        code = BROKEN_PIPE
    sys.exit(code)


if __name__ == "__main__":
    run()
