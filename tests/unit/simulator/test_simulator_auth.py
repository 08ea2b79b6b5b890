"""The Azure AD B2C side over real HTTP: discovery, client credentials and AADB2C-coded errors."""

from __future__ import annotations

import base64
import dataclasses
import json
import re
import time
from collections.abc import Iterator

import pytest
import requests

from generator.simulator import Simulator, running, sample_data
from tests.unit.simulator.conftest import b2c_token

SCOPE = "https://usimssim.onmicrosoft.com/sis-api/.default"
DESCRIPTION = re.compile(
    r"^AADB2C(\d{5}): .+\r\n"
    r"Correlation ID: [0-9a-f-]{36}\r\n"
    r"Timestamp: \d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ$"
)


def claims(token: str) -> dict[str, object]:
    payload = token.split(".")[1]
    document: dict[str, object] = json.loads(
        base64.urlsafe_b64decode(payload + "==="[: -len(payload) % 4 or None])
    )
    return document


def b2c_code(response: requests.Response) -> int:
    match = DESCRIPTION.match(response.json()["error_description"])
    assert match, response.json()["error_description"]
    return int(match.group(1))


def post_token(sim: Simulator, **form: str) -> requests.Response:
    return requests.post(sim.token_url, data=form, timeout=5)


@pytest.fixture
def scoped() -> Iterator[Simulator]:
    """A tenant whose token requests must name one scope, and with a disabled application."""
    data = sample_data()
    districts = list(data.districts)
    districts[2] = dataclasses.replace(districts[2], enabled=False)
    data = dataclasses.replace(
        data,
        districts=tuple(districts),
        auth=dataclasses.replace(data.auth, scope=SCOPE),
    )
    with running(data=data) as simulator:
        yield simulator


def test_the_auth_url_has_the_b2c_shape(sim: Simulator) -> None:
    assert re.fullmatch(
        r"http://127\.0\.0\.1:\d+/usimssim\.onmicrosoft\.com/B2C_1A_StudentInformationSystem",
        sim.auth_url,
    )


def test_discovery_answers_under_the_policy_path(sim: Simulator) -> None:
    response = requests.get(f"{sim.auth_url}/v2.0/.well-known/openid-configuration", timeout=5)

    document = response.json()
    assert response.status_code == 200
    assert document["token_endpoint"] == f"{sim.auth_url}/oauth2/v2.0/token"
    assert document["issuer"].endswith("/v2.0/")
    assert set(document["token_endpoint_auth_methods_supported"]) == {
        "client_secret_post",
        "client_secret_basic",
    }
    assert requests.get(document["jwks_uri"], timeout=5).json() == {"keys": []}


def test_discovery_answers_with_the_policy_as_a_parameter(sim: Simulator) -> None:
    tenant_url = sim.auth_url.rsplit("/", 1)[0]
    response = requests.get(
        f"{tenant_url}/v2.0/.well-known/openid-configuration",
        params={"p": "b2c_1a_studentinformationsystem"},
        timeout=5,
    )
    assert response.status_code == 200
    assert response.json()["token_endpoint"] == sim.token_url


@pytest.mark.parametrize(
    "path",
    [
        pytest.param("/usimssim.onmicrosoft.com/B2C_1A_Other", id="policy"),
        pytest.param("/otherstate.onmicrosoft.com/B2C_1A_StudentInformationSystem", id="tenant"),
    ],
)
def test_a_wrong_tenant_or_policy_is_aadb2c90022(sim: Simulator, path: str) -> None:
    url = f"{sim.data_exchange_url}{path}/v2.0/.well-known/openid-configuration"
    response = requests.get(url, timeout=5)
    assert response.status_code == 404
    assert b2c_code(response) == 90022


def test_an_unknown_path_under_the_policy_is_an_html_404(sim: Simulator) -> None:
    response = requests.get(f"{sim.auth_url}/nothing/here", timeout=5)
    assert response.status_code == 404
    assert response.headers["Content-Type"].startswith("text/html")


def test_client_credentials_in_the_form_give_a_bearer_jwt(sim: Simulator) -> None:
    alpine = sim.districts["alpine"]
    before = int(time.time())

    response = post_token(
        sim,
        grant_type="client_credentials",
        client_id=alpine.key,
        client_secret=alpine.secret,
    )

    body = response.json()
    assert response.status_code == 200
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] == 3600
    assert body["expires_on"] - body["not_before"] == 3600
    token_claims = claims(body["access_token"])
    assert token_claims["sub"] == alpine.key
    assert int(str(token_claims["exp"])) >= before + 3600
    assert (
        token_claims["iss"]
        == requests.get(sim.openid_configuration_url, timeout=5).json()["issuer"]
    )


