"""The lock of a unit for one month (``unit_lock``).

One row per unit and month (``uq_unit_lock_month``): the month-end job inserts with ON CONFLICT DO
NOTHING, so running it twice, or two runs at once, locks nobody twice. A unit is locked while one of
its rows has ``lifted_at`` NULL; lifting keeps the row (the unit's lock history) and says who lifted
it, why, and through which 解锁申请 (``item_id``) if any.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from models.core.db import UTCDateTime, table_of, utcnow


def _stamp() -> Any:
    return Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)


class UnitLock(SQLModel, table=True):
    __tablename__ = "unit_lock"
    __table_args__ = (UniqueConstraint("unit_id", "month", name="uq_unit_lock_month"),
                      Index("ix_unit_lock_unit_lifted", "unit_id", "lifted_at"))
    id: int | None = Field(default=None, primary_key=True)
    unit_id: int = Field(foreign_key="unit.id")
    month: str = Field(max_length=7)  # YYYY-MM in the office zone: the month whose self-checks fell short
    reason: str = Field(max_length=300)  # in Chinese, with the figures
    checks: int = 0  # counting self-checks made that month
    required: int = 0  # counting self-checks the settings asked for then
    locked_at: datetime = _stamp()
    locked_by: str = Field(max_length=60)  # 'system' or a login
    lifted_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    lifted_by: str | None = Field(default=None, max_length=60)
    lift_reason: str | None = Field(default=None, max_length=500)
    item_id: int | None = Field(default=None, foreign_key="item.id")  # the approved 解锁申请, if lifted by one
    version: int = 1


UNIT_LOCK = table_of(UnitLock)
