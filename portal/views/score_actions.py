"""评分 moves: a steward's 申诉 on one deduction, the officer's inbox with 接受/驳回 (a reason either
way), an admin's 发布 (refused while appeals are pending) and 重新计算草稿.

Every form carries the version its page was drawn from, so a double tap acts once: the second
tap finds the row moved on and is told so. The scope (404) is checked before anything is written.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from models.accounts.names import names_for
from models.accounts.permissions import Action, PermissionDenied
from models.core.db import transaction
from models.core.decision import DecisionError
from models.scores import query
from models.scores.appeals import NotFound, decide_appeal, file_appeal, publish_run
from models.scores.query import DeductionTarget, RunView
from portal.auth import requires
from portal.context import actor, today
from portal.flash import flash, redirect_with_message
from portal.keys import RUNTIME, SCOPE, SETTINGS
from portal.render import render
from portal.views.scores import month_label
from tasks.scoring import draft_summary, published_notices, run_draft

INBOX = "/scores/appeals"


def version_of(form: Any) -> int | None:
    raw = str(form.get("version", ""))
    return int(raw) if raw.isdigit() and len(raw) < 9 else None


def breakdown(run_id: int, unit_id: int) -> str:
    return f"/scores/runs/{run_id}/units/{unit_id}"


async def _deduction(request: web.Request) -> DeductionTarget:
    async with request.app[RUNTIME].sessions() as session:
        found = await query.deduction_in_scope(session, scope=request[SCOPE],
                                               deduction_id=int(request.match_info["deduction_id"]))
    if found is None:
        raise web.HTTPNotFound()
    return found


def _refusal(d: DeductionTarget, request: web.Request) -> str | None:
    """Why this deduction cannot be appealed now (the form is not shown), or None."""
    if d.appeal_id is not None:
        return "该扣分已经申诉过，请在下方查看处理结果"
    if d.removed:
        return "该扣分已撤销，无需申诉"
    if d.run_status == "published":
        return "榜单已发布，不能再申诉"
    if d.preview_until is not None and today(request) > d.preview_until:
        return f"申诉已于{d.preview_until:%Y年%m月%d日}截止"
    return None


def _form(request: web.Request, d: DeductionTarget, reason: str = "", error: str | None = None) -> web.Response:
    context = {"d": d, "reason": reason, "error": error or flash(request), "month_label": month_label,
               "back": breakdown(d.run_id, d.unit_id)}
    return render(request, "scores/appeal.html", context)


@requires(Action.APPEAL_SCORE)
async def appeal_form(request: web.Request) -> web.StreamResponse:
    d = await _deduction(request)
    if refusal := _refusal(d, request):
        raise redirect_with_message(request, breakdown(d.run_id, d.unit_id), refusal)
    return _form(request, d)


@requires(Action.APPEAL_SCORE)
async def appeal_submit(request: web.Request) -> web.StreamResponse:
    d, form = await _deduction(request), await request.post()
    reason, back = str(form.get("reason", "")), breakdown(d.run_id, d.unit_id)
    if refusal := _refusal(d, request):
        raise redirect_with_message(request, back, refusal)
    if version_of(form) != d.run_version:
        return _form(request, d, reason, "榜单已更新，请核对后再提交")
    try:
        async with transaction(request.app[RUNTIME].sessions) as session:
            await file_appeal(session, scope=request[SCOPE], actor=actor(request), deduction_id=d.id, reason=reason,
                              today=today(request))
    except NotFound:
        raise web.HTTPNotFound() from None
    except PermissionDenied as error:
        raise web.HTTPForbidden(text=str(error)) from error
    except DecisionError as error:  # no reason, too long, filed by a double tap, window closed
        if str(error) == "请填写理由" or str(error).startswith("理由不能超过"):
            return _form(request, d, reason, str(error))  # the typed text stays in the form
        raise redirect_with_message(request, back, str(error)) from None
    raise redirect_with_message(request, back, "申诉已提交，等待编办处理")


@requires(Action.DECIDE_APPEAL)
async def appeal_inbox(request: web.Request) -> web.StreamResponse:
    async with request.app[RUNTIME].sessions() as session:
        every = await query.appeals(session, scope=request[SCOPE], status=None, limit=200)
        names = await names_for(session, logins={a.filed_by for a in every})
    pending = [a for a in every if a.status == "pending"]
    decided = [a for a in every if a.status != "pending"][-20:][::-1]
    context = {"pending": pending, "decided": decided, "names": names, "error": flash(request),
               "month_label": month_label}
    return render(request, "scores/appeals.html", context)


@requires(Action.DECIDE_APPEAL)
async def appeal_decide(request: web.Request) -> web.StreamResponse:
    appeal_id, accept = int(request.match_info["appeal_id"]), request.match_info["decision"] == "accept"
    form = await request.post()
    version = version_of(form)
    if version is None:
        raise redirect_with_message(request, INBOX, "页面已过期，请刷新后再处理")
    try:
        async with transaction(request.app[RUNTIME].sessions) as session:
            await decide_appeal(session, scope=request[SCOPE], actor=actor(request), appeal_id=appeal_id,
                                version=version, accept=accept, note=str(form.get("note", "")))
    except NotFound:
        raise web.HTTPNotFound() from None
    except PermissionDenied as error:
        raise web.HTTPForbidden(text=str(error)) from error
    except DecisionError as error:  # no reason, decided already (double tap), published
        raise redirect_with_message(request, INBOX, str(error)) from None
    done = "已接受申诉，扣分已撤销，得分已重新计算" if accept else "已驳回申诉"
    raise redirect_with_message(request, INBOX, done)


async def _run(request: web.Request) -> tuple[RunView, int | None]:
    async with request.app[RUNTIME].sessions() as session:
        run = await query.run_by_id(session, run_id=int(request.match_info["run_id"]))
    if run is None:
        raise web.HTTPNotFound()
    return run, version_of(await request.post())


def _month_page(run: RunView) -> str:
    return f"/scores?month={run.month}#run-{run.id}"


@requires(Action.PUBLISH_SCORES)
async def publish(request: web.Request) -> web.StreamResponse:
    run, version = await _run(request)
    if version is None:
        raise redirect_with_message(request, _month_page(run), "页面已过期，请刷新后再发布")
    try:
        async with transaction(request.app[RUNTIME].sessions) as session:
            await publish_run(session, actor=actor(request), run_id=run.id, version=version,
                              effects=(published_notices(request.app[SETTINGS], run),))
    except DecisionError as error:  # appeals pending, still a draft, published already (double tap)
        raise redirect_with_message(request, _month_page(run), str(error)) from None
    raise redirect_with_message(request, _month_page(run), f"已发布{month_label(run.month)}红黑榜（{run.scope_label}）")


@requires(Action.PUBLISH_SCORES)
async def recompute(request: web.Request) -> web.StreamResponse:
    """重新计算草稿: re-draft the run's month as of today (idempotent; published runs stay as they were)."""
    run, version = await _run(request)
    if version != run.version:
        raise redirect_with_message(request, _month_page(run), "页面已过期，请刷新后再计算")
    if run.status == "published":
        raise redirect_with_message(request, _month_page(run), "榜单已发布，不能重新计算")
    try:
        drafted = await run_draft(request.app[RUNTIME], month=run.month, as_of=today(request),
                                  actor=actor(request).login)
    except ValueError as error:
        raise redirect_with_message(request, _month_page(run), str(error)) from None
    raise redirect_with_message(request, _month_page(run), "已重新计算：" + draft_summary(drafted))
