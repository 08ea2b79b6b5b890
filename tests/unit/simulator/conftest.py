"""Simulators on free ports for each test, and small helpers to log in the way clients do."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests

from generator.simulator import District, Simulator, running


@pytest.fixture
def sim() -> Iterator[Simulator]:
    """An Ed-Fi 7.x simulator with the built-in sample districts, over plain http."""
    with running() as simulator:
        yield simulator


@pytest.fixture(params=[5, 6, 7], ids=["edfi5", "edfi6", "edfi7"])
def any_sim(request: pytest.FixtureRequest) -> Iterator[Simulator]:
    """The same test against each simulated Ed-Fi major version."""
    with running(edfi_version=request.param) as simulator:
        yield simulator


def b2c_token(sim: Simulator, district: District, **kwargs: object) -> str:
    """A token from the B2C endpoint, credentials in the form."""
    response = requests.post(
        sim.token_url,
        data={
            "grant_type": "client_credentials",
            "client_id": district.key,
            "client_secret": district.secret,
        },
        timeout=5,
        **kwargs,  # type: ignore[arg-type]
    )
    assert response.status_code == 200, response.text
    token: str = response.json()["access_token"]
    return token


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def get_data(
    sim: Simulator,
    resource: str,
    token: str,
    school_year: int | str = 2026,
    **params: str | int,
) -> requests.Response:
    return requests.get(
        sim.data_url(school_year, resource), params=params, headers=bearer(token), timeout=5
    )
