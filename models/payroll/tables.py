"""Tables of the payroll roster: one ``payroll_batch`` per uploaded file, its ``payroll_entry`` rows.

A month has at most one *active* batch: ``active_month`` holds the month while the batch is the
month's roster and is cleared when a later upload replaces it, so its unique index allows exactly
one active batch per month (as ``pending_change.open_key`` does for pending changes). The entries
of a replaced batch are deleted with the replacement; the batch row stays as history. A refused
upload (bad rows) leaves a batch row with its error count and first problems, and no entries.

Entries never hold the clear ID number: ``id_hash`` is the same keyed hash as ``person.id_hash``
(so the rules join them), ``id_masked`` the same display mask.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Column, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from models.core.db import UTCDateTime, table_of, utcnow


class PayrollBatch(SQLModel, table=True):
    __tablename__ = "payroll_batch"
    id: int | None = Field(default=None, primary_key=True)
    month: date = Field(index=True)  # the first day of the month paid (工资所属月份)
    active_month: date | None = Field(default=None, unique=True)  # = month while this is the month's roster
    status: str = Field(max_length=10)  # active / replaced / refused
    source_name: str = Field(max_length=260)
    file_sha256: str = Field(max_length=64)  # the same file uploaded twice (a double tap) is imported once
    uploaded_by: str = Field(max_length=60)
    uploaded_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)
    rows: int = 0
    errors: int = 0  # rows with at least one problem
    problems: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))  # first ones, as shown
    replaced_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    replaced_by: str | None = Field(default=None, max_length=60)


class PayrollEntry(SQLModel, table=True):
    __tablename__ = "payroll_entry"
    __table_args__ = (
        UniqueConstraint("batch_id", "unit_id", "id_hash", name="uq_payroll_entry_person"),
        Index("ix_payroll_entry_batch_hash", "batch_id", "id_hash"),  # 多单位发薪: the same person elsewhere
    )
    id: int | None = Field(default=None, primary_key=True)
    batch_id: int = Field(foreign_key="payroll_batch.id")
    month: date
    unit_id: int = Field(foreign_key="unit.id", index=True)
    id_hash: str = Field(max_length=32)
    id_masked: str = Field(max_length=24)
    name: str = Field(max_length=60)
    pay_category: str = Field(max_length=40)  # 工资类别, as finance names it
    amount_cents: int | None = None  # 应发金额 in 分, when the file has it
    source_row: int  # the spreadsheet row it came from


# Typed table objects for Core (set-based) queries.
PAYROLL_BATCH = table_of(PayrollBatch)
PAYROLL_ENTRY = table_of(PayrollEntry)


def month_label(month: date) -> str:
    """2026年11月: how pages and messages name a payroll month."""
    return f"{month.year}年{month.month}月"

