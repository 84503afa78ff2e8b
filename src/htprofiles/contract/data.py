"""The input data contract: read, validate, slice and write signals, cases and victims.

``SCHEMA`` describes every contract column once; one validation path reads it, so a table's
rules live in a single place. Validation is vectorized: Python loops run only over the
problems found, so checking millions of rows takes seconds.

Where a problem is located
--------------------------
``line`` is the CSV record number: the header is line 1 and the first data row line 2 (this
is the physical line unless a quoted value spans lines). A Parquet file has no header line,
but its rows are numbered the same way (row ``i``, counted from 0, is line ``i + 2``) and a
missing column is reported on line 1, so a problem reads alike whichever format holds it.

Decisions
---------
* An empty file (no header line) is refused: a truncated export must not pass as "no data".
  A header without rows is a valid table with zero rows.
* Columns beyond the contract are ignored and dropped.
* Lines that are blank (every field empty) are skipped.
* An empty string and a Parquet null both mean "not reported" (``pd.NA``).
* A Parquet date column may be a string, a date, or a timestamp at midnight.
"""

from __future__ import annotations

import csv
import hashlib
import json
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from types import MappingProxyType
from typing import Literal

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from ..errors import InputError, Problem, UsageError
from ..install import sha256
from . import geo, vocab
from .territories import TERRITORIES, get_territory, leaves

Kind = Literal["id", "date", "territory", "code", "county", "reference"]


@dataclass(frozen=True)
class Column:
    """How one contract column is checked.

    ``kind`` picks the check; ``required`` refuses empty cells; ``vocabulary`` names the codes
    of a ``code`` column (see ``vocab``); ``references`` names the table whose id a
    ``reference`` column must hold.
    """

    kind: Kind
    required: bool = True
    vocabulary: str | None = None
    references: str | None = None


def _code(vocabulary: str, required: bool = True) -> Column:
    return Column("code", required, vocabulary)


SCHEMA: Mapping[str, Mapping[str, Column]] = MappingProxyType({
    "signals": MappingProxyType({
        "signal_id": Column("id"),
        "received_date": Column("date"),
        "territory": Column("territory"),
        "method": _code("method"),
        "call_type": _code("call_type"),
    }),
    "cases": MappingProxyType({
        "case_id": Column("id"),
        "reported_date": Column("date"),
        "territory": Column("territory"),
        "county_fips": Column("county", required=False),
        "trafficking_type": _code("trafficking_type"),
        "sex_venue": _code("sex_venue", required=False),
        "labor_venue": _code("labor_venue", required=False),
    }),
    "victims": MappingProxyType({
        "victim_id": Column("id"),
        "case_id": Column("reference", references="cases"),
        "citizenship": _code("citizenship", required=False),
        "gender": _code("gender", required=False),
        "age_group": _code("age_group", required=False),
    }),
})
TABLES: tuple[str, ...] = tuple(SCHEMA)
FORMATS = ("csv", "parquet")
MAX_PROBLEMS = 50
SYNTHETIC_MARKER = "SYNTHETIC.txt"
ORIGIN_FILE = "htprofiles-origin.json"
"""Written beside a slice: the hashes of the input files it was cut from."""
SYNTHETIC_NOTE = (
    "This folder holds htprofiles' synthetic sample data: yearly totals follow published\n"
    "figures, the detail is invented. Reports built from it say so. Delete this file only\n"
    "if the data are real.\n"
)

_TEXT = pd.StringDtype("pyarrow")
_ISO_DATE = r"\d{4}-\d{2}-\d{2}"
_FIPS = r"\d{5}"


