"""Messages about approval items (事项): a step waits for your signature, a decision on your item,
a 催办 reminder, an escalation of an overdue step.

They go to people's own channels (work notices, never a group), but like every notice they carry
only the unit, the item kind, the applicant's title and the figures in words; the applicant's and
signers' own words are made inert and cut short; the details stay behind the portal link.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.base import Button, Message
from bot.escape import inert
from bot.render import render

EXCERPT = 80


@dataclass(frozen=True)
class ItemNotice:
    unit: str
    kind_label: str                 # 用编申请, 入编 …
    title: str                      # the applicant's title (data)
    step: str | None                # the step concerned: 科室初审（或签）
    due: str | None                 # its deadline, with the year
    figures: str                    # the figures in words ("行政编制：核定 10 名，在编 8 名 …"), may be empty
    actor: str                      # who acted, by name
    at: str                         # when, in the office's zone, with the year
    text: str                       # the decision's reason or comment (data; may be empty)
    link: str                       # the item's portal page


def item_sign(n: ItemNotice, *, key: str, buttons: tuple[Button, ...] = ()) -> Message:
    """A step waits for the reader's signature (a new step, 转交 or 加签)."""
    headline = f"待您审批：{n.step}" if n.step else "待您审批"
    return _message(n, key, f"{inert(n.unit)}：{n.kind_label}待您审批", headline, buttons=buttons)


def item_decided(n: ItemNotice, *, key: str, outcome: str) -> Message:
    """The applicant hears a decision on their item (``outcome`` is the engine's sentence)."""
    return _message(n, key, f"{inert(n.unit)}：{n.kind_label}{outcome.rstrip('。')}", outcome)


def item_reminder(n: ItemNotice, *, key: str, when: str, buttons: tuple[Button, ...] = ()) -> Message:
    """催办: a step is a working day from its deadline or past it (``when`` says which, in words)."""
    return _message(n, key, f"【催办】{inert(n.unit)}：{n.kind_label}{when}", f"催办：{n.step or ''}{when}",
                    buttons=buttons)


def item_escalated(n: ItemNotice, *, key: str, when: str) -> Message:
    """An overdue step, told to the leaders above it."""
    return _message(n, key, f"{inert(n.unit)}：{n.kind_label}审批{when}，请督办",
                    f"审批超期：{n.step or ''}{when}", urgent=True)


def _message(n: ItemNotice, key: str, title: str, headline: str, *, buttons: tuple[Button, ...] = (),
             urgent: bool = False) -> Message:
    text = n.text if len(n.text) <= EXCERPT else n.text[:EXCERPT] + "……"
    body = render("item.md.j2", n=n, headline=headline, text=text)
    return Message(title=title, body=body, text=body, link=n.link, action_label="查看并处理", idempotency_key=key,
                   buttons=buttons, urgent=urgent, template_params={"unit": n.unit[:20], "count": "1"})
