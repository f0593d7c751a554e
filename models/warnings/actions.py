"""What people do with a warning: acknowledge, snooze, explain (情况说明), and decide on an explanation.

Each action is one conditional UPDATE on (id, version): a double tap, or two officers acting at
once, changes the warning once and the second gets :class:`WarningConflict`. Every action writes
a timeline event and an audit row in the same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import insert, update
from sqlalchemy.ext.asyncio import AsyncSession

from models.core import audit
from models.core.db import utcnow
from models.warnings.tables import WARNING as W
from models.warnings.tables import WARNING_EVENT as EVENT

# Who may do what (roles of models.enums.Role); scope is checked by the caller's query.
CAN = {
    "acknowledge": {"steward", "officer", "leader", "admin"},
    "snooze": {"officer", "leader", "admin"},
    "dispute": {"steward", "admin"},
    "decide": {"officer", "leader", "admin"},
}
FROM_STATUS = {
    "acknowledge": ("open",),
    "snooze": ("open", "acknowledged"),
    "dispute": ("open", "acknowledged"),
    "decide": ("disputed",),
}


class WarningActionError(ValueError):
    """The action is not allowed (role or status); message in Chinese."""


class WarningConflict(WarningActionError):
    """Someone else changed the warning first."""


@dataclass(frozen=True)
class Actor:
    login: str
    role: str
    ip: str | None = None


def allowed(action: str, role: str, status: str) -> bool:
    return role in CAN[action] and status in FROM_STATUS[action]


async def _transition(session: AsyncSession, warning: dict[str, Any], action: str, actor: Actor, kind: str,
                      values: dict[str, Any], note: str | None = None, detail: dict[str, Any] | None = None) -> None:
    if actor.role not in CAN[action]:
        raise WarningActionError("您的角色不能执行此操作")
    if warning["status"] not in FROM_STATUS[action]:
        raise WarningActionError("该预警的当前状态不能执行此操作")
    now = utcnow()
    stmt = update(W).where(W.c.id == warning["id"], W.c.version == warning["version"]).values(
        **values, version=W.c.version + 1, updated_at=now)
    if (await session.execute(stmt)).rowcount != 1:  # type: ignore[attr-defined]
        raise WarningConflict("该预警已被他人处理，请刷新后查看")
    await session.execute(insert(EVENT).values(warning_id=warning["id"], at=now, kind=kind, actor=actor.login,
                                               note=note, detail=detail))
    await audit.record(session, actor=actor.login, action=f"warning.{kind}", object_type="warning",
                       object_id=warning["id"], detail={"note": note, **(detail or {})}, ip=actor.ip)


async def acknowledge(session: AsyncSession, warning: dict[str, Any], actor: Actor) -> None:
    await _transition(session, warning, "acknowledge", actor, "acknowledged",
                      {"status": "acknowledged", "acknowledged_at": utcnow(), "acknowledged_by": actor.login})


async def snooze(session: AsyncSession, warning: dict[str, Any], actor: Actor, *, until: date, reason: str,
                 today: date) -> None:
    if until <= today:
        raise WarningActionError("暂缓日期须晚于今天")
    if not reason.strip():
        raise WarningActionError("请填写暂缓理由")
    await _transition(session, warning, "snooze", actor, "snoozed",
                      {"status": "snoozed", "snoozed_until": until, "snooze_reason": reason.strip()[:200]},
                      note=reason.strip(), detail={"until": until.isoformat()})


async def dispute(session: AsyncSession, warning: dict[str, Any], actor: Actor, *, text: str,
                  attachment: str | None = None) -> None:
    if len(text.strip()) < 5:
        raise WarningActionError("情况说明至少5个字")
    await _transition(session, warning, "dispute", actor, "disputed", {"status": "disputed"},
                      note=text.strip()[:2000], detail={"attachment": attachment} if attachment else None)


async def decide(session: AsyncSession, warning: dict[str, Any], actor: Actor, *, accept: bool, note: str) -> None:
    """Accepting closes the warning as an exception; rejecting puts it back to open."""
    status, kind = ("exception", "dispute_accepted") if accept else ("open", "dispute_rejected")
    values: dict[str, Any] = {"status": status}
    if accept:
        values.update(resolved_at=utcnow(), resolved_by=actor.login)
    await _transition(session, warning, "decide", actor, kind, values, note=note.strip()[:2000] or None)
