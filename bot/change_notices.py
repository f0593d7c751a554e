"""Messages about a pending change (二人复核): one waits for a second officer; it was applied or
returned. Like the other notices they carry the unit, a masked name, the fields in words (only
establishment figures: 在编状态, 编制类型, 编制数, 职数; never ID numbers, mobiles or birth dates) and
the person's own words made inert; the details stay behind the portal link.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.base import Message
from bot.escape import inert
from bot.render import render
from models.staffing.ids import mask_name

EXCERPT = 80


@dataclass(frozen=True)
class ChangeNotice:
    unit: str
    who: str | None                      # the person corrected (masked here); None for a unit
    rows: tuple[tuple[str, str, str], ...]  # (field, before, after) in words
    actor: str                           # who asked or decided, by name
    at: str                              # when, in the office's zone, with the year
    text: str                            # the reason given (may be empty)
    link: str


def change_requested(n: ChangeNotice, *, key: str) -> Message:
    return _message(n, key, f"{inert(n.unit)}：更正待复核", f"{n.actor}提交更正，请另一名编办干部复核：", "说明")


def change_decided(n: ChangeNotice, *, key: str, applied: bool) -> Message:
    headline = "更正已复核，已生效：" if applied else "更正被退回，未生效："
    return _message(n, key, f"{inert(n.unit)}：{headline.rstrip('：')}", headline, "意见")


def _message(n: ChangeNotice, key: str, title: str, headline: str, label: str) -> Message:
    text = n.text if len(n.text) <= EXCERPT else n.text[:EXCERPT] + "……"
    body = render("change.md.j2", unit=n.unit, who=mask_name(n.who) if n.who else None, headline=headline,
                  rows=n.rows, text=text, label=label, actor=n.actor, at=n.at)
    return Message(title=title, body=body, text=body, link=n.link, action_label="查看并处理", idempotency_key=key,
                   template_params={"unit": n.unit[:20], "count": "1"})
