"""Tables of the monthly scores (倒扣分) and the red/black list (红黑榜).

A run is one month's ranking of one ranking scope: the active units of one region code and one level
(``region_code`` "" for units without a region). It moves draft (the month is not over yet) →
preview (the month is over; units may appeal until ``preview_until``) → published (frozen). Its
``weights`` are the weights its deductions were priced with, and its lines and deductions are
stored rows: a published list is read back, never recomputed, so a later change of weights or
rules cannot change it. A deduction names the object it comes from (``ref_type``/``ref_id``);
an accepted appeal sets ``removed`` and the unit's line is recomputed from what is left.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Column, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from models.core.db import UTCDateTime, table_of, utcnow


def _stamp() -> Any:
    return Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)


class ScoreRun(SQLModel, table=True):
    __tablename__ = "score_run"
    __table_args__ = (UniqueConstraint("month", "region_code", "level", name="uq_score_run_scope"),)
    id: int | None = Field(default=None, primary_key=True)
    month: str = Field(max_length=7, index=True)  # YYYY-MM in the office zone
    region_code: str = Field(default="", max_length=6)
    level: str = Field(max_length=4)
    status: str = Field(default="draft", max_length=10)  # draft / preview / published
    weights: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    as_of: date
    preview_until: date | None = None
    units: int = 0
    created_by: str = Field(max_length=60)
    created_at: datetime = _stamp()
    published_by: str | None = Field(default=None, max_length=60)
    published_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    version: int = 1
    updated_at: datetime = _stamp()


class ScoreLine(SQLModel, table=True):
    """One unit's score in one run; ``rank`` and ``list`` are None for units listed apart."""

    __tablename__ = "score_line"
    __table_args__ = (UniqueConstraint("run_id", "unit_id", name="uq_score_line_unit"),
                      Index("ix_score_line_unit", "unit_id", "run_id"))
    id: int | None = Field(default=None, primary_key=True)
    run_id: int = Field(foreign_key="score_run.id", index=True)
    unit_id: int = Field(foreign_key="unit.id")
    score: float = 100.0
    deducted: float = 0.0
    s1_count: int = 0   # tie-break: fewer S1 deductions first
    checks: int = 0     # tie-break: more counting self-checks first
    persons: int = 0
    rank: int | None = None
    list_kind: str | None = Field(default=None, max_length=6)  # red / black / apart / None
    reasons: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


class Deduction(SQLModel, table=True):
    __tablename__ = "deduction"
    __table_args__ = (UniqueConstraint("run_id", "unit_id", "kind", "ref_type", "ref_id", name="uq_deduction_ref"),
                      Index("ix_deduction_run_unit", "run_id", "unit_id"))
    id: int | None = Field(default=None, primary_key=True)
    run_id: int = Field(foreign_key="score_run.id")
    unit_id: int = Field(foreign_key="unit.id")
    kind: str = Field(max_length=16)
    points: float
    ref_type: str = Field(max_length=16)  # warning / person_event / selfcheck / item / unit_task
    ref_id: int
    note: str = Field(max_length=300)
    removed: bool = False  # an accepted appeal took it off


class Appeal(SQLModel, table=True):
    """申诉: pending → accepted (the deduction is removed) or rejected, each with a reason."""

    __tablename__ = "appeal"
    __table_args__ = (Index("ix_appeal_status", "status", "run_id"),)
    id: int | None = Field(default=None, primary_key=True)
    deduction_id: int = Field(foreign_key="deduction.id", unique=True)  # one appeal per deduction
    run_id: int = Field(foreign_key="score_run.id")
    unit_id: int = Field(foreign_key="unit.id", index=True)
    filed_by: str = Field(max_length=60)
    filed_at: datetime = _stamp()
    reason: str = Field(max_length=1000)
    status: str = Field(default="pending", max_length=10)
    decided_by: str | None = Field(default=None, max_length=60)
    decided_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    decision_note: str | None = Field(default=None, max_length=1000)
    version: int = 1
    updated_at: datetime = _stamp()


class ScoreEvent(SQLModel, table=True):
    """The timeline of runs (drafted, published) and appeals (filed, accepted, rejected): one key set."""

    __tablename__ = "score_event"
    id: int | None = Field(default=None, primary_key=True)
    run_id: int | None = Field(default=None, foreign_key="score_run.id", index=True)
    appeal_id: int | None = Field(default=None, foreign_key="appeal.id", index=True)
    at: datetime = _stamp()
    kind: str = Field(max_length=20)
    actor: str = Field(max_length=60)
    note: str | None = Field(default=None, max_length=2000)
    detail: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON, nullable=True))


SCORE_RUN = table_of(ScoreRun)
SCORE_LINE = table_of(ScoreLine)
DEDUCTION = table_of(Deduction)
APPEAL = table_of(Appeal)
SCORE_EVENT = table_of(ScoreEvent)
