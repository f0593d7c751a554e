"""Timeliness of items (办理时效): per department (flow role) and per officer, how many steps went
按时 / 临近 / 超期, and the median working days per item kind — the figure Guiyang cut from 15 to 2.

Everything is counted inside the reader's scope, over the last year by default.
"""

from __future__ import annotations

from datetime import timedelta

from aiohttp import web

from models.accounts.permissions import Action
from models.approvals.timeliness import department_timeliness, median_days, officer_timeliness
from portal.auth import requires
from portal.context import today
from portal.keys import RUNTIME, SCOPE
from portal.render import render

PERIODS = {"30": ("近 30 天", 30), "90": ("近 3 个月", 90), "365": ("近一年", 365)}


@requires(Action.DECIDE_ITEM)
async def item_stats(request: web.Request) -> web.StreamResponse:
    period = request.query.get("days", "365")
    period = period if period in PERIODS else "365"
    day = today(request)
    since = day - timedelta(days=PERIODS[period][1])
    async with request.app[RUNTIME].sessions() as session:
        departments = await department_timeliness(session, scope=request[SCOPE], today=day, since=since)
        officers = await officer_timeliness(session, scope=request[SCOPE], today=day, since=since)
        medians = await median_days(session, scope=request[SCOPE], since=since)
    context = {"departments": departments, "officers": officers, "medians": medians, "period": period,
               "periods": {k: v[0] for k, v in PERIODS.items()}, "since": since}
    return render(request, "items/stats.html", context)
