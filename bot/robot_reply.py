"""What the app robot answers, rendered from ``bot/templates/robot_*.md.j2``.

Every value from records goes through the ``md`` filter (``bot.escape.inert``); links come only
from the templates. In a group conversation people are named as 张* and no reply anywhere carries
more of an ID number than its masked form.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from bot.digest import SEVERITY_WORDS
from bot.render import render
from models.staffing.ids import mask_name
from models.staffing.name_lookup import PersonHit
from models.warnings.query import WarningRow

REFUSALS = ("unknown_sender", "locked", "denied", "not_found", "state", "conflict", "bad_number", "no_name",
            "restricted")


@dataclass(frozen=True)
class Reply:
    title: str
    text: str


def number(warning_id: int) -> str:
    """How people name a warning in chat (``确认 W123``)."""
    return f"W{warning_id}"


def help_reply() -> Reply:
    return Reply("BZOps 指令", render("robot_help.md.j2"))


def refusal(reason: str, *, detail: str = "", asked: str = "") -> Reply:
    """A polite refusal; ``asked`` is what was typed, ``detail`` the warning's state (product words)."""
    assert reason in REFUSALS, reason
    return Reply("BZOps", render("robot_refusal.md.j2", reason=reason, detail=detail, asked=asked))


def todo_reply(*, name: str, counts: Mapping[str, int], rows: Sequence[WarningRow], group: bool,
               portal_url: str) -> Reply:
    total = sum(counts.get(severity, 0) for severity in SEVERITY_WORDS)
    text = render("robot_todo.md.j2", reader=name, counts=counts, total=total, rows=rows, words=SEVERITY_WORDS,
                  hidden=max(total - len(rows), 0), who=_namer(group), number=number,
                  base=portal_url.rstrip("/"))
    return Reply("我的待办", text)


def ack_reply(warning: WarningRow) -> Reply:
    return Reply("已确认", render("robot_ack.md.j2", w=warning, number=number(warning.id)))


def persons_reply(*, asked: str, hits: Sequence[PersonHit], more: bool, group: bool) -> Reply:
    text = render("robot_persons.md.j2", asked=asked, hits=hits, more=more, who=_namer(group))
    return Reply("查找人员", text)


def _namer(group: bool) -> Callable[[str], str]:
    """Names as stored in a one-to-one chat; masked (张*) where a group reads along."""
    return mask_name if group else str
