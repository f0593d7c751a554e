"""Messages about ad-hoc tasks to units (任务流转): a new task, a feedback returned or evaluated, and
the daily reminder of tasks falling due. They carry the unit, the task's title, its deadline and
the officer's own words, made inert; the task's body and the unit's files stay behind the link.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.base import Message
from bot.escape import inert
from bot.render import render

EXCERPT = 80
SHOWN = 10  # reminder lines in one message; the rest wait behind the link


def excerpt(text: str) -> str:
    return text if len(text) <= EXCERPT else text[:EXCERPT] + "……"


@dataclass(frozen=True)
class TaskNotice:
    unit: str
    title: str       # the task's title
    deadline: str    # with the year
    actor: str       # who published or decided, by name
    at: str          # when, in the office's zone, with the year
    text: str        # the task's body, or the reason / comment given
    link: str


def task_published(n: TaskNotice, *, key: str) -> Message:
    return _message(n, key, f"{inert(n.unit)}：收到新任务", "新任务，请接收并按期反馈", "内容")


def task_returned(n: TaskNotice, *, key: str) -> Message:
    return _message(n, key, f"{inert(n.unit)}：任务反馈被退回", "反馈被退回，请重新落实后再次反馈", "退回理由")


def task_evaluated(n: TaskNotice, *, key: str, grade: str) -> Message:
    return _message(n, key, f"{inert(n.unit)}：任务反馈已评价（{grade}）", f"编办评价：{grade}", "评价意见")


def _message(n: TaskNotice, key: str, title: str, headline: str, label: str) -> Message:
    body = render("task.md.j2", n=n, headline=headline, label=label, text=excerpt(n.text))
    return Message(title=title, body=body, text=body, link=n.link, action_label="查看任务", idempotency_key=key,
                   template_params={"unit": n.unit[:20], "count": "1"})


@dataclass(frozen=True)
class ReminderLine:
    title: str
    deadline: str
    when: str      # 还有2个工作日截止 / 今天截止 / 已逾期3天
    overdue: bool
    status: str    # the unit's state in words
    link: str


def task_reminder(unit: str, lines: list[ReminderLine], *, link: str, key: str) -> Message:
    late = sum(line.overdue for line in lines)
    title = f"{inert(unit)}：{len(lines)}项任务待反馈" + (f"，{late}项已逾期" if late else "")
    body = render("task_reminder.md.j2", unit=unit, lines=lines[:SHOWN], hidden=max(len(lines) - SHOWN, 0))
    return Message(title=title, body=body, text=body, link=link, action_label="打开任务", idempotency_key=key,
                   template_params={"unit": unit[:20], "count": str(len(lines))})
