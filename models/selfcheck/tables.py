"""Tables of self-checks (自查): one row per pass a unit's steward makes over its data, and its timeline.

``sections`` holds what happened to each section: ``{key: {"opened_at": iso, "confirmed": bool,
"fixed": n, "note": str}}``. ``open_unit`` equals ``unit_id`` while the check is in progress and is
NULL afterwards; its unique constraint is how a unit has at most one check in progress (both
databases treat NULLs as distinct). ``counts`` is decided once, when the check finishes, with the
rules of that day (every section opened, far enough from the previous counting check), so a month's
count read later by the locks and the scores never changes when a setting does.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, Index
from sqlmodel import Field, SQLModel

from models.core.db import UTCDateTime, table_of, utcnow


def _stamp() -> Any:
    return Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)


class SelfCheck(SQLModel, table=True):
    """in_progress → finished (counting or not) or abandoned."""

    __tablename__ = "self_check"
    __table_args__ = (Index("ix_self_check_unit_month", "unit_id", "month", "counts"),)
    id: int | None = Field(default=None, primary_key=True)
    unit_id: int = Field(foreign_key="unit.id")
    open_unit: int | None = Field(default=None, unique=True)
    login: str = Field(max_length=60)
    month: str = Field(max_length=7)  # YYYY-MM in the office zone: the start's, then the finish's
    started_at: datetime = _stamp()
    finished_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    status: str = Field(default="in_progress", max_length=12)
    sections: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    counts: bool = False
    not_counted: str | None = Field(default=None, max_length=200)  # why a finished check does not count
    duration_s: int | None = None
    version: int = 1
    updated_at: datetime = _stamp()


class SelfCheckEvent(SQLModel, table=True):
    __tablename__ = "self_check_event"
    id: int | None = Field(default=None, primary_key=True)
    check_id: int = Field(foreign_key="self_check.id", index=True)
    at: datetime = _stamp()
    kind: str = Field(max_length=20)
    actor: str = Field(max_length=60)
    note: str | None = Field(default=None, max_length=2000)
    detail: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON, nullable=True))


SELF_CHECK = table_of(SelfCheck)
SELF_CHECK_EVENT = table_of(SelfCheckEvent)
