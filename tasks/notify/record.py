"""Recording what happened to a send: delivery rows, outbox and target state, follow-up messages.

Each outcome is one transaction: the delivery row, the outbox status, the target's health and any
messages the failure causes (admin alert, SMS fallback) commit together.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.base import ChannelError, Receipt
from models.core.db import saved_id, transaction, utcnow
from models.core.runtime import Runtime
from models.notify import attempts
from models.notify.audience import other_targets
from models.notify.outbox import queue
from models.notify.prefs import wants_sms
from models.notify.tables import Outbox, Target

RETRY_SCHEDULE = (10, 30, 120, 600, 1800)  # seconds after attempts 1..5; the 6th failure is final
FALLBACK_PURPOSES = ("digest", "s1", "reminder", "escalation")


@dataclass
class SendResult:
    status: str  # sent / skipped / deferred / retry / failed / suppressed / cancelled
    retry_at: datetime | None = None


async def record_success(rt: Runtime, row: Outbox, target: Target, receipts: list[Receipt], ms: int) -> None:
    now = utcnow()
    first = receipts[0] if receipts else None
    async with transaction(rt.sessions) as session:
        await attempts.record_delivery(session, row=row, target=target, status="ok", ms=ms, parts=len(receipts),
                                       message_id=first.message_id if first else None,
                                       request_id=first.request_id if first else None)
        await attempts.mark_sent(session, row=row, at=now, error=None)
        await attempts.target_ok(session, target=target, at=now)
        kind = {"reminder": "reminded", "escalation": "escalated"}.get(row.purpose, "notified")
        await attempts.record_notices(session, row=row, target=target, kind=kind, at=now)


async def record_suppressed(rt: Runtime, row: Outbox, target: Target, reason: str) -> None:
    async with transaction(rt.sessions) as session:
        await attempts.record_delivery(session, row=row, target=target, status="suppressed", ms=0, error=reason)
        await attempts.mark_sent(session, row=row, at=utcnow(), error=reason)


async def record_failure(rt: Runtime, row: Outbox, target: Target, error: ChannelError, ms: int,
                         final: bool = False) -> SendResult:
    now = utcnow()
    async with transaction(rt.sessions) as session:
        if error.rate_limited:
            until = now + timedelta(seconds=error.retry_after or 600)
            local = until.astimezone(ZoneInfo(rt.settings.tz))
            await _pause(session, row, target, error, ms, (until, f"{local:%Y-%m-%d %H:%M}"),
                         whole_target=error.hold == "target")
            return SendResult("deferred", until)
        final = final or error.permanent or row.attempts > len(RETRY_SCHEDULE)
        status = "permanent" if error.permanent else "error"
        await attempts.record_delivery(session, row=row, target=target, status=status, ms=ms, error=str(error)[:500],
                                       code=error.code)
        await _target_error(session, target, error, now)
        if final:
            await attempts.mark_failed(session, row=row, error=str(error)[:500])
            await _follow_ups(session, row, target, error, now)
            return SendResult("failed")
        retry_at = now + timedelta(seconds=RETRY_SCHEDULE[row.attempts - 1])
        await attempts.mark_retry(session, row=row, at=retry_at, error=str(error)[:500])
        return SendResult("retry", retry_at)


async def _pause(session: AsyncSession, row: Outbox, target: Target, error: ChannelError, ms: int,
                 until: tuple[datetime, str], *, whole_target: bool) -> None:
    """Wait out a platform limit: the whole target (a throttled robot), or only this row (an SMS
    number under flow control is held in Redis; the target's other messages go on)."""
    await attempts.record_delivery(session, row=row, target=target, status="rate_limited", ms=ms,
                                   error=str(error)[:500], code=error.code)
    if whole_target:
        await attempts.target_paused(session, target=target, until=until[0], reason=f"被平台限流，暂停至 {until[1]}",
                                     at=utcnow())
    await attempts.mark_paused(session, row=row, until=until[0])


async def _target_error(session: AsyncSession, target: Target, error: ChannelError, now: datetime) -> None:
    disabled = f"自动停用：{str(error)[:250]}" if error.permanent else None
    await attempts.target_error(session, target=target, error=str(error)[:500], at=now, disabled_reason=disabled)


async def _follow_ups(session: AsyncSession, row: Outbox, target: Target, error: ChannelError, now: datetime) -> None:
    """A final failure tells the admins (through other targets) and falls back to SMS where bound."""
    if error.permanent:
        await _admin_alert(session, row, target, error, now)
    if row.purpose in FALLBACK_PURPOSES and target.kind != "sms":
        await _sms_fallback(session, row, target, now)


async def _admin_alert(session: AsyncSession, row: Outbox, target: Target, error: ChannelError, now: datetime) -> None:
    body = (f"通知渠道 **{target.name}**（{target.kind}）已自动停用。\n\n原因：{error}\n\n"
            "请管理员在门户“通知渠道”中检查配置后重新启用；停用期间的消息已保留，不会丢失。")
    for admin in await other_targets(session, target=target, purpose="admin"):
        await queue(session, row=Outbox(
            target_id=saved_id(admin), purpose="admin", title=f"通知渠道已停用：{target.name}", body=body,
            idempotency_key=f"admin-t{target.id}-o{row.id}-a{admin.id}", urgent=True, next_attempt_at=now))


async def _sms_fallback(session: AsyncSession, row: Outbox, target: Target, now: datetime) -> None:
    """Fall back to the SMS targets bound to the same unit, unless a person switched it off for their phone."""
    for sms in await other_targets(session, target=target, purpose=row.purpose, kind="sms"):
        if not await wants_sms(session, account_id=sms.account_id):
            continue
        await queue(session, row=Outbox(
            target_id=saved_id(sms), purpose=row.purpose, group_key=row.group_key, title=row.title, body=row.title,
            link=row.link, payload=row.payload, idempotency_key=f"sms-o{row.id}-t{sms.id}", urgent=row.urgent,
            warning_ids=row.warning_ids, next_attempt_at=now))
