"""Home (units in the user's scope) and the unit page (quota vs actual, posts vs approved)."""

from __future__ import annotations

from aiohttp import web

from models.accounts.permissions import Action
from models.core.enums import EstType, label
from models.staffing.units import count_in_scope, posts_vs_holders, quota_vs_actual, unit_in_scope
from models.warnings.overview import units_by_attention
from models.warnings.quality import unit_quality
from models.warnings.query import WarningFilter, counts_by_severity, list_warnings
from portal.auth import requires
from portal.context import page_number, today
from portal.keys import RUNTIME, SCOPE
from portal.render import render

PAGE_SIZE = 50
SCOPE_LABELS = {"unit": "单位领导", "internal": "内设机构领导"}
RANK_LABELS = {"chief": "正职", "deputy": "副职"}


@requires(Action.VIEW_DATA)
async def home(request: web.Request) -> web.StreamResponse:
    query = request.query.get("q", "").strip()[:40]
    page = page_number(request)
    async with request.app[RUNTIME].sessions() as session:
        units = await units_by_attention(session, scope=request[SCOPE], today=today(request), query=query,
                                         limit=PAGE_SIZE + 1, offset=(page - 1) * PAGE_SIZE)
        total = await count_in_scope(session, scope=request[SCOPE])
        counts = await counts_by_severity(session, scope=request[SCOPE], today=today(request))
    context = {"units": units[:PAGE_SIZE], "more": len(units) > PAGE_SIZE, "page": page, "q": query,
               "total": total, "counts": counts}
    return render(request, "home.html", context, partial="units/_rows.html")


@requires(Action.VIEW_DATA)
async def unit_detail(request: web.Request) -> web.StreamResponse:
    unit_id = int(request.match_info["unit_id"])
    async with request.app[RUNTIME].sessions() as session:
        unit = await unit_in_scope(session, scope=request[SCOPE], unit_id=unit_id)
        if unit is None:
            raise web.HTTPNotFound()
        quotas = await quota_vs_actual(session, unit_id=unit_id)
        posts = await posts_vs_holders(session, unit_id=unit_id)
        warnings = await list_warnings(session, scope=request[SCOPE], filters=WarningFilter(unit_id=unit_id),
                                       today=today(request), limit=20)
        quality, indicators = await unit_quality(session, unit_id=unit_id)
        children = await units_by_attention(session, scope=request[SCOPE], today=today(request), parent_id=unit_id,
                                            limit=200)
    context = {
        "warnings": warnings, "quality": quality, "indicators": indicators, "children": children,
        "unit": unit,
        "quotas": [(label(EstType, t), a, n) for t, (a, n) in quotas.items()],
        "posts": [(f"{SCOPE_LABELS[s]}{RANK_LABELS[r]}", a, n) for (s, r), (a, n) in posts.items()],
    }
    return render(request, "unit.html", context)
