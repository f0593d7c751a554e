"""Tables of ad-hoc tasks to units: the task, one target row per unit, their timeline and files.

``audience`` keeps how the publisher chose the units ({"mode": "subtree", "unit_id": 7, "include_root":
true} or {"mode": "units", "unit_ids": [...]}); the target rows are written when the task is
published, from the units the publisher could see then. A task event names ``task_id`` (created,
published, closed) or ``target_id`` (one unit's moves), never both: the decision step writes one key.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Column, Index, LargeBinary, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from models.core.db import UTCDateTime, table_of, utcnow


def _stamp() -> Any:
    return Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)


def _when() -> Any:
    return Field(default=None, sa_type=UTCDateTime)


class UnitTask(SQLModel, table=True):
    __tablename__ = "unit_task"
    id: int | None = Field(default=None, primary_key=True)
    title: str = Field(max_length=200)
    body: str = Field(default="", sa_column=Column(Text, nullable=False))
    deadline: date
    publisher: str = Field(max_length=60, index=True)
    audience: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    status: str = Field(default="draft", max_length=10, index=True)  # draft / published / closed
    created_at: datetime = _stamp()
    published_at: datetime | None = _when()
    closed_at: datetime | None = _when()
    version: int = 1
    updated_at: datetime = _stamp()


class UnitTaskTarget(SQLModel, table=True):
    """One unit's part of a task: published → received → done → fed_back → evaluated (return: back to received)."""

    __tablename__ = "unit_task_target"
    __table_args__ = (UniqueConstraint("task_id", "unit_id", name="uq_unit_task_target_unit"),
                      Index("ix_unit_task_target_unit_status", "unit_id", "status"))
    id: int | None = Field(default=None, primary_key=True)
    task_id: int = Field(foreign_key="unit_task.id", index=True)
    unit_id: int = Field(foreign_key="unit.id")
    status: str = Field(default="published", max_length=12)
    received_at: datetime | None = _when()
    received_by: str | None = Field(default=None, max_length=60)
    done_at: datetime | None = _when()
    fed_back_at: datetime | None = _when()
    fed_back_by: str | None = Field(default=None, max_length=60)
    feedback: str | None = Field(default=None, max_length=2000)
    returned_count: int = 0
    return_note: str | None = Field(default=None, max_length=500)
    grade: str | None = Field(default=None, max_length=10)  # excellent / good / fair / poor (优/良/中/差)
    points: int | None = None
    evaluation: str | None = Field(default=None, max_length=500)
    evaluated_by: str | None = Field(default=None, max_length=60)
    evaluated_at: datetime | None = _when()
    version: int = 1
    updated_at: datetime = _stamp()


class UnitTaskEvent(SQLModel, table=True):
    __tablename__ = "unit_task_event"
    id: int | None = Field(default=None, primary_key=True)
    task_id: int | None = Field(default=None, foreign_key="unit_task.id", index=True)
    target_id: int | None = Field(default=None, foreign_key="unit_task_target.id", index=True)
    at: datetime = _stamp()
    kind: str = Field(max_length=20)
    actor: str = Field(max_length=60)
    note: str | None = Field(default=None, max_length=2000)
    detail: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON, nullable=True))


class UnitTaskFile(SQLModel, table=True):
    """A file a unit sent with its feedback, checked like every upload (type by first bytes, size)."""

    __tablename__ = "unit_task_file"
    id: int | None = Field(default=None, primary_key=True)
    target_id: int = Field(foreign_key="unit_task_target.id", index=True)
    filename: str = Field(max_length=200)
    content_type: str = Field(max_length=100)
    size: int
    sha256: str = Field(max_length=64)
    content: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    uploaded_by: str = Field(max_length=60)
    uploaded_at: datetime = _stamp()


UNIT_TASK = table_of(UnitTask)
UNIT_TASK_TARGET = table_of(UnitTaskTarget)
UNIT_TASK_EVENT = table_of(UnitTaskEvent)
UNIT_TASK_FILE = table_of(UnitTaskFile)
