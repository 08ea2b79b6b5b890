"""The setup sheet handed over with each district's zip: the PowerSchool steps with this
district's values filled in, as Markdown and as a self-contained HTML page."""

from __future__ import annotations

import functools
import json
import types
from typing import Any

import jinja2

from generator.cache import Bounded
from generator.package.stages import RenderedLike
from generator.resources import templates_dir

_FIELDS = (("key", "Key"), ("secret", "Secret"))


@functools.lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    # The templates ship with the tool, so they are not checked for changes while it runs.
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(templates_dir() / "setup-sheet"),
        autoescape=lambda name: name is not None and name.endswith(".html.j2"),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,
    )


@functools.lru_cache(maxsize=1)
def _templates() -> tuple[jinja2.Template, jinja2.Template]:
    """The Markdown and HTML sheet templates, compiled once per process."""
    environment = _environment()
    return (
        environment.get_template("setup-sheet.md.j2"),
        environment.get_template("setup-sheet.html.j2"),
    )


@functools.lru_cache(maxsize=1)
def _list_macros() -> tuple[Any, Any]:
    """The macros that make the lists districts share, in Markdown and in HTML."""
    environment = _environment()
    markdown = environment.get_template("lists.md.j2").module
    html = environment.get_template("lists.html.j2").module
    return markdown, html


def _attributes(value: Any) -> Any:
    # The templates read `exchange.profile_name`: on a mapping, Jinja first tries an attribute and
    # fails, which costs more than the rest of the lookup; a namespace answers at once.
    if isinstance(value, dict):
        return types.SimpleNamespace(**{key: _attributes(item) for key, item in value.items()})
    if isinstance(value, list):
        return [_attributes(item) for item in value]
    return value


def _credential_sources(credentials: dict[str, Any]) -> list[types.SimpleNamespace]:
    """Where the project reads each credential from: a reference, never a value."""
    sources = []
    for field, label in _FIELDS:
        reference = credentials.get(field) or {}
        if "env" in reference:
            where = f"environment variable {reference['env']}"
        elif "secrets_file" in reference:
            where = (
                f"{reference.get('name', field)} in the secrets file {reference['secrets_file']}"
            )
        else:
            where = "not configured in the project"
        sources.append(types.SimpleNamespace(label=label, where=where))
    return sources


def _client_manager(exchange: dict[str, Any]) -> str:
    profile_type = (exchange.get("profile") or {}).get("type")
    if exchange.get("state") == "UT" or profile_type == "EDFI_UT":
        return "the USIMS LEA Client Manager"
    return "the state's LEA client manager"


def _text(mapping: Any, key: str) -> str:
    value = mapping.get(key) if isinstance(mapping, dict) else None
    if value is None:
        return ""
    return value if isinstance(value, str) else json.dumps(value, sort_keys=True)


def _assumptions(assumptions: dict[str, Any]) -> list[types.SimpleNamespace]:
    found = []
    for name, assumption in sorted(assumptions.items()):
        if isinstance(assumption, dict):
            value, note = _text(assumption, "value"), _text(assumption, "note")
        else:
            value, note = _text({"v": assumption}, "v"), ""
        found.append(types.SimpleNamespace(name=name, value=value, note=note))
    return found


def _permissions(permissions: list[Any]) -> list[types.SimpleNamespace]:
    return [
        types.SimpleNamespace(**{key: _text(permission, key) for key in ("name", "grant", "how")})
        for permission in permissions
    ]


# Districts of a project share their assumptions and staff permissions (the same objects, as the
# merge shares what a district does not change): those parts of the sheet, in both formats, are
# made once for all the districts that share them.
_SHARED: Bounded[tuple[object, dict[str, Any]]] = Bounded(8)


def _shared_lists(exchange: dict[str, Any]) -> dict[str, Any]:
    """The assumptions and staff permissions as each format shows them."""
    assumptions = exchange.get("assumptions") or {}
    permissions = exchange.get("staff_permissions") or []
    key = (
        tuple((name, id(value)) for name, value in sorted(assumptions.items())),
        tuple(id(permission) for permission in permissions),
    )
    found = _SHARED.get(key)
    if found is None:
        namespaces = {
            "assumptions": _assumptions(assumptions),
            "staff_permissions": _permissions(permissions),
        }
        parts: dict[str, Any] = {}
        for suffix, macros in zip(("md", "html"), _list_macros(), strict=True):
            for name, items in namespaces.items():
                # As each format shows them: assumptions_md, staff_permissions_html and so on.
                parts[f"{name}_{suffix}"] = getattr(macros, name)(items)
        # The entry holds the objects themselves, so that no other object can take their ids.
        sources = (list(assumptions.values()), list(permissions))
        found = _SHARED.put(key, (sources, parts))
    return found[1]


def _exchange_context(exchange: dict[str, Any]) -> types.SimpleNamespace:
    # Optional keys become empty strings here, so the templates can stay strict about typos.
    return types.SimpleNamespace(
        **_shared_lists(exchange),
        profile_name=_text(exchange.get("profile"), "name"),
        profile_type=_text(exchange.get("profile"), "type"),
        lea_state_number=_text(exchange.get("district"), "lea_state_number"),
        data_exchange_url=_text(exchange, "data_exchange_url"),
        authentication_url=_text(exchange, "authentication_url"),
        school_years=[str(year) for year in exchange.get("school_years") or []],
        # A preset may say "all" rather than naming the options: the sheet then says to check all.
        service_options=[
            str(option)
            for option in exchange.get("service_options") or []
            if str(option).lower() != "all"
        ],
        credentials=_credential_sources(exchange.get("credentials") or {}),
        client_manager=_client_manager(exchange),
    )


def sheet_context(rendered: RenderedLike, zip_name: str, zip_sha256: str) -> dict[str, Any]:
    """Everything the sheet templates show for one district."""
    exchange = rendered.data_exchange
    return {
        "district": rendered.district,
        "display_name": rendered.display_name,
        "plugin_name": rendered.plugin_name,
        "plugin_version": rendered.plugin_version,
        "zip_name": zip_name,
        "zip_sha256": zip_sha256,
        "exchange": None if exchange is None else _exchange_context(exchange),
    }


def render_setup_sheets(context: dict[str, Any]) -> tuple[bytes, bytes]:
    """The sheet as (Markdown, HTML) bytes; every value in the HTML is escaped."""
    markdown_template, html_template = _templates()
    values = {key: _attributes(value) for key, value in context.items()}
    return (
        markdown_template.render(values).encode("utf-8"),
        html_template.render(values).encode("utf-8"),
    )
