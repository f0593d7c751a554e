"""One unit's part of a task: its page (the task, what the unit reported, the evaluation, the
timeline), the unit's moves (接收, 报告已落实, 反馈 with an optional file), the office's (评价, 退回重做),
and the file download. The permission table, the scope (404) and the state are checked before
the request body is read, so a refused upload is never stored.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession

from models.accounts.names import names_for
from models.accounts.permissions import Action, PermissionDenied, can
from models.core import audit
from models.core.db import transaction
from models.core.decision import Actor, DecisionError
from models.unittasks.files import Upload
from models.unittasks.moves import (
    LIFECYCLE,
    check_move,
    evaluate,
    feed_back,
    receive,
    report_done,
    return_for_rework,
)
from models.unittasks.query import TargetView, file_content, files_of, target_in_scope, timeline
from models.unittasks.vocab import DEFAULT_POINTS, GRADES
from portal.attachments import AttachmentError, as_download, checked_upload
from portal.auth import requires
from portal.context import actor, today
from portal.flash import flash, redirect_with_message
from portal.keys import RUNTIME, SCOPE, SETTINGS
from portal.render import render
from tasks.notify.task_notices import evaluated_effect, returned_effect


async def load_target(request: web.Request) -> TargetView:
    """The unit's part of the path, or 404 when its unit lies outside the reader's scope."""
    async with request.app[RUNTIME].sessions() as session:
        target = await target_in_scope(session, scope=request[SCOPE], target_id=int(request.match_info["target_id"]))
    if target is None:
        raise web.HTTPNotFound()
    return target


def may(target: TargetView, move: str, who: Actor) -> bool:
    try:
        check_move(target, move, who)
    except (DecisionError, PermissionDenied):
        return False
    return True


@requires(Action.VIEW_DATA)
async def target_detail(request: web.Request) -> web.StreamResponse:
    target, who = await load_target(request), actor(request)
    async with request.app[RUNTIME].sessions() as session:
        events = await timeline(session, task_id=target.task_id, target_id=target.id)
        files = await files_of(session, target_id=target.id)
        logins = {target.publisher, *(e["actor"] for e in events), *(f.uploaded_by for f in files)}
        names = await names_for(session, logins={x for x in logins if x})
    moves = {move: may(target, move, who) for move in LIFECYCLE.moves}
    context = {"x": target, "events": events, "files": files, "names": names, "moves": moves, "today": today(request),
               "grades": GRADES, "points": DEFAULT_POINTS, "error": flash(request),
               "board": can(who.role, Action.PUBLISH_TASK) or not can(who.role, Action.HANDLE_TASK)}
    return render(request, "unit_tasks/target.html", context)


def version_of(form: Any) -> int | None:
    raw = str(form.get("version", ""))
    return int(raw) if raw.isdigit() and len(raw) < 9 else None


@requires(Action.HANDLE_TASK)
async def target_handle(request: web.Request) -> web.StreamResponse:
    target, move, who = await load_target(request), request.match_info["move"], actor(request)
    here = f"/tasks/targets/{target.id}"
    try:
        check_move(target, move, who)
        form = await request.post()
        async with transaction(request.app[RUNTIME].sessions) as session:
            await _handle(request, session, target, move, form)
    except (DecisionError, PermissionDenied, AttachmentError) as error:
        raise redirect_with_message(request, here, str(error)) from None
    raise redirect_with_message(request, here, HANDLED[move])


async def _handle(request: web.Request, session: AsyncSession, target: TargetView, move: str, form: Any) -> None:
    who, version = actor(request), version_of(form)
    if move == "receive":
        await receive(session, target, who, version=version)
    elif move == "done":
        await report_done(session, target, who, version=version, note=str(form.get("note", "")))
    else:
        upload = await _upload(request, session, form.get("attachment"))
        await feed_back(session, target, who, text=str(form.get("text", "")), version=version, upload=upload)


async def _upload(request: web.Request, session: AsyncSession, field: Any) -> Upload | None:
    """The feedback's file, checked like every upload (type, size, the uploader's quota)."""
    return await checked_upload(request, session, field, login=actor(request).login)


@requires(Action.PUBLISH_TASK)
async def target_judge(request: web.Request) -> web.StreamResponse:
    target, move, who = await load_target(request), request.match_info["move"], actor(request)
    here = f"/tasks/targets/{target.id}"
    try:
        check_move(target, move, who)
        form = await request.post()
        async with transaction(request.app[RUNTIME].sessions) as session:
            await _judge(request, session, target, move, form)
    except (DecisionError, PermissionDenied) as error:
        raise redirect_with_message(request, here, str(error)) from None
    raise redirect_with_message(request, here, JUDGED[move])


JUDGED = {"evaluate": "评价已保存，单位会收到通知", "return": "已退回，单位会收到通知"}
HANDLED = {"receive": "已接收任务，请按期落实并反馈", "done": "已报告落实，请提交反馈材料",
           "feedback": "反馈已提交，等待编办评价"}


async def _judge(request: web.Request, session: AsyncSession, target: TargetView, move: str, form: Any) -> None:
    who, version, settings = actor(request), version_of(form), request.app[SETTINGS]
    if move == "evaluate":
        grade, comment = str(form.get("grade", "")), str(form.get("comment", ""))
        await evaluate(session, target, who, grade=grade, points=str(form.get("points", "")), comment=comment,
                       version=version, effects=[evaluated_effect(settings, target, who, grade, comment)])
    else:
        reason = str(form.get("reason", ""))
        await return_for_rework(session, target, who, reason=reason, version=version,
                                effects=[returned_effect(settings, target, who, reason)])


@requires(Action.VIEW_DATA)
async def target_file(request: web.Request) -> web.StreamResponse:
    target, who = await load_target(request), actor(request)  # scope first: 404 unless the unit is visible
    async with transaction(request.app[RUNTIME].sessions) as session:
        found = await file_content(session, target_id=target.id, file_id=int(request.match_info["file_id"]))
        if found is None:
            raise web.HTTPNotFound()
        await audit.record(session, actor=who.login, action="attachment.download", object_type="unit_task_target",
                           object_id=target.id, detail={"file_id": int(request.match_info["file_id"]),
                                                        "filename": found[0]}, ip=who.ip)
    return as_download(found[2], found[0], found[1])
