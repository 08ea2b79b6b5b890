"""The whole state exchange behind one address: B2C login under its tenant path, Ed-Fi elsewhere."""

from __future__ import annotations

from generator.simulator.auth import B2CAuthority
from generator.simulator.data import ExchangeData
from generator.simulator.edfi import EdFiApi
from generator.simulator.messages import Request, Response
from generator.simulator.tokens import TokenIssuer
from generator.simulator.versions import EdFiProfile


class Exchange:
    """Routes each request to the B2C authority or the Ed-Fi API; both trust the same tokens."""

    def __init__(
        self,
        data: ExchangeData,
        profile: EdFiProfile,
        base_url: str,
        token_ttl: int | None = None,
    ) -> None:
        tokens = TokenIssuer()
        self.data = data
        self.profile = profile
        self.auth = B2CAuthority(data, tokens, base_url, token_ttl)
        self.edfi = EdFiApi(data, profile, tokens, base_url, token_ttl)

    def kind(self, request: Request) -> str:
        """Which fault scope the request falls in: openid, token, root or data."""
        if B2CAuthority.owns(request.path):
            return self.auth.kind(request)
        return self.edfi.kind(request)

    def handle(self, request: Request, *, expired_token: bool = False) -> Response:
        if B2CAuthority.owns(request.path):
            return self.auth.handle(request, expired_token=expired_token)
        return self.edfi.handle(request, expired_token=expired_token)

    def failure(self, request: Request, status: int) -> Response:
        """An injected 500, 503 or 429, shaped like the errors of the endpoint that was asked."""
        if B2CAuthority.owns(request.path):
            return self.auth.failure(status)
        return self.edfi.failure(status)
