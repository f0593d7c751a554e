"""What the item queries return: frozen rows with display names and Chinese labels."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from models.approvals.kind import Step


@dataclass(frozen=True)
class ItemRow:
    """One line of a box."""

    id: int
    kind: str
    kind_label: str
    unit_id: int
    unit_name: str
    title: str
    status: str
    status_label: str
    step_no: int
    step_name: str | None        # the current step's name (None once the item is finished)
    step_mode: str | None        # any / all
    applicant: str
    applicant_name: str
    submitted_at: datetime
    decided_at: datetime | None
    due_on: date | None          # the current step's deadline
    timeliness: str | None       # on_time / close / overdue (labels.TIMELINESS_LABELS); None when not running
    nobody: bool                 # the current step has nobody to sign (无人可审批)
    version: int


@dataclass(frozen=True)
class SignerView:
    login: str
    name: str
    decision: str | None         # None (待审批) / approve / reject / return / transfer
    decision_label: str
    decided_at: datetime | None
    note: str | None
    added_by_name: str | None    # 加签 / 转交: who added this signer
    added_how: str | None = None  # 加签 or 转交: how that person brought this signer in


@dataclass(frozen=True)
class StepView:
    id: int
    step_no: int
    round: int
    name: str
    role: str
    role_label: str
    mode: str
    mode_label: str
    status: str
    status_label: str
    due_on: date | None
    started_at: datetime
    finished_at: datetime | None
    timeliness: str | None
    signers: tuple[SignerView, ...]

    @property
    def nobody(self) -> bool:
        return self.status == "active" and not self.signers


@dataclass(frozen=True)
class EventView:
    id: int
    at: datetime
    kind: str
    label: str
    actor: str
    actor_name: str
    note: str | None
    detail: dict[str, Any]       # step_no, step name, decision, figures_before / figures_after, doc_no, to_login …


@dataclass(frozen=True)
class AttachmentMeta:
    id: int
    filename: str
    content_type: str
    size: int
    uploaded_by_name: str
    uploaded_at: datetime


@dataclass(frozen=True)
class ItemDetail:
    row: ItemRow
    payload: dict[str, Any]
    figures: dict[str, Any]
    doc_no: str | None
    hold_reason: str | None
    flow: tuple[Step, ...]               # the steps this item walks (its copy of the flow)
    steps: tuple[StepView, ...]          # every step entered, in order (退回 makes a new round)
    events: tuple[EventView, ...]        # the timeline, oldest first
    attachments: tuple[AttachmentMeta, ...]
    moves: frozenset[str]                # what the reader (``login`` given) may do now: labels.MOVES
