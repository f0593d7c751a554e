"""Accounts (people who log in) and the units each may see."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import Field, SQLModel

from models.core.db import UTCDateTime, table_of, utcnow


def _created() -> Any:
    return Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)


class Account(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    login: str = Field(max_length=60, unique=True, index=True)
    display_name: str = Field(max_length=60)
    mobile: str | None = Field(default=None, max_length=20)
    dingtalk_userid: str | None = Field(default=None, max_length=80)
    zzd_userid: str | None = Field(default=None, max_length=80)
    role: str = Field(max_length=12)
    password_hash: str = Field(max_length=200)
    locked: bool = False
    lock_reason: str | None = Field(default=None, max_length=200)
    failed_logins: int = 0
    locked_until: datetime | None = Field(default=None, sa_type=UTCDateTime)  # after wrong passwords, for a while
    last_login_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_at: datetime = _created()
    updated_at: datetime = _created()


class LoginThrottle(SQLModel, table=True):
    """Wrong-password counters with growing delays, per account (``account:<login>``) and per
    address (``ip:<addr>``); unknown login names are counted like real ones."""

    __tablename__ = "login_throttle"
    key: str = Field(primary_key=True, max_length=120)
    failures: int = 0
    last_failure_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    blocked_until: datetime | None = Field(default=None, sa_type=UTCDateTime)


class WebSession(SQLModel, table=True):
    """A portal session, so logging out ends it on the server and idle sessions expire.
    ``id`` is the SHA-256 of the random token in the cookie: a database dump cannot log anyone in."""

    __tablename__ = "web_session"
    id: str = Field(primary_key=True, max_length=64)
    account_id: int = Field(foreign_key="account.id", index=True)
    created_at: datetime = _created()
    last_seen_at: datetime = _created()
    revoked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    ip: str | None = Field(default=None, max_length=45)


class AccountScope(SQLModel, table=True):
    """What an account may see: one unit, or (subtree) the unit and everything below it."""

    __tablename__ = "account_scope"
    account_id: int = Field(foreign_key="account.id", primary_key=True)
    unit_id: int = Field(foreign_key="unit.id", primary_key=True)
    subtree: bool = False


# Typed table objects for Core (set-based) queries: the one place that unwraps SQLModel classes.
ACCOUNT = table_of(Account)
ACCOUNT_SCOPE = table_of(AccountScope)
LOGIN_THROTTLE = table_of(LoginThrottle)
WEB_SESSION = table_of(WebSession)
