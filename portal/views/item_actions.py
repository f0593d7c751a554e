"""Moves on an item from its page: 同意 / 退回 / 不同意 / 转交 / 加签 / 评论 (with an attachment), 撤回,
重新提交 and 解除暂缓. Every form carries the item's version: a stale form or a double tap is
refused by the engine with who decided first, and acts once.

The move, its attachment and its notices (outbox rows) commit in one transaction.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from models.accounts.permissions import Action, PermissionDenied
from models.approvals.engine import decide
from models.approvals.files import add_attachment
from models.approvals.kind import ItemRefused
from models.approvals.outcome import ItemError, Outcome
from models.approvals.query import ItemDetail
from models.core.db import transaction, utcnow
from portal.attachments import AttachmentError, checked_upload
from portal.auth import requires
from portal.context import actor, today
from portal.flash import redirect_with_message
from portal.item_forms_data import quota_title
from portal.keys import RUNTIME, SETTINGS
from portal.views.items import load_item
from tasks.notify.item_notices import write_item_notices
from tasks.notify.item_remind import applicant_reminder

POSTED = ("approve", "reject", "return", "transfer", "add_signer", "comment", "withdraw", "resubmit", "lift")
Refusal = (ItemError, ItemRefused, PermissionDenied, AttachmentError)
EDITABLE = ("count", "reason", "text")  # what an applicant may change when resubmitting after 退回


def _number(form: Any, name: str) -> int | None:
    raw = str(form.get(name, "")).strip()
    return int(raw) if raw.isdigit() and len(raw) < 10 else None


def _text(form: Any, name: str) -> str | None:
    return str(form.get(name, "")).strip() or None


@requires(Action.VIEW_DATA)
async def item_act(request: web.Request) -> web.StreamResponse:
    move = request.match_info["move"]
    if move not in (*POSTED, "remind"):
        raise web.HTTPNotFound()
    async with request.app[RUNTIME].sessions() as session:
        detail = await load_item(request, session)  # 404 outside the reader's scope
    item_id = detail.row.id
    here = f"/items/{item_id}"
    if move == "remind":
        raise redirect_with_message(request, here, await _remind(request, detail))
    try:
        form = await request.post()
        outcome = await _move(request, detail, move, form)
    except Refusal as error:
        raise redirect_with_message(request, here, str(error)) from None
    raise redirect_with_message(request, here, outcome.message)


def edited_payload(detail: ItemDetail, form: Any) -> dict[str, Any] | None:
    """重新提交: the item's fields with what the applicant changed (人数, 理由, 说明), or None."""
    changed = {k: str(form[k]).strip() for k in EDITABLE if k in form and k in detail.payload}
    return {**detail.payload, **changed} if changed else None


async def _move(request: web.Request, detail: ItemDetail, move: str, form: Any) -> Outcome:
    who, day, note, item_id = actor(request), today(request), _text(form, "note"), detail.row.id
    to_step = _number(form, "back")  # 退回至: an earlier step's number, or "applicant"
    upload = form.get("attachment")  # the form offers one with 评论 and the decisions
    payload = edited_payload(detail, form) if move == "resubmit" else None
    title = quota_title(payload) if payload and detail.row.kind == "use_quota" else None
    async with transaction(request.app[RUNTIME].sessions) as session:
        outcome = await decide(session, item_id, who, move, today=day, note=note, version=_number(form, "version"),
                               to_login=_text(form, "to_login"), to_step=to_step, doc_no=_text(form, "doc_no"),
                               payload=payload, title=title)
        if (checked := await checked_upload(request, session, upload, login=who.login)) is not None:
            await add_attachment(session, item_id=item_id, upload=checked, actor=who)
        await write_item_notices(session, request.app[SETTINGS], outcome, who, today=day, note=note or "")
    return outcome


async def _remind(request: web.Request, detail: ItemDetail) -> str:
    """催办 by the applicant: the waiting signers hear it, at most once a day."""
    who = actor(request)
    if who.login != detail.row.applicant or detail.row.status != "pending":
        return "只有申请人可以催办审批中的事项"
    async with transaction(request.app[RUNTIME].sessions) as session:
        added = await applicant_reminder(session, request.app[SETTINGS], detail, by=who.name or "申请人",
                                         today=today(request), now=utcnow())
    return "已催办，审批人会收到提醒" if added else "今天已催办过（或审批人未开通个人通知），请明天再试"
