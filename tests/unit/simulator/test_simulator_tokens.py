"""Access tokens: JWT-shaped, signed per run, refused once expired or tampered with."""

from __future__ import annotations

import base64
import json

import pytest

from generator.simulator.tokens import TokenError, TokenIssuer


class Clock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def decode(part: str) -> dict[str, object]:
    document: dict[str, object] = json.loads(
        base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))
    )
    return document


def issue(issuer: TokenIssuer, *, expired: bool = False, ttl: int = 60) -> str:
    return issuer.issue(
        client_id="k", issuer="https://iss/", audience="aud", ttl=ttl, expired=expired
    ).access_token


def test_tokens_are_three_base64url_json_parts_with_the_registered_claims() -> None:
    clock = Clock(1_000_000)
    token = issue(TokenIssuer(clock), ttl=60)

    header, payload, signature = token.split(".")

    assert decode(header)["typ"] == "JWT"
    claims = decode(payload)
    assert {"iss": "https://iss/", "aud": "aud", "sub": "k"}.items() <= claims.items()
    assert (claims["iat"], claims["nbf"], claims["exp"]) == (1_000_000, 1_000_000, 1_000_060)
    assert signature and "=" not in token


def test_a_token_is_valid_until_its_expiry() -> None:
    clock = Clock(1_000_000)
    issuer = TokenIssuer(clock)
    token = issue(issuer, ttl=60)

    assert issuer.verify(token)["sub"] == "k"
    clock.now += 60
    with pytest.raises(TokenError, match="expired"):
        issuer.verify(token)


def test_an_expired_token_is_born_expired() -> None:
    clock = Clock(1_000_000)
    issuer = TokenIssuer(clock)
    token = issue(issuer, expired=True)

    assert int(str(decode(token.split(".")[1])["exp"])) < clock.now
    with pytest.raises(TokenError, match="expired"):
        issuer.verify(token)


@pytest.mark.parametrize(
    ("mangle", "words"),
    [
        pytest.param(lambda t: t + "x", "not issued", id="signature"),
        pytest.param(lambda t: "abc", "not a JWT", id="shape"),
        pytest.param(lambda t: "a.%%%.b", "cannot be decoded", id="garbage"),
    ],
)
def test_tampered_tokens_are_refused(mangle: object, words: str) -> None:
    issuer = TokenIssuer()
    token = issue(issuer)
    with pytest.raises(TokenError, match=words):
        issuer.verify(mangle(token))  # type: ignore[operator]


def test_another_run_does_not_accept_this_runs_tokens() -> None:
    with pytest.raises(TokenError, match="not issued"):
        TokenIssuer().verify(issue(TokenIssuer()))
