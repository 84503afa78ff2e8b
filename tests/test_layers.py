"""The package's layers import one way only, and the code passes its linter.

Layers from the bottom: errors and install; the input contract; the publication; rendering;
the notebook's API (``report``) and the batch; the command line. A module may import from its
own layer and the layers below, never from above: that is what keeps the flow readable and
free of import cycles (docs/architecture.md).
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).parents[1] / "src" / "htprofiles"
LAYERS = {
    "errors": 0, "install": 0,
    "contract": 1,
    "publication": 2,
    "rendering": 3,
    "report": 4, "batch": 4,
    "cli": 5,
}


def _layer(module: str) -> str:
    """``htprofiles.contract.data`` -> ``contract``."""
    return module.split(".")[1]


def _imports(path: Path) -> list[tuple[int, str]]:
    """The htprofiles modules a file imports, with their line numbers."""
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    package = parts[:-1]
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom):
            base = (package[:len(package) - node.level + 1] if node.level else ())
            name = ".".join([*base, *([node.module] if node.module else [])])
            targets = [name] if node.module else [f"{name}.{a.name}" for a in node.names]
            found += [(node.lineno, t) for t in targets]
        elif isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names]
    return [(line, name) for line, name in found
            if name.startswith("htprofiles.") and _layer(name) in LAYERS]


MODULES = sorted(p for p in PACKAGE.rglob("*.py") if p.parent != PACKAGE or p.stem in LAYERS)


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_modules_import_only_their_own_layer_and_those_below(path):
    own = path.relative_to(PACKAGE).parts[0].removesuffix(".py")
    upward = [f"line {line}: {name}" for line, name in _imports(path)
              if LAYERS[_layer(name)] > LAYERS[own]
              or (LAYERS[_layer(name)] == LAYERS[own] and _layer(name) != own)]
    assert not upward, f"{path.relative_to(PACKAGE)} imports from above its layer: {upward}"


def test_every_layer_is_a_folder_or_module_of_the_package():
    packages = {p.name for p in PACKAGE.iterdir() if (p / "__init__.py").is_file()}
    modules = {p.stem for p in PACKAGE.glob("*.py")} - {"__init__"}
    assert packages | modules == set(LAYERS)


def test_the_code_passes_its_linter():
    """ruff, with the project's rules (pyproject.toml), docstrings of public code among them."""
    ruff = Path(sys.executable).parent / "ruff"
    result = subprocess.run([str(ruff), "check", "src", "tests", "benchmarks"],
                            cwd=PACKAGE.parents[1], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout
