"""The monthly colour of a unit: one row per (unit, month), rewritten by a re-run of that month.

``reasons`` is a list of {"code", "colour", "text", "link"} in Chinese, frozen with the row (the rules
that produced it are named by ``rule_version``, a digest of the colour settings); ``hold_until`` is the
last day new 用编/用职 items of a red unit wait (暂缓审批), None for other colours.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Column, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from models.core.db import UTCDateTime, table_of, utcnow


class UnitColour(SQLModel, table=True):
    __tablename__ = "unit_colour"
    __table_args__ = (UniqueConstraint("unit_id", "month", name="uq_unit_colour_month"),
                      Index("ix_unit_colour_month", "month"))
    id: int | None = Field(default=None, primary_key=True)
    unit_id: int = Field(foreign_key="unit.id")
    month: str = Field(max_length=7)  # "YYYY-MM" in the office zone
    colour: str = Field(max_length=6)  # red / yellow / green
    reasons: list[dict[str, Any]] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    rule_version: str = Field(max_length=16)
    hold_until: date | None = None
    computed_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)


UNIT_COLOUR = table_of(UnitColour)
