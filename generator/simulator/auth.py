"""The Azure AD B2C side: OpenID discovery, client-credentials tokens, and B2C-shaped errors."""

from __future__ import annotations

import datetime
import uuid

from generator.simulator.credentials import TokenRequest, read_token_request
from generator.simulator.data import AuthSettings, ExchangeData
from generator.simulator.messages import Request, Response, html_response, json_response
from generator.simulator.tokens import TokenIssuer

B2C_TOKEN_TTL = 3600
DISCOVERY = ("v2.0", ".well-known", "openid-configuration")
TOKEN = ("oauth2", "v2.0", "token")
KEYS = ("discovery", "v2.0", "keys")
# Paths that start with these right after the tenant name the policy in `?p=` instead.
POLICY_FREE_ROOTS = {"v2.0", "oauth2", "discovery"}

# What the simulator answers for a fault that imitates trouble at B2C itself.
FAILURES = {
    500: (
        "server_error",
        90085,
        "The service has hit an internal error. Reauthenticate and retry.",
    ),
    503: ("temporarily_unavailable", 90035, "The service is temporarily unavailable. Retry later."),
    429: ("throttled", 90229, "Too many requests from the same source in a short time."),
}


def b2c_error(status: int, error: str, code: int, message: str) -> Response:
    """An error the way B2C writes one: code and message, then correlation id and timestamp."""
    stamp = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M:%SZ")
    description = f"AADB2C{code}: {message}\r\nCorrelation ID: {uuid.uuid4()}\r\nTimestamp: {stamp}"
    return json_response(status, {"error": error, "error_description": description})


