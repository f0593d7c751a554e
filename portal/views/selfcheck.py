"""自查: the steward's guided pass over the unit's data on a phone, one section per screen.

The entry lists the units in scope with this month's count; a check page shows the progress (or,
once finished, the summary); a section screen shows 查看 first — pressing it records the section as
opened and shows its rows, each linking to where it is corrected — then 确认无误 or 已更正 N 条. Every
move posts the version the page was drawn from, so a double tap acts once. A check of a unit
outside the reader's scope answers 404.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from models.accounts.names import names_for
from models.accounts.permissions import Action, PermissionDenied
from models.core.db import transaction
from models.core.decision import Conflict, DecisionError
from models.selfcheck import flow
from models.selfcheck.counting import checks_by_unit
from models.selfcheck.sections import SECTION_KEYS, SECTION_TITLES, SectionContext, read_section
from models.staffing.units import unit_in_scope, units_in_scope
from portal.auth import requires
from portal.context import actor, today
from portal.flash import flash, redirect_with_message
from portal.keys import RUNTIME, SCOPE, SETTINGS
from portal.render import render

LINKS = {"warning": "/warnings/{}", "person": "/persons/{}", "unit": "/units/{}"}
FIX_HINTS = {"warnings": "点进预警可更正记录或说明情况", "incomplete": "点进人员查看缺少的信息，按预警更正",
             "quotas": "超编请点进单位查看，需用编请走用编事项",
             "posts": "超职数请点进单位查看，需调整请走核职或任免事项",
             "changes": "请核对这些变动与实际一致", "retirement": "已到龄未退休的请尽快办理退休（出编）"}


def _month(request: web.Request) -> str:
    return today(request).strftime("%Y-%m")


@requires(Action.SELF_CHECK)
async def entry(request: web.Request) -> web.StreamResponse:
    async with request.app[RUNTIME].sessions() as session:
        units = await units_in_scope(session, scope=request[SCOPE], limit=50)
        ids = [u.id for u in units if u.id is not None]
        counts = await checks_by_unit(session, month=_month(request), unit_ids=ids)
        open_ids = {u: await flow.open_check_id(session, unit_id=u) for u in ids}
    context = {"units": units, "counts": counts, "open_ids": open_ids, "month": _month(request),
               "required": request.app[SETTINGS].selfcheck_min_per_month, "error": flash(request)}
    return render(request, "selfcheck/entry.html", context)


async def _unit(request: web.Request) -> Any:
    async with request.app[RUNTIME].sessions() as session:
        unit = await unit_in_scope(session, scope=request[SCOPE], unit_id=int(request.match_info["unit_id"]))
    if unit is None:
        raise web.HTTPNotFound()
    return unit


@requires(Action.SELF_CHECK)
async def start(request: web.Request) -> web.StreamResponse:
    unit = await _unit(request)
    try:
        async with transaction(request.app[RUNTIME].sessions) as session:
            check_id = await flow.start(session, unit_id=unit.id, actor=actor(request), scope=request[SCOPE],
                                        tz=request.app[SETTINGS].tz)
    except (DecisionError, PermissionDenied) as error:
        raise redirect_with_message(request, "/selfcheck", str(error)) from None
    raise web.HTTPSeeOther(f"/selfcheck/{check_id}/1")


@requires(Action.SELF_CHECK)
async def history(request: web.Request) -> web.StreamResponse:
    unit = await _unit(request)
    async with request.app[RUNTIME].sessions() as session:
        checks = await flow.unit_history(session, unit_id=unit.id)
        names = await names_for(session, logins={c.login for c in checks})
    return render(request, "selfcheck/history.html", {"unit": unit, "checks": checks, "names": names})


async def _check(request: web.Request) -> flow.CheckView:
    async with request.app[RUNTIME].sessions() as session:
        check = await flow.check_in_scope(session, scope=request[SCOPE], check_id=int(request.match_info["check_id"]))
    if check is None:
        raise web.HTTPNotFound()
    return check


@requires(Action.SELF_CHECK)
async def check_page(request: web.Request) -> web.StreamResponse:
    check, settings = await _check(request), request.app[SETTINGS]
    month = check.summary.month if check.summary.finished_at else _month(request)
    async with request.app[RUNTIME].sessions() as session:
        done = (await checks_by_unit(session, month=month, unit_ids=[check.summary.unit_id])).get(
            check.summary.unit_id, 0)
        names = await names_for(session, logins={check.summary.login})
    context = {"c": check, "keys": SECTION_KEYS, "titles": SECTION_TITLES, "done": done, "month": month,
               "required": settings.selfcheck_min_per_month, "names": names, "error": flash(request)}
    return render(request, "selfcheck/check.html", context)


def _position(request: web.Request) -> tuple[int, str]:
    n = int(request.match_info["n"])
    if not 1 <= n <= len(SECTION_KEYS):
        raise web.HTTPNotFound()
    return n, SECTION_KEYS[n - 1]


@requires(Action.SELF_CHECK)
async def section_page(request: web.Request) -> web.StreamResponse:
    check, (n, key) = await _check(request), _position(request)
    view = None
    if check.opened(key):
        async with request.app[RUNTIME].sessions() as session:
            since = await flow.previous_finish(session, unit_id=check.summary.unit_id, before=check.summary.started_at)
            ctx = SectionContext(check.summary.unit_id, request[SCOPE], today(request), since,
                                 request.app[SETTINGS].selfcheck_retire_months)
            view = await read_section(session, key, ctx)
    context = {"c": check, "n": n, "key": key, "total": len(SECTION_KEYS), "title": SECTION_TITLES[key],
               "view": view, "links": LINKS, "hint": FIX_HINTS[key], "record": check.sections.get(key, {}),
               "error": flash(request)}
    return render(request, "selfcheck/section.html", context)


@requires(Action.SELF_CHECK)
async def open_section(request: web.Request) -> web.StreamResponse:
    check, (n, key) = await _check(request), _position(request)
    here = f"/selfcheck/{check.id}/{n}"
    try:
        async with transaction(request.app[RUNTIME].sessions) as session:
            await flow.open_section(session, check, key, actor(request))
    except (DecisionError, PermissionDenied) as error:
        raise redirect_with_message(request, here, str(error)) from None
    raise web.HTTPSeeOther(here)


def _version(form: Any) -> int:
    raw = str(form.get("version", ""))
    if not raw.isdigit() or len(raw) > 8:
        raise DecisionError("页面已过期，请刷新后再提交")
    return int(raw)


@requires(Action.SELF_CHECK)
async def confirm_section(request: web.Request) -> web.StreamResponse:
    check, (n, key) = await _check(request), _position(request)
    here, form = f"/selfcheck/{check.id}/{n}", await request.post()
    try:
        fixed = flow.parse_fixed(str(form.get("fixed", ""))) if form.get("outcome") == "fixed" else 0
        if form.get("outcome") == "fixed" and fixed == 0:
            raise DecisionError("请填写已更正的条数")
        async with transaction(request.app[RUNTIME].sessions) as session:
            await flow.confirm_section(session, check, key, actor(request), version=_version(form), fixed=fixed,
                                       note=str(form.get("note", "")))
    except Conflict:
        raise redirect_with_message(request, here, "本项已提交过，以下为已保存的结果") from None
    except (DecisionError, PermissionDenied) as error:
        raise redirect_with_message(request, here, str(error)) from None
    nxt = f"/selfcheck/{check.id}/{n + 1}" if n < len(SECTION_KEYS) else f"/selfcheck/{check.id}"
    raise web.HTTPSeeOther(nxt)


@requires(Action.SELF_CHECK)
async def finish(request: web.Request) -> web.StreamResponse:
    check, settings = await _check(request), request.app[SETTINGS]
    here, form = f"/selfcheck/{check.id}", await request.post()
    try:
        async with transaction(request.app[RUNTIME].sessions) as session:
            await flow.finish(session, check, actor(request), version=_version(form), tz=settings.tz,
                              min_days_apart=settings.selfcheck_min_days_apart)
    except (DecisionError, PermissionDenied) as error:
        raise redirect_with_message(request, here, str(error)) from None
    raise web.HTTPSeeOther(here)


@requires(Action.SELF_CHECK)
async def abandon(request: web.Request) -> web.StreamResponse:
    check = await _check(request)
    form = await request.post()
    try:
        async with transaction(request.app[RUNTIME].sessions) as session:
            await flow.abandon(session, check, actor(request), version=_version(form))
    except (DecisionError, PermissionDenied) as error:
        raise redirect_with_message(request, f"/selfcheck/{check.id}", str(error)) from None
    raise redirect_with_message(request, "/selfcheck", "已放弃本次自查，可重新开始")

