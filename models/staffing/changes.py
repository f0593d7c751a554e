"""Pending changes (二人复核): a correction of a sensitive field waits for a second officer.

Sensitive are the fields that move establishment figures: 在编状态 (出编), 编制类型, a unit's 编制数
and 领导职数. A correction that touches them is stored here instead of applied; another officer
opens it, sees before and after, and confirms (the change is applied then, with both names) or
rejects it with a reason. Both moves go through :func:`models.core.decision.decide`, so a double
tap acts once and each move leaves a timeline event and an audit row; what a move causes (the
change itself, the notices) is passed in as effects and commits with it.

While a change is pending its record is named in ``open_key`` (unique), so there is at most one
pending change per record; the same request submitted twice finds the first.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from models.core import audit
from models.core.db import saved_id, utcnow
from models.core.decision import Actor, Decision, DecisionError, Effect, Lifecycle, Move, decide
from models.core.enums import EstType, label
from models.staffing.scope import Scope
from models.staffing.tables import PENDING_CHANGE, PENDING_CHANGE_EVENT, PERSON, UNIT, PendingChange

SENSITIVE = frozenset({"in_est", "est_type"})
STATUS_LABELS = {"pending": "待复核", "applied": "已复核生效", "rejected": "已退回"}
EVENT_LABELS = {"requested": "提交更正", "applied": "复核通过并生效", "rejected": "退回"}
POST_TITLES = {"unit.chief": "单位领导正职职数", "unit.deputy": "单位领导副职职数",
               "internal.chief": "内设机构领导正职职数", "internal.deputy": "内设机构领导副职职数"}

LIFECYCLE = Lifecycle(
    table=PENDING_CHANGE, timeline=PENDING_CHANGE_EVENT, key="change_id", object_type="pending_change",
    stale="该更正已被他人处理，请刷新后查看", wrong_state="该更正已经处理过，不能重复操作",
    moves={"confirm": Move(("pending",), "applied", "applied"), "reject": Move(("pending",), "rejected", "rejected")})


def is_sensitive(field: str) -> bool:
    """Whether a correction of ``field`` (a record field, ``quotas.XZ`` or ``posts.unit.chief``)
    must wait for a second officer."""
    return field in SENSITIVE or field.startswith(("quotas.", "posts."))


def field_label(field: str) -> str:
    if field == "in_est":
        return "在编状态"
    if field == "est_type":
        return "编制类型"
    if field.startswith("quotas."):
        return f"{label(EstType, field[7:])}核定数"
    return POST_TITLES.get(field[6:], field) if field.startswith("posts.") else field


def value_text(field: str, value: Any) -> str:
    """A stored before/after value as people read it."""
    if field == "in_est":
        return "在编" if value else "出编"
    if field == "est_type":
        return label(EstType, value) or "（空）"
    return "（空）" if value is None or value == "" else f"{value}名"


class ChangeRefused(DecisionError):
    """The change cannot be queued; ``str()`` is the reason people read."""


@dataclass(frozen=True)
class ChangeRequest:
    subject: str  # person / unit
    unit_id: int
    person_id: int | None
    warning_id: int | None
    changes: dict[str, list[Any]]
    source: str
    actor: Actor
    reason: str | None = None

    @property
    def open_key(self) -> str:
        return f"p{self.person_id}" if self.subject == "person" else f"u{self.unit_id}"


async def request_change(session: AsyncSession, request: ChangeRequest) -> tuple[int, bool]:
    """Queue ``request`` in the caller's transaction: (change id, whether it is new). The same
    request again returns the pending one; a different one for the same record is refused. The
    caller writes the notices (a new change's id is known only now) in the same transaction."""
    query = select(PendingChange).where(col(PendingChange.open_key) == request.open_key)
    found = (await session.scalars(query)).first()
    if found is not None:
        if found.changes != request.changes:
            raise ChangeRefused("该记录已有一项更正等待复核，请待复核后再提交，或请编办干部先退回")
        return saved_id(found), False
    row = PendingChange(subject=request.subject, person_id=request.person_id, unit_id=request.unit_id,
                        warning_id=request.warning_id, changes=request.changes, open_key=request.open_key,
                        source=request.source, reason=request.reason, requested_by=request.actor.login)
    session.add(row)
    await session.flush()
    change_id = saved_id(row)
    await session.execute(insert(PENDING_CHANGE_EVENT).values(change_id=change_id, at=utcnow(), kind="requested",
                                                              actor=request.actor.login, note=request.reason))
    await audit.record(session, actor=request.actor.login, action="pending_change.requested",
                       object_type="pending_change", object_id=change_id,
                       detail={"changes": request.changes, "source": request.source}, ip=request.actor.ip)
    return change_id, True


async def pending_for(session: AsyncSession, *, open_key: str) -> int | None:
    """The id of the change of record ``open_key`` (``p<person id>`` / ``u<unit id>``) waiting for review."""
    return await session.scalar(select(PENDING_CHANGE.c.id).where(PENDING_CHANGE.c.open_key == open_key))


@dataclass(frozen=True)
class ChangeView:
    """A pending change as its page and its notices read it."""

    id: int
    subject: str
    unit_id: int
    unit_name: str
    person_id: int | None
    person_name: str | None
    id_masked: str | None
    warning_id: int | None
    changes: dict[str, list[Any]]
    source: str
    reason: str | None
    requested_by: str
    requested_at: datetime
    decided_by: str | None
    decided_at: datetime | None
    note: str | None
    status: str
    version: int

    @property
    def status_label(self) -> str:
        return STATUS_LABELS.get(self.status, self.status)

    def rows(self) -> list[tuple[str, str, str]]:
        """(field, before, after) in words."""
        return [(field_label(f), value_text(f, pair[0]), value_text(f, pair[1])) for f, pair in self.changes.items()]


async def change_in_scope(session: AsyncSession, *, scope: Scope, change_id: int) -> ChangeView | None:
    """The change, or None when it does not exist or its unit lies outside ``scope`` (404)."""
    c = PENDING_CHANGE
    query = (select(c, UNIT.c.name.label("unit_name"), PERSON.c.name.label("person_name"),
                    PERSON.c.id_masked.label("id_masked"))
             .join(UNIT, UNIT.c.id == c.c.unit_id).outerjoin(PERSON, PERSON.c.id == c.c.person_id)
             .where(c.c.id == change_id, scope.condition()))
    row = (await session.execute(query)).first()
    if row is None:
        return None
    m = row._mapping
    return ChangeView(**{name: m[name] for name in ChangeView.__dataclass_fields__})


async def change_events(session: AsyncSession, *, change_id: int) -> list[dict[str, Any]]:
    """The timeline (at, kind label, actor login, note), oldest first."""
    e = PENDING_CHANGE_EVENT
    rows = await session.execute(select(e.c.at, e.c.kind, e.c.actor, e.c.note).where(e.c.change_id == change_id)
                                 .order_by(e.c.id))
    return [{"at": r.at, "label": EVENT_LABELS.get(r.kind, "处理"), "actor": r.actor, "note": r.note} for r in rows]


async def decide_change(session: AsyncSession, change: ChangeView, move: str, actor: Actor, *, note: str = "",
                        effects: Sequence[Effect] = ()) -> None:
    """Confirm (the effects apply the change) or reject (a reason is required) a pending change.
    The requester cannot decide their own: that is the point of a second officer."""
    if actor.login == change.requested_by:
        raise DecisionError("不能复核自己提交的更正，请由另一名编办干部处理")
    if move == "reject" and len(note.strip()) < 2:
        raise DecisionError("退回时请填写理由，提交人会看到它")
    reason = note.strip()[:500] or None
    values = {"decided_by": actor.login, "decided_at": utcnow(), "open_key": None, "note": reason}
    await decide(session, LIFECYCLE, Decision(move, change.id, change.version, change.status, actor, note=reason,
                                              values=values, detail={"changes": change.changes}, effects=effects))