@dataclass(frozen=True)
class Dataset:
    """A validated data set.

    Coded and id columns are ``string[pyarrow]`` with ``pd.NA`` for "not reported"; the date
    column is ``datetime64[us]`` and ``year`` (int64) its calendar year. Victims carry the
    ``territory`` and ``year`` of their case so they slice and count like cases.
    ``sources`` maps each table to the sha256 of the input file its rows came from
    (provenance): the file read, or for a slice the original input file (``ORIGIN_FILE``).
    ``synthetic`` is true for a folder marked as synthetic sample data (``SYNTHETIC_MARKER``),
    so every report built from it, or from a slice of it, says so.
    """

    signals: pd.DataFrame
    cases: pd.DataFrame
    victims: pd.DataFrame
    sources: dict[str, str]
    synthetic: bool = False

    @property
    def frames(self) -> dict[str, pd.DataFrame]:
        """The three tables by name."""
        return {"signals": self.signals, "cases": self.cases, "victims": self.victims}


def id_column(table: str) -> str:
    """The unique id column of a table."""
    return next(name for name, spec in SCHEMA[table].items() if spec.kind == "id")


def date_column(table: str) -> str | None:
    """The date column of a table (victims have none: they take their case's year)."""
    return next((name for name, spec in SCHEMA[table].items() if spec.kind == "date"), None)


@dataclass
class _Table:
    """One table while it is validated: rows indexed by their line number."""

    name: str
    path: Path
    frame: pd.DataFrame
    sha256: str
    complete: bool


class _Problems:
    """Every problem found, kept in file, line, column order and capped for the reader.

    Only the first ``MAX_PROBLEMS`` rows of each check are turned into messages; the rest are
    only counted, so a file where every row is wrong costs no more than one that is right.
    """

    def __init__(self) -> None:
        self._found: list[tuple[tuple[int, int, int], Problem]] = []
        self._total = 0

    def add(self, table: str, problem: Problem) -> None:
        columns = list(SCHEMA[table])
        position = columns.index(problem.column) if problem.column in columns else -1
        self._found.append(((TABLES.index(table), problem.line or 0, position), problem))
        self._total += 1

    def add_rows(self, table: _Table, column: str, bad: pd.Series,
                 message: Callable[[int], str]) -> None:
        """Report the rows flagged in ``bad`` (indexed by line); ``message(line)`` says why."""
        lines = bad.index[bad.to_numpy(dtype=bool, na_value=False)]
        for line in lines[:MAX_PROBLEMS]:
            self.add(table.name, Problem(table.path, int(line), column, message(line)))
        self._total += max(len(lines) - MAX_PROBLEMS, 0)

    def __bool__(self) -> bool:
        return self._total > 0

    def raise_error(self, directory: Path) -> None:
        found = [problem for _, problem in sorted(self._found, key=lambda item: item[0])]
        shown = found[:MAX_PROBLEMS]
        if self._total > len(shown):
            more = self._total - len(shown)
            shown.append(Problem(directory, None, None,
                                 f"... and {more} more problems not shown; fix these and rerun"))
        raise InputError(shown)


def load_dataset(directory: Path | str) -> Dataset:
    """Read and validate the three tables of ``directory``.

    Raises
    ------
    InputError
        Listing every problem of all three files (the first ``MAX_PROBLEMS`` of them), so the
        user fixes the data in one round instead of one error per run.
    """
    directory = Path(directory)
    if not directory.is_dir():
        reason = "not a directory" if directory.exists() else "no such directory"
        raise InputError([Problem(directory, None, None, f"{reason}; expected the data folder "
                                  f"with {', '.join(TABLES)} as .csv or .parquet")])
    problems = _Problems()
    tables = {name: _read_table(directory, name, problems) for name in TABLES}
    for table in tables.values():
        if table is not None:
            _check_table(table, tables, problems)
    if problems:
        problems.raise_error(directory)
    dataset = _assemble({name: table for name, table in tables.items() if table is not None})
    origin = directory / ORIGIN_FILE
    if origin.is_file():
        recorded = json.loads(origin.read_text(encoding="utf-8"))
        dataset = replace(dataset, sources=recorded["sources"])
    return replace(dataset, synthetic=(directory / SYNTHETIC_MARKER).is_file())


