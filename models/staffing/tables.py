"""SQLModel tables of the staffing domain: units, quotas, posts, persons, their history, import batches.

Codes of vocabularies live in :mod:`models.core.enums`.

Person identity: the ID number is stored encrypted (``id_enc``), with a keyed hash (``id_hash``)
for lookup and duplicate detection, a masked form for display, and the attributes derived from it
at write time (``id_status``, ``id_birth``, ``id_sex``, ``id_area``) so that set-based SQL rules
can check IDs without decrypting anything.

A person record is one 实名制 record in one establishment unit: ``(id_hash, unit_id)`` is unique,
so one person holding establishment in two units (一人多编) is representable and detectable.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Column, Index, LargeBinary, UniqueConstraint
from sqlmodel import Field, SQLModel

from models.core.db import UTCDateTime, table_of, utcnow


def _created() -> Any:
    return Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)


class Unit(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=40, unique=True, index=True)
    name: str = Field(max_length=200)
    parent_id: int | None = Field(default=None, foreign_key="unit.id", index=True)
    path: str = Field(default="/", max_length=400, index=True)  # "/1/7/42/": ancestors and self
    depth: int = 0
    uscc: str | None = Field(default=None, max_length=18)
    uscc_status: str | None = Field(default=None, max_length=10)  # derived at write: ok / invalid
    region_code: str | None = Field(default=None, max_length=6)
    level: str = Field(max_length=4)
    kind: str = Field(max_length=20)
    is_cangong: bool = False
    funding: str | None = Field(default=None, max_length=20)
    grade: str | None = Field(default=None, max_length=20)
    internal_limit: int | None = None
    approved_on: date | None = None
    approval_doc: str | None = Field(default=None, max_length=100)
    status: str = Field(default="active", max_length=20)
    version: int = 1
    created_at: datetime = _created()
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False, index=True)


class Quota(SQLModel, table=True):
    """Approved establishment (编制核定) of one unit for one establishment type."""

    unit_id: int = Field(foreign_key="unit.id", primary_key=True)
    est_type: str = Field(max_length=4, primary_key=True)
    approved: int = 0


class PostQuota(SQLModel, table=True):
    """Approved leadership posts (领导职数): scope unit/internal × rank chief/deputy."""

    unit_id: int = Field(foreign_key="unit.id", primary_key=True)
    scope: str = Field(max_length=10, primary_key=True)
    rank: str = Field(max_length=10, primary_key=True)
    approved: int = 0


class Person(SQLModel, table=True):
    __table_args__ = (
        UniqueConstraint("id_hash", "unit_id", name="uq_person_id_unit"),
        Index("ix_person_unit_status", "unit_id", "status", "in_est"),
    )
    id: int | None = Field(default=None, primary_key=True)
    unit_id: int = Field(foreign_key="unit.id")
    id_hash: str = Field(max_length=32, index=True)
    id_enc: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    id_masked: str = Field(max_length=24)
    id_status: str = Field(default="ok", max_length=10)
    id_birth: date | None = None
    id_sex: str | None = Field(default=None, max_length=1)
    id_area: str | None = Field(default=None, max_length=6)  # province + city (4 digits) only
    name: str = Field(max_length=60, index=True)  # the robot's 查 <姓名>
    sex: str | None = Field(default=None, max_length=1)
    birth_date: date | None = None
    est_type: str | None = Field(default=None, max_length=4)
    identity: str | None = Field(default=None, max_length=10)
    status: str = Field(default="active", max_length=12)
    in_est: bool = True
    entry_date: date | None = Field(default=None, index=True)
    exit_date: date | None = None
    post_unit_id: int | None = Field(default=None, foreign_key="unit.id", index=True)
    post_title: str | None = Field(default=None, max_length=100)
    body_id: int | None = Field(default=None, foreign_key="internal_body.id", index=True)  # 任职内设机构
    leader_kind: str = Field(default="none", max_length=16)
    appoint_date: date | None = None
    appoint_doc: str | None = Field(default=None, max_length=100)
    education: str | None = Field(default=None, max_length=40)
    pro_title: str | None = Field(default=None, max_length=60)
    mobile_enc: bytes | None = Field(default=None, sa_column=Column(LargeBinary, nullable=True))
    mobile_hash: str | None = Field(default=None, max_length=32, index=True)
    mobile_masked: str | None = Field(default=None, max_length=16)
    retire_age_months: int | None = None
    retire_basis: str | None = Field(default=None, max_length=200)
    # Derived at write time from birth date, sex, identity and the override (2024 reform rules),
    # so retirement rules are plain date comparisons in SQL.
    retire_on: date | None = Field(default=None, index=True)
    created_batch_id: int | None = Field(default=None, index=True)
    version: int = 1
    created_at: datetime = _created()
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False, index=True)


class InternalBody(SQLModel, table=True):
    """内设机构: a section of a unit, counted against the unit's 内设机构限额 (rule C7). Its own
    leadership posts (正/副职数) are optional: None means not separately approved, and only the
    unit's internal total (PostQuota scope "internal") applies."""

    __tablename__ = "internal_body"
    __table_args__ = (UniqueConstraint("unit_id", "code", name="uq_internal_body_unit_code"),)
    id: int | None = Field(default=None, primary_key=True)
    unit_id: int = Field(foreign_key="unit.id", index=True)
    code: str = Field(max_length=40)
    name: str = Field(max_length=200)
    grade: str | None = Field(default=None, max_length=20)  # 规格: 正科 / 副科 / 正处 …, free text
    chief_posts: int | None = None
    deputy_posts: int | None = None
    status: str = Field(default="active", max_length=20)  # active / abolished
    approved_on: date | None = None
    approval_doc: str | None = Field(default=None, max_length=100)
    version: int = 1
    created_at: datetime = _created()
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)


