"""HTTP requests and responses as plain values, so the endpoints can be written without sockets."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import parse_qs


@dataclass(frozen=True)
class Request:
    """One parsed request; header names are lower case, query values keep their repeats."""

    method: str
    path: str
    query: Mapping[str, list[str]]
    headers: Mapping[str, str]
    body: bytes = b""

    @classmethod
    def parse(cls, method: str, target: str, headers: Mapping[str, str], body: bytes) -> Request:
        path, _, query = target.partition("?")
        return cls(
            method=method.upper(),
            path=path or "/",
            query=parse_qs(query, keep_blank_values=True),
            headers={name.lower(): value for name, value in headers.items()},
            body=body,
        )

    def param(self, name: str) -> str | None:
        """The first value of a query parameter, matched by exact name."""
        values = self.query.get(name)
        return values[0] if values else None

    def param_folded(self, name: str) -> str | None:
        """The first value of a query parameter whose name matches without regard to case."""
        wanted = name.casefold()
        for key, values in self.query.items():
            if key.casefold() == wanted and values:
                return values[0]
        return None


@dataclass
class Response:
    status: int
    body: bytes = b""
    content_type: str = "application/json; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def is_json(self) -> bool:
        return "json" in self.content_type


def json_response(
    status: int,
    document: object,
    *,
    content_type: str = "application/json; charset=utf-8",
    headers: Mapping[str, str] | None = None,
) -> Response:
    body = json.dumps(document, separators=(",", ":")).encode()
    return Response(status, body, content_type, dict(headers or {}))


def html_response(status: int, title: str, text: str) -> Response:
    page = (
        f"<!DOCTYPE html>\n<html><head><title>{title}</title></head>"
        f"<body><h1>{title}</h1><p>{text}</p></body></html>\n"
    )
    return Response(status, page.encode(), "text/html; charset=utf-8")
