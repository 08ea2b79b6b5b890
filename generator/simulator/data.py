"""The districts, keys, schools and students the simulator serves, and the file they come from."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from generator.errors import InputError
from generator.findings import format_key_path
from generator.project.school_year import format_school_year, parse_school_year
from generator.resources import schemas_dir

SCHEMA_NAME = "simulator-data.schema.json"


@dataclass(frozen=True)
class School:
    school_id: int
    name_of_institution: str
    grade_levels: tuple[str, ...] = ()


@dataclass(frozen=True)
class Student:
    student_unique_id: str
    school_id: int
    first_name: str
    last_surname: str
    birth_date: str


@dataclass(frozen=True)
class District:
    """One LEA as the state exchange knows it: its identity, its API client, what its key sees."""

    name: str
    lea_state_number: str
    local_education_agency_id: int
    name_of_institution: str
    key: str
    secret: str
    school_years: tuple[int, ...]
    schools: tuple[School, ...]
    students: tuple[Student, ...] = ()
    charter: bool = False
    enabled: bool = True

    @property
    def school_year_labels(self) -> list[str]:
        """The school years as PowerSchool writes them, e.g. `25-26`."""
        return [format_school_year(year) for year in self.school_years]


@dataclass(frozen=True)
class AuthSettings:
    """The Azure AD B2C tenant and policy, and the scope a token request must name (if any)."""

    tenant: str = "usimssim"
    policy: str = "B2C_1A_StudentInformationSystem"
    scope: str | None = None


@dataclass(frozen=True)
class ExchangeData:
    districts: tuple[District, ...]
    auth: AuthSettings = AuthSettings()

    @cached_property
    def _by_key(self) -> dict[str, District]:
        return {district.key: district for district in self.districts}

    def district_by_key(self, key: str) -> District | None:
        return self._by_key.get(key)

    def district_named(self, name: str) -> District:
        for district in self.districts:
            if district.name == name:
                return district
        raise KeyError(name)

    @cached_property
    def school_years(self) -> frozenset[int]:
        """Every school year some district has enabled: these are the year routes that exist."""
        return frozenset(year for district in self.districts for year in district.school_years)


def edfi_school_year(value: str | int) -> int:
    """The Ed-Fi school year (its ending year) of `25-26` or of an integer year such as 2026."""
    if isinstance(value, int):
        if not 1991 <= value <= 2099:
            raise ValueError(f"school year {value} is out of range")
        return value
    return parse_school_year(value)


def load_data(path: str | Path) -> ExchangeData:
    """Read a simulator data file (YAML or JSON), check it against its schema, build the data."""
    path = Path(path)
    document = _parse(path)
    _validate(document, path)
    data = _build(document)
    _check_references(data, path)
    return data


def _parse(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise InputError(f"cannot read the simulator data file: {error}", file=path) from None
    if path.suffix.lower() == ".json":
        try:
            return json.loads(text)
        except json.JSONDecodeError as error:
            raise InputError(
                f"not valid JSON: {error.msg}", file=path, line=error.lineno, col=error.colno
            ) from None
    from generator.project.yamlsource import YamlError, parse_yaml

    # The project's YAML reader: duplicate keys, alias bombs and deep nesting are refused with
    # their line, like in project files.
    try:
        return parse_yaml(text, str(path), path).data
    except YamlError as error:
        raise InputError(
            f"not valid YAML: {error.message}", file=path, line=error.line, col=error.col
        ) from None


def _validate(document: Any, path: Path) -> None:
    import jsonschema

    schema = json.loads((schemas_dir() / SCHEMA_NAME).read_text(encoding="utf-8"))
    validator = jsonschema.Draft202012Validator(schema)
    error = jsonschema.exceptions.best_match(validator.iter_errors(document))
    if error is not None:
        raise InputError(
            error.message, file=path, key_path=format_key_path(error.absolute_path) or "$"
        )


def _build(document: dict[str, Any]) -> ExchangeData:
    auth = document.get("auth", {})
    settings = AuthSettings(
        tenant=auth.get("tenant", AuthSettings.tenant),
        policy=auth.get("policy", AuthSettings.policy),
        scope=auth.get("scope"),
    )
    return ExchangeData(districts=tuple(_district(d) for d in document["districts"]), auth=settings)


def _district(entry: dict[str, Any]) -> District:
    schools = tuple(
        School(
            school_id=school["school_id"],
            name_of_institution=school["name_of_institution"],
            grade_levels=tuple(school.get("grade_levels", ())),
        )
        for school in entry["schools"]
    )
    students = tuple(
        Student(
            student_unique_id=student["student_unique_id"],
            school_id=student["school_id"],
            first_name=student["first_name"],
            last_surname=student["last_surname"],
            birth_date=student["birth_date"],
        )
        for student in entry.get("students", ())
    )
    return District(
        name=entry["name"],
        lea_state_number=entry["lea_state_number"],
        local_education_agency_id=entry["local_education_agency_id"],
        name_of_institution=entry.get("name_of_institution", f"{entry['name']} school district"),
        key=entry["key"],
        secret=entry["secret"],
        school_years=tuple(sorted({edfi_school_year(year) for year in entry["school_years"]})),
        schools=schools,
        students=students,
        charter=entry.get("charter", False),
        enabled=entry.get("enabled", True),
    )


def _check_references(data: ExchangeData, path: Path) -> None:
    """Reject what the schema cannot express: duplicates across districts, dangling school ids."""
    for field in ("name", "key", "local_education_agency_id"):
        _unique(
            path,
            [(f"districts[{i}].{field}", getattr(d, field)) for i, d in enumerate(data.districts)],
        )
    _unique(
        path,
        [
            (f"districts[{i}].schools[{j}].school_id", school.school_id)
            for i, district in enumerate(data.districts)
            for j, school in enumerate(district.schools)
        ],
    )
    for i, district in enumerate(data.districts):
        own = {school.school_id for school in district.schools}
        for j, student in enumerate(district.students):
            if student.school_id not in own:
                raise InputError(
                    f"school {student.school_id} is not one of this district's schools",
                    file=path,
                    key_path=f"districts[{i}].students[{j}].school_id",
                )


def _unique(path: Path, entries: Sequence[tuple[str, object]]) -> None:
    seen: dict[object, str] = {}
    for where, value in entries:
        if value in seen:
            raise InputError(
                f"{value!r} is already used at {seen[value]}: it must be unique",
                file=path,
                key_path=where,
            )
        seen[value] = where
