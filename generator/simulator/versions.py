"""What changes between Ed-Fi ODS/API major versions, as far as a client can tell."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class EdFiProfile:
    """The observable behaviour of one Ed-Fi ODS/API release line."""

    major: int
    version: str
    build: str
    data_model: str
    default_limit: int
    max_limit: int
    invalid_client_status: int
    problem_details: bool
    year_first: bool
    api_mode: str | None
    application_name: str | None

    def year_route(self, school_year: int) -> str:
        """The path prefix of the data routes for one school year (ending year, e.g. 2026)."""
        if self.year_first:
            return f"/{school_year}/data/v3/"
        return f"/data/v3/{school_year}/"


# 5.x pages 25 rows by default and answers a bad client with 400; from 6.0 the default page is 500
# rows and a bad client gets 401; problem-details errors arrived in 7.2 and context routing in 7.0.
PROFILES: dict[int, EdFiProfile] = {
    5: EdFiProfile(
        major=5,
        version="5.3",
        build="5.3.1441.0",
        data_model="3.3.1-b",
        default_limit=25,
        max_limit=500,
        invalid_client_status=400,
        problem_details=False,
        year_first=False,
        api_mode="Year Specific",
        application_name=None,
    ),
    6: EdFiProfile(
        major=6,
        version="6.2",
        build="6.2.3630.0",
        data_model="4.0.0",
        default_limit=500,
        max_limit=500,
        invalid_client_status=401,
        problem_details=False,
        year_first=False,
        api_mode="Year Specific",
        application_name=None,
    ),
    7: EdFiProfile(
        major=7,
        version="7.3",
        build="7.3.10435.0",
        data_model="5.2.0",
        default_limit=500,
        max_limit=500,
        invalid_client_status=401,
        problem_details=True,
        year_first=True,
        api_mode=None,
        application_name="Ed-Fi ODS/API",
    ),
}


def profile_for(major: int) -> EdFiProfile:
    """The profile of an Ed-Fi major version (5, 6 or 7)."""
    try:
        return PROFILES[major]
    except KeyError:
        known = ", ".join(str(number) for number in sorted(PROFILES))
        raise ValueError(f"Ed-Fi version {major} is not simulated (choose {known})") from None
