"""Report parameters: validated in one place, whoever runs the notebook."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from .errors import UsageError
from .territories import TERRITORIES

WORKDIR_DATA = "data"
WORKDIR_PARAMS = "params"
"""Where a batch report's kernel finds its data slice and territory file, relative to its
work folder: relative paths keep the executed notebook free of absolute paths."""


def project_root() -> Path:
    """The checkout holding ``notebooks/`` and ``params/`` (the package is installed editable)."""
    return Path(__file__).resolve().parents[2]


def template_notebook() -> Path:
    return project_root() / "notebooks" / "profile.ipynb"


def default_params_dir() -> Path:
    return project_root() / "params"


class ReportParameters(BaseModel):
    """The parameters of one report, as the template's ``parameters`` cell declares them."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    territory: str
    year: int
    data_dir: str = ""
    params_dir: str = ""
    suppression_threshold: int = Field(ge=1)
    suppress_zero: bool
    first_year: int

    @model_validator(mode="after")
    def _consistent(self) -> ReportParameters:
        if self.territory not in TERRITORIES:
            raise ValueError(f"unknown territory {self.territory!r}")
        if self.first_year > self.year:
            raise ValueError(f"first_year {self.first_year} is after year {self.year}")
        return self

    @property
    def params_path(self) -> Path:
        return Path(self.params_dir) if self.params_dir else default_params_dir()


def validate_parameters(values: dict) -> ReportParameters:
    """Check parameters before anything runs; one message lists every problem."""
    try:
        return ReportParameters(**values)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(map(str, e['loc'])) or 'parameters'}: {e['msg']}" for e in exc.errors()
        )
        raise UsageError(f"invalid report parameters: {problems}") from None


@dataclass(frozen=True)
class ReportJob:
    """One territory x year of a batch, with its full, validated parameters."""

    territory: str
    year: int
    parameters: dict = field(hash=False, compare=False)

    @property
    def name(self) -> str:
        return f"{self.year}/{self.territory}"