def slice_dataset(dataset: Dataset, territory: str) -> Dataset:
    """Only the rows of one territory, or of a region's or the nation's territories (victims
    through their case), for one report or worker."""
    codes = leaves(get_territory(territory).code)

    def rows(frame: pd.DataFrame) -> pd.DataFrame:
        return frame[_rows_of(frame, codes)].reset_index(drop=True)

    return Dataset(rows(dataset.signals), rows(dataset.cases), rows(dataset.victims),
                   dict(dataset.sources), dataset.synthetic)


def _rows_of(frame: pd.DataFrame, codes: tuple[str, ...]) -> np.ndarray:
    return frame["territory"].isin(codes).to_numpy(dtype=bool)


def slice_fingerprints(dataset: Dataset, territories: Iterable[str]) -> dict[str, str]:
    """A content hash of each territory's rows (the same whether read from CSV or Parquet):
    a report's data key, so a change to one territory's rows rebuilds only its reports.

    Every row is hashed once, and each slice's digest gathers its rows' hashes."""
    hashes = {name: _row_hashes(getattr(dataset, name)) for name in TABLES}
    rows = {name: getattr(dataset, name).groupby("territory", sort=False).indices
            for name in TABLES}
    none = np.empty(0, dtype=np.intp)
    return {code: _digest(dataset, {name: hashes[name][rows[name].get(code, none)]
                                    for name in TABLES})
            for code in territories}


def _row_hashes(frame: pd.DataFrame) -> np.ndarray:
    return pd.util.hash_pandas_object(frame, index=False).to_numpy()


def _digest(dataset: Dataset, row_hashes: Mapping[str, np.ndarray]) -> str:
    digest = hashlib.sha256(f"synthetic={dataset.synthetic}".encode())
    for name in TABLES:
        columns = getattr(dataset, name).columns
        digest.update(f"{name}:{','.join(columns)}:{len(row_hashes[name])}".encode())
        digest.update(row_hashes[name].tobytes())
    return digest.hexdigest()


def write_dataset(dataset: Dataset, directory: Path | str, fmt: str = "parquet") -> None:
    """Write the three tables with exactly the contract columns, readable by ``load_dataset``.

    Dates are ISO strings in CSV and ``date32`` in Parquet; "not reported" is an empty cell or
    a null. A file of the same table in the other format is removed, since a folder holding
    both is refused. The data set's ``sources`` go beside it (``ORIGIN_FILE``), so a slice
    still names the input files it came from.
    """
    if fmt not in FORMATS:
        raise UsageError(f"unknown data format {fmt!r}; choose one of {', '.join(FORMATS)}")
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    for name in TABLES:
        table = _to_arrow(name, getattr(dataset, name))
        if fmt == "csv":
            text = table.cast(pa.schema([(column, pa.string()) for column in table.column_names]))
            text.to_pandas().to_csv(directory / f"{name}.csv", index=False, lineterminator="\n")
        else:
            pq.write_table(table, directory / f"{name}.parquet", compression="zstd")
        other = "parquet" if fmt == "csv" else "csv"
        (directory / f"{name}.{other}").unlink(missing_ok=True)
    mark_synthetic(directory, dataset.synthetic)
    origin = {"sources": dataset.sources}
    text = json.dumps(origin, indent=1, sort_keys=True) + "\n"
    (directory / ORIGIN_FILE).write_text(text, encoding="utf-8")


def mark_synthetic(directory: Path, synthetic: bool = True) -> None:
    """Mark (or unmark) a data folder as synthetic sample data."""
    marker = Path(directory) / SYNTHETIC_MARKER
    if synthetic:
        marker.write_text(SYNTHETIC_NOTE, encoding="utf-8")
    else:
        marker.unlink(missing_ok=True)


def _to_arrow(name: str, frame: pd.DataFrame) -> pa.Table:
    """The contract columns of one table, dates as ``date32`` and the rest as strings."""
    arrays = {
        column: pa.array(frame[column]).cast(
            pa.date32() if spec.kind == "date" else pa.string())
        for column, spec in SCHEMA[name].items()
    }
    return pa.table(arrays)


# Reading ----------------------------------------------------------------------------------


