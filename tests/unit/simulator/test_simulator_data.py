"""The simulator data file: school years, loading, and the messages for bad files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from generator.errors import InputError
from generator.project.school_year import format_school_year
from generator.simulator import load_data, sample_data
from generator.simulator.data import edfi_school_year


def minimal_document() -> dict[str, Any]:
    return {
        "auth": {
            "tenant": "examplestate",
            "policy": "B2C_1A_Test",
            "scope": "https://x/api/.default",
        },
        "districts": [
            {
                "name": "north",
                "lea_state_number": "42",
                "local_education_agency_id": 4242,
                "key": "north-key",
                "secret": "north-secret",
                "school_years": ["25-26", 2027],
                "schools": [{"school_id": 4242001, "name_of_institution": "North High"}],
                "students": [
                    {
                        "student_unique_id": "S1",
                        "school_id": 4242001,
                        "first_name": "Ada",
                        "last_surname": "Example",
                        "birth_date": "2010-01-01",
                    }
                ],
            }
        ],
    }


@pytest.mark.parametrize(
    ("text", "year"),
    [
        pytest.param("25-26", 2026, id="current"),
        pytest.param("99-00", 2000, id="century"),
        pytest.param(2031, 2031, id="integer"),
    ],
)
def test_school_years_are_named_by_their_ending_year(text: str | int, year: int) -> None:
    assert edfi_school_year(text) == year


@pytest.mark.parametrize("text", ["2025-26", "25-27", "26-25", "ab-cd", "25/26"])
def test_malformed_school_years_are_refused(text: str) -> None:
    with pytest.raises(ValueError):
        edfi_school_year(text)


def test_school_year_labels_round_trip() -> None:
    assert [format_school_year(y) for y in (2000, 2026)] == ["99-00", "25-26"]


def test_a_yaml_file_loads_into_districts(tmp_path: Path) -> None:
    path = tmp_path / "data.yaml"
    path.write_text(yaml.safe_dump(minimal_document()))

    data = load_data(path)

    north = data.district_named("north")
    assert north.school_years == (2026, 2027)
    assert north.school_year_labels == ["25-26", "26-27"]
    assert north.schools[0].name_of_institution == "North High"
    assert data.auth.tenant == "examplestate"
    assert data.auth.scope == "https://x/api/.default"
    assert data.district_by_key("north-key") is north
    assert data.district_by_key("north-key ") is None


def test_a_json_file_loads_too(tmp_path: Path) -> None:
    path = tmp_path / "data.json"
    path.write_text(json.dumps(minimal_document()))
    assert load_data(path).districts[0].students[0].student_unique_id == "S1"


def test_the_sample_data_survives_its_own_schema(tmp_path: Path) -> None:
    sample = sample_data()
    document = {
        "districts": [
            {
                "name": d.name,
                "lea_state_number": d.lea_state_number,
                "local_education_agency_id": d.local_education_agency_id,
                "name_of_institution": d.name_of_institution,
                "key": d.key,
                "secret": d.secret,
                "school_years": d.school_year_labels,
                "charter": d.charter,
                "schools": [
                    {
                        "school_id": s.school_id,
                        "name_of_institution": s.name_of_institution,
                        "grade_levels": list(s.grade_levels),
                    }
                    for s in d.schools
                ],
                "students": [
                    {
                        "student_unique_id": s.student_unique_id,
                        "school_id": s.school_id,
                        "first_name": s.first_name,
                        "last_surname": s.last_surname,
                        "birth_date": s.birth_date,
                    }
                    for s in d.students
                ],
            }
            for d in sample.districts
        ]
    }
    path = tmp_path / "sample.yaml"
    path.write_text(yaml.safe_dump(document))

    assert load_data(path).districts == sample.districts


def test_the_sample_has_enough_schools_to_page() -> None:
    alpine = sample_data().district_named("alpine")
    assert len(alpine.schools) >= 30
    assert len({d.key for d in sample_data().districts}) == 3


def _mutate(document: dict[str, Any], path: str, value: Any) -> None:
    target: Any = document
    parts = path.split(".")
    for part in parts[:-1]:
        target = target[int(part)] if part.isdigit() else target[part]
    last = parts[-1]
    if value is KeyError:
        del target[last]
    elif last.isdigit():
        target[int(last)] = value
    else:
        target[last] = value


@pytest.mark.parametrize(
    ("change", "value", "key_path", "words"),
    [
        pytest.param(
            "districts.0.key", KeyError, "districts[0]", "'key' is a required", id="no-key"
        ),
        pytest.param(
            "districts.0.local_education_agency_id",
            "x",
            "districts[0].local_education_agency_id",
            "not of type",
            id="lea-id-type",
        ),
        pytest.param(
            "districts.0.school_years.0", "2025-26", "districts[0].school_years[0]", "", id="year"
        ),
        pytest.param(
            "districts.0.schools.0.colour", "red", "districts[0].schools[0]", "colour", id="unknown"
        ),
        pytest.param(
            "districts.0.students.0.school_id",
            1,
            "districts[0].students[0].school_id",
            "not one of this district",
            id="dangling-school",
        ),
        pytest.param("auth.policy", "has space", "auth.policy", "does not match", id="policy"),
    ],
)
def test_bad_files_name_the_file_and_key_path(
    tmp_path: Path, change: str, value: Any, key_path: str, words: str
) -> None:
    document = minimal_document()
    _mutate(document, change, value)
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(document))

    with pytest.raises(InputError) as raised:
        load_data(path)

    assert raised.value.file == str(path)
    assert raised.value.key_path == key_path
    assert words in raised.value.message
    assert str(raised.value).startswith(f"{path}: {key_path}: ")


def test_keys_must_be_unique_across_districts(tmp_path: Path) -> None:
    document = minimal_document()
    twin = json.loads(json.dumps(document["districts"][0]))
    twin.update(name="south", local_education_agency_id=1, schools=[], students=[])
    twin["schools"] = [{"school_id": 1001, "name_of_institution": "South"}]
    document["districts"].append(twin)
    path = tmp_path / "twins.json"
    path.write_text(json.dumps(document))

    with pytest.raises(InputError) as raised:
        load_data(path)

    assert raised.value.key_path == "districts[1].key"
    assert "districts[0].key" in raised.value.message


def test_yaml_syntax_errors_carry_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text("districts:\n  - name: [unclosed\n")
    with pytest.raises(InputError) as raised:
        load_data(path)
    assert raised.value.line is not None and raised.value.line >= 2
    assert "not valid YAML" in raised.value.message


def test_json_syntax_errors_carry_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text('{"districts": [\n  {,}\n]}')
    with pytest.raises(InputError) as raised:
        load_data(path)
    assert (raised.value.line, raised.value.col) == (2, 4)


def test_a_missing_file_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="cannot read"):
        load_data(tmp_path / "absent.yaml")


def test_the_documented_example_file_loads(tmp_path: Path) -> None:
    docs = Path(__file__).resolve().parents[3] / "docs" / "simulator.md"
    example = docs.read_text(encoding="utf-8").split("```yaml\n", 1)[1].split("```", 1)[0]
    path = tmp_path / "example.yaml"
    path.write_text(example)

    data = load_data(path)

    assert data.auth.scope == "https://usimssim.onmicrosoft.com/sis-api/.default"
    assert data.districts[0].school_years == (2025, 2026)
