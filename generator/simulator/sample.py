"""The built-in sample: three Utah-like districts with fake keys, for runs without a data file."""

from __future__ import annotations

from generator.simulator.data import AuthSettings, District, ExchangeData, School, Student

ELEMENTARY = ("Kindergarten", "First grade", "Second grade", "Third grade", "Fourth grade")
SECONDARY = ("Seventh grade", "Eighth grade", "Ninth grade")
HIGH = ("Tenth grade", "Eleventh grade", "Twelfth grade")


def _schools(lea_id: int, town: str, elementary: int, junior: int, high: int) -> tuple[School, ...]:
    """Numbered schools, enough of them that paging with small limits crosses several pages."""
    kinds = (
        [("Elementary", ELEMENTARY)] * elementary
        + [("Junior High", SECONDARY)] * junior
        + [("High", HIGH)] * high
    )
    return tuple(
        School(
            school_id=lea_id * 1000 + number,
            name_of_institution=f"{town} {kind} {number:02d}",
            grade_levels=grades,
        )
        for number, (kind, grades) in enumerate(kinds, start=1)
    )


def _student(unique_id: str, school: School, first: str, last: str, born: str) -> Student:
    return Student(
        student_unique_id=unique_id,
        school_id=school.school_id,
        first_name=first,
        last_surname=last,
        birth_date=born,
    )


def sample_data() -> ExchangeData:
    """Alpine (30 schools, two school years), Granite (12 schools) and a two-campus charter."""
    return ExchangeData(districts=(_alpine(), _granite(), _charter()), auth=AuthSettings())


def _alpine() -> District:
    schools = _schools(4901, "Timpanogos", elementary=20, junior=6, high=4)
    return District(
        name="alpine",
        lea_state_number="01",
        local_education_agency_id=4901,
        name_of_institution="Alpine School District (sample)",
        key="alpine-sim-key",
        secret="alpine-sim-secret-not-real",
        school_years=(2025, 2026),
        schools=schools,
        students=(
            _student("9000000101", schools[0], "Avery", "Sample", "2017-03-14"),
            _student("9000000102", schools[4], "Jordan", "Example", "2015-11-02"),
            _student("9000000103", schools[22], "Riley", "Placeholder", "2011-06-30"),
            _student("9000000104", schools[29], "Quinn", "Fixture", "2008-01-09"),
        ),
    )


def _granite() -> District:
    schools = _schools(4918, "Oquirrh", elementary=8, junior=2, high=2)
    return District(
        name="granite",
        lea_state_number="18",
        local_education_agency_id=4918,
        name_of_institution="Granite School District (sample)",
        key="granite-sim-key",
        secret="granite-sim-secret-not-real",
        school_years=(2026,),
        schools=schools,
        students=(
            _student("9000000201", schools[1], "Morgan", "Testcase", "2016-08-21"),
            _student("9000000202", schools[9], "Casey", "Mockup", "2012-02-17"),
            _student("9000000203", schools[11], "Taylor", "Dummy", "2009-05-05"),
        ),
    )


def _charter() -> District:
    schools = (
        School(4985001, "Wasatch Peak Academy", ELEMENTARY + SECONDARY),
        School(4985002, "Wasatch Peak Academy High", HIGH),
    )
    return District(
        name="wasatch-peak",
        lea_state_number="87",
        local_education_agency_id=4985,
        name_of_institution="Wasatch Peak Academy (sample charter)",
        key="wasatch-peak-sim-key",
        secret="wasatch-peak-sim-secret-not-real",
        school_years=(2026,),
        schools=schools,
        students=(
            _student("9000000301", schools[0], "Harper", "Standin", "2014-10-12"),
            _student("9000000302", schools[1], "Rowan", "Prototype", "2009-12-01"),
        ),
        charter=True,
    )
