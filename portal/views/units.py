"""Home (units in the user's scope) and the unit page (quota vs actual, posts vs approved)."""

from __future__ import annotations

from typing import Any

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession

from models.accounts.permissions import Action, can
from models.approvals.query import box_counts
from models.colours.query import unit_history
from models.core.enums import EstType, label
from models.locks.query import active_locks, unit_locks
from models.staffing.bodies import BodyView, list_bodies
from models.staffing.units import count_in_scope, posts_vs_holders, quota_vs_actual, unit_in_scope
from models.warnings.overview import units_by_attention
from models.warnings.quality import unit_quality
from models.warnings.query import WarningFilter, counts_by_severity, list_warnings
from portal.auth import requires
from portal.context import actor, page_number, today
from portal.flash import flash
from portal.keys import RUNTIME, SCOPE
from portal.render import is_htmx, render
from portal.views.home_parts import colour_dots, home_parts

PAGE_SIZE = 50
SCOPE_LABELS = {"unit": "单位领导", "internal": "内设机构领导"}
RANK_LABELS = {"chief": "正职", "deputy": "副职"}


def _bodies(bodies: list[BodyView], limit: int | None) -> dict[str, Any]:
    """The 内设机构 section: active and abolished bodies, and how far over 内设机构限额 (rule C7)."""
    active = [b for b in bodies if b.status == "active"]
    over = len(active) - limit if limit is not None and len(active) > limit else 0
    return {"active": active, "abolished": [b for b in bodies if b.status != "active"], "over_limit": over}


@requires(Action.VIEW_DATA)
async def home(request: web.Request) -> web.StreamResponse:
    query = request.query.get("q", "").strip()[:40]
    page = page_number(request)
    async with request.app[RUNTIME].sessions() as session:
        units = await units_by_attention(session, scope=request[SCOPE], today=today(request), query=query,
                                         limit=PAGE_SIZE + 1, offset=(page - 1) * PAGE_SIZE)
        total = await count_in_scope(session, scope=request[SCOPE])
        counts = await counts_by_severity(session, scope=request[SCOPE], today=today(request))
        todo = await _items_to_decide(request, session)
        parts = {} if is_htmx(request) else await home_parts(request, session)  # 首页: to-dos, locks, tips
        colour_of = await colour_dots(session, (u.id for u in units))
        lock_of = await active_locks(session, unit_ids=[u.id for u in units])  # 锁定 badges in the list
    context = {"units": units[:PAGE_SIZE], "more": len(units) > PAGE_SIZE, "page": page, "q": query,
               "total": total, "counts": counts, "items_todo": todo, **parts, "colour_of": colour_of,
               "lock_of": lock_of}
    return render(request, "home.html", context, partial="units/_rows.html")


async def _items_to_decide(request: web.Request, session: AsyncSession) -> int:
    """How many 事项 wait for the reader's signature (the first thing a signer needs to know)."""
    who = actor(request)
    if not can(who.role, Action.DECIDE_ITEM) or is_htmx(request):
        return 0
    return (await box_counts(session, login=who.login, scope=request[SCOPE])).get("todo", 0)


@requires(Action.VIEW_DATA)
async def unit_detail(request: web.Request) -> web.StreamResponse:
    unit_id = int(request.match_info["unit_id"])
    async with request.app[RUNTIME].sessions() as session:
        unit = await unit_in_scope(session, scope=request[SCOPE], unit_id=unit_id)
        if unit is None:
            raise web.HTTPNotFound()
        quotas = await quota_vs_actual(session, unit_id=unit_id)
        posts = await posts_vs_holders(session, unit_id=unit_id)
        bodies = await list_bodies(session, unit_id=unit_id)
        warnings = await list_warnings(session, scope=request[SCOPE], filters=WarningFilter(unit_id=unit_id),
                                       today=today(request), limit=20)
        quality, indicators = await unit_quality(session, unit_id=unit_id)
        children = await units_by_attention(session, scope=request[SCOPE], today=today(request), parent_id=unit_id,
                                            limit=200)
        colours = await unit_history(session, unit_id=unit_id)  # 三色: latest first
        colour_of = await colour_dots(session, (c.id for c in children))
        locks = await unit_locks(session, unit_id=unit_id)  # 锁定: the current one and the history
        lock_of = await active_locks(session, unit_ids=[c.id for c in children])
    context = {
        "warnings": warnings, "quality": quality, "indicators": indicators, "children": children,
        "unit": unit,
        "quotas": [(label(EstType, t), a, n) for t, (a, n) in quotas.items()],
        "posts": [(f"{SCOPE_LABELS[s]}{RANK_LABELS[r]}", a, n) for (s, r), (a, n) in posts.items()],
        "bodies": _bodies(bodies, unit.internal_limit),
        "colours": colours, "colour_of": colour_of,
        "locks": locks, "lock_of": lock_of, "notice": flash(request),
    }
    return render(request, "unit.html", context)
