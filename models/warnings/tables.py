"""Tables of the rule engine: rule settings and their versions, warnings, their timeline, scans,
and per-unit data-quality figures.

A warning is identified by its fingerprint ``<rule code>:<subject>``; re-detection updates it,
disappearance resolves it, reappearance reopens it (``reopen_count``). Overdue is derived from
``due_date`` at read time, never stored, so it cannot go stale.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Column, Index
from sqlmodel import Field, SQLModel

from models.core.db import UTCDateTime, table_of, utcnow


class RuleSetting(SQLModel, table=True):
    """An admin's settings for a rule of the catalogue (models.rules); absent means defaults."""

    __tablename__ = "rule_setting"
    code: str = Field(primary_key=True, max_length=40)
    enabled: bool = True
    severity: str | None = Field(default=None, max_length=2)
    deadline_days: int | None = None
    params: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    version: int = 1
    updated_by: str = Field(default="system", max_length=60)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)


class RuleVersion(SQLModel, table=True):
    """Every change of a rule's settings, kept whole so a warning can show the rule that raised it."""

    __tablename__ = "rule_version"
    code: str = Field(primary_key=True, max_length=40)
    version: int = Field(primary_key=True)
    snapshot: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    changed_by: str = Field(max_length=60)
    changed_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)


class Warning(SQLModel, table=True):
    __tablename__ = "warning"
    __table_args__ = (
        Index("ix_warning_unit_status", "unit_id", "status"),
        Index("ix_warning_rule_status", "rule_code", "status"),
        Index("ix_warning_status_due", "status", "due_date"),
    )
    id: int | None = Field(default=None, primary_key=True)
    fingerprint: str = Field(max_length=80, unique=True)
    rule_code: str = Field(max_length=40)
    rule_version: int = 1
    severity: str = Field(max_length=2)
    unit_id: int = Field(foreign_key="unit.id")
    person_id: int | None = Field(default=None, foreign_key="person.id", index=True)
    subject: str = Field(max_length=60)
    evidence: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    status: str = Field(default="open", max_length=12)
    anchor: date | None = None
    due_date: date | None = None
    due_estimated: bool = False
    detected_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)
    detected_on: date
    created_scan_id: int = Field(default=0, index=True)
    resolved_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    resolved_by: str | None = Field(default=None, max_length=60)
    resolved_scan_id: int | None = Field(default=None, index=True)
    reopened_scan_id: int | None = Field(default=None, index=True)
    reopen_count: int = 0
    escalation_level: int = 0
    acknowledged_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    acknowledged_by: str | None = Field(default=None, max_length=60)
    snoozed_until: date | None = None
    snooze_reason: str | None = Field(default=None, max_length=200)
    version: int = 1
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)


class WarningEvent(SQLModel, table=True):
    """The timeline of a warning: detected, notified, acknowledged, disputed, resolved …"""

    __tablename__ = "warning_event"
    id: int | None = Field(default=None, primary_key=True)
    warning_id: int = Field(foreign_key="warning.id", index=True)
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)
    kind: str = Field(max_length=20)
    actor: str = Field(max_length=60)
    note: str | None = Field(default=None, max_length=2000)
    detail: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON, nullable=True))


class ScanRun(SQLModel, table=True):
    __tablename__ = "scan_run"
    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=12)  # full / incremental
    as_of: date
    watermark: datetime | None = Field(default=None, sa_type=UTCDateTime)  # changes after this were scanned
    started_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)
    finished_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    status: str = Field(default="running", max_length=10)
    scoped_units: int | None = None
    counts: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    rule_versions: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


class ScanScope(SQLModel, table=True):
    """Units an incremental scan re-evaluates (a table, so rule queries can join it)."""

    __tablename__ = "scan_scope"
    scan_id: int = Field(primary_key=True)
    unit_id: int = Field(primary_key=True)


class ScanHit(SQLModel, table=True):
    """Staging: what the rules found in one scan, merged into ``warning`` with set-based SQL."""

    __tablename__ = "scan_hit"
    scan_id: int = Field(primary_key=True)
    fingerprint: str = Field(primary_key=True, max_length=80)
    rule_code: str = Field(max_length=40)
    rule_version: int
    severity: str = Field(max_length=2)
    unit_id: int
    person_id: int | None = None
    subject: str = Field(max_length=60)
    evidence: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    anchor: date | None = None
    due_date: date | None = None
    due_estimated: bool = False
    due_from_anchor: bool = False  # anchor-based deadlines follow the data; detection-based ones stay put


class UnitQuality(SQLModel, table=True):
    """Data-quality indicators of a unit, recomputed by every scan that covers the unit."""

    __tablename__ = "unit_quality"
    unit_id: int = Field(primary_key=True, foreign_key="unit.id")
    scan_id: int
    computed_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)
    persons: int = 0
    completeness: float | None = None
    accuracy: float | None = None
    timeliness: float | None = None
    indicators: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


# Typed table objects for Core (set-based) queries: the one place that unwraps SQLModel classes.
RULE_SETTING = table_of(RuleSetting)
RULE_VERSION = table_of(RuleVersion)
WARNING = table_of(Warning)
WARNING_EVENT = table_of(WarningEvent)
SCAN_RUN = table_of(ScanRun)
SCAN_SCOPE = table_of(ScanScope)
SCAN_HIT = table_of(ScanHit)
UNIT_QUALITY = table_of(UnitQuality)