class PersonEvent(SQLModel, table=True):
    """人员历史轨迹: one row per change of a person record, with before/after per field."""

    __tablename__ = "person_event"
    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False, index=True)
    source: str = Field(max_length=10)  # import / portal / bot / seed / system
    actor: str = Field(max_length=60)
    kind: str = Field(max_length=10)  # create / update
    changes: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    batch_id: int | None = None
    reviewer: str | None = Field(default=None, max_length=60)  # who confirmed a reviewed change (二人复核)


class ImportBatch(SQLModel, table=True):
    __tablename__ = "import_batch"
    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=10)
    source_name: str = Field(max_length=260)
    actor: str = Field(max_length=60)
    mode: str = Field(max_length=10)
    status: str = Field(default="running", max_length=10)
    total: int = 0
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: int = 0
    started_at: datetime = _created()
    finished_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class PendingChange(SQLModel, table=True):
    """A correction of a sensitive field (在编状态, 编制类型, 编制数, 职数) waiting for a second officer
    (二人复核): ``changes`` is {field: [before, after]} in record terms (``in_est``, ``quotas.XZ``,
    ``posts.unit.deputy``). ``open_key`` names the record while the change is pending and is cleared
    when it is decided: its unique index allows one pending change per record, so a double submit
    cannot queue two."""

    __tablename__ = "pending_change"
    id: int | None = Field(default=None, primary_key=True)
    subject: str = Field(max_length=10)  # person / unit
    person_id: int | None = Field(default=None, foreign_key="person.id", index=True)
    unit_id: int = Field(foreign_key="unit.id", index=True)  # whose scope governs who may see and decide
    warning_id: int | None = Field(default=None, index=True)  # the warning the correction came from
    changes: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    open_key: str | None = Field(default=None, max_length=20, unique=True)
    source: str = Field(max_length=10)  # portal / bot
    reason: str | None = Field(default=None, max_length=500)
    requested_by: str = Field(max_length=60)
    requested_at: datetime = _created()
    decided_by: str | None = Field(default=None, max_length=60)
    decided_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    note: str | None = Field(default=None, max_length=500)
    status: str = Field(default="pending", max_length=10)  # pending / applied / rejected
    version: int = 1
    updated_at: datetime = _created()


class PendingChangeEvent(SQLModel, table=True):
    """The timeline of a pending change: requested, applied or rejected (by whom, why)."""

    __tablename__ = "pending_change_event"
    id: int | None = Field(default=None, primary_key=True)
    change_id: int = Field(foreign_key="pending_change.id", index=True)
    at: datetime = _created()
    kind: str = Field(max_length=20)
    actor: str = Field(max_length=60)
    note: str | None = Field(default=None, max_length=2000)
    detail: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON, nullable=True))


# Typed table objects for Core (set-based) queries: the one place that unwraps SQLModel classes.
UNIT = table_of(Unit)
QUOTA = table_of(Quota)
POST_QUOTA = table_of(PostQuota)
PERSON = table_of(Person)
INTERNAL_BODY = table_of(InternalBody)
PERSON_EVENT = table_of(PersonEvent)
IMPORT_BATCH = table_of(ImportBatch)
PENDING_CHANGE = table_of(PendingChange)
PENDING_CHANGE_EVENT = table_of(PendingChangeEvent)
