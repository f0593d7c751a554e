"""Figures in words: what an item's pre-check saw (and its approval changed), as people read it.

The kinds (``models.approvals.kinds``) return their figures as a flat dict; pages and cards show
them through :func:`figure_lines`, never as raw keys. Unknown keys are left out rather than shown
as codes.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from models.core.enums import EstType, label
from models.core.workdays import WorkCalendar

# key -> (words, unit); the order is the order people read them in
FIGURE_WORDS: dict[str, tuple[str, str]] = {
    "approved": ("核定", "名"), "in_est": ("在编", "名"), "pending_entries": ("待入编", "名"),
    "unused": ("已批未用", "名"), "room": ("可用", "名"), "count": ("本次申请", "名"),
    "room_after": ("批准后可用", "名"),
}


AFTER_ONLY = ("count", "room_after")  # what the application asked: not a figure of the state after it


def figure_lines(figures: dict[str, Any] | None, *, after: bool = False) -> list[str]:
    """One line per figure group, e.g. ``行政编制：核定 10 名，在编 8 名，可用 2 名，本次申请 1 名``;
    ``after``: the state an approval left (without what was asked)."""
    if not figures:
        return []
    if isinstance(figures.get("text"), str):
        return [figures["text"]]
    parts = [f"{words} {figures[key]} {unit}" for key, (words, unit) in FIGURE_WORDS.items()
             if isinstance(figures.get(key), int) and not (after and key in AFTER_ONLY)]
    if not parts:
        return []
    kind = figures.get("est_type")
    return [(f"{label(EstType, kind)}：" if isinstance(kind, str) and kind else "") + "，".join(parts)]


def figures_text(figures: dict[str, Any] | None) -> str:
    return "；".join(figure_lines(figures))


def due_words(due_on: date | None, today: date, calendar: WorkCalendar) -> str:
    """Time left in words, in working days: 剩 2 个工作日 / 今天到期 / 超期 3 个工作日."""
    if due_on is None:
        return ""
    if due_on == today:
        return "今天到期"
    if due_on > today:
        left = calendar.workdays_between(today, due_on)[0]
        return f"剩 {left} 个工作日" if left else "今天到期"
    late = calendar.workdays_between(due_on, today)[0]
    return f"超期 {late} 个工作日" if late else "已超期"
