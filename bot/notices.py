"""Messages about one warning that a person acted on: a 情况说明 waiting for review, its decision.

Like digests they carry the unit, the rule, a masked name and the person's own words (made inert
for markdown and cut short); details and the attachment stay behind the portal link.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.base import Message
from bot.escape import inert
from bot.render import render
from models.staffing.ids import mask_name

EXCERPT = 80


@dataclass(frozen=True)
class ReviewNotice:
    unit: str
    title: str
    who: str | None       # the person the warning is about (masked here)
    actor: str            # who explained or decided, by name
    at: str               # when, in the office's zone, with the year
    text: str             # the explanation or the decision's reason
    link: str


def review_requested(n: ReviewNotice, *, key: str) -> Message:
    return _message(n, key, f"{inert(n.unit)}提交情况说明，请审核", "情况说明")


def review_decided(n: ReviewNotice, *, key: str, accepted: bool) -> Message:
    verdict = "情况说明已通过，预警例外关闭" if accepted else "情况说明被退回，请继续整改"
    return _message(n, key, f"{inert(n.unit)}：{verdict}", "审核意见")


def _message(n: ReviewNotice, key: str, title: str, headline: str) -> Message:
    text = n.text if len(n.text) <= EXCERPT else n.text[:EXCERPT] + "……"
    body = render("review.md.j2", unit=n.unit, title=n.title, who=mask_name(n.who) if n.who else None,
                  headline=headline, text=text or "（无）", actor=n.actor, at=n.at)
    return Message(title=title, body=body, text=body, link=n.link, action_label="查看并处理", idempotency_key=key,
                   template_params={"unit": n.unit[:20], "count": "1"})
