"""Ed-Fi error bodies in the shape of the simulated version: `{"message"}` or RFC 9457 details."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from http import HTTPStatus

from generator.simulator.messages import Response, json_response
from generator.simulator.versions import EdFiProfile

# The problem types the ODS/API defines from 7.2; other statuses use `about:blank`, whose title is
# the HTTP reason phrase (RFC 9457, section 4.2.1).
PROBLEM_TYPES: dict[int, tuple[str, str]] = {
    400: ("urn:ed-fi:api:bad-request:parameter", "Parameter Validation Failed"),
    401: ("urn:ed-fi:api:security:authentication", "Authentication Failed"),
    403: ("urn:ed-fi:api:security:authorization", "Authorization Denied"),
    404: ("urn:ed-fi:api:not-found", "Not Found"),
}


def edfi_error(
    profile: EdFiProfile,
    status: int,
    detail: str,
    errors: Sequence[str] = (),
    headers: dict[str, str] | None = None,
) -> Response:
    """An error as the simulated ODS/API version writes it."""
    if not profile.problem_details:
        return json_response(status, {"message": detail}, headers=headers)
    kind, title = PROBLEM_TYPES.get(status, ("about:blank", HTTPStatus(status).phrase))
    document = {
        "detail": detail,
        "type": kind,
        "title": title,
        "status": status,
        "correlationId": uuid.uuid4().hex,
        "errors": list(errors),
    }
    return json_response(
        status, document, content_type="application/problem+json; charset=utf-8", headers=headers
    )