class B2CAuthority:
    """Serves one tenant and policy under `{base}/{tenant}.onmicrosoft.com/{policy}`."""

    def __init__(
        self, data: ExchangeData, tokens: TokenIssuer, base_url: str, ttl: int | None = None
    ) -> None:
        self.settings: AuthSettings = data.auth
        self.data = data
        self.tokens = tokens
        self.base_url = base_url
        self.ttl = ttl or B2C_TOKEN_TTL
        self.tenant_id = str(uuid.uuid5(uuid.NAMESPACE_DNS, f"{self.settings.tenant}.onmicrosoft"))

    @property
    def auth_url(self) -> str:
        return f"{self.base_url}/{self.settings.tenant}.onmicrosoft.com/{self.settings.policy}"

    @property
    def token_url(self) -> str:
        return f"{self.auth_url}/oauth2/v2.0/token"

    @property
    def openid_configuration_url(self) -> str:
        return f"{self.auth_url}/v2.0/.well-known/openid-configuration"

    @property
    def issuer(self) -> str:
        return f"{self.base_url}/{self.tenant_id}/v2.0/"

    @staticmethod
    def owns(path: str) -> bool:
        """Whether a path is under some `{tenant}.onmicrosoft.com`, right tenant or not."""
        first = path.lstrip("/").split("/", 1)[0]
        return first.lower().endswith(".onmicrosoft.com")

    def kind(self, request: Request) -> str:
        """The fault scope of a request to this authority: `token` or `openid`."""
        return (
            "token" if request.path.rstrip("/").lower().endswith("/oauth2/v2.0/token") else "openid"
        )

    def handle(self, request: Request, *, expired_token: bool = False) -> Response:
        tenant, policy, rest = _tenant_policy_rest(request)
        if (
            tenant.lower() != self.settings.tenant.lower()
            or policy.lower() != self.settings.policy.lower()
        ):
            return b2c_error(
                404,
                "invalid_request",
                90022,
                f"No metadata for the policy '{policy}' in tenant '{tenant}.onmicrosoft.com'.",
            )

        route = tuple(part.lower() for part in rest)
        if route == DISCOVERY and request.method == "GET":
            return json_response(200, self.discovery_document())
        if route == KEYS and request.method == "GET":
            # Tokens are signed with a per-run symmetric key, which is never published.
            return json_response(200, {"keys": []})
        if route == TOKEN:
            if request.method != "POST":
                response = b2c_error(
                    405, "invalid_request", 90083, "The token endpoint takes POST."
                )
                response.headers["Allow"] = "POST"
                return response
            return self.token(read_token_request(request), expired=expired_token)
        return html_response(404, "404 Not Found", "The resource you are looking for is not here.")

    def discovery_document(self) -> dict[str, object]:
        return {
            "issuer": self.issuer,
            "authorization_endpoint": f"{self.auth_url}/oauth2/v2.0/authorize",
            "token_endpoint": self.token_url,
            "end_session_endpoint": f"{self.auth_url}/oauth2/v2.0/logout",
            "jwks_uri": f"{self.auth_url}/discovery/v2.0/keys",
            "response_modes_supported": ["query", "fragment", "form_post"],
            "response_types_supported": ["code", "id_token", "code id_token", "token"],
            "scopes_supported": ["openid"],
            "subject_types_supported": ["pairwise"],
            "id_token_signing_alg_values_supported": ["HS256"],
            "token_endpoint_auth_methods_supported": ["client_secret_post", "client_secret_basic"],
            "claims_supported": ["sub", "azp", "tfp", "iss", "iat", "exp", "nbf", "aud"],
        }

    def token(self, asked: TokenRequest, *, expired: bool = False) -> Response:
        """Answer a client-credentials request: a token, or the B2C error a real tenant gives."""
        problem = self._refusal(asked)
        if problem is not None:
            return problem
        assert asked.client_id is not None  # _refusal rejects a request without one
        audience = self._audience(asked.client_id)
        issued = self.tokens.issue(
            client_id=asked.client_id,
            issuer=self.issuer,
            audience=audience,
            ttl=self.ttl,
            expired=expired,
            claims={"tfp": self.settings.policy, "tid": self.tenant_id, "ver": "1.0"},
        )
        return json_response(
            200,
            {
                "access_token": issued.access_token,
                "token_type": "Bearer",
                "not_before": issued.not_before,
                "expires_in": self.ttl,
                "expires_on": issued.expires_on,
                "resource": audience,
            },
        )

    def _refusal(self, asked: TokenRequest) -> Response | None:
        if asked.problem is not None:
            return b2c_error(400, "invalid_request", 90083, f"Malformed request: {asked.problem}.")
        if asked.conflict:
            return b2c_error(
                400,
                "invalid_request",
                90083,
                "The request authenticates the client twice (Authorization header and "
                "client_secret in the body): use one method.",
            )
        if not asked.grant_type:
            return b2c_error(400, "invalid_request", 90083, "The request is missing: grant_type.")
        if asked.grant_type != "client_credentials":
            return b2c_error(
                400,
                "unsupported_grant_type",
                90086,
                f"The grant type '{asked.grant_type}' is not supported.",
            )
        if not asked.client_id:
            return b2c_error(400, "invalid_request", 90083, "The request is missing: client_id.")

        district = self.data.district_by_key(asked.client_id)
        if district is None:
            return b2c_error(
                400,
                "unauthorized_client",
                90018,
                f"The client id '{asked.client_id}' is not registered in tenant "
                f"'{self.settings.tenant}.onmicrosoft.com'.",
            )
        if not district.enabled:
            return b2c_error(400, "unauthorized_client", 90092, "The application is disabled.")
        if not asked.client_secret:
            return b2c_error(
                400, "invalid_request", 90079, "A confidential client must send a client_secret."
            )
        if asked.client_secret != district.secret:
            return b2c_error(
                401,
                "invalid_client",
                90081,
                "The client_secret does not match the secret registered for this client.",
            )
        return self._scope_refusal(asked.scope)

    def _scope_refusal(self, scope: str | None) -> Response | None:
        wanted = self.settings.scope
        if wanted is None or scope == wanted:
            return None
        if not scope:
            return b2c_error(400, "invalid_request", 90083, "The request is missing: scope.")
        scopes = scope.split()
        if any("/" not in item.replace("://", "") for item in scopes):
            return b2c_error(
                400,
                "invalid_scope",
                90055,
                f"The scope '{scope}' must name a resource, such as '{wanted}'.",
            )
        if len({item.rsplit("/", 1)[0] for item in scopes}) > 1:
            return b2c_error(
                400,
                "invalid_scope",
                90146,
                f"The scope '{scope}' names more than one resource for one access token.",
            )
        return b2c_error(
            400,
            "invalid_scope",
            90012,
            f"The scope '{scope}' given in the request is not supported.",
        )

    def _audience(self, client_id: str) -> str:
        if self.settings.scope:
            return self.settings.scope.rsplit("/", 1)[0]
        return client_id

    def failure(self, status: int) -> Response:
        """The B2C-shaped answer for an injected 500, 503 or 429."""
        error, code, message = FAILURES[status]
        return b2c_error(status, error, code, message)


def _tenant_policy_rest(request: Request) -> tuple[str, str, list[str]]:
    """Split a B2C path: the policy is a path segment, or the `p` parameter of the tenant form."""
    segments = [part for part in request.path.split("/") if part]
    tenant = segments[0][: -len(".onmicrosoft.com")]
    rest = segments[1:]
    if rest and rest[0].lower() in POLICY_FREE_ROOTS:
        return tenant, request.param_folded("p") or "", rest
    if not rest:
        return tenant, "", []
    return tenant, rest[0], rest[1:]
