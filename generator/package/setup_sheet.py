"""The setup sheet handed over with each district's zip: the PowerSchool steps with this
district's values filled in, as Markdown and as a self-contained HTML page."""

from __future__ import annotations

import functools
from typing import Any

import jinja2

from generator.package.stages import RenderedLike
from generator.resources import templates_dir

_FIELDS = (("key", "Key"), ("secret", "Secret"))


@functools.lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(templates_dir() / "setup-sheet"),
        autoescape=lambda name: name is not None and name.endswith(".html.j2"),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def _credential_sources(credentials: dict[str, Any]) -> list[dict[str, str]]:
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
        sources.append({"label": label, "where": where})
    return sources


def _client_manager(exchange: dict[str, Any]) -> str:
    profile_type = (exchange.get("profile") or {}).get("type")
    if exchange.get("state") == "UT" or profile_type == "EDFI_UT":
        return "the USIMS LEA Client Manager"
    return "the state's LEA client manager"


def sheet_context(rendered: RenderedLike, zip_name: str, zip_sha256: str) -> dict[str, Any]:
    """Everything the sheet templates show for one district."""
    exchange = rendered.data_exchange
    context: dict[str, Any] = {
        "district": rendered.district,
        "display_name": rendered.display_name,
        "plugin_name": rendered.plugin_name,
        "plugin_version": rendered.plugin_version,
        "zip_name": zip_name,
        "zip_sha256": zip_sha256,
        "exchange": None,
    }
    if exchange is not None:
        context["exchange"] = {
            "profile": exchange.get("profile", {}),
            "district": exchange.get("district", {}),
            "data_exchange_url": exchange.get("data_exchange_url", ""),
            "authentication_url": exchange.get("authentication_url", ""),
            "school_years": list(exchange.get("school_years", [])),
            "service_options": list(exchange.get("service_options", [])),
            "staff_permissions": list(exchange.get("staff_permissions", [])),
            "assumptions": sorted((exchange.get("assumptions") or {}).items()),
            "credentials": _credential_sources(exchange.get("credentials") or {}),
            "client_manager": _client_manager(exchange),
        }
    return context


def render_setup_sheets(context: dict[str, Any]) -> tuple[bytes, bytes]:
    """The sheet as (Markdown, HTML) bytes; every value in the HTML is escaped."""
    environment = _environment()
    markdown = environment.get_template("setup-sheet.md.j2").render(context)
    html = environment.get_template("setup-sheet.html.j2").render(context)
    return markdown.encode("utf-8"), html.encode("utf-8")
