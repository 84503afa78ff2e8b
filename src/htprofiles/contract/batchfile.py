"""``params/batch.yaml``: the profile series (its years, its territories) and the parameters
every report of a batch shares.

The years a build covers and where a report's data window opens come from here, never from
the data: which reports exist and the window a report states must not tell whether a year
holds records (docs/disclosure.md).
"""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from ..errors import InputError, UsageError
from .content import parse_yaml, validation_problems
from .territories import PROFILED

BATCH_FILE = "batch.yaml"


class BatchConfig(BaseModel):
    """``params/batch.yaml``: the default matrix and the parameters every report shares."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    territories: tuple[str, ...] | str = "all"
    years: tuple[int, ...]
    parameters: dict[str, bool | int | str] = {}

    @field_validator("territories")
    @classmethod
    def _known(cls, value):
        if value == "all":
            return tuple(PROFILED)
        if isinstance(value, str):
            raise ValueError('must be "all" or a list of territory codes')
        unknown = [code for code in value if code not in PROFILED]
        if unknown:
            raise ValueError(f"unknown territory codes: {' '.join(unknown)}")
        return value


def load_batch_config(params_dir: Path) -> BatchConfig:
    """Read and validate ``params/batch.yaml``, naming the file and line of any problem."""
    path = Path(params_dir) / BATCH_FILE
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UsageError(f"{path}: batch file not found") from None
    try:
        return BatchConfig.model_validate(parse_yaml(path, text))
    except ValidationError as exc:
        raise InputError(validation_problems(path, text, exc)) from None
