"""Per-territory reference content (laws, efforts, hotlines) from ``params/territories/XX.yaml``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    StringConstraints,
    ValidationError,
    model_validator,
)

from ..errors import InputError, Problem
from .territories import PROFILED


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


Url = Annotated[str, StringConstraints(pattern=r"^(https?://\S+)?$")]
"""A web address the report links to, or empty: never a ``javascript:`` or relative link."""


class Law(_Strict):
    """A state law on trafficking, with its citation and link."""
    title: str
    citation: str = ""
    url: Url = ""


class Link(_Strict):
    """A named collaboration or funding opportunity, with its web address if any."""
    name: str
    url: Url = ""


class Hotline(_Strict):
    """A local hotline: its name, number and what it is for."""
    name: str
    phone: str
    description: str = ""
    url: Url = ""


class TerritoryContent(_Strict):
    """What a territory file holds; empty lists render as "None on file"."""

    code: str
    name: str
    hhs_region: str
    laws: tuple[Law, ...] = ()
    laws_note: str = ""
    """Printed under the laws; a web address in it becomes a link."""
    collaborations: tuple[Link, ...] = ()
    funding: tuple[Link, ...] = ()
    hotlines: tuple[Hotline, ...] = ()

    @model_validator(mode="after")
    def _matches_registry(self) -> TerritoryContent:
        known = PROFILED.get(self.code)
        if known is None:
            raise ValueError(f"unknown territory code {self.code!r}")
        if (self.name, self.hhs_region) != (known.name, known.hhs_region):
            raise ValueError(
                f"name and hhs_region must be {known.name!r} and {known.hhs_region!r}"
                f" as in the territory registry"
            )
        return self


def territory_file(params_dir: Path, code: str) -> Path:
    """The territory file of ``code``: ``PARAMS/territories/CODE.yaml``."""
    return Path(params_dir) / "territories" / f"{code}.yaml"


def load_territory_content(params_dir: Path, code: str) -> TerritoryContent:
    """Read and validate one territory file; problems name the file, line and field."""
    path = territory_file(params_dir, code)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError([Problem(path, None, None, "territory file not found")]) from None
    except UnicodeDecodeError as exc:
        raise InputError([Problem(path, None, None, f"not UTF-8 text ({exc.reason})")]) from None
    raw = parse_yaml(path, text)
    try:
        content = TerritoryContent.model_validate(raw)
    except ValidationError as exc:
        raise InputError(validation_problems(path, text, exc)) from None
    if content.code != code:
        raise InputError([Problem(path, _line_of(text, ("code",)), "code",
                                  f"file is for {content.code}, expected {code}")])
    return content


def parse_yaml(path: Path, text: str):
    """YAML text to Python data, syntax errors located by line."""
    try:
        return yaml.safe_load(text)
    except yaml.MarkedYAMLError as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark else None
        raise InputError([Problem(path, line, None, f"invalid YAML: {exc.problem}")]) from None


def validation_problems(path: Path, text: str, exc: ValidationError) -> list[Problem]:
    """One located problem per pydantic error."""
    problems = []
    for error in exc.errors():
        loc = tuple(error["loc"])
        column = ".".join(str(part) for part in loc) or None
        problems.append(Problem(path, _line_of(text, loc), column, error["msg"]))
    return problems


def _line_of(text: str, loc: tuple) -> int | None:
    """The 1-based line of the YAML node at ``loc`` (or of its nearest existing parent)."""
    try:
        node = yaml.compose(text)
    except yaml.YAMLError:
        return None
    line = node.start_mark.line + 1 if node else None
    for part in loc:
        node = _child(node, part)
        if node is None:
            break
        line = node.start_mark.line + 1
    return line


def _child(node, part):
    if isinstance(node, yaml.MappingNode):
        return next((v for k, v in node.value if k.value == str(part)), None)
    if isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
        return node.value[part]
    return None
