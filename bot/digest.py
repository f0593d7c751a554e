"""Digest, notice and reminder messages built from warning rows, for any channel.

Group chats contain many people, so these carry rule titles, counts, unit names and masked
person names (张*) only — never ID numbers or mobiles; details sit behind the portal link.
A digest lists at most ``MAX_LINES`` items (new ones first) and says how many more there are,
so an officer reads it on a phone and the platform never sees it over its size limit.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from bot.base import Message
from bot.escape import inert
from bot.render import render
from models.staffing.ids import mask_name

MAX_LINES = 15
SEVERITY_WORDS = {"S1": "严重", "S2": "一般", "S3": "提示"}


@dataclass(frozen=True)
class Item:
    warning_id: int
    severity: str
    title: str
    unit_name: str
    who: str | None
    summary: str
    due_date: date | None
    overdue: bool
    link: str | None = None  # this warning's own page (each chat line opens its warning)

    @property
    def masked_who(self) -> str | None:
        return mask_name(self.who) if self.who else None


@dataclass(frozen=True)
class Digest:
    group_label: str
    items: list[Item]
    new_ids: set[int] = field(default_factory=set)
    resolved: int = 0
    repeat: bool = False
    link: str | None = None
    urgent: bool = False
    severe: bool = False  # a personal notice of new S1 warnings, not a group digest


def digest_title(d: Digest) -> str:
    label = inert(d.group_label)  # titles become markdown headings on every platform
    if d.severe:
        return f"{label}：新增严重预警{len(d.items)}条，请尽快处理"
    if d.repeat:
        return f"{label}：未关闭编制预警{len(d.items)}条（例行提醒）"
    parts = [f"新增{len(d.new_ids)}条" if d.new_ids else "", f"已解决{d.resolved}条" if d.resolved else ""]
    change = "，".join(p for p in parts if p) or "有更新"
    return f"{label}：编制预警{change}"


def digest_message(d: Digest, *, key: str, max_bytes: int | None) -> Message:
    ordered = sorted(d.items, key=lambda i: (i.warning_id not in d.new_ids, i.severity, i.due_date or date.max))
    shown = _fit(d, ordered, max_bytes)
    counts = {s: sum(1 for i in d.items if i.severity == s) for s in SEVERITY_WORDS}
    body = render("digest.md.j2", d=d, shown=shown, hidden=len(ordered) - len(shown), counts=counts,
                  words=SEVERITY_WORDS, overdue=sum(1 for i in d.items if i.overdue))
    return Message(title=digest_title(d), body=body, text=body, link=d.link, action_label="打开门户处理",
                   urgent=d.urgent, idempotency_key=key,
                   template_params={"unit": d.group_label[:20], "count": str(len(d.items))})


def _fit(d: Digest, ordered: list[Item], max_bytes: int | None) -> list[Item]:
    """As many lines as fit the smaller of MAX_LINES and about two thirds of the platform limit."""
    shown = ordered[:MAX_LINES]
    budget = (max_bytes or 20_000) * 2 // 3
    while shown and len(_body_bytes(d, shown)) > budget:
        shown = shown[:-1]
    return shown


def _body_bytes(d: Digest, shown: list[Item]) -> bytes:
    return render("digest.md.j2", d=d, shown=shown, hidden=0, counts={}, words=SEVERITY_WORDS,
                  overdue=0).encode()


@dataclass(frozen=True)
class Reminder:
    group_label: str
    stage: str  # soon / today / overdue
    items: list[Item]
    link: str | None = None


STAGE_WORDS = {"soon": "3个工作日后到期", "today": "今天到期", "overdue": "已逾期",
               "escalated": "逾期未整改（升级通报）"}


def reminder_message(r: Reminder, *, key: str, max_bytes: int | None) -> Message:
    digest = Digest(r.group_label, r.items, link=r.link, urgent=r.stage != "soon")
    shown = _fit(digest, r.items, max_bytes)
    body = render("reminder.md.j2", r=r, shown=shown, hidden=len(r.items) - len(shown), words=SEVERITY_WORDS,
                  stage=STAGE_WORDS[r.stage])
    title = f"{inert(r.group_label)}：{len(r.items)}条编制预警{STAGE_WORDS[r.stage]}"
    return Message(title=title, body=body, text=body, link=r.link, action_label="打开门户处理",
                   urgent=r.stage != "soon", idempotency_key=key,
                   template_params={"unit": r.group_label[:20], "count": str(len(r.items))})
