"""评分 pages for reading: a month's red/black lists per ranking scope, and one unit's breakdown.

Everyone with ``VIEW_DATA`` reads published lists; the 编办 (those who decide appeals or publish)
also reads drafts and previews, since they work on them before the list goes out. A steward sees
its own units' scores, drafts included, so it can appeal a deduction while appeals are open. A
unit's breakdown answers only inside the reader's scope (404 otherwise).
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from aiohttp import web

from models.accounts.names import names_for
from models.accounts.permissions import Action, can
from models.scores import query
from models.scores.appeals import pending_appeals
from models.scores.query import RunView
from models.staffing.scope import Scope
from portal.auth import requires
from portal.context import account_of, page_number, today
from portal.flash import flash
from portal.keys import RUNTIME, SCOPE
from portal.render import render

MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
RUNS_PER_PAGE = 20
APART_SHOWN = 50


def is_office(role: str) -> bool:
    """The 编办's side: reads unpublished runs (it drafts, reviews appeals and publishes them)."""
    return can(role, Action.DECIDE_APPEAL) or can(role, Action.PUBLISH_SCORES)


def appeals_open(run: RunView, day: date) -> bool:
    return run.status != "published" and (run.preview_until is None or day <= run.preview_until)


def month_label(month: str) -> str:
    year, number = month.split("-")
    return f"{year}年{int(number)}月"


@requires(Action.VIEW_DATA)
async def scores_page(request: web.Request) -> web.StreamResponse:
    role, scope, page = account_of(request).role, request[SCOPE], page_number(request)
    async with request.app[RUNTIME].sessions() as session:
        months = await query.months(session)
        month = _chosen_month(request, months)
        runs = await query.runs_of(session, month=month) if month else []
        visible = [r for r in runs if is_office(role) or r.status == "published"]
        shown = visible[(page - 1) * RUNS_PER_PAGE:page * RUNS_PER_PAGE]
        boards = [await _board(session, run, scope) for run in shown]
        mine = await query.unit_lines(session, scope=scope) if _steward(role) else []
        pending = len(await query.appeals(session, scope=scope)) if can(role, Action.DECIDE_APPEAL) else 0
        names = await names_for(session, logins={r.published_by for r in shown if r.published_by})
    context = {"months": months, "month": month, "month_label": month_label, "boards": boards, "mine": mine,
               "pending": pending, "names": names, "page": page, "more": len(visible) > page * RUNS_PER_PAGE,
               "hidden": len(runs) - len(visible), "error": flash(request), "today": today(request),
               "appeals_open": appeals_open}
    return render(request, "scores/list.html", context)


def _steward(role: str) -> bool:
    return can(role, Action.APPEAL_SCORE) and not is_office(role)


def _chosen_month(request: web.Request, months: list[str]) -> str | None:
    asked = request.query.get("month", "")
    if MONTH.match(asked):
        return asked
    return months[0] if months else None


async def _board(session: Any, run: RunView, scope: Scope) -> dict[str, Any]:
    lists = {kind: await query.listed(session, run_id=run.id, kind=kind, limit=limit)
             for kind, limit in (("red", 200), ("black", 200), ("apart", APART_SHOWN))}
    ids = [line.unit_id for lines in lists.values() for line in lines]
    return {"run": run, **lists, "links": await query.readable(session, scope=scope, unit_ids=ids),
            "pending": await pending_appeals(session, run_id=run.id) if run.status != "published" else 0}


@requires(Action.VIEW_DATA)
async def unit_page(request: web.Request) -> web.StreamResponse:
    run_id, unit_id = int(request.match_info["run_id"]), int(request.match_info["unit_id"])
    role = account_of(request).role
    async with request.app[RUNTIME].sessions() as session:
        run = await query.run_by_id(session, run_id=run_id)
        line = await query.line_of(session, scope=request[SCOPE], run_id=run_id, unit_id=unit_id)
        if run is None or line is None:
            raise web.HTTPNotFound()
        deductions = await query.deductions_of(session, run_id=run_id, unit_id=unit_id)
    context = {"run": run, "line": line, "deductions": deductions, "error": flash(request),
               "month_label": month_label, "office": is_office(role),
               "may_appeal": can(role, Action.APPEAL_SCORE) and appeals_open(run, today(request))}
    return render(request, "scores/unit.html", context)
