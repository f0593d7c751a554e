"""Acting on a warning (acknowledge, snooze, 情况说明, accept or reject) and its attachments.

The permission table and the warning's state are checked before the request body is read, so a
role that may not act never gets a file written; uploads and downloads are audited.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession

from models.accounts.permissions import Action, PermissionDenied
from models.approvals.kinds.dispute import live_dispute_item
from models.core import audit
from models.core.db import transaction, utcnow
from models.warnings.actions import (
    WarningActionError,
    acknowledge,
    check,
    judge,
    lift_snooze,
    snooze,
)
from models.warnings.query import WarningRow
from portal.attachments import AttachmentError, download, read_upload, store
from portal.auth import requires
from portal.context import actor, today
from portal.flash import redirect_with_message
from portal.keys import RUNTIME, SCOPE, SETTINGS
from portal.views.auth import safe_next
from portal.views.warnings import load_warning
from tasks.item_disputes import explain, judge_item
from tasks.links import echo_walk
from tasks.notify.reviews import review_decided_effect

MOVES = ("acknowledge", "snooze", "unsnooze", "dispute", "accept", "reject")


@requires(Action.VIEW_DATA)
async def act(request: web.Request) -> web.StreamResponse:
    warning, move = await load_warning(request), request.match_info["action"]
    if move not in MOVES:
        raise web.HTTPNotFound()
    form: Any = {}
    try:
        check(move, actor(request).role, warning.status)
        form = await request.post()
        item_id = await _dispute_item(request, warning) if move in ("accept", "reject") else None
        async with transaction(request.app[RUNTIME].sessions) as session:
            await _perform(request, session, warning, move, form, item_id=item_id)
    except (WarningActionError, PermissionDenied, AttachmentError, ValueError) as error:
        raise redirect_with_message(request, f"/warnings/{warning.id}", str(error)) from None
    # 逐条处理 posts here and names the next item to show; only same-site paths are followed
    raise web.HTTPSeeOther(safe_next(str(form.get("next", ""))) if form.get("next") else f"/warnings/{warning.id}")


async def _dispute_item(request: web.Request, warning: WarningRow) -> int | None:
    """The warning's undecided 情况说明 item, read before the deciding transaction (the engine locks
    the item first in it)."""
    async with request.app[RUNTIME].sessions() as session:
        return await live_dispute_item(session, warning_id=warning.id)


async def _perform(request: web.Request, session: AsyncSession, warning: WarningRow, move: str, form: Any, *,
                   item_id: int | None = None) -> None:
    who = actor(request)
    if move == "acknowledge":
        await acknowledge(session, warning, who)
        if form.get("card"):  # from 逐条处理: the card's group hears of it
            await echo_walk(session, card_key=str(form["card"]), warning_id=warning.id, actor=who, now=utcnow())
    elif move == "snooze":
        until = date.fromisoformat(str(form.get("until", "")))
        await snooze(session, warning, who, until=until, reason=str(form.get("reason", "")), today=today(request),
                     max_days=request.app[SETTINGS].snooze_max_days)
    elif move == "unsnooze":
        await lift_snooze(session, warning, who, reason=str(form.get("reason", "")))
    elif move == "dispute":  # the 情况说明 is also an approval item (one inbox holds everything)
        await explain(session, request.app[SETTINGS], warning, who, text=str(form.get("text", "")),
                      attachment=await _attachment(request, session, warning, form.get("attachment")),
                      today=today(request), scope=request[SCOPE])
    elif item_id is not None:  # decided through its item, so the two can never disagree
        await judge_item(session, request.app[SETTINGS], warning, who, item_id=item_id, accept=move == "accept",
                         note=str(form.get("note", "")), today=today(request))
    else:  # disputed before 情况说明 became items
        note, accept = str(form.get("note", "")), move == "accept"
        effect = review_decided_effect(request.app[SETTINGS], warning, who, note, accepted=accept)
        await judge(session, warning, who, accept=accept, note=note, effects=[effect])


async def _attachment(request: web.Request, session: AsyncSession, warning: WarningRow,
                      field: Any) -> dict[str, Any] | None:
    who = actor(request)
    used = await audit.bytes_recorded(session, actor=who.login, action="attachment.upload")
    upload = read_upload(field, room=request.app[SETTINGS].attachment_quota_mb * 1024 * 1024 - used)
    if upload is None:
        return None
    stored = store(request, warning.id, upload, who.login)
    detail = {"name": stored.name, "filename": stored.filename, "size": stored.size}
    await audit.record(session, actor=who.login, action="attachment.upload", object_type="warning",
                       object_id=warning.id, detail=detail, ip=who.ip)
    return detail


@requires(Action.VIEW_DATA)
async def attachment(request: web.Request) -> web.StreamResponse:
    warning = await load_warning(request)  # scope check: 404 unless the warning is visible to this user
    response, stored = download(request, warning.id, request.match_info["name"])
    who = actor(request)
    async with transaction(request.app[RUNTIME].sessions) as session:
        await audit.record(session, actor=who.login, action="attachment.download", object_type="warning",
                           object_id=warning.id, detail={"name": stored.name, "filename": stored.filename},
                           ip=who.ip)
    return response