def _read_table(directory: Path, name: str, problems: _Problems) -> _Table | None:
    """Find, hash and parse one table; ``None`` when there is nothing to check row by row."""
    path = _locate(directory, name, problems)
    if path is None:
        return None
    try:
        raw = path.read_bytes()
    except OSError as error:
        problems.add(name, Problem(path, None, None, f"cannot read the file: {error.strerror}"))
        return None
    reader = _read_csv if path.suffix == ".csv" else _read_parquet
    found: list[Problem] = []
    frame = reader(path, raw, list(SCHEMA[name]), found)
    for problem in found:
        problems.add(name, problem)
    if frame is None:
        return None
    return _Table(name, path, frame, sha256(raw), complete=not found)


def _locate(directory: Path, name: str, problems: _Problems) -> Path | None:
    """The one file holding a table, in either format."""
    candidates = [directory / f"{name}.{fmt}" for fmt in FORMATS]
    present = [path for path in candidates if path.exists()]
    if len(present) == 1:
        return present[0]
    if present:
        message = f"both {present[0].name} and {present[1].name} exist; keep only one of them"
    else:
        message = f"missing file; expected {candidates[0].name} or {candidates[1].name}"
    problems.add(name, Problem(candidates[0] if not present else present[0], None, None, message))
    return None


def _read_csv(path: Path, raw: bytes, contract: list[str],
              found: list[Problem]) -> pd.DataFrame | None:
    """Parse a CSV as text, every cell a string, indexed by line number.

    Arrow's parser, not ``pd.read_csv``: pandas pads a short row with empty cells, hiding it,
    while Arrow hands every ragged row, with its record number, to a handler.
    """
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        found.append(Problem(path, line, None, f"not UTF-8 text (byte 0x{raw[error.start]:02x}); "
                                               "save the file with UTF-8 encoding"))
        return None
    if not text.strip():
        found.append(Problem(path, 1, None,
                             f"empty file; expected a header line: {','.join(contract)}"))
        return None
    end = text.find("\n")
    header = next(csv.reader([text[: end if end >= 0 else None].rstrip("\r")]))
    if not _header_ok(path, header, contract, found):
        return None
    malformed: list[pacsv.InvalidRow] = []

    def skip(row: pacsv.InvalidRow) -> str:
        malformed.append(row)
        return "skip"

    try:
        table = pacsv.read_csv(
            pa.py_buffer(raw),
            read_options=pacsv.ReadOptions(use_threads=False),
            parse_options=pacsv.ParseOptions(newlines_in_values=True, ignore_empty_lines=False,
                                             invalid_row_handler=skip),
            convert_options=pacsv.ConvertOptions(
                column_types=dict.fromkeys(header, pa.string()), strings_can_be_null=True,
                null_values=[""]),
        )
    except pa.ArrowInvalid as error:
        found.append(Problem(path, None, None, f"malformed CSV: {error}"))
        return None
    found.extend(_malformed(path, row) for row in malformed)
    lines = np.arange(2, table.num_rows + len(malformed) + 2)
    kept = np.ones(len(lines), dtype=bool)
    kept[[row.number - 2 for row in malformed]] = False
    frame = _frame(table, lines[kept])
    return frame[~frame.isna().all(axis=1)][[c for c in contract if c in header]]


def _header_ok(path: Path, header: list[str], contract: list[str],
               found: list[Problem]) -> bool:
    """Report missing and repeated columns; a repeated one makes the table unreadable."""
    listed = ", ".join(header)
    found.extend(Problem(path, 1, column, f"missing column; the header has: {listed}")
                 for column in contract if column not in header)
    repeated = sorted({column for column in header if header.count(column) > 1})
    found.extend(Problem(path, 1, column, "column appears more than once in the header")
                 for column in repeated)
    return not repeated


def _malformed(path: Path, row: pacsv.InvalidRow) -> Problem:
    hint = "; a quoted value may be missing its closing quote" if "\n" in row.text else ""
    return Problem(path, row.number, None, f"malformed row: expected {row.expected_columns} "
                                           f"fields, found {row.actual_columns}{hint}")


