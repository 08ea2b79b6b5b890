"""The Ed-Fi side over real HTTP: discovery, its token endpoint, year routes, paging and access."""

from __future__ import annotations

import pytest
import requests

from generator.simulator import Simulator, running
from tests.unit.simulator.conftest import b2c_token, bearer, get_data


def edfi_token(sim: Simulator, district_name: str = "alpine") -> str:
    district = sim.districts[district_name]
    response = requests.post(
        sim.edfi_oauth_url,
        auth=(district.key, district.secret),
        data={"grant_type": "client_credentials"},
        timeout=5,
    )
    assert response.status_code == 200, response.text
    token: str = response.json()["access_token"]
    return token


def error_text(sim: Simulator, response: requests.Response) -> str:
    """The error's message in the version's shape, checking that shape on the way."""
    body = response.json()
    if sim.profile.problem_details:
        assert response.headers["Content-Type"].startswith("application/problem+json")
        assert body["status"] == response.status_code
        assert {"type", "title", "detail", "correlationId", "errors"} <= set(body)
        return str(body["detail"])
    assert set(body) == {"message"}
    return str(body["message"])


def test_the_discovery_root_has_the_shape_of_its_version(any_sim: Simulator) -> None:
    response = requests.get(f"{any_sim.data_exchange_url}/", timeout=5)

    document = response.json()
    assert response.status_code == 200
    assert document["version"].startswith(str(any_sim.profile.major))
    assert document["suite"] == "3"
    assert document["dataModels"][0]["name"] == "Ed-Fi"
    assert document["urls"]["oauth"] == f"{any_sim.data_exchange_url}/oauth/token"
    assert document["urls"]["dataManagementApi"] == f"{any_sim.data_exchange_url}/data/v3/"
    if any_sim.profile.major < 7:
        assert document["apiMode"] == "Year Specific"
        assert "applicationName" not in document
    else:
        assert "apiMode" not in document
        assert document["applicationName"]
        assert "oauthTokenIntrospection" in document["urls"]


@pytest.mark.parametrize(
    ("major", "route"),
    [
        (5, "/data/v3/2026/ed-fi/schools"),
        (6, "/data/v3/2026/ed-fi/schools"),
        (7, "/2026/data/v3/ed-fi/schools"),
    ],
)
def test_year_routes_follow_the_version(major: int, route: str) -> None:
    with running(edfi_version=major) as sim:
        assert sim.data_url("25-26", "schools") == sim.data_exchange_url + route
        token = b2c_token(sim, sim.districts["alpine"])
        response = requests.get(sim.data_exchange_url + route, headers=bearer(token), timeout=5)
        assert response.status_code == 200


def test_the_edfi_token_endpoint_answers_in_the_edfi_shape(any_sim: Simulator) -> None:
    alpine = any_sim.districts["alpine"]
    for credentials in (
        {"auth": (alpine.key, alpine.secret), "data": {"grant_type": "client_credentials"}},
        {
            "data": {
                "grant_type": "client_credentials",
                "client_id": alpine.key,
                "client_secret": alpine.secret,
            }
        },
        {
            "json": {
                "grant_type": "client_credentials",
                "client_id": alpine.key,
                "client_secret": alpine.secret,
            }
        },
    ):
        response = requests.post(any_sim.edfi_oauth_url, timeout=5, **credentials)
        body = response.json()
        assert response.status_code == 200
        assert set(body) == {"access_token", "expires_in", "token_type"}
        assert (body["expires_in"], body["token_type"]) == (1800, "bearer")


@pytest.mark.parametrize(
    ("major", "status"),
    [
        pytest.param(5, 400, id="edfi5"),
        pytest.param(6, 401, id="edfi6"),
        pytest.param(7, 401, id="edfi7"),
    ],
)
def test_a_wrong_secret_is_invalid_client_with_the_versions_status(major: int, status: int) -> None:
    with running(edfi_version=major) as sim:
        alpine = sim.districts["alpine"]
        response = requests.post(
            sim.edfi_oauth_url,
            auth=(alpine.key, alpine.secret + " "),
            data={"grant_type": "client_credentials"},
            timeout=5,
        )
        assert response.status_code == status
        assert response.json() == {"error": "invalid_client"}


@pytest.mark.parametrize(
    ("form", "error"),
    [
        pytest.param(
            {"grant_type": "client_credentials", "client_secret": "x"}, "invalid_client", id="both"
        ),
        pytest.param({"grant_type": "password"}, "unsupported_grant_type", id="grant-type"),
        pytest.param({}, "invalid_request", id="no-grant-type"),
    ],
)
def test_edfi_token_requests_that_are_refused_with_400(
    sim: Simulator, form: dict[str, str], error: str
) -> None:
    alpine = sim.districts["alpine"]
    response = requests.post(
        sim.edfi_oauth_url, auth=(alpine.key, alpine.secret), data=form, timeout=5
    )
    assert response.status_code == 400
    assert response.json() == {"error": error}


