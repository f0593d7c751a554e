"""Tables of approval items (事项): flows as data, items, their steps, signers, timeline and files.

An item is filed by a unit (``applicant``, usually its steward) and walks the steps of the flow that
was in force when it was submitted (``steps`` is a copy, so editing a flow never changes an item in
progress). Each step names a role, a mode — ``any`` (或签: one approval finishes the step) or ``all``
(会签: every signer must approve) — and a deadline in working days. When a step starts, its signers
are the accounts holding the role whose scope covers the item's unit; 加签 and 转交 add signers
later. ``round`` counts how often a step was entered, because 退回 sends an item back and it walks
the same steps again.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Column, Index, LargeBinary, UniqueConstraint
from sqlmodel import Field, SQLModel

from models.core.db import UTCDateTime, table_of, utcnow


def _stamp() -> Any:
    return Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)


class Flow(SQLModel, table=True):
    """The steps of one item kind, for one region (``region_code``) or everywhere (empty)."""

    __tablename__ = "flow"
    __table_args__ = (UniqueConstraint("kind", "region_code", name="uq_flow_kind_region"),)
    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=20)
    region_code: str = Field(default="", max_length=6)
    steps: list[dict[str, Any]] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    version: int = 1
    updated_by: str = Field(default="system", max_length=60)
    updated_at: datetime = _stamp()


class Item(SQLModel, table=True):
    """One application. ``payload`` holds the kind's own fields (type and number of 编制, the person,
    the post …), ``figures`` the quota / post figures its pre-check saw, for the decision rows."""

    __tablename__ = "item"
    __table_args__ = (Index("ix_item_unit_status", "unit_id", "status"), Index("ix_item_kind_status", "kind", "status"))
    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=20)
    unit_id: int = Field(foreign_key="unit.id")
    applicant: str = Field(max_length=60, index=True)
    title: str = Field(max_length=200)
    payload: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    figures: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    steps: list[dict[str, Any]] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    step_no: int = 0  # the current step (index into ``steps``)
    status: str = Field(default="pending", max_length=12)  # pending/returned/held/approved/rejected/withdrawn
    warning_id: int | None = Field(default=None, foreign_key="warning.id", index=True)
    person_id: int | None = Field(default=None, foreign_key="person.id", index=True)
    basis_id: int | None = Field(default=None, foreign_key="item.id", index=True)  # 入编 → its 用编
    doc_no: str | None = Field(default=None, max_length=100)  # 文号 of the approval
    hold_reason: str | None = Field(default=None, max_length=500)  # 暂缓审批
    submitted_at: datetime = _stamp()
    decided_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    version: int = 1
    updated_at: datetime = _stamp()


class ItemStep(SQLModel, table=True):
    __tablename__ = "item_step"
    __table_args__ = (UniqueConstraint("item_id", "step_no", "round", name="uq_item_step_round"),
                      Index("ix_item_step_status_due", "status", "due_on"))
    id: int | None = Field(default=None, primary_key=True)
    item_id: int = Field(foreign_key="item.id", index=True)
    step_no: int
    round: int = 1
    name: str = Field(max_length=40)  # 科室初审, 分管领导终审, 组织部 …
    role: str = Field(max_length=20)
    mode: str = Field(default="any", max_length=4)  # any (或签) / all (会签)
    status: str = Field(default="active", max_length=10)  # active/done/returned/rejected/cancelled
    due_on: date | None = None
    started_at: datetime = _stamp()
    finished_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class ItemSigner(SQLModel, table=True):
    __tablename__ = "item_signer"
    __table_args__ = (UniqueConstraint("step_id", "login", name="uq_item_signer_step_login"),
                      Index("ix_item_signer_login_decision", "login", "decision"))
    id: int | None = Field(default=None, primary_key=True)
    step_id: int = Field(foreign_key="item_step.id", index=True)
    login: str = Field(max_length=60)
    added_by: str | None = Field(default=None, max_length=60)  # 加签 / 转交: who added this signer
    decision: str | None = Field(default=None, max_length=10)  # approve/reject/return/transfer
    decided_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    note: str | None = Field(default=None, max_length=1000)


class ItemEvent(SQLModel, table=True):
    """Every decision and comment: who, when, which step, what, and the figures before and after."""

    __tablename__ = "item_event"
    id: int | None = Field(default=None, primary_key=True)
    item_id: int = Field(foreign_key="item.id", index=True)
    at: datetime = _stamp()
    kind: str = Field(max_length=20)
    actor: str = Field(max_length=60)
    note: str | None = Field(default=None, max_length=2000)
    detail: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON, nullable=True))


class ItemAttachment(SQLModel, table=True):
    __tablename__ = "item_attachment"
    id: int | None = Field(default=None, primary_key=True)
    item_id: int = Field(foreign_key="item.id", index=True)
    filename: str = Field(max_length=200)
    content_type: str = Field(max_length=100)
    size: int
    sha256: str = Field(max_length=64)
    content: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    uploaded_by: str = Field(max_length=60)
    uploaded_at: datetime = _stamp()


FLOW = table_of(Flow)
ITEM = table_of(Item)
ITEM_STEP = table_of(ItemStep)
ITEM_SIGNER = table_of(ItemSigner)
ITEM_EVENT = table_of(ItemEvent)
ITEM_ATTACHMENT = table_of(ItemAttachment)
