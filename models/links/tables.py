"""The ledger of used action links: one row per ``jti`` (its primary key makes a second use fail)."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from models.core.db import UTCDateTime, table_of, utcnow


class LinkUse(SQLModel, table=True):
    __tablename__ = "link_use"
    jti: str = Field(primary_key=True, max_length=40)
    action: str = Field(max_length=10)
    object: str = Field(max_length=80)
    account_id: int = Field(foreign_key="account.id", index=True)
    done: int = 0  # how many objects the use acted on (全部确认: one per warning)
    used_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)


LINK_USE = table_of(LinkUse)