def test_tokens_from_both_endpoints_are_accepted(any_sim: Simulator) -> None:
    for token in (b2c_token(any_sim, any_sim.districts["alpine"]), edfi_token(any_sim)):
        assert get_data(any_sim, "schools", token, limit=1).status_code == 200


@pytest.mark.parametrize(
    "headers",
    [
        pytest.param({}, id="none"),
        pytest.param({"Authorization": "Basic YTpi"}, id="basic"),
        pytest.param({"Authorization": "Bearer not.a.token"}, id="forged"),
        pytest.param({"Authorization": "Bearer "}, id="empty"),
    ],
)
def test_data_needs_a_valid_bearer_token(any_sim: Simulator, headers: dict[str, str]) -> None:
    response = requests.get(any_sim.data_url(2026, "schools"), headers=headers, timeout=5)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert error_text(any_sim, response)
    if any_sim.profile.problem_details:
        assert response.json()["type"] == "urn:ed-fi:api:security:authentication"


def test_default_page_sizes_follow_the_version(any_sim: Simulator) -> None:
    token = b2c_token(any_sim, any_sim.districts["alpine"])
    rows = get_data(any_sim, "schools", token).json()
    assert len(rows) == (25 if any_sim.profile.major == 5 else 30)


def test_offset_and_limit_page_through_every_school_once(sim: Simulator) -> None:
    token = b2c_token(sim, sim.districts["alpine"])
    seen: list[int] = []
    for offset in range(0, 35, 7):
        page = get_data(sim, "schools", token, offset=offset, limit=7).json()
        seen += [school["schoolId"] for school in page]
    assert seen == sorted(school.school_id for school in sim.districts["alpine"].schools)


def test_total_count_comes_as_a_header(sim: Simulator) -> None:
    token = b2c_token(sim, sim.districts["alpine"])

    counted = get_data(sim, "schools", token, limit=0, totalCount="true")
    paged = get_data(sim, "schools", token, limit=3, totalCount="true")
    plain = get_data(sim, "schools", token, limit=3)

    assert (counted.json(), counted.headers["Total-Count"]) == ([], "30")
    assert (len(paged.json()), paged.headers["Total-Count"]) == (3, "30")
    assert "Total-Count" not in plain.headers


@pytest.mark.parametrize(
    "params",
    [
        pytest.param({"limit": 501}, id="over-max"),
        pytest.param({"limit": -1}, id="negative-limit"),
        pytest.param({"offset": -5}, id="negative-offset"),
        pytest.param({"limit": "ten"}, id="not-a-number"),
        pytest.param({"totalCount": "yes"}, id="total-count"),
    ],
)
def test_paging_out_of_bounds_is_400(any_sim: Simulator, params: dict[str, str | int]) -> None:
    token = b2c_token(any_sim, any_sim.districts["alpine"])
    response = get_data(any_sim, "schools", token, **params)
    assert response.status_code == 400
    assert error_text(any_sim, response)


def test_the_largest_page_is_allowed(sim: Simulator) -> None:
    token = b2c_token(sim, sim.districts["alpine"])
    assert len(get_data(sim, "schools", token, limit=500).json()) == 30


def test_a_key_sees_only_its_own_lea_with_its_state_number(any_sim: Simulator) -> None:
    token = b2c_token(any_sim, any_sim.districts["granite"])
    leas = get_data(any_sim, "localEducationAgencies", token).json()
    assert [lea["localEducationAgencyId"] for lea in leas] == [4918]
    assert leas[0]["identificationCodes"][0]["identificationCode"] == "18"


def test_schools_of_the_lea_filter_by_natural_key(sim: Simulator) -> None:
    token = b2c_token(sim, sim.districts["granite"])
    by_lea = get_data(sim, "schools", token, localEducationAgencyId=4918).json()
    by_id = get_data(sim, "schools", token, schoolId=4918003).json()
    assert len(by_lea) == 12
    assert [school["nameOfInstitution"] for school in by_id] == ["Oquirrh Elementary 03"]


