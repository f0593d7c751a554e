"""Tasks to units (任务流转), the office's side: the list (with completion rates), the publish form,
a task with its per-unit board, and publishing a draft or closing a task. A steward's list shows
the unit's own tasks with what to do next; a unit's page is :mod:`portal.views.unit_task_actions`.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from aiohttp import web

from models.accounts.names import names_for
from models.accounts.permissions import Action, PermissionDenied, can
from models.core.db import transaction
from models.core.decision import DecisionError
from models.unittasks.picker import PICK_LIMIT, pickable_units
from models.unittasks.publish import Audience, Draft, close_task, create_task, publish_task
from models.unittasks.query import TaskView, board, office_tasks, progress, task_in_scope, timeline, unit_targets
from models.unittasks.vocab import TARGET_STATUS
from portal.auth import requires
from portal.context import account_of, actor, page_number, today
from portal.flash import flash, redirect_with_message
from portal.keys import RUNTIME, SCOPE, SETTINGS
from portal.render import render
from tasks.notify.task_notices import published_effect

PAGE = 30


async def load_task(request: web.Request) -> TaskView:
    """The task of the path, or 404 when the reader neither published it nor sees one of its units."""
    async with request.app[RUNTIME].sessions() as session:
        task = await task_in_scope(session, scope=request[SCOPE], login=account_of(request).login,
                                   task_id=int(request.match_info["task_id"]))
    if task is None:
        raise web.HTTPNotFound()
    return task


def office_view(role: str) -> bool:
    """Who reads the office's list (tasks with completion rates) rather than a unit's to-do list."""
    return can(role, Action.PUBLISH_TASK) or not can(role, Action.HANDLE_TASK)


@requires(Action.VIEW_DATA)
async def task_list(request: web.Request) -> web.StreamResponse:
    account, page = account_of(request), page_number(request)
    office, scope, offset = office_view(account.role), request[SCOPE], (page - 1) * PAGE
    async with request.app[RUNTIME].sessions() as session:
        rows: list[Any] = await office_tasks(session, scope=scope, login=account.login, today=today(request),
                                             limit=PAGE + 1, offset=offset) if office else \
            await unit_targets(session, scope=scope, limit=PAGE + 1, offset=offset)
    context = {"office": office, "rows": rows[:PAGE], "more": len(rows) > PAGE, "page": page, "today": today(request),
               "error": flash(request), "can_publish": can(account.role, Action.PUBLISH_TASK)}
    return render(request, "unit_tasks/list.html", context)


async def form_context(request: web.Request, values: dict[str, Any], error: str | None = None) -> dict[str, Any]:
    async with request.app[RUNTIME].sessions() as session:
        units = await pickable_units(session, scope=request[SCOPE])
    return {"units": units, "v": values, "error": error, "pick_limit": PICK_LIMIT,
            "remind_days": request.app[SETTINGS].task_remind_workdays}


@requires(Action.PUBLISH_TASK)
async def task_new(request: web.Request) -> web.StreamResponse:
    values = {"title": "", "body": "", "deadline": (today(request) + timedelta(days=14)).isoformat(),
              "mode": "subtree", "root": "", "include_root": False, "unit_ids": []}
    return render(request, "unit_tasks/new.html", await form_context(request, values))


def read_form(form: Any) -> dict[str, Any]:
    return {"title": str(form.get("title", "")), "body": str(form.get("body", "")),
            "deadline": str(form.get("deadline", "")), "mode": "units" if form.get("mode") == "units" else "subtree",
            "root": str(form.get("root", "")), "include_root": bool(form.get("include_root")),
            "unit_ids": [str(v) for v in form.getall("unit_ids", [])]}


def draft_of(values: dict[str, Any]) -> Draft:
    """The typed form as a draft; a value that cannot be read is a Chinese :class:`ValueError`."""
    try:
        deadline = date.fromisoformat(values["deadline"])
    except ValueError:
        raise ValueError("请选择截止日期") from None
    if values["mode"] == "units":
        audience = Audience("units", unit_ids=tuple(int(v) for v in values["unit_ids"] if v.isdigit()))
    else:
        root = values["root"]
        audience = Audience("subtree", unit_id=int(root) if root.isdigit() else None,
                            include_root=values["include_root"])
    return Draft(values["title"], values["body"], deadline, audience)


@requires(Action.PUBLISH_TASK)
async def task_create(request: web.Request) -> web.StreamResponse:
    form = await request.post()
    values, publish = read_form(form), form.get("intent") != "draft"
    try:
        task_id, units = await _create(request, draft_of(values), publish)
    except (DecisionError, PermissionDenied, ValueError) as error:
        return render(request, "unit_tasks/new.html", await form_context(request, values, str(error)))
    done = f"任务已发布给{units}个单位" if publish else "已存为草稿，核对后点“发布”"
    raise redirect_with_message(request, f"/tasks/{task_id}", done)


async def _create(request: web.Request, draft: Draft, publish: bool) -> tuple[int, int]:
    who, scope, day = actor(request), request[SCOPE], today(request)
    async with transaction(request.app[RUNTIME].sessions) as session:
        task_id = await create_task(session, draft, who, scope=scope, today=day)
        if not publish:
            return task_id, 0
        task = await task_in_scope(session, scope=scope, login=who.login, task_id=task_id)
        assert task is not None  # just written by this publisher
        effects = [published_effect(request.app[SETTINGS], task, who)]
        return task_id, await publish_task(session, task, who, scope=scope, today=day, effects=effects)


@requires(Action.VIEW_DATA)
async def task_detail(request: web.Request) -> web.StreamResponse:
    task, scope, day = await load_task(request), request[SCOPE], today(request)
    async with request.app[RUNTIME].sessions() as session:
        rows = await board(session, scope=scope, task_id=task.id)
        counted = (await progress(session, scope=scope, task_ids=[task.id], today=day)).get(task.id)
        events = await timeline(session, task_id=task.id)
        names = await names_for(session, logins={task.publisher, *(e["actor"] for e in events)})
    who = actor(request)
    mine = can(who.role, Action.PUBLISH_TASK) and (who.login == task.publisher or who.role == "admin")
    context = {"t": task, "rows": rows, "p": counted, "events": events, "names": names, "today": day, "mine": mine,
               "statuses": TARGET_STATUS, "error": flash(request)}
    return render(request, "unit_tasks/detail.html", context)


@requires(Action.PUBLISH_TASK)
async def task_move(request: web.Request) -> web.StreamResponse:
    task, move, who = await load_task(request), request.match_info["move"], actor(request)
    form = await request.post()
    try:
        async with transaction(request.app[RUNTIME].sessions) as session:
            if move == "publish":
                effects = [published_effect(request.app[SETTINGS], task, who)]
                units = await publish_task(session, task, who, scope=request[SCOPE], today=today(request),
                                           effects=effects)
                done = f"任务已发布给{units}个单位"
            else:
                await close_task(session, task, who, note=str(form.get("note", "")))
                done = "任务已结束，单位不再收到提醒"
    except (DecisionError, PermissionDenied) as error:
        raise redirect_with_message(request, f"/tasks/{task.id}", str(error)) from None
    raise redirect_with_message(request, f"/tasks/{task.id}", done)
