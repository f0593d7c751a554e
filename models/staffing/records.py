"""Typed records: what an import row, a seed generator or a portal form says about a unit or a person.

They carry codes and plain values (the ID number in clear); :mod:`models.store` turns them into
table rows (encrypting, hashing and deriving ID attributes). Both the importer and the seed
generator produce these, so both write through the same code.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import date

# Post-quota keys: (scope, rank) with scope unit/internal and rank chief/deputy.
POST_KEYS: tuple[tuple[str, str], ...] = (
    ("unit", "chief"), ("unit", "deputy"), ("internal", "chief"), ("internal", "deputy"),
)


@dataclass(slots=True)
class UnitRecord:
    code: str
    name: str
    level: str
    kind: str
    parent_code: str | None = None
    uscc: str | None = None
    region_code: str | None = None
    is_cangong: bool = False
    funding: str | None = None
    grade: str | None = None
    internal_limit: int | None = None
    approved_on: date | None = None
    approval_doc: str | None = None
    quotas: dict[str, int] = field(default_factory=dict)
    posts: dict[tuple[str, str], int] = field(default_factory=dict)


@dataclass(slots=True)
class BodyRecord:
    """An internal body (内设机构) of a unit; posts None = not separately approved."""

    unit_code: str
    code: str
    name: str
    grade: str | None = None
    chief_posts: int | None = None
    deputy_posts: int | None = None
    approved_on: date | None = None
    approval_doc: str | None = None
    status: str = "active"


@dataclass(slots=True)
class PersonRecord:
    id_number: str
    name: str
    unit_code: str
    sex: str | None = None
    birth_date: date | None = None
    est_type: str | None = None
    identity: str | None = None
    status: str = "active"
    in_est: bool = True
    entry_date: date | None = None
    exit_date: date | None = None
    post_unit_code: str | None = None
    post_title: str | None = None
    leader_kind: str = "none"
    appoint_date: date | None = None
    appoint_doc: str | None = None
    education: str | None = None
    pro_title: str | None = None
    mobile: str | None = None
    retire_age_months: int | None = None
    retire_basis: str | None = None
    # 任职内设机构: a body code of the post unit (the own unit when there is none). Last, because the
    # seed generator builds records positionally.
    body_code: str | None = None


def field_names(record_type: type[UnitRecord] | type[PersonRecord] | type[BodyRecord]) -> list[str]:
    return [f.name for f in fields(record_type)]