@pytest.mark.parametrize(
    ("resource", "params"),
    [
        pytest.param("localEducationAgencies", {"localEducationAgencyId": 4901}, id="lea"),
        pytest.param("schools", {"localEducationAgencyId": 4901}, id="schools-of-lea"),
        pytest.param("schools", {"schoolId": 4901001}, id="school"),
    ],
)
def test_asking_for_another_leas_data_is_403(
    any_sim: Simulator, resource: str, params: dict[str, str | int]
) -> None:
    token = b2c_token(any_sim, any_sim.districts["granite"])
    response = get_data(any_sim, resource, token, **params)
    assert response.status_code == 403
    assert error_text(any_sim, response)
    if any_sim.profile.problem_details:
        assert response.json()["type"] == "urn:ed-fi:api:security:authorization"


def test_reading_another_leas_school_by_id_is_403(sim: Simulator) -> None:
    alpine_school = get_data(sim, "schools", b2c_token(sim, sim.districts["alpine"]), limit=1)
    school_id = alpine_school.json()[0]["id"]
    granite = b2c_token(sim, sim.districts["granite"])
    own = requests.get(
        sim.data_url(2026, f"schools/{school_id}"), headers=bearer(granite), timeout=5
    )
    assert own.status_code == 403
    alpine = b2c_token(sim, sim.districts["alpine"])
    mine = requests.get(
        sim.data_url(2026, f"schools/{school_id}"), headers=bearer(alpine), timeout=5
    )
    assert mine.json()["id"] == school_id


def test_students_are_found_by_state_student_number(any_sim: Simulator) -> None:
    token = b2c_token(any_sim, any_sim.districts["alpine"])
    found = get_data(any_sim, "students", token, studentUniqueId="9000000102").json()
    assert [(s["firstName"], s["lastSurname"]) for s in found] == [("Jordan", "Example")]


def test_another_districts_student_is_an_empty_list_not_an_error(sim: Simulator) -> None:
    token = b2c_token(sim, sim.districts["alpine"])
    response = get_data(sim, "students", token, studentUniqueId="9000000201")
    assert (response.status_code, response.json()) == (200, [])


@pytest.mark.parametrize(
    ("district", "school_year", "resource"),
    [
        pytest.param("alpine", 2031, "schools", id="year-nobody-serves"),
        pytest.param("granite", 2025, "schools", id="year-not-enabled-for-the-key"),
        pytest.param("alpine", 2026, "staffs", id="unknown-resource"),
        pytest.param("alpine", 2026, "schools/0123456789abcdef0123456789abcdef", id="unknown-id"),
    ],
)
def test_wrong_years_and_resources_are_404(
    any_sim: Simulator, district: str, school_year: int, resource: str
) -> None:
    token = b2c_token(any_sim, any_sim.districts[district])
    response = get_data(any_sim, resource, token, school_year=school_year)
    assert response.status_code == 404
    assert error_text(any_sim, response)
    if any_sim.profile.problem_details:
        assert response.json()["type"] == "urn:ed-fi:api:not-found"


@pytest.mark.parametrize(
    "path",
    [
        pytest.param("/data/v3/ed-fi/schools", id="no-year"),
        pytest.param("/data/v3/26/ed-fi/schools", id="short-year"),
        pytest.param("/api/data/v3/2026/ed-fi/schools", id="extra-prefix"),
    ],
)
def test_routes_that_do_not_match_are_404(sim: Simulator, path: str) -> None:
    response = requests.get(sim.data_exchange_url + path, timeout=5)
    assert response.status_code == 404
    assert response.json()["type"] == "urn:ed-fi:api:not-found"


def test_the_6x_route_form_is_404_on_7x(sim: Simulator) -> None:
    token = b2c_token(sim, sim.districts["alpine"])
    url = f"{sim.data_exchange_url}/data/v3/2026/ed-fi/schools"
    response = requests.get(url, headers=bearer(token), timeout=5)
    assert response.status_code == 404
    assert "/{yyyy}/data/v3/" in response.json()["detail"]


def test_writes_are_not_served(sim: Simulator) -> None:
    token = b2c_token(sim, sim.districts["alpine"])
    response = requests.post(
        sim.data_url(2026, "schools"), headers=bearer(token), json={}, timeout=5
    )
    assert response.status_code == 405
    assert response.headers["Allow"] == "GET"


@pytest.mark.parametrize(
    ("method", "path", "allow"),
    [
        pytest.param("POST", "/", "GET", id="root"),
        pytest.param("GET", "/oauth/token", "POST", id="token"),
    ],
)
def test_discovery_and_token_take_one_method_each(
    any_sim: Simulator, method: str, path: str, allow: str
) -> None:
    response = requests.request(method, any_sim.data_exchange_url + path, timeout=5)
    assert response.status_code == 405
    assert response.headers["Allow"] == allow
    assert error_text(any_sim, response)
