"""The Jinja2 environment every template renders in, and its escaping rules.

Values from YAML are data: they are escaped for the output's language and never compiled as
template code, so `{{ ... }}` or `</plugin>` in a value comes out literally.
"""

from __future__ import annotations

import functools
import traceback
from pathlib import Path
from typing import Any

import jinja2
import jinja2.meta
import jinja2.nodes
from jinja2.sandbox import ImmutableSandboxedEnvironment
from markupsafe import Markup, escape

from generator.errors import InputError

_AUTOESCAPED = ("xml", "html", "htm", "txt", "xml.j2", "html.j2")


def xml_bool(value: Any) -> str:
    return "true" if value else "false"


def cdata(value: Any) -> Markup:
    """A CDATA section holding `value`; a `]]>` inside is split across two sections."""
    text = str(value).replace("]]>", "]]]]><![CDATA[>")
    return Markup(f"<![CDATA[{text}]]>")


def _finalize(value: Any) -> Any:
    # A `~` followed by `[` or `(` is PowerSchool's server-side markup: a value must never become
    # PS-HTML on the page, so the tilde of a plain value goes out as a character reference.
    if isinstance(value, str) and not isinstance(value, Markup) and "~" in value:
        return Markup(str(escape(value)).replace("~", "&#126;"))
    return value


class _Environment(ImmutableSandboxedEnvironment):
    """Keeps the syntax tree each template was compiled from, so that the names it reads can be
    found without parsing it a second time."""

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self.trees: dict[str, jinja2.nodes.Template] = {}

    def _parse(self, source: str, name: str | None, filename: str | None) -> jinja2.nodes.Template:
        tree = super()._parse(source, name, filename)
        if name is not None:
            self.trees[name] = tree
        return tree


@functools.lru_cache(maxsize=16)
def make_environment(
    template_dirs: tuple[Path, ...], fingerprint: tuple[object, ...] = ()
) -> jinja2.Environment:
    """The environment for one template search path, shared by every district that uses it, so
    that each template compiles once per process. `fingerprint` stands for the templates' sizes
    and times: a changed template means a new fingerprint and a new environment, so this one
    never checks the files again."""
    environment = _Environment(
        loader=jinja2.FileSystemLoader([str(d) for d in template_dirs]),
        auto_reload=not fingerprint,
        undefined=jinja2.StrictUndefined,
        autoescape=jinja2.select_autoescape(enabled_extensions=_AUTOESCAPED),
        keep_trailing_newline=True,
        finalize=_finalize,
    )
    environment.filters["xml_bool"] = xml_bool
    environment.filters["cdata"] = cdata
    return environment


@functools.lru_cache(maxsize=256)
def referenced_names(environment: jinja2.Environment, name: str) -> frozenset[str] | None:
    """Every name a template reads, the context names among them, or None when that cannot be
    known from its source alone (it includes, imports or extends another template).

    The names of its own loops and `set`s come too: a caller that keys a memo on the values of
    these names only gets a more specific key from them, and collecting names from the syntax
    tree costs a fraction of jinja2.meta.find_undeclared_variables, which runs the compiler's
    analysis of every scope."""
    try:
        environment.get_template(name)  # compiled once, and kept for the render
    except jinja2.TemplateError:
        return None
    tree = getattr(environment, "trees", {}).get(name)
    if tree is None:
        loader = environment.loader
        if loader is None:
            return None
        try:
            source, _, _ = loader.get_source(environment, name)
            tree = environment.parse(source)
        except jinja2.TemplateError:
            return None
    if any(True for _ in jinja2.meta.find_referenced_templates(tree)):
        return None
    return frozenset(node.name for node in tree.find_all(jinja2.nodes.Name) if node.ctx == "load")


def render_template(
    environment: jinja2.Environment, name: str, context: dict[str, Any], *, used_by: str
) -> str:
    """Render one template; a template error names the template file and line, never the
    values it was given."""
    try:
        return environment.get_template(name).render(context)
    except jinja2.TemplateSyntaxError as error:
        raise InputError(
            f"template syntax: {error.message}",
            file=error.filename or name,
            line=error.lineno,
            key_path=used_by,
        ) from None
    except jinja2.TemplateNotFound:
        raise InputError(f"no template '{name}'", key_path=used_by) from None
    except jinja2.TemplateError as error:
        file, line = _template_frame(error, environment, name)
        raise InputError(
            f"template error: {error.message or type(error).__name__}",
            file=file,
            line=line,
            key_path=used_by,
        ) from None


def _template_frame(
    error: Exception, environment: jinja2.Environment, name: str
) -> tuple[str, int | None]:
    """The innermost template file and line in the error's traceback."""
    found: tuple[str, int | None] = (name, None)
    for frame in traceback.extract_tb(error.__traceback__):
        if frame.filename and not frame.filename.endswith(".py"):
            found = (frame.filename, frame.lineno)
    return found