def _read_parquet(path: Path, raw: bytes, contract: list[str],
                  found: list[Problem]) -> pd.DataFrame | None:
    """Read a Parquet file's contract columns as text, so both formats validate alike."""
    try:
        table = pq.read_table(pa.BufferReader(raw))
    except (pa.ArrowException, OSError) as error:
        found.append(Problem(path, None, None, f"not a readable Parquet file: {error}"))
        return None
    if not _header_ok(path, table.column_names, contract, found):
        return None
    columns = {}
    for name in (c for c in contract if c in table.column_names):
        try:
            columns[name] = _as_text(table[name])
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            found.append(Problem(path, 1, name, f"unsupported Parquet type {table[name].type}; "
                                                "expected strings or dates"))
    return _frame(pa.table(columns), np.arange(2, table.num_rows + 2))


def _as_text(column: pa.ChunkedArray) -> pa.ChunkedArray:
    """One Parquet column as strings; dates (and midnight timestamps) become ISO dates."""
    if pa.types.is_timestamp(column.type):
        day = pc.cast(column, pa.date32())
        if pc.all(pc.equal(pc.cast(day, column.type), column)).as_py() is not False:
            column = day
    text = pc.cast(column, pa.string())
    return pc.if_else(pc.equal(text, ""), pa.scalar(None, pa.string()), text)


def _frame(table: pa.Table, lines: np.ndarray) -> pd.DataFrame:
    """String columns with ``pd.NA`` for empty cells, indexed by line number."""
    index = pd.Index(lines, dtype="int64", name="line")
    if not table.num_columns:
        return pd.DataFrame(index=index)
    frame = table.to_pandas(types_mapper=lambda t: _TEXT if pa.types.is_string(t) else None)
    frame.index = index
    return frame


# Checking ---------------------------------------------------------------------------------

Check = Iterator[tuple[pd.Series, Callable[[int], str]]]


def _check_table(table: _Table, tables: Mapping[str, _Table | None],
                 problems: _Problems) -> None:
    """Run every column's checks, as ``SCHEMA`` describes them."""
    for column, spec in SCHEMA[table.name].items():
        if column not in table.frame:
            continue
        values = table.frame[column]
        if spec.required:
            problems.add_rows(table, column, values.isna(),
                              lambda _, c=column: f"empty value; {c} is required")
        for bad, message in _CHECKS[spec.kind](table, column, spec, tables):
            problems.add_rows(table, column, bad, message)


def _check_id(table: _Table, column: str, spec: Column, tables: Mapping) -> Check:
    values = table.frame[column]
    seen = values.duplicated(keep="first")
    repeated = values.notna() & seen
    if repeated.any():
        first = values[values.notna() & ~seen]
        first = first[_isin(first, values[repeated])]
        first_line = dict(zip(first.to_numpy(), first.index, strict=True))
        yield repeated, lambda line: (f"duplicate {column} {values.at[line]!r}; first used on "
                                      f"line {first_line[values.at[line]]}")


def _check_date(table: _Table, column: str, spec: Column, tables: Mapping) -> Check:
    values = table.frame[column]
    bad = values.notna() & _parse_dates(values).isna()
    yield bad, lambda line: f"bad date {values.at[line]!r}; expected a real date as YYYY-MM-DD"


def _parse_dates(values: pd.Series) -> pd.Series:
    """ISO dates as datetimes; anything else, including 2016-02-30 or 2016-2-3, as NaT."""
    iso = values.where(values.str.fullmatch(_ISO_DATE).fillna(False).astype(bool))
    return pd.to_datetime(iso, format="%Y-%m-%d", errors="coerce").astype("datetime64[us]")


def _check_territory(table: _Table, column: str, spec: Column, tables: Mapping) -> Check:
    values = table.frame[column]
    yield values.notna() & ~_isin(values, list(TERRITORIES)), lambda line: (
        f"unknown territory {values.at[line]!r}; expected a USPS code such as VI, PR, TX or DC "
        "(`htprofiles territories` lists them)")


