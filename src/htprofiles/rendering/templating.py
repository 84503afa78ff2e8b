"""The one Jinja environment of htprofiles' own HTML: the index page and the report sections.

(nbconvert renders the report page itself, with its own environment and ``templates/report``.)
"""

from __future__ import annotations

from functools import cache
from html import escape
from importlib import resources

import jinja2
from markupsafe import Markup

TEMPLATES = resources.files("htprofiles.rendering") / "templates"
"""The HTML templates: the index, the report sections, and nbconvert's report template."""


def _source(name: str) -> str:
    """A template of the installed package, wherever it is installed."""
    return (TEMPLATES / name).read_text(encoding="utf-8")


def _escape(value: object) -> object:
    """Escape as ``html.escape`` does, not as markupsafe: markupsafe writes ``'`` and ``"`` as
    ``&#39;`` and ``&#34;``, html.escape as ``&#x27;`` and ``&quot;``. The fragments were built
    with html.escape, and the reports' golden digests fix their bytes. Markup passes as is."""
    return value if hasattr(value, "__html__") else Markup(escape(str(value)))


@cache
def environment() -> jinja2.Environment:
    """Autoescaping with html.escape's bytes (``finalize`` escapes every ``{{ }}`` first, so
    autoescape finds Markup and leaves it); an undefined name is an error, not empty text."""
    return jinja2.Environment(
        loader=jinja2.FunctionLoader(_source), autoescape=True, finalize=_escape,
        keep_trailing_newline=True, undefined=jinja2.StrictUndefined)
