"""Reading and annotating deliveries: history per target and per warning, SMS receipt matching,
and the "send a test message" outbox row.

Deliveries of a warning are found through its timeline: the worker writes a ``warning_event``
(notified / reminded / escalated) whose ``detail`` holds ``{"outbox": id, "target": id}``. The
JSON is read in Python, so the same query runs on SQLite and PostgreSQL.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from models.core import audit
from models.core.db import saved_id, utcnow
from models.core.tables import AuditLog
from models.notify.tables import PURPOSES, Delivery, Outbox, Target
from models.notify.targets import TargetError
from models.staffing.tables import Unit
from models.warnings.tables import WarningEvent

PURPOSE_LABELS = {**PURPOSES, "test": "测试消息", "echo": "群内处理回执"}
STATUS_LABELS = {"ok": "成功", "error": "失败（将重试）", "rate_limited": "被限流", "permanent": "失败（不再重试）",
                 "suppressed": "未发送（重复内容）"}
NOTICE_KINDS = ("notified", "reminded", "escalated")
DELIVERED = "DELIVERED"
RECEIPT_ACTION = "sms.receipt"
_COLUMNS: tuple[Any, ...] = (Delivery, col(Outbox.title), col(Outbox.purpose), col(Target.name).label("target_name"),
            col(Target.kind).label("target_kind"))


async def target_row(session: AsyncSession, *, target_id: int) -> dict[str, Any] | None:
    """The target with its scope unit's name and code (``None`` if there is no such target)."""
    query = (select(Target, col(Unit.name), col(Unit.code)).outerjoin(Unit, col(Unit.id) == col(Target.unit_id))
             .where(col(Target.id) == target_id))
    row = (await session.execute(query)).first()
    return {"target": row[0], "unit_name": row[1], "unit_code": row[2]} if row else None


async def unit_id_for(session: AsyncSession, *, code: str | None) -> int | None:
    """The id of the unit with ``code``; ``None`` for no code (all units). Raises ``TargetError``."""
    if not code:
        return None
    unit_id = await session.scalar(select(col(Unit.id)).where(col(Unit.code) == code))
    if unit_id is None:
        raise TargetError(f"机构编码 {code} 不存在")
    return unit_id


def _decorate(row: Any) -> dict[str, Any]:
    delivery: Delivery = row[0]
    return {"d": delivery, "title": row.title, "purpose": PURPOSE_LABELS.get(row.purpose, row.purpose),
            "target_name": row.target_name, "target_kind": row.target_kind,
            "status": STATUS_LABELS.get(delivery.status, delivery.status), "receipt": receipt_label(delivery)}


def receipt_label(delivery: Delivery) -> str:
    if delivery.receipt_status is None:
        return ""
    return "已送达" if delivery.receipt_status == DELIVERED else f"未送达（{delivery.receipt_status}）"


def _joined() -> Any:
    return (select(*_COLUMNS).join(Outbox, col(Outbox.id) == col(Delivery.outbox_id))
            .join(Target, col(Target.id) == col(Delivery.target_id)).order_by(col(Delivery.id).desc()))


async def deliveries_for_target(session: AsyncSession, *, target_id: int, limit: int = 50) -> list[dict[str, Any]]:
    """The latest attempts to send to one target, newest first, with the outbox title and purpose."""
    query = _joined().where(col(Delivery.target_id) == target_id).limit(limit)
    return [_decorate(row) for row in await session.execute(query)]


async def deliveries_for_warning(session: AsyncSession, *, warning_id: int, limit: int = 100) -> list[dict[str, Any]]:
    """Every attempt to send an outbox row that carried this warning (per the warning's timeline)."""
    details = await session.scalars(select(col(WarningEvent.detail)).where(
        col(WarningEvent.warning_id) == warning_id, col(WarningEvent.kind).in_(NOTICE_KINDS)))
    outbox_ids = sorted({int(d["outbox"]) for d in details if isinstance(d, dict) and str(d.get("outbox")).isdigit()})
    if not outbox_ids:
        return []
    query = _joined().where(col(Delivery.outbox_id).in_(outbox_ids)).limit(limit)
    return [_decorate(row) for row in await session.execute(query)]


async def queue_test_message(session: AsyncSession, *, target: Target, title: str, body: str, link: str | None,
                             actor: str, now: datetime | None = None) -> Outbox:
    """An outbox row of purpose ``test`` for ``target``, due now, with a key no other row has."""
    now = now or utcnow()
    key = f"test-t{target.id}-{now:%Y%m%d%H%M%S%f}"
    row = Outbox(target_id=saved_id(target), purpose="test", title=title, body=body, link=link,
                 idempotency_key=key, next_attempt_at=now)
    session.add(row)
    await session.flush()
    await audit.record(session, actor=actor, action="target.test", object_type="target", object_id=target.id,
                       detail={"outbox": row.id})
    return row


@dataclass(frozen=True)
class SmsReceipt:
    """One Aliyun SmsReport item: one phone number of one ``SendSms`` call (``biz_id``)."""

    biz_id: str
    phone: str
    success: bool
    err_code: str
    reported_at: datetime

    @property
    def status(self) -> str:
        return DELIVERED if self.success else (self.err_code or "FAILED")

    @property
    def key(self) -> str:
        """Dedupe key; the phone is hashed so the audit log does not list numbers."""
        digest = hashlib.sha256(self.phone.encode()).hexdigest()[:16]
        return f"{self.biz_id[:40]}:{digest}"


@dataclass
class ReceiptOutcome:
    matched: int = 0
    duplicates: int = 0
    unmatched: int = 0


async def apply_sms_receipts(session: AsyncSession, *, receipts: list[SmsReceipt]) -> ReceiptOutcome:
    """Set ``receipt_status``/``receipt_at`` on the deliveries whose ``message_id`` is the receipt's BizId.

    Aliyun may push a receipt more than once: each (BizId, phone) is applied once, and recorded in
    the audit log, which is also what later pushes are checked against. A failure for one number
    of a multi-number SMS is not overwritten by a later success for another.
    """
    outcome = ReceiptOutcome()
    seen = await _applied(session, [r.key for r in receipts])
    for receipt in receipts:
        if receipt.key in seen:
            outcome.duplicates += 1
            continue
        seen.add(receipt.key)
        rows = list(await session.scalars(select(Delivery).where(col(Delivery.message_id) == receipt.biz_id)))
        if not rows:
            outcome.unmatched += 1
            continue
        outcome.matched += 1
        await _apply(session, receipt, rows)
    return outcome


async def _applied(session: AsyncSession, keys: list[str]) -> set[str]:
    query = select(col(AuditLog.object_id)).where(col(AuditLog.action) == RECEIPT_ACTION,
                                                  col(AuditLog.object_id).in_(keys))
    return {key for key in await session.scalars(query) if key}


async def _apply(session: AsyncSession, receipt: SmsReceipt, rows: list[Delivery]) -> None:
    for delivery in rows:
        if receipt.success is False or delivery.receipt_status in (None, DELIVERED):
            delivery.receipt_status = receipt.status[:40]
        delivery.receipt_at = max(receipt.reported_at, delivery.receipt_at or receipt.reported_at)
        session.add(delivery)
    await audit.record(session, actor="aliyun-sms", action=RECEIPT_ACTION, object_type="delivery",
                       object_id=receipt.key, detail={"deliveries": [d.id for d in rows], "status": receipt.status})
