"""The Ed-Fi resources the simulator serves, built once as documents, and how queries pick them."""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from generator.simulator.data import District, ExchangeData, School, Student

RESOURCES = ("schools", "localEducationAgencies", "students")
PAGING_PARAMETERS = frozenset({"offset", "limit", "totalcount", "pagetoken", "pagesize"})
# Asking for one of these by an education organization the key has no relationship to is what
# the ODS/API refuses with 403; a student it cannot see is simply not in the answer.
EDORG_PARAMETERS = frozenset({"localeducationagencyid", "schoolid"})
DESCRIPTORS = "uri://ed-fi.org/"
LAST_MODIFIED = "2025-07-01T00:00:00.000Z"

Document = dict[str, Any]


def _resource_id(resource: str, natural_key: object) -> str:
    return uuid.uuid5(uuid.NAMESPACE_URL, f"psplugin-simulator/{resource}/{natural_key}").hex


def _etag(resource_id: str) -> str:
    return str(int(hashlib.sha256(resource_id.encode()).hexdigest()[:15], 16))


def _stamp(resource: str, natural_key: object, body: Document) -> Document:
    resource_id = _resource_id(resource, natural_key)
    return {
        "id": resource_id,
        **body,
        "_etag": _etag(resource_id),
        "_lastModifiedDate": LAST_MODIFIED,
    }


def lea_document(district: District) -> Document:
    category = "Independent charter district" if district.charter else "Independent"
    return _stamp(
        "localEducationAgencies",
        district.local_education_agency_id,
        {
            "localEducationAgencyId": district.local_education_agency_id,
            "nameOfInstitution": district.name_of_institution,
            "localEducationAgencyCategoryDescriptor": (
                f"{DESCRIPTORS}LocalEducationAgencyCategoryDescriptor#{category}"
            ),
            "categories": [
                {
                    "educationOrganizationCategoryDescriptor": f"{DESCRIPTORS}"
                    "EducationOrganizationCategoryDescriptor#Local Education Agency"
                }
            ],
            "identificationCodes": [
                {
                    "educationOrganizationIdentificationSystemDescriptor": (
                        f"{DESCRIPTORS}EducationOrganizationIdentificationSystemDescriptor#SEA"
                    ),
                    "identificationCode": district.lea_state_number,
                }
            ],
            "addresses": [],
        },
    )


def school_document(district: District, school: School) -> Document:
    lea_id = district.local_education_agency_id
    return _stamp(
        "schools",
        school.school_id,
        {
            "schoolId": school.school_id,
            "nameOfInstitution": school.name_of_institution,
            "localEducationAgencyReference": {
                "localEducationAgencyId": lea_id,
                "link": {
                    "rel": "LocalEducationAgency",
                    "href": "/ed-fi/localEducationAgencies/"
                    + _resource_id("localEducationAgencies", lea_id),
                },
            },
            "educationOrganizationCategories": [
                {
                    "educationOrganizationCategoryDescriptor": (
                        f"{DESCRIPTORS}EducationOrganizationCategoryDescriptor#School"
                    )
                }
            ],
            "gradeLevels": [
                {"gradeLevelDescriptor": f"{DESCRIPTORS}GradeLevelDescriptor#{grade}"}
                for grade in school.grade_levels
            ],
            "addresses": [],
        },
    )


def student_document(student: Student) -> Document:
    return _stamp(
        "students",
        student.student_unique_id,
        {
            "studentUniqueId": student.student_unique_id,
            "firstName": student.first_name,
            "lastSurname": student.last_surname,
            "birthDate": student.birth_date,
        },
    )


def _filter_fields(document: Document) -> dict[str, str]:
    """Query-able values of a document: its scalars and those of its references, by folded name."""
    fields: dict[str, str] = {}
    for name, value in document.items():
        if isinstance(value, dict) and name.endswith("Reference"):
            fields.update(_filter_fields({k: v for k, v in value.items() if k != "link"}))
        elif isinstance(value, str | int) and not isinstance(value, bool):
            fields[name.casefold()] = str(value)
    return fields


@dataclass(frozen=True)
class Entry:
    """A document, the district whose key sees it, its query-able fields and its JSON, made once."""

    district: District
    document: Document
    fields: Mapping[str, str]
    body: bytes


@dataclass(frozen=True)
class Selection:
    """The answer to a collection query: the entries on the page and how many matched in all."""

    entries: list[Entry]
    total: int

    def json(self) -> bytes:
        return b"[" + b",".join(entry.body for entry in self.entries) + b"]"


class Catalog:
    """Every district's documents, each tagged with the district whose key may see it."""

    def __init__(self, data: ExchangeData) -> None:
        self._entries: dict[tuple[str, str], list[Entry]] = {}
        self._edorg_owner: dict[str, District] = {}
        for district in data.districts:
            self._add("localEducationAgencies", district, lea_document(district))
            self._edorg_owner[str(district.local_education_agency_id)] = district
            for school in sorted(district.schools, key=lambda s: s.school_id):
                self._add("schools", district, school_document(district, school))
                self._edorg_owner[str(school.school_id)] = district
            for student in sorted(district.students, key=lambda s: s.student_unique_id):
                self._add("students", district, student_document(student))
        self._by_id = {
            entry.document["id"]: (resource, entry)
            for (resource, _), entries in self._entries.items()
            for entry in entries
        }

    def _add(self, resource: str, district: District, document: Document) -> None:
        body = json.dumps(document, separators=(",", ":")).encode()
        entry = Entry(district, document, _filter_fields(document), body)
        self._entries.setdefault((resource, district.name), []).append(entry)

    def foreign_edorg(self, district: District, filters: Mapping[str, str]) -> str | None:
        """An education organization id in the filters that belongs to another district, if any."""
        for name in EDORG_PARAMETERS:
            value = filters.get(name)
            owner = self._edorg_owner.get(value) if value is not None else None
            if owner is not None and owner is not district:
                return value
        return None

    def select(
        self,
        resource: str,
        district: District,
        filters: Mapping[str, str],
        offset: int,
        limit: int,
    ) -> Selection:
        """The documents of `resource` the district's key sees that match every known filter."""
        known = {name: value for name, value in filters.items() if name not in PAGING_PARAMETERS}
        entries = self._entries.get((resource, district.name), [])
        # A parameter the resource has no property for is ignored, as the ODS/API ignores it.
        matched = (
            [
                entry
                for entry in entries
                if all(entry.fields.get(name, value) == value for name, value in known.items())
            ]
            if known
            else entries
        )
        return Selection(entries=matched[offset : offset + limit], total=len(matched))

    def by_id(self, resource: str, resource_id: str) -> Entry | None:
        found = self._by_id.get(resource_id)
        if found is None or found[0] != resource:
            return None
        return found[1]


def canonical_resource(name: str) -> str | None:
    """The resource's Ed-Fi spelling, for a name matched without regard to case."""
    for resource in RESOURCES:
        if resource.casefold() == name.casefold():
            return resource
    return None


def fold_filters(query: Mapping[str, Sequence[str]]) -> dict[str, str]:
    return {name.casefold(): values[0] for name, values in query.items() if values}
