"""My items (事项): the three boxes (待我审批 / 我提交的 / 已办) and one item's page — figures, steps
with their signers, timeline, attachments and the decision form — plus attachment downloads.

Items outside the reader's scope answer 404 (the engine's queries filter by scope). Moves are
posted to :mod:`portal.views.item_actions`.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession

from models.accounts.permissions import Action
from models.approvals.choices import signer_choices, transfer_choices
from models.approvals.files import attachment
from models.approvals.labels import (
    MODE_LABELS,
    MODE_SHORT,
    ROLE_LABELS,
    SIGNER_LABELS,
    STATUS_LABELS,
    TIMELINESS_LABELS,
)
from models.approvals.query import BOX_LABELS, Box, ItemDetail, box_counts, item_detail, my_items
from models.approvals.words import due_words, figure_lines
from models.core import audit
from models.core.calendar import load_calendar
from models.core.db import transaction
from portal.attachments import as_download
from portal.auth import requires
from portal.context import actor, page_number, today
from portal.flash import flash
from portal.item_words import payload_lines
from portal.keys import RUNTIME, SCOPE
from portal.render import render

PAGE_SIZE = 30
BOXES: tuple[Box, ...] = ("todo", "submitted", "done")
WORDS = {"modes": MODE_LABELS, "mode_short": MODE_SHORT, "roles": ROLE_LABELS, "signer_labels": SIGNER_LABELS,
         "statuses": STATUS_LABELS, "timeliness": TIMELINESS_LABELS}


def box_of(request: web.Request) -> Box:
    wanted = request.query.get("box", "todo")
    return next((b for b in BOXES if b == wanted), "todo")


@requires(Action.VIEW_DATA)
async def item_list(request: web.Request) -> web.StreamResponse:
    box, page, who, day = box_of(request), page_number(request), actor(request), today(request)
    async with request.app[RUNTIME].sessions() as session:
        rows = await my_items(session, login=who.login, scope=request[SCOPE], box=box, today=day,
                              limit=PAGE_SIZE + 1, offset=(page - 1) * PAGE_SIZE)
        counts = await box_counts(session, login=who.login, scope=request[SCOPE])
        calendar = await load_calendar(session)
    context = {"rows": rows[:PAGE_SIZE], "more": len(rows) > PAGE_SIZE, "page": page, "box": box, "counts": counts,
               "boxes": BOX_LABELS, "due": {r.id: due_words(r.due_on, day, calendar) for r in rows}, **WORDS}
    return render(request, "items/list.html", context, partial="items/_rows.html")


async def load_item(request: web.Request, session: AsyncSession) -> ItemDetail:
    """The item of the path as the reader sees it (with the moves they may make), or 404."""
    who = actor(request)
    detail = await item_detail(session, int(request.match_info["item_id"]), scope=request[SCOPE],
                               today=today(request), login=who.login, role=who.role)
    if detail is None:
        raise web.HTTPNotFound()
    return detail


@requires(Action.VIEW_DATA)
async def item_page(request: web.Request) -> web.StreamResponse:
    day = today(request)
    async with request.app[RUNTIME].sessions() as session:
        detail = await load_item(request, session)
        calendar = await load_calendar(session)
        choices = await _choices(session, detail)
    context = {"d": detail, "i": detail.row, "error": flash(request),
               "due": due_words(detail.row.due_on, day, calendar),
               "figures": figure_lines(detail.figures), "after": figure_lines(_figures_after(detail), after=True),
               "payload": payload_lines(detail.row.kind, detail.payload), "last_step": _at_last_step(detail),
               "earlier": _earlier_steps(detail), **choices, **WORDS}
    return render(request, "items/detail.html", context)


def _figures_after(detail: ItemDetail) -> dict[str, Any] | None:
    """The figures the final approval left behind (its timeline event keeps them)."""
    approved = next((e for e in reversed(detail.events) if e.kind == "approved"), None)
    return approved.detail.get("figures_after") if approved else None


def _at_last_step(detail: ItemDetail) -> bool:
    return detail.row.step_no >= len(detail.flow) - 1


def _earlier_steps(detail: ItemDetail) -> list[tuple[int, str]]:
    """退回 to an earlier step: (step number, name) of the steps before the current one."""
    return [(number, step.name) for number, step in enumerate(detail.flow[:detail.row.step_no])]


async def _choices(session: AsyncSession, detail: ItemDetail) -> dict[str, Any]:
    """People to 转交 to or 加签, by name (only when the reader may make those moves)."""
    current = next((s for s in reversed(detail.steps) if s.status == "active"), None)
    if current is None or not detail.moves & {"transfer", "add_signer"}:
        return {"transfer_to": [], "add_to": []}
    signing = {s.login for s in current.signers}
    unit = detail.row.unit_id
    transfer = await transfer_choices(session, role=current.role, unit_id=unit, exclude=signing) \
        if "transfer" in detail.moves else []
    add = await signer_choices(session, unit_id=unit, exclude=signing) if "add_signer" in detail.moves else []
    return {"transfer_to": transfer, "add_to": add}


@requires(Action.VIEW_DATA)
async def item_file(request: web.Request) -> web.StreamResponse:
    who = actor(request)
    async with request.app[RUNTIME].sessions() as session:
        detail = await load_item(request, session)  # scope first: 404 unless the item is visible
        stored = await attachment(session, item_id=detail.row.id, file_id=int(request.match_info["file_id"]))
    if stored is None:
        raise web.HTTPNotFound()
    async with transaction(request.app[RUNTIME].sessions) as session:
        await audit.record(session, actor=who.login, action="attachment.download", object_type="item",
                           object_id=stored.item_id, detail={"file": stored.id, "filename": stored.filename},
                           ip=who.ip)
    return as_download(stored.data, stored.filename, stored.content_type)
