"""What people do with a warning: acknowledge, snooze, explain (情况说明), and decide on an explanation.

Every action asks the permission table, checks its input, then goes through the core decision
step (:func:`models.core.decision.decide`): one conditional UPDATE on (id, version), so a double
tap or two officers acting at once change the warning once and the second gets a conflict; a
timeline event and an audit row in the same transaction; and the effects the caller passes
(messages the action causes) written with it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from models.accounts.permissions import DENIED, Action, PermissionDenied, can
from models.core.db import utcnow
from models.core.decision import Actor, Conflict, Decision, DecisionError, Effect, Lifecycle, Move, decide
from models.warnings.query import WarningRow
from models.warnings.tables import WARNING, WARNING_EVENT

__all__ = ["Actor", "WarningActionError", "WarningConflict", "acknowledge", "allowed", "check", "dispute", "judge",
           "lift_snooze", "settle_by_item", "snooze"]

WarningActionError = DecisionError
WarningConflict = Conflict

LIFECYCLE = Lifecycle(
    table=WARNING, timeline=WARNING_EVENT, key="warning_id", object_type="warning",
    stale="该预警已被他人处理，请刷新后查看", wrong_state="该预警的当前状态不能执行此操作",
    moves={
        "acknowledge": Move(("open",), "acknowledged", "acknowledged"),
        "snooze": Move(("open", "acknowledged"), "snoozed", "snoozed"),
        "unsnooze": Move(("snoozed",), "open", "snooze_lifted"),
        "dispute": Move(("open", "acknowledged"), "disputed", "disputed"),
        "accept": Move(("disputed",), "exception", "dispute_accepted"),
        "reject": Move(("disputed",), "open", "dispute_rejected"),
        "withdraw_dispute": Move(("disputed",), "open", "dispute_withdrawn"),  # its item withdrawn by the unit
        "rectify": Move(("open", "acknowledged"), "resolved", "rectified"),  # 整改销号, by an approval item
    })
PERMISSION = {"acknowledge": Action.ACKNOWLEDGE_WARNING, "snooze": Action.SNOOZE_WARNING,
              "unsnooze": Action.SNOOZE_WARNING, "dispute": Action.DISPUTE_WARNING,
              "accept": Action.DECIDE_WARNING, "reject": Action.DECIDE_WARNING}


def allowed(move: str, role: str, status: str) -> bool:
    """Whether ``role`` may make ``move`` on a warning in ``status`` (drives which buttons show)."""
    return move in PERMISSION and can(role, PERMISSION[move]) and LIFECYCLE.allows(move, status)


def check(move: str, role: str, status: str) -> None:
    """Refuse, with the reason people read, a move the role or the warning's state does not allow."""
    if not can(role, PERMISSION[move]):
        raise PermissionDenied(DENIED)
    if not LIFECYCLE.allows(move, status):
        raise WarningActionError(LIFECYCLE.wrong_state)


async def _apply(session: AsyncSession, warning: WarningRow, move: str, actor: Actor, *, note: str | None = None,
                 values: dict[str, Any] | None = None, detail: dict[str, Any] | None = None,
                 effects: Sequence[Effect] = ()) -> None:
    check(move, actor.role, warning.status)
    await decide(session, LIFECYCLE, Decision(move, warning.id, warning.version, warning.status, actor, note=note,
                                              values=values or {}, detail=detail, effects=effects))


async def acknowledge(session: AsyncSession, warning: WarningRow, actor: Actor) -> None:
    await _apply(session, warning, "acknowledge", actor,
                 values={"acknowledged_at": utcnow(), "acknowledged_by": actor.login})


async def snooze(session: AsyncSession, warning: WarningRow, actor: Actor, *, until: date, reason: str,
                 today: date, max_days: int) -> None:
    """Mute a warning until ``until``: at most ``max_days`` ahead, so nothing is muted for good."""
    if until <= today:
        raise WarningActionError("暂缓日期须晚于今天")
    if (until - today).days > max_days:
        raise WarningActionError(f"暂缓最长{max_days}天，请选择{today + timedelta(days=max_days):%Y-%m-%d}之前的日期")
    if not reason.strip():
        raise WarningActionError("请填写暂缓理由")
    await _apply(session, warning, "snooze", actor, note=reason.strip(), detail={"until": until.isoformat()},
                 values={"snoozed_until": until, "snooze_reason": reason.strip()[:200]})


async def lift_snooze(session: AsyncSession, warning: WarningRow, actor: Actor, *, reason: str) -> None:
    """End a snooze early: the warning is open again and counts (and reminds) as before."""
    await _apply(session, warning, "unsnooze", actor, note=reason.strip()[:200] or None,
                 values={"snoozed_until": None, "snooze_reason": None})


async def dispute(session: AsyncSession, warning: WarningRow, actor: Actor, *, text: str,
                  attachment: dict[str, Any] | None = None, effects: Sequence[Effect] = ()) -> None:
    """``attachment``: the stored file's ``name``, original ``filename`` and ``size``, if any."""
    if len(text.strip()) < 5:
        raise WarningActionError("情况说明至少5个字")
    detail = {"attachment": attachment["name"], "filename": attachment["filename"]} if attachment else None
    await _apply(session, warning, "dispute", actor, note=text.strip()[:2000], detail=detail, effects=effects)


async def judge(session: AsyncSession, warning: WarningRow, actor: Actor, *, accept: bool, note: str,
                effects: Sequence[Effect] = ()) -> None:
    """Accepting a 情况说明 closes the warning as an exception; rejecting puts it back to open and
    needs a reason, which the steward reads."""
    if not accept and len(note.strip()) < 2:
        raise WarningActionError("退回时请填写理由，专员会看到它")
    values = {"resolved_at": utcnow(), "resolved_by": actor.login} if accept else {}
    await _apply(session, warning, "accept" if accept else "reject", actor, note=note.strip()[:2000] or None,
                 values=values, effects=effects)


ITEM_MOVES = ("rectify", "accept", "reject", "withdraw_dispute")


async def settle_by_item(session: AsyncSession, warning: WarningRow, actor: Actor, *, move: str, item_id: int,
                         note: str | None = None) -> None:
    """The final decision of an approval item about ``warning``: ``rectify`` (整改销号 approved: the
    warning is resolved), ``accept`` or ``reject`` (its 情况说明). The item's flow chose and authorised
    the signer, so the role table is not asked again; the timeline and the audit row name the item."""
    if move not in ITEM_MOVES or not LIFECYCLE.allows(move, warning.status):
        raise WarningActionError(LIFECYCLE.wrong_state)
    values = {"resolved_at": utcnow(), "resolved_by": actor.login} if move in ("rectify", "accept") else {}
    await decide(session, LIFECYCLE, Decision(move, warning.id, warning.version, warning.status, actor,
                                              note=(note or "").strip()[:2000] or None, values=values,
                                              detail={"item_id": item_id}))
