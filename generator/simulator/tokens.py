"""JWT-shaped access tokens: signed with a key that lives only as long as the simulator run."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

# How far back an "expired" token's expiry lies: far enough that no clock skew allowance hides it.
EXPIRED_BY_SECONDS = 300


class TokenError(Exception):
    """A bearer token the API must refuse; the message says why, without echoing the token."""


@dataclass(frozen=True)
class IssuedToken:
    access_token: str
    issued_at: int
    not_before: int
    expires_on: int


def _encode(part: bytes) -> str:
    return base64.urlsafe_b64encode(part).rstrip(b"=").decode("ascii")


def _decode(part: str) -> bytes:
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


class TokenIssuer:
    """Mints and checks HS256 tokens; each run has its own signing key, so old tokens never work."""

    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self._key = secrets.token_bytes(32)
        self._clock = clock

    def issue(
        self,
        *,
        client_id: str,
        issuer: str,
        audience: str,
        ttl: int,
        expired: bool = False,
        claims: Mapping[str, Any] | None = None,
    ) -> IssuedToken:
        """A token for `client_id`; with `expired`, one whose expiry already lies in the past."""
        now = int(self._clock())
        issued_at = now - ttl - EXPIRED_BY_SECONDS if expired else now
        payload: dict[str, Any] = {
            "iss": issuer,
            "aud": audience,
            "sub": client_id,
            "azp": client_id,
            "iat": issued_at,
            "nbf": issued_at,
            "exp": issued_at + ttl,
            "jti": uuid.uuid4().hex,
            **(claims or {}),
        }
        header = {"alg": "HS256", "typ": "JWT", "kid": "psplugin-simulator"}
        signing_input = ".".join(
            _encode(json.dumps(part, separators=(",", ":")).encode()) for part in (header, payload)
        )
        signature = hmac.new(self._key, signing_input.encode("ascii"), hashlib.sha256).digest()
        return IssuedToken(
            access_token=f"{signing_input}.{_encode(signature)}",
            issued_at=issued_at,
            not_before=issued_at,
            expires_on=issued_at + ttl,
        )

    def verify(self, token: str) -> dict[str, Any]:
        """The claims of a token this run issued, if it is still valid; raises TokenError if not."""
        parts = token.split(".")
        if len(parts) != 3:
            raise TokenError("the token is not a JWT")
        signing_input = f"{parts[0]}.{parts[1]}".encode("ascii", "replace")
        expected = hmac.new(self._key, signing_input, hashlib.sha256).digest()
        try:
            signature = _decode(parts[2])
            claims = json.loads(_decode(parts[1]))
        except (ValueError, UnicodeDecodeError):
            raise TokenError("the token cannot be decoded") from None
        if not hmac.compare_digest(signature, expected):
            raise TokenError("the token was not issued by this server")
        if not isinstance(claims, dict):
            raise TokenError("the token has no claims")

        now = self._clock()
        if now >= claims.get("exp", 0):
            raise TokenError("the token has expired")
        if now < claims.get("nbf", 0):
            raise TokenError("the token is not valid yet")
        return claims
