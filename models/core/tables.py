"""Tables every domain may write: the append-only audit log, working-day overrides and
admin-editable configuration entries."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Column
from sqlmodel import Field, SQLModel

from models.core.db import UTCDateTime, table_of, utcnow


def _created() -> Any:
    return Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)


class AuditLog(SQLModel, table=True):
    """Append-only: a database trigger refuses UPDATE and DELETE (see the first migration)."""

    __tablename__ = "audit_log"
    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False, index=True)
    actor: str = Field(max_length=60)
    action: str = Field(max_length=40, index=True)
    object_type: str = Field(max_length=30)
    object_id: str | None = Field(default=None, max_length=60)
    detail: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    ip: str | None = Field(default=None, max_length=45)


class HolidayOverride(SQLModel, table=True):
    """Admin corrections to the working-day calendar; they win over the chinese_calendar package."""

    __tablename__ = "holiday_override"
    day: date = Field(primary_key=True)
    is_workday: bool
    note: str = Field(default="", max_length=100)
    updated_by: str = Field(default="system", max_length=60)
    updated_at: datetime = _created()


class ConfigEntry(SQLModel, table=True):
    """Admin-editable configuration that is data, not deployment settings (e.g. the indicator set)."""

    __tablename__ = "config_entry"
    key: str = Field(primary_key=True, max_length=60)
    value: Any = Field(default=None, sa_column=Column(JSON, nullable=True))
    version: int = 1
    updated_by: str = Field(default="system", max_length=60)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)


# Typed table objects for Core (set-based) queries: the one place that unwraps SQLModel classes.
AUDIT_LOG = table_of(AuditLog)
HOLIDAY_OVERRIDE = table_of(HolidayOverride)
CONFIG_ENTRY = table_of(ConfigEntry)