def test_client_credentials_in_a_basic_header_work_too(sim: Simulator) -> None:
    granite = sim.districts["granite"]
    response = requests.post(
        sim.token_url,
        auth=(granite.key, granite.secret),
        data={"grant_type": "client_credentials"},
        timeout=5,
    )
    assert response.status_code == 200
    assert claims(response.json()["access_token"])["sub"] == granite.key


def test_the_token_ttl_option_sets_the_lifetime() -> None:
    with running(token_ttl=120) as sim:
        token = b2c_token(sim, sim.districts["alpine"])
        token_claims = claims(token)
        assert int(str(token_claims["exp"])) - int(str(token_claims["iat"])) == 120


def test_basic_and_form_credentials_at_once_are_refused(sim: Simulator) -> None:
    alpine = sim.districts["alpine"]
    response = requests.post(
        sim.token_url,
        auth=(alpine.key, alpine.secret),
        data={"grant_type": "client_credentials", "client_secret": alpine.secret},
        timeout=5,
    )
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_request"
    assert b2c_code(response) == 90083


@pytest.mark.parametrize(
    ("form", "status", "error", "code"),
    [
        pytest.param({"client_secret": "wrong"}, 401, "invalid_client", 90081, id="wrong-secret"),
        pytest.param(
            {"client_secret": "alpine-sim-secret-not-real "},
            401,
            "invalid_client",
            90081,
            id="secret-with-trailing-space",
        ),
        pytest.param(
            {"client_id": "nobody"}, 400, "unauthorized_client", 90018, id="unknown-client"
        ),
        pytest.param(
            {"client_id": " alpine-sim-key"}, 400, "unauthorized_client", 90018, id="key-space"
        ),
        pytest.param({"client_secret": None}, 400, "invalid_request", 90079, id="no-secret"),
        pytest.param({"client_secret": ""}, 400, "invalid_request", 90079, id="empty-secret"),
        pytest.param({"grant_type": None}, 400, "invalid_request", 90083, id="no-grant-type"),
        pytest.param({"client_id": None}, 400, "invalid_request", 90083, id="no-client-id"),
        pytest.param(
            {"grant_type": "password"}, 400, "unsupported_grant_type", 90086, id="grant-type"
        ),
    ],
)
def test_credential_problems_get_their_aadb2c_code(
    sim: Simulator, form: dict[str, str | None], status: int, error: str, code: int
) -> None:
    alpine = sim.districts["alpine"]
    fields = {
        "grant_type": "client_credentials",
        "client_id": alpine.key,
        "client_secret": alpine.secret,
        **form,
    }
    response = post_token(sim, **{k: v for k, v in fields.items() if v is not None})

    assert response.status_code == status
    assert response.json()["error"] == error
    assert b2c_code(response) == code
    assert alpine.secret not in response.text


def test_the_token_endpoint_takes_post_only(sim: Simulator) -> None:
    response = requests.get(sim.token_url, timeout=5)
    assert response.status_code == 405
    assert response.headers["Allow"] == "POST"


@pytest.mark.parametrize(
    ("scope", "code"),
    [
        pytest.param(None, 90083, id="missing"),
        pytest.param(".default", 90055, id="no-resource"),
        pytest.param(f"{SCOPE} https://other.example/api/.default", 90146, id="two-resources"),
        pytest.param("https://other.example/api/.default", 90012, id="wrong-resource"),
    ],
)
def test_scope_problems_when_a_scope_is_configured(
    scoped: Simulator, scope: str | None, code: int
) -> None:
    alpine = scoped.districts["alpine"]
    form = {"grant_type": "client_credentials", "client_id": alpine.key}
    form["client_secret"] = alpine.secret
    if scope is not None:
        form["scope"] = scope
    response = post_token(scoped, **form)
    assert response.status_code == 400
    assert b2c_code(response) == code


def test_the_configured_scope_gives_a_token_for_its_resource(scoped: Simulator) -> None:
    alpine = scoped.districts["alpine"]
    response = post_token(
        scoped,
        grant_type="client_credentials",
        client_id=alpine.key,
        client_secret=alpine.secret,
        scope=SCOPE,
    )
    assert response.status_code == 200
    assert response.json()["resource"] == "https://usimssim.onmicrosoft.com/sis-api"


def test_a_disabled_application_is_aadb2c90092(scoped: Simulator) -> None:
    charter = scoped.districts["wasatch-peak"]
    response = post_token(
        scoped,
        grant_type="client_credentials",
        client_id=charter.key,
        client_secret=charter.secret,
        scope=SCOPE,
    )
    assert response.status_code == 400
    assert b2c_code(response) == 90092
