"""Home (units in the user's scope) and the unit page (quota vs actual, posts vs approved)."""

from __future__ import annotations

from aiohttp import web

from models.enums import EstType, label
from models.unit_query import count_in_scope, posts_vs_holders, quota_vs_actual, unit_in_scope, units_in_scope
from portal.auth import login_required
from portal.keys import RUNTIME, SCOPE
from portal.render import render

PAGE_SIZE = 50
SCOPE_LABELS = {"unit": "单位领导", "internal": "内设机构领导"}
RANK_LABELS = {"chief": "正职", "deputy": "副职"}


@login_required
async def home(request: web.Request) -> web.StreamResponse:
    query = request.query.get("q", "").strip()[:40]
    page = _page(request)
    async with request.app[RUNTIME].sessions() as session:
        units = await units_in_scope(session, scope=request[SCOPE], query=query, limit=PAGE_SIZE + 1,
                                     offset=(page - 1) * PAGE_SIZE)
        total = await count_in_scope(session, scope=request[SCOPE])
    context = {"units": units[:PAGE_SIZE], "more": len(units) > PAGE_SIZE, "page": page, "q": query,
               "total": total}
    return render(request, "home.html", context, partial="units/_rows.html")


def _page(request: web.Request) -> int:
    raw = request.query.get("page", "1")
    return max(int(raw), 1) if raw.isdigit() else 1


@login_required
async def unit_detail(request: web.Request) -> web.StreamResponse:
    unit_id = int(request.match_info["unit_id"])
    async with request.app[RUNTIME].sessions() as session:
        unit = await unit_in_scope(session, scope=request[SCOPE], unit_id=unit_id)
        if unit is None:
            raise web.HTTPNotFound()
        quotas = await quota_vs_actual(session, unit_id=unit_id)
        posts = await posts_vs_holders(session, unit_id=unit_id)
    context = {
        "unit": unit,
        "quotas": [(label(EstType, t), a, n) for t, (a, n) in quotas.items()],
        "posts": [(f"{SCOPE_LABELS[s]}{RANK_LABELS[r]}", a, n) for (s, r), (a, n) in posts.items()],
    }
    return render(request, "unit.html", context)
