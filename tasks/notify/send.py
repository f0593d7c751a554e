"""Sending one outbox row: claim, gate (limits), send, record — never twice, never lost.

The claim is a conditional UPDATE (``status='pending'`` → ``'sending'``), so any number of workers
can be handed the same id and only one sends. A worker killed after claiming leaves the row in
``sending``; the sweeper returns it to ``pending`` after ``CLAIM_TIMEOUT`` and it is re-sent with
the same idempotency key (DingTalk ``msgUuid``, 浙政钉 ``bizMsgId``), which the platform dedupes.
"""

from __future__ import annotations

import logging
import time
from datetime import datetime, timedelta
from typing import Any

from bot import registry
from bot.base import ChannelError, Message, Receipt
from bot.http import ApiClient
from models.core.db import local_today, saved_id, transaction, utcnow
from models.core.runtime import Runtime
from models.notify import outbox
from models.notify.tables import Outbox, Target
from models.notify.targets import decrypt_config
from tasks.notify import limits
from tasks.notify.cards import stored_buttons
from tasks.notify.record import SendResult, record_failure, record_success, record_suppressed

logger = logging.getLogger(__name__)


async def send_one(rt: Runtime, redis: Any, http: ApiClient, outbox_id: int, worker: str) -> SendResult:
    now = utcnow()
    async with transaction(rt.sessions) as session:
        if not await outbox.claim(session, outbox_id=outbox_id, worker=worker, now=now):
            return SendResult("skipped")
        row, target = await outbox.claimed(session, outbox_id=outbox_id)
    assert row is not None and target is not None
    gated = await _gate(rt, redis, row, target, now)
    if gated is not None:
        return gated
    return await _deliver(rt, http, row, target, redis)


async def _gate(rt: Runtime, redis: Any, row: Outbox, target: Target, now: datetime) -> SendResult | None:
    """Everything that decides not to send right now, before the platform is called."""
    if not target.enabled:
        await _release(rt, saved_id(row), status="cancelled", error=f"目标已停用：{target.disabled_reason or ''}")
        return SendResult("cancelled")
    if target.paused_until and target.paused_until > now:
        return await _defer(rt, saved_id(row), target.paused_until)
    key = limits.robot_key(target.kind, decrypt_config(rt.cipher, target), saved_id(target))
    wait = await limits.acquire(redis, key, target.kind, f"{row.id}:{row.attempts}",
                                lambda: recent_sends(rt, target, now, exclude=saved_id(row)))
    if wait > 0:
        return await _defer(rt, saved_id(row), now + timedelta(seconds=wait))
    today = local_today(rt.settings.tz)
    if not await limits.first_today(redis, saved_id(target), target.kind, row.body, today):
        await record_suppressed(rt, row, target, "同一内容今日已发送给该用户（平台会丢弃重复内容）")
        return SendResult("suppressed")
    held = await _held_numbers(rt, redis, target)
    if held > 0:  # a number of this target is under the platform's flow control: wait for it, not the target
        return await _defer(rt, saved_id(row), now + timedelta(seconds=held))
    if not await limits.sms_allowed(redis, saved_id(target), target.kind, today):
        await record_failure(rt, row, target, ChannelError("今日短信条数已达上限", code="sms_cap"), 0, final=True)
        return SendResult("failed")
    return None


def _numbers(rt: Runtime, target: Target) -> list[str]:
    return [str(n) for n in decrypt_config(rt.cipher, target).get("phone_numbers", [])] if target.kind == "sms" else []


async def _held_numbers(rt: Runtime, redis: Any, target: Target) -> float:
    numbers = _numbers(rt, target)
    return await limits.held_for(redis, numbers) if numbers else 0.0


async def _deliver(rt: Runtime, http: ApiClient, row: Outbox, target: Target, redis: Any = None) -> SendResult:
    started = time.monotonic()
    try:
        channel = registry.build(target.kind, decrypt_config(rt.cipher, target), http=http, settings=rt.settings)
        receipts: list[Receipt] = await channel.send(message_of(row))
    except ChannelError as error:
        if error.hold == "recipient" and redis is not None:
            await limits.hold_numbers(redis, _numbers(rt, target), error.retry_after or 3600)
        return await record_failure(rt, row, target, error, _ms(started))
    await record_success(rt, row, target, receipts, _ms(started))
    logger.info("outbox %s (%s) ok in %.2fs", row.id, target.kind, time.monotonic() - started)
    return SendResult("sent")


async def recent_sends(rt: Runtime, target: Target, now: datetime, *, exclude: int) -> list[float]:
    """Epoch times this target's robot was called in the last window (deliveries and other live claims)."""
    since = now - timedelta(seconds=limits.WINDOW_MARGIN)
    async with rt.sessions() as session:
        calls = await outbox.recent_calls(session, target=target, since=since, exclude=exclude)
        return [at.timestamp() for at in calls]


def message_of(row: Outbox) -> Message:
    params = {str(k): str(v) for k, v in (row.payload or {}).get("template_params", {}).items()}
    return Message(title=row.title, body=row.body, text=row.body, link=row.link, urgent=row.urgent,
                   action_label="打开门户处理", idempotency_key=row.idempotency_key, template_params=params,
                   buttons=stored_buttons(row.payload or {}))


def _ms(started: float) -> int:
    return int((time.monotonic() - started) * 1000)


async def _release(rt: Runtime, outbox_id: int, *, status: str, error: str | None = None) -> None:
    async with transaction(rt.sessions) as session:
        await outbox.release(session, outbox_id=outbox_id, status=status, error=error)


async def _defer(rt: Runtime, outbox_id: int, when: datetime) -> SendResult:
    """Back to pending without counting an attempt: the platform was not called."""
    async with transaction(rt.sessions) as session:
        await outbox.defer(session, outbox_id=outbox_id, until=when)
    return SendResult("deferred", when)
