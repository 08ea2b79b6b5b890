"""A third-party Ed-Fi client, edfi_api_client, logs in and pages through a district's schools."""

from __future__ import annotations

import pytest
from edfi_api_client import EdFiClient

from generator.simulator import running


@pytest.mark.parametrize("major", [5, 6])
def test_edfi_api_client_pages_through_every_school(major: int) -> None:
    with running(edfi_version=major) as sim:
        alpine = sim.districts["alpine"]
        client = EdFiClient(sim.data_exchange_url, alpine.key, alpine.secret, api_year=2026)

        rows = list(client.resource("schools").get_rows(page_size=7))
        count = client.resource("schools").get_total_count()

    assert client.api_mode == "year_specific"
    assert sorted(row["schoolId"] for row in rows) == sorted(s.school_id for s in alpine.schools)
    assert len(rows) == count == 30


def test_edfi_api_client_sees_only_its_own_lea() -> None:
    with running(edfi_version=6) as sim:
        granite = sim.districts["granite"]
        client = EdFiClient(sim.data_exchange_url, granite.key, granite.secret, api_year=2026)
        leas = client.resource("localEducationAgencies").get()
        students = list(client.resource("students").get_rows(page_size=2))

    assert [lea["localEducationAgencyId"] for lea in leas] == [granite.local_education_agency_id]
    assert {s["studentUniqueId"] for s in students} == {
        s.student_unique_id for s in granite.students
    }
