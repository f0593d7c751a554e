"""Tables of the notification pipeline: targets (bindings), the outbox, deliveries, digest state.

Flow: a state change marks a ``digest_state`` row dirty in its own transaction (a scan marks
the groups whose warnings changed); the sweeper composes due digests into ``outbox`` rows and
marks the state clean in one transaction; a send job claims an outbox row with a conditional
UPDATE, sends it with the platform's idempotency key, and records a ``delivery`` row per attempt.
Nothing lives only in Redis, so a flushed Redis or a killed worker delays but never loses.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, Index, LargeBinary, Text
from sqlmodel import Field, SQLModel

from models.core.db import UTCDateTime, table_of, utcnow

PURPOSES = {"digest": "新预警汇总", "s1": "严重预警即时通知", "reminder": "到期提醒", "escalation": "逾期升级",
            "review": "情况说明待审与审核结果", "admin": "系统告警（发送失败等）"}


def _at() -> Any:
    return Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)


class Target(SQLModel, table=True):
    """Who receives which messages for which units: a chat group robot, a person, a phone."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=100)
    kind: str = Field(max_length=20)  # a key of bot.registry.CHANNELS
    config_enc: bytes = Field(sa_column=Column(LargeBinary, nullable=False))  # channel config, encrypted
    purposes: str = Field(default=",digest,", max_length=100)  # ",digest,s1," — LIKE-searchable everywhere
    unit_id: int | None = Field(default=None, foreign_key="unit.id", index=True)
    subtree: bool = False
    group_by: str = Field(default="unit", max_length=10)  # unit: one digest per unit; all: one per target
    account_id: int | None = Field(default=None, foreign_key="account.id")
    enabled: bool = True
    disabled_reason: str | None = Field(default=None, max_length=300)
    paused_until: datetime | None = Field(default=None, sa_type=UTCDateTime)
    last_error: str | None = Field(default=None, max_length=500)
    last_error_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    last_ok_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    quiet_start: str = Field(default="22:00", max_length=5)
    quiet_end: str = Field(default="07:30", max_length=5)
    quiet_on_holidays: bool = True
    s1_bypass: bool = True
    group_wait_s: int = 60
    group_interval_s: int = 1800
    repeat_workdays: int = 1
    created_by: str = Field(default="system", max_length=60)
    created_at: datetime = _at()
    updated_at: datetime = _at()


class Outbox(SQLModel, table=True):
    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_status_next", "status", "next_attempt_at"),)
    id: int | None = Field(default=None, primary_key=True)
    target_id: int = Field(foreign_key="target.id", index=True)
    purpose: str = Field(max_length=12)
    group_key: str = Field(default="", max_length=40)
    title: str = Field(max_length=200)
    body: str = Field(sa_column=Column(Text, nullable=False))
    link: str | None = Field(default=None, max_length=500)
    payload: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    idempotency_key: str = Field(max_length=120, unique=True)
    urgent: bool = False
    status: str = Field(default="pending", max_length=10)  # pending / sending / sent / failed / cancelled
    attempts: int = 0
    next_attempt_at: datetime = _at()
    claimed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    claimed_by: str | None = Field(default=None, max_length=60)
    sent_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    error: str | None = Field(default=None, max_length=500)
    warning_ids: list[int] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    created_at: datetime = _at()


class Delivery(SQLModel, table=True):
    """One attempt to send one outbox row: what the platform said, how long it took."""

    id: int | None = Field(default=None, primary_key=True)
    outbox_id: int = Field(foreign_key="outbox.id", index=True)
    target_id: int = Field(foreign_key="target.id", index=True)
    attempt: int
    status: str = Field(max_length=14)  # ok / error / rate_limited / permanent / suppressed
    error: str | None = Field(default=None, max_length=500)
    code: str | None = Field(default=None, max_length=60)
    duration_ms: int = 0
    message_id: str | None = Field(default=None, max_length=120, index=True)
    request_id: str | None = Field(default=None, max_length=120)
    parts: int = 1
    receipt_status: str | None = Field(default=None, max_length=40)
    receipt_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    at: datetime = _at()


class DigestState(SQLModel, table=True):
    """Alertmanager's notification log, in the database: what a group last said, and whether it owes more."""

    __tablename__ = "digest_state"
    target_id: int = Field(foreign_key="target.id", primary_key=True)
    group_key: str = Field(max_length=40, primary_key=True)
    dirty: bool = False
    dirty_since: datetime | None = Field(default=None, sa_type=UTCDateTime)
    urgent: bool = False
    last_sent_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    last_set: list[int] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    seq: int = 0


class NotificationPref(SQLModel, table=True):
    """A user's own settings for personal notifications, within what policy allows."""

    __tablename__ = "notification_pref"
    account_id: int = Field(foreign_key="account.id", primary_key=True)
    quiet_start: str = Field(default="22:00", max_length=5)
    quiet_end: str = Field(default="07:30", max_length=5)
    sms_fallback: bool = True
    updated_at: datetime = _at()


# Typed table objects for Core (set-based) queries: the one place that unwraps SQLModel classes.
TARGET = table_of(Target)
OUTBOX = table_of(Outbox)
DELIVERY = table_of(Delivery)
DIGEST_STATE = table_of(DigestState)
NOTIFICATION_PREF = table_of(NotificationPref)
