"""Recording what happened to a send: delivery rows, outbox and target state, follow-up messages.

Each outcome is one transaction: the delivery row, the outbox status, the target's health and any
messages the failure causes (admin alert, SMS fallback) commit together.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from bot.base import ChannelError, Receipt
from models.core.db import transaction, utcnow
from models.core.runtime import Runtime
from models.notify.tables import Delivery, NotificationPref, Outbox, Target
from models.warnings.tables import WARNING_EVENT as EVENT

RETRY_SCHEDULE = (10, 30, 120, 600, 1800)  # seconds after attempts 1..5; the 6th failure is final
FALLBACK_PURPOSES = ("digest", "s1", "reminder", "escalation")


@dataclass
class SendResult:
    status: str  # sent / skipped / deferred / retry / failed / suppressed / cancelled
    retry_at: datetime | None = None


def _delivery(row: Outbox, target: Target, status: str, ms: int, **extra: Any) -> Delivery:
    return Delivery(outbox_id=row.id or 0, target_id=target.id or 0, attempt=row.attempts, status=status,
                    duration_ms=ms, **extra)


async def record_success(rt: Runtime, row: Outbox, target: Target, receipts: list[Receipt], ms: int) -> None:
    now = utcnow()
    first = receipts[0] if receipts else None
    async with transaction(rt.sessions) as session:
        session.add(_delivery(row, target, "ok", ms, parts=len(receipts), message_id=first and first.message_id,
                              request_id=first and first.request_id))
        await _set_row(session, row, status="sent", sent_at=now, error=None)
        await session.execute(update(Target).where(col(Target.id) == target.id).values(last_ok_at=now))
        await _notified_events(session, row, target, now)


async def record_suppressed(rt: Runtime, row: Outbox, target: Target, reason: str) -> None:
    async with transaction(rt.sessions) as session:
        session.add(_delivery(row, target, "suppressed", 0, error=reason))
        await _set_row(session, row, status="sent", sent_at=utcnow(), error=reason)


async def record_failure(rt: Runtime, row: Outbox, target: Target, error: ChannelError, ms: int,
                         final: bool = False) -> SendResult:
    now = utcnow()
    async with transaction(rt.sessions) as session:
        if error.rate_limited:
            until = now + timedelta(seconds=error.retry_after or 600)
            await _pause(session, row, target, error, ms, until)
            return SendResult("deferred", until)
        final = final or error.permanent or row.attempts > len(RETRY_SCHEDULE)
        session.add(_delivery(row, target, "permanent" if error.permanent else "error", ms, error=str(error)[:500],
                              code=error.code))
        await _target_error(session, target, error, now)
        if final:
            await _set_row(session, row, status="failed", error=str(error)[:500])
            await _follow_ups(session, row, target, error, now)
            return SendResult("failed")
        retry_at = now + timedelta(seconds=RETRY_SCHEDULE[row.attempts - 1])
        await _set_row(session, row, status="pending", next_attempt_at=retry_at, error=str(error)[:500])
        return SendResult("retry", retry_at)


async def _pause(session: AsyncSession, row: Outbox, target: Target, error: ChannelError, ms: int,
                 until: datetime) -> None:
    session.add(_delivery(row, target, "rate_limited", ms, error=str(error)[:500], code=error.code))
    await session.execute(update(Target).where(col(Target.id) == target.id).values(
        paused_until=until, last_error=f"被平台限流，暂停至 {until:%H:%M}", last_error_at=utcnow()))
    await _set_row(session, row, status="pending", next_attempt_at=until, attempts=row.attempts - 1)


async def _target_error(session: AsyncSession, target: Target, error: ChannelError, now: datetime) -> None:
    values: dict[str, Any] = {"last_error": str(error)[:500], "last_error_at": now}
    if error.permanent:
        values.update(enabled=False, disabled_reason=f"自动停用：{str(error)[:250]}")
    await session.execute(update(Target).where(col(Target.id) == target.id).values(**values))


async def _set_row(session: AsyncSession, row: Outbox, **values: Any) -> None:
    await session.execute(update(Outbox).where(col(Outbox.id) == row.id).values(claimed_at=None, **values))


async def _notified_events(session: AsyncSession, row: Outbox, target: Target, now: datetime) -> None:
    if not row.warning_ids:
        return
    kind = {"reminder": "reminded", "escalation": "escalated"}.get(row.purpose, "notified")
    events = [{"warning_id": wid, "at": now, "kind": kind, "actor": "system", "note": f"{target.name}",
               "detail": {"outbox": row.id, "target": target.id}} for wid in row.warning_ids]
    await session.execute(insert(EVENT), events)


async def _follow_ups(session: AsyncSession, row: Outbox, target: Target, error: ChannelError, now: datetime) -> None:
    """A final failure tells the admins (through other targets) and falls back to SMS where bound."""
    if error.permanent:
        await _admin_alert(session, row, target, error, now)
    if row.purpose in FALLBACK_PURPOSES and target.kind != "sms":
        await _sms_fallback(session, row, target, now)


async def _other_targets(session: AsyncSession, target: Target, purpose: str, kind: str | None = None) -> list[Target]:
    query = select(Target).where(col(Target.enabled).is_(True), col(Target.id) != target.id,
                                 col(Target.purposes).contains(f",{purpose},"))
    if kind:
        query = query.where(col(Target.kind) == kind, col(Target.unit_id) == target.unit_id)
    return list((await session.scalars(query)).all())


async def _admin_alert(session: AsyncSession, row: Outbox, target: Target, error: ChannelError, now: datetime) -> None:
    body = (f"通知渠道 **{target.name}**（{target.kind}）已自动停用。\n\n原因：{error}\n\n"
            "请管理员在门户“通知渠道”中检查配置后重新启用；停用期间的消息已保留，不会丢失。")
    for admin in await _other_targets(session, target, "admin"):
        session.add(Outbox(target_id=admin.id or 0, purpose="admin", title=f"通知渠道已停用：{target.name}",
                           body=body, idempotency_key=f"admin-t{target.id}-o{row.id}-a{admin.id}", urgent=True,
                           next_attempt_at=now))


async def _wants_sms(session: AsyncSession, sms: Target) -> bool:
    """A person may switch SMS fallback off for their own phone (policy allows it)."""
    if sms.account_id is None:
        return True
    pref = await session.get(NotificationPref, sms.account_id)
    return pref is None or pref.sms_fallback


async def _sms_fallback(session: AsyncSession, row: Outbox, target: Target, now: datetime) -> None:
    for sms in await _other_targets(session, target, row.purpose, kind="sms"):
        if not await _wants_sms(session, sms):
            continue
        session.add(Outbox(target_id=sms.id or 0, purpose=row.purpose, group_key=row.group_key,
                           title=row.title, body=row.title, link=row.link, payload=row.payload,
                           idempotency_key=f"sms-o{row.id}-t{sms.id}", urgent=row.urgent,
                           warning_ids=row.warning_ids, next_attempt_at=now))