def _check_code(table: _Table, column: str, spec: Column, tables: Mapping) -> Check:
    values = table.frame[column]
    allowed = vocab.codes(spec.vocabulary)
    listed = ", ".join(allowed) + ("" if spec.required else ", or empty")
    yield (values.notna() & ~_isin(values, allowed),
           lambda line: f"unknown code {values.at[line]!r}; expected {listed}")


def _check_county(table: _Table, column: str, spec: Column, tables: Mapping) -> Check:
    """5 digits, and a county of the row's territory (when that territory is known)."""
    values = table.frame[column]
    digits = values.str.fullmatch(_FIPS).fillna(False).astype(bool)
    yield (values.notna() & ~digits,
           lambda line: f"{values.at[line]!r} is not a 5-digit county FIPS code")
    if "territory" not in table.frame:
        return
    territory = table.frame["territory"]
    known = _isin(territory, list(TERRITORIES))
    valid = _county_keys(territory[known].unique())
    outside = values.notna() & digits & known & ~_isin(territory + values, valid)
    yield outside, lambda line: _outside(values.at[line], territory.at[line])


def _isin(values: pd.Series, allowed: Sequence[str] | pd.Series) -> pd.Series:
    """``values.isin(allowed)`` computed by Arrow, which stays fast for a million allowed ids."""
    found = pc.is_in(pa.array(values, pa.string()), value_set=pa.array(allowed, pa.string()))
    return pd.Series(found.to_numpy(zero_copy_only=False), index=values.index, dtype=bool)


def _county_keys(codes: np.ndarray) -> list[str]:
    """Territory code + county FIPS of every county of ``codes``, to check pairs at once."""
    return [code + fips for code in codes for fips in geo.county_names(TERRITORIES[code].fips)]


def _outside(fips: str, code: str) -> str:
    territory = TERRITORIES[code]
    hint = "" if fips.startswith(territory.fips) else (
        f"; its county FIPS codes start with {territory.fips}")
    return f"{fips!r} is not a county of {code} ({territory.name}){hint}"


def _check_reference(table: _Table, column: str, spec: Column,
                     tables: Mapping[str, _Table | None]) -> Check:
    """Only against a referenced table read in full, lest its own problems echo here."""
    target = tables.get(spec.references)
    if target is None or not target.complete:
        return
    values = table.frame[column]
    key = id_column(target.name)
    ids = target.frame[key]
    yield (values.notna() & ~_isin(values, ids.dropna()),
           lambda line: f"unknown {column} {values.at[line]!r}; not a {key} of {target.path}")


_CHECKS: dict[Kind, Callable[[_Table, str, Column, Mapping], Check]] = {
    "id": _check_id,
    "date": _check_date,
    "territory": _check_territory,
    "code": _check_code,
    "county": _check_county,
    "reference": _check_reference,
}


# Assembling -------------------------------------------------------------------------------


def _assemble(tables: Mapping[str, _Table]) -> Dataset:
    """Typed frames of validated tables: dates parsed, years added, victims placed."""
    frames = {}
    for name, table in tables.items():
        frame = table.frame.reset_index(drop=True)
        date = date_column(name)
        if date is not None:
            frame[date] = _parse_dates(frame[date])
            frame["year"] = frame[date].dt.year.astype("int64")
        frames[name] = frame
    for name, frame in frames.items():
        for column, spec in SCHEMA[name].items():
            if spec.kind == "reference":
                _place(frame, frame[column], frames[spec.references], spec.references)
    return Dataset(**frames, sources={name: table.sha256 for name, table in tables.items()})


def _place(frame: pd.DataFrame, keys: pd.Series, target: pd.DataFrame, name: str) -> None:
    """Copy the territory and year of the referenced row, so a table without them slices too."""
    by_id = target.set_index(id_column(name))
    frame["territory"] = keys.map(by_id["territory"]).astype(_TEXT)
    frame["year"] = keys.map(by_id["year"]).astype("int64")
