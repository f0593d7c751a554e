"""The self-check reminder (自查提醒): which unit, how many counting checks it has and owes this month,
and the link to start one. The unit's name is data: inert."""

from __future__ import annotations

from bot.base import Message
from bot.escape import inert


def selfcheck_reminder(unit: str, *, done: int, required: int, month: str, when: str, link: str,
                       key: str) -> Message:
    month_words = f"{month[:4]}年{int(month[5:])}月"
    title = f"{inert(unit)}：{month_words}自查已完成{done}/{required}次，请尽快完成"
    body = (f"**{inert(unit)}** {when}，{month_words}已完成有效自查 {done} 次，每月至少 {required} 次。"
            f"\n\n请登录门户逐项查看本单位数据并完成自查；未完成的单位月初将被锁定。")
    return Message(title=title, body=body, text=body.replace("**", ""), link=link, action_label="开始自查",
                   idempotency_key=key, template_params={"unit": unit[:20], "count": f"{done}/{required}"})
