"""Report parameters: declared once, validated in one place, whoever runs the notebook.

``ReportParameters`` is the one declaration of each parameter's name, type, default, allowed
values and help. The template's ``parameters`` cell repeats the names, types, defaults and help
for papermill and Jupyter (``tests/test_parameters.py`` keeps the two identical). The CLI, the
batch and the notebook's first cell all validate through ``validate_parameters``.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from ..errors import UsageError
from ..install import default_params_dir
from .sample import embedded_sample_dir
from .suppression import SuppressionRule
from .territories import PROFILED

WINDOW_FROM_SERIES = 0
"""The default ``first_year``: the data window opens at the first year of the profile series,
``params/batch.yaml``'s years (never at the data's first year: the window must not tell
whether a year holds records)."""

_FLAGS = {"true": True, "false": False, "yes": True, "no": False, "1": True, "0": False}


def _declare(default, help_text: str, allowed: str, **constraints):
    """One parameter: its default, its help (the template's comment) and its allowed values."""
    return Field(default, description=help_text, json_schema_extra={"allowed": allowed},
                 **constraints)


class ReportParameters(BaseModel):
    """The parameters of one report; the template's ``parameters`` cell declares the same.

    Help texts avoid ``=`` and ``#``, which papermill's ``--help-notebook`` cannot parse.
    """

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    territory: str = _declare(
        "VI", "USPS code of the territory, R1-R10 for an HHS region, US for the nation: "
        "see htprofiles territories",
        "one of the 56 territory codes, R1-R10 or US (htprofiles territories)")
    year: int = _declare(
        2016, "calendar year of the profile, a record belongs to the year of its date",
        "a year, not before first_year")
    data_dir: str = _declare(
        "", "folder of signals, cases and victims files, empty for the embedded synthetic sample",
        "a data folder, or empty")
    params_dir: str = _declare(
        "", "folder holding territories/XX.yaml, empty for the params folder of the project",
        "a params folder, or empty")
    suppression_threshold: int = _declare(
        3, "counts from 1 to threshold-1 are published as <threshold",
        "3 or more with suppress_zero; 4 or more without", ge=1)
    suppress_zero: bool = _declare(
        True, "publish zero counts as <threshold too", "true or false")
    first_year: int = _declare(
        WINDOW_FROM_SERIES,
        "first year of the data window shown in per-year tables, 0 for the first year of "
        "params/batch.yaml",
        "0 (the first year of params/batch.yaml), or a year not after year",
        validate_default=True)

    @field_validator("*", mode="before")
    @classmethod
    def _from_text(cls, value, info: ValidationInfo):
        """Read text as the declared type (``-p NAME=VALUE``, papermill ``-p``, YAML), so that
        "false" is False rather than a truthy string; other types must match exactly."""
        kind = cls.model_fields[info.field_name].annotation
        if not isinstance(value, str) or kind is str:
            return value
        if kind is bool:
            if value.strip().lower() not in _FLAGS:
                raise ValueError(f"expected true or false, got {value!r}")
            return _FLAGS[value.strip().lower()]
        try:
            return int(value)
        except ValueError:
            raise ValueError(f"expected a whole number, got {value!r}") from None

    @field_validator("first_year")
    @classmethod
    def _window_from_series(cls, first_year: int, info: ValidationInfo) -> int:
        """An open window (0) starts at the first year of the profile series, once known."""
        years = (info.context or {}).get("series_years")
        return min(years) if first_year == WINDOW_FROM_SERIES and years else first_year

    @field_validator("territory")
    @classmethod
    def _known(cls, code: str) -> str:
        if code not in PROFILED:
            raise ValueError(f"unknown territory {code!r} "
                             f"(htprofiles territories lists the codes)")
        return code

    @model_validator(mode="after")
    def _consistent(self) -> ReportParameters:
        """Checks across parameters."""
        problems = []
        if self.first_year > self.year:
            problems.append(f"first_year: {self.first_year} is after year {self.year}")
        try:  # the rule itself refuses a threshold whose mark would tell too much
            SuppressionRule(self.suppression_threshold, self.suppress_zero)
        except ValueError as exc:
            problems.append(f"suppression_threshold: {exc}")
        if problems:
            raise ValueError("; ".join(problems))
        return self

    @property
    def rule(self) -> SuppressionRule:
        """The disclosure rule."""
        return SuppressionRule(self.suppression_threshold, self.suppress_zero)

    @property
    def data_path(self) -> Path:
        """The data folder to read: the given one, or the embedded sample."""
        return Path(self.data_dir) if self.data_dir else embedded_sample_dir()

    @property
    def params_path(self) -> Path:
        """The params folder to read: the given one, or the project's."""
        return Path(self.params_dir) if self.params_dir else default_params_dir()


def validate_parameters(values: dict, series_years: Iterable[int] | None = None
                        ) -> ReportParameters:
    """Check parameters before anything runs; one message names every problem.

    A window left open (``first_year`` 0) starts at the first of ``series_years``, the
    batch file's years, when they are known.
    """
    years = None if series_years is None else tuple(series_years)
    try:
        return ReportParameters.model_validate(values, context={"series_years": years})
    except ValidationError as exc:
        problems = "; ".join(_describe(error) for error in exc.errors())
        raise UsageError(f"invalid report parameters: {problems}") from None


def _describe(error: dict) -> str:
    """One pydantic error as ``NAME: what is wrong, got VALUE``."""
    name = ".".join(map(str, error["loc"]))
    if error["type"] == "extra_forbidden":
        return f"unknown parameter {name!r} (known: {', '.join(ReportParameters.model_fields)})"
    if error["type"] == "value_error":
        message = str(error["ctx"]["error"])
    else:
        message = f"{error['msg'][0].lower()}{error['msg'][1:]}, got {error['input']!r}"
    return f"{name}: {message}" if name else message


def parameter_rows() -> list[tuple[str, str, str, str, str]]:
    """Name, type, default, allowed values and help of each parameter, as declared."""
    return [(name, spec.annotation.__name__, repr(spec.default),
             spec.json_schema_extra["allowed"], spec.description)
            for name, spec in ReportParameters.model_fields.items()]
