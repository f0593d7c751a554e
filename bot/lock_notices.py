"""The message telling a unit (its group, its stewards by SMS) that it was locked at month end."""

from __future__ import annotations

from bot.base import Message
from bot.escape import inert
from bot.render import render


def unit_locked(*, unit: str, month_label: str, reason: str, link: str, key: str) -> Message:
    body = render("lock.md.j2", unit=unit, reason=reason)
    return Message(title=f"{inert(unit)}：{month_label}自查不足，已锁定", body=body, text=body, link=link,
                   action_label="查看并申请解锁", idempotency_key=key,
                   template_params={"unit": unit[:20], "month": month_label, "count": "1"})
