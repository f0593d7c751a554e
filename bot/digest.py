"""Digest, notice and reminder messages built from warning rows, for any channel.

Group chats contain many people, so these carry rule titles, counts, unit names and masked
person names (张*) only — never ID numbers or mobiles; details sit behind the portal link.
A digest lists at most ``MAX_LINES`` items (new ones first) and says how many more there are,
so an officer reads it on a phone and the platform never sees it over its size limit.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from bot.base import Button, Message
from bot.escape import inert
from bot.render import render
from models.staffing.ids import mask_name

MAX_LINES = 15
MIN_ACTION_LINES = 3  # fewer lines than this with their buttons: drop the line buttons, keep 逐条处理
LinkMaker = Callable[[str, str], str]  # (action, object) -> a signed action link (models.links.tokens)
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
    status: str = "open"  # open / acknowledged / disputed: the card's progress counts the others

    @property
    def handled(self) -> bool:
        return self.status != "open"

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
    links: LinkMaker | None = None  # signed action links for this card's reader; None: no buttons
    card: str = ""  # the card's key (its outbox idempotency key): 全部确认 and 逐条处理 refer to it

    @property
    def handled(self) -> int:
        return sum(1 for i in self.items if i.handled)


def line_actions(links: LinkMaker, item: Item) -> list[Button]:
    """The buttons on one line: 确认 while open, 更正 and 说明 until someone has explained."""
    obj = f"w{item.warning_id}"
    actions = [("ack", "确认")] if item.status == "open" else []
    if item.status != "disputed":
        actions += [("fix", "更正"), ("note", "说明")]
    return [Button(label, links(act, obj)) for act, label in actions]


def card_buttons(d: Digest) -> tuple[Button, ...]:
    """全部确认 while anything on the card is open, and 逐条处理 to walk it on a phone."""
    if d.links is None or not d.card or not d.items:
        return ()
    walk = Button("逐条处理", d.links("walk", d.card))
    still_open = len(d.items) - d.handled
    return (Button(f"全部确认（{still_open}条）", d.links("all", d.card)), walk) if still_open else (walk,)


def digest_title(d: Digest) -> str:
    label = inert(d.group_label)  # titles become markdown headings on every platform
    if d.severe:
        return f"{label}：新增严重预警{len(d.items)}条，请尽快处理"
    if d.repeat:
        return f"{label}：未关闭编制预警{len(d.items)}条（例行提醒）"
    parts = [f"新增{len(d.new_ids)}条" if d.new_ids else "", f"已解决{d.resolved}条" if d.resolved else ""]
    change = "，".join(p for p in parts if p) or "有更新"
    return f"{label}：编制预警{change}"


def ordered_items(d: Digest) -> list[Item]:
    """The card's order: new first, then by severity and due date (逐条处理 walks it the same way)."""
    return sorted(d.items, key=lambda i: (i.warning_id not in d.new_ids, i.severity, i.due_date or date.max))


def digest_message(d: Digest, *, key: str, max_bytes: int | None) -> Message:
    ordered = ordered_items(d)
    shown, actions = _fit(d, ordered, max_bytes)
    counts = {s: sum(1 for i in d.items if i.severity == s) for s in SEVERITY_WORDS}
    body = _body(d, shown, actions, hidden=len(ordered) - len(shown), counts=counts,
                 overdue=sum(1 for i in d.items if i.overdue))
    return Message(title=digest_title(d), body=body, text=body, link=d.link, action_label="打开门户处理",
                   urgent=d.urgent, idempotency_key=key, buttons=card_buttons(d),
                   template_params={"unit": d.group_label[:20], "count": str(len(d.items))})


def _body(d: Digest, shown: list[Item], actions: bool, **figures: object) -> str:
    buttons = {i.warning_id: line_actions(d.links, i) for i in shown} if actions and d.links else {}
    return render("digest.md.j2", d=d, shown=shown, buttons=buttons, words=SEVERITY_WORDS, **figures)


def _fit(d: Digest, ordered: list[Item], max_bytes: int | None) -> tuple[list[Item], bool]:
    """The lines that fit the smaller of MAX_LINES and about two thirds of the platform limit, and
    whether they carry their own buttons: a small limit (浙政钉 2 KB) keeps more lines without them."""
    budget = (max_bytes or 20_000) * 2 // 3
    with_buttons = _fitting(d, ordered[:MAX_LINES], budget, actions=True)
    if d.links is None or len(with_buttons) >= min(MIN_ACTION_LINES, len(ordered)):
        return with_buttons, d.links is not None
    return _fitting(d, ordered[:MAX_LINES], budget, actions=False), False


def _fitting(d: Digest, shown: list[Item], budget: int, *, actions: bool) -> list[Item]:
    while shown and len(_body(d, shown, actions, hidden=0, counts={}, overdue=0).encode()) > budget:
        shown = shown[:-1]
    return shown


@dataclass(frozen=True)
class Reminder:
    group_label: str
    stage: str  # soon / today / overdue
    items: list[Item]
    link: str | None = None
    links: LinkMaker | None = None
    card: str = ""


STAGE_WORDS = {"soon": "3个工作日后到期", "today": "今天到期", "overdue": "已逾期",
               "escalated": "逾期未整改（升级通报）"}


def reminder_message(r: Reminder, *, key: str, max_bytes: int | None) -> Message:
    digest = Digest(r.group_label, r.items, link=r.link, urgent=r.stage != "soon", links=r.links, card=r.card)
    shown, actions = _fit(digest, r.items, max_bytes)
    buttons = {i.warning_id: line_actions(r.links, i) for i in shown} if actions and r.links else {}
    body = render("reminder.md.j2", r=r, shown=shown, hidden=len(r.items) - len(shown), words=SEVERITY_WORDS,
                  stage=STAGE_WORDS[r.stage], buttons=buttons)
    title = f"{inert(r.group_label)}：{len(r.items)}条编制预警{STAGE_WORDS[r.stage]}"
    return Message(title=title, body=body, text=body, link=r.link, action_label="打开门户处理",
                   urgent=r.stage != "soon", idempotency_key=key, buttons=card_buttons(digest),
                   template_params={"unit": r.group_label[:20], "count": str(len(r.items))})
