"""Client credentials read from a token request, the way OAuth servers read them: Basic or form."""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from urllib.parse import parse_qs

from generator.simulator.messages import Request


@dataclass(frozen=True)
class TokenRequest:
    """What a client-credentials request carried; values are kept exactly, spaces included."""

    grant_type: str | None = None
    client_id: str | None = None
    client_secret: str | None = None
    scope: str | None = None
    basic: bool = False
    conflict: bool = False
    problem: str | None = None


def read_token_request(request: Request, *, allow_json: bool = False) -> TokenRequest:
    """Collect grant type, client id, secret and scope from the Authorization header and body."""
    fields, problem = _body_fields(request, allow_json)
    if problem is not None:
        return TokenRequest(problem=problem)
    basic, problem = _basic_credentials(request.headers.get("authorization"))
    if problem is not None:
        return TokenRequest(problem=problem)

    grant_type = fields.get("grant_type")
    scope = fields.get("scope")
    if basic is None:
        return TokenRequest(grant_type, fields.get("client_id"), fields.get("client_secret"), scope)

    basic_id, basic_secret = basic
    # A body that repeats the header's client id is harmless; a second secret or another id is
    # two authentication methods at once, which OAuth servers refuse.
    form_id = fields.get("client_id")
    conflict = "client_secret" in fields or (form_id is not None and form_id != basic_id)
    return TokenRequest(grant_type, basic_id, basic_secret, scope, basic=True, conflict=conflict)


def _body_fields(request: Request, allow_json: bool) -> tuple[dict[str, str], str | None]:
    try:
        text = request.body.decode("utf-8")
    except UnicodeDecodeError:
        return {}, "the request body is not UTF-8"
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if allow_json and content_type == "application/json":
        try:
            document = json.loads(text or "{}")
        except json.JSONDecodeError:
            return {}, "the request body is not valid JSON"
        if not isinstance(document, dict):
            return {}, "the request body is not a JSON object"
        return {str(k): str(v) for k, v in document.items() if v is not None}, None

    parsed = parse_qs(text, keep_blank_values=True)
    for name, values in parsed.items():
        if len(values) > 1:
            return {}, f"the parameter {name} is given more than once"
    return {name: values[0] for name, values in parsed.items()}, None


def _basic_credentials(header: str | None) -> tuple[tuple[str, str] | None, str | None]:
    if header is None:
        return None, None
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "basic":
        return None, None
    try:
        decoded = base64.b64decode(value.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None, "the Basic authorization header is not valid base64"
    client_id, colon, secret = decoded.partition(":")
    if not colon:
        return None, "the Basic authorization header has no ':' between client id and secret"
    return (client_id, secret), None
