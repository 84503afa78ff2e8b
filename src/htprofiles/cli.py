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

from . import batch
from .data import load_dataset
from .errors import HtprofilesError
from .parameters import default_params_dir
from .sample.generate import embedded_sample_dir, write_sample
from .territories import TERRITORIES

DEFAULT_OUT = Path("reports")


def _data_dir(args) -> Path:
    return Path(args.data) if args.data else embedded_sample_dir()


def _params_dir(args) -> Path:
    return Path(args.params) if args.params else default_params_dir()


def cmd_build(args) -> int:
    params_dir = _params_dir(args)
    config = batch.load_batch_config(params_dir)
    defaults = batch.notebook_defaults()
    overrides = dict(batch.coerce_override(p, defaults) for p in args.parameter)
    dataset = load_dataset(_data_dir(args))
    data_years = set(dataset.cases["year"]) | set(dataset.signals["year"])
    jobs = batch.plan_jobs(config, args.territory, args.year, overrides, data_years)
    batch.check_territory_files(params_dir, sorted({job.territory for job in jobs}))
    out = Path(args.out)
    with tqdm(total=len(jobs), unit="report", disable=None) as bar:
        result = batch.run_batch(jobs, dataset, params_dir, out, progress=lambda _: bar.update())
    print(f"{len(result.written)} written, {len(result.failed)} failed, into {out}/")
    for name, reason in sorted(result.failed.items()):
        print(f"FAILED {name}: {reason}", file=sys.stderr)
    return 1 if result.failed else 0


def cmd_validate(args) -> int:
    dataset = load_dataset(_data_dir(args))
    batch.check_territory_files(_params_dir(args), TERRITORIES)
    print(f"OK: {len(dataset.signals):,} signals, {len(dataset.cases):,} cases, "
          f"{len(dataset.victims):,} victims; {len(TERRITORIES)} territory files")
    return 0


def cmd_territories(args) -> int:
    print(f"{'code':<5} {'fips':<5} {'region':<7} name")
    for t in TERRITORIES.values():
        print(f"{t.code:<5} {t.fips:<5} {t.hhs_region:<7} {t.name}")
    return 0


def cmd_sample_data(args) -> int:
    write_sample(Path(args.directory), scale=args.scale, seed=args.seed)
    print(f"synthetic sample (scale {args.scale}, seed {args.seed}) written to {args.directory}")
    return 0


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {value}")
    return value


def parser() -> argparse.ArgumentParser:
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
    build.set_defaults(run=cmd_build)

    validate = commands.add_parser("validate", parents=[data_opts], help="check the inputs")
    validate.set_defaults(run=cmd_validate)

    territories = commands.add_parser("territories", help="list the known territories")
    territories.set_defaults(run=cmd_territories)

    sample = commands.add_parser("sample-data", help="write the synthetic sample data set")
    sample.add_argument("directory", metavar="DIR")
    sample.add_argument("--scale", type=_positive, default=1, metavar="K")
    sample.add_argument("--seed", type=int, default=2016, metavar="S")
    sample.set_defaults(run=cmd_sample_data)
    return top


def main(argv: list[str] | None = None) -> int:
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
    """Console-script entry point."""
    sys.exit(main())


if __name__ == "__main__":
    run()
