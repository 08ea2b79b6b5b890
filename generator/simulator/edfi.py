"""The Ed-Fi ODS/API side: discovery root, OAuth token endpoint, year routes and bearer checks."""

from __future__ import annotations

from dataclasses import dataclass

from generator.simulator.credentials import TokenRequest, read_token_request
from generator.simulator.data import District, ExchangeData
from generator.simulator.messages import Request, Response, json_response
from generator.simulator.problems import edfi_error
from generator.simulator.resources import Catalog, canonical_resource, fold_filters
from generator.simulator.tokens import TokenError, TokenIssuer
from generator.simulator.versions import EdFiProfile

EDFI_TOKEN_TTL = 1800
TOKEN_PATH = "/oauth/token"


@dataclass(frozen=True)
class Route:
    school_year: int
    resource: str
    resource_id: str | None


class EdFiApi:
    """Serves the data side of the exchange at the Data Exchange URL, for one Ed-Fi version."""

    def __init__(
        self,
        data: ExchangeData,
        profile: EdFiProfile,
        tokens: TokenIssuer,
        base_url: str,
        ttl: int | None = None,
    ) -> None:
        self.data = data
        self.profile = profile
        self.tokens = tokens
        self.base_url = base_url
        self.ttl = ttl or EDFI_TOKEN_TTL
        self.catalog = Catalog(data)

    @property
    def oauth_url(self) -> str:
        return f"{self.base_url}{TOKEN_PATH}"

    def kind(self, request: Request) -> str:
        """The fault scope of a request: `root`, `token` or `data`."""
        path = request.path.rstrip("/")
        if path == "":
            return "root"
        return "token" if path.lower() == TOKEN_PATH else "data"

    def handle(self, request: Request, *, expired_token: bool = False) -> Response:
        kind = self.kind(request)
        if kind == "root":
            if request.method != "GET":
                return self._not_allowed("GET")
            return json_response(200, self.discovery_document())
        if kind == "token":
            if request.method != "POST":
                return self._not_allowed("POST")
            return self.token(read_token_request(request, allow_json=True), expired=expired_token)
        return self._data(request, expired_token)

    def discovery_document(self) -> dict[str, object]:
        profile = self.profile
        base = self.base_url
        urls = {
            "dependencies": f"{base}/metadata/data/v3/dependencies",
            "openApiMetadata": f"{base}/metadata/",
            "oauth": self.oauth_url,
            "dataManagementApi": f"{base}/data/v3/",
            "xsdMetadata": f"{base}/metadata/xsd",
            "changeQueries": f"{base}/changeQueries/v1/",
            "composites": f"{base}/composites/v1/",
            "identity": f"{base}/identity/v2/",
        }
        document: dict[str, object] = {
            "version": profile.version,
            "informationalVersion": profile.version,
            "suite": "3",
            "build": profile.build,
        }
        if profile.api_mode is not None:
            document["apiMode"] = profile.api_mode
        if profile.application_name is not None:
            document["applicationName"] = profile.application_name
            urls["oauthTokenIntrospection"] = f"{base}/oauth/token_info"
        document["dataModels"] = [
            {
                "name": "Ed-Fi",
                "version": profile.data_model,
                "informationalVersion": f"The Ed-Fi Data Model {profile.data_model}",
            }
        ]
        document["urls"] = urls
        return document

    def token(self, asked: TokenRequest, *, expired: bool = False) -> Response:
        """The ODS/API's own client-credentials endpoint, answering in the Ed-Fi shape."""
        if asked.problem is not None:
            return json_response(400, {"error": "invalid_request"})
        if asked.conflict:
            return json_response(400, {"error": "invalid_client"})
        if not asked.grant_type:
            return json_response(400, {"error": "invalid_request"})
        if asked.grant_type != "client_credentials":
            return json_response(400, {"error": "unsupported_grant_type"})

        district = self.data.district_by_key(asked.client_id or "")
        if district is None or not district.enabled or asked.client_secret != district.secret:
            return json_response(self.profile.invalid_client_status, {"error": "invalid_client"})

        issued = self.tokens.issue(
            client_id=district.key,
            issuer=self.base_url,
            audience=self.base_url,
            ttl=self.ttl,
            expired=expired,
        )
        return json_response(
            200,
            {"access_token": issued.access_token, "expires_in": self.ttl, "token_type": "bearer"},
        )

    def _data(self, request: Request, expired_token: bool) -> Response:
        route = self._route(request.path)
        if isinstance(route, str):
            return edfi_error(self.profile, 404, route)
        if request.method != "GET":
            return self._not_allowed("GET")

        district = self._caller(request, expired_token)
        if isinstance(district, Response):
            return district
        if route.school_year not in district.school_years:
            return edfi_error(
                self.profile,
                404,
                f"School year {route.school_year} is not enabled for this client.",
            )
        if route.resource_id is not None:
            return self._one(route, district)
        return self._collection(request, route, district)

    def _route(self, path: str) -> Route | str:
        """The year, resource and id of a data path, or why it is not one (a 404 detail)."""
        segments = [part for part in path.split("/") if part]
        year_first = self.profile.year_first
        prefix, year, rest = (
            (segments[1:3], segments[:1], segments[3:])
            if year_first
            else (segments[:2], segments[2:3], segments[3:])
        )
        form = "/{yyyy}/data/v3/ed-fi/..." if year_first else "/data/v3/{yyyy}/ed-fi/..."
        if [part.lower() for part in prefix] != ["data", "v3"] or not year:
            return f"No route matches {path}: Ed-Fi {self.profile.version} routes data as {form}."
        if not (len(year[0]) == 4 and year[0].isdigit()):
            return f"No route matches {path}: {year[0]!r} is not a school year such as 2026."
        school_year = int(year[0])
        if school_year not in self.data.school_years:
            return f"No ODS serves school year {school_year}."
        if len(rest) not in (2, 3) or rest[0].lower() != "ed-fi":
            return f"No resource matches {path}."
        resource = canonical_resource(rest[1])
        if resource is None:
            return f"The resource ed-fi/{rest[1]} is not served by this simulator."
        return Route(school_year, resource, rest[2] if len(rest) == 3 else None)

    def _caller(self, request: Request, expired_token: bool) -> District | Response:
        """The district whose key the bearer token was issued to, or the 401 to answer."""
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            return self._unauthorized("A bearer token is required.", "Bearer")
        try:
            claims = self.tokens.verify(token.strip())
            if expired_token:
                raise TokenError("the token has expired")
        except TokenError as error:
            challenge = f'Bearer error="invalid_token", error_description="{error}"'
            return self._unauthorized(f"Invalid token: {error}.", challenge)
        district = self.data.district_by_key(str(claims.get("sub", "")))
        if district is None:
            return self._unauthorized("The token names no known client.", "Bearer")
        return district

    def _one(self, route: Route, district: District) -> Response:
        assert route.resource_id is not None
        entry = self.catalog.by_id(route.resource, route.resource_id)
        if entry is None:
            return edfi_error(self.profile, 404, "The requested resource could not be found.")
        if entry.district is not district:
            return self._forbidden()
        return Response(200, entry.body)

    def _collection(self, request: Request, route: Route, district: District) -> Response:
        filters = fold_filters(request.query)
        paging = self._paging(filters)
        if isinstance(paging, Response):
            return paging
        offset, limit, count = paging
        if self.catalog.foreign_edorg(district, filters) is not None:
            return self._forbidden()
        selection = self.catalog.select(route.resource, district, filters, offset, limit)
        headers = {"Total-Count": str(selection.total)} if count else {}
        return Response(200, selection.json(), headers=headers)

    def _paging(self, filters: dict[str, str]) -> tuple[int, int, bool] | Response:
        """Offset, limit and totalCount from the query, within the version's bounds."""
        maximum = self.profile.max_limit
        offset = _whole_number(filters.get("offset", "0"))
        limit = _whole_number(filters.get("limit", str(self.profile.default_limit)))
        count = filters.get("totalcount", "false").lower()
        problems = []
        if offset is None:
            problems.append("Offset must be omitted or set to a whole number of 0 or more.")
        if limit is None or limit > maximum:
            problems.append(f"Limit must be omitted or set to a value between 0 and {maximum}.")
        if count not in ("true", "false"):
            problems.append("TotalCount must be true or false.")
        if problems or offset is None or limit is None:
            return edfi_error(self.profile, 400, " ".join(problems), problems)
        return offset, limit, count == "true"

    def _unauthorized(self, detail: str, challenge: str) -> Response:
        return edfi_error(self.profile, 401, detail, [detail], {"WWW-Authenticate": challenge})

    def _forbidden(self) -> Response:
        detail = "The client has no relationship to the requested education organization."
        return edfi_error(self.profile, 403, detail, [detail])

    def _not_allowed(self, allow: str) -> Response:
        detail = f"This simulator answers {allow} here."
        return edfi_error(self.profile, 405, detail, headers={"Allow": allow})

    def failure(self, status: int) -> Response:
        """The version-shaped answer for an injected 500, 503 or 429."""
        details = {
            500: "An unexpected error occurred on the server.",
            503: "The service is temporarily unavailable.",
            429: "Too many requests: slow down and retry.",
        }
        return edfi_error(self.profile, status, details[status])


def _whole_number(text: str) -> int | None:
    return int(text) if text.isascii() and text.isdigit() else None
