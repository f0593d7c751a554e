"""二人复核 of a sensitive correction: the change with before and after, and the second officer's
confirm or reject (with a reason). The requester sees the page but cannot decide it; a double tap
acts once (the decision step), the second answered with a calm message.
"""

from __future__ import annotations

from aiohttp import web

from models.accounts.names import names_for
from models.accounts.permissions import Action, PermissionDenied, can
from models.core.decision import DecisionError
from models.staffing.changes import ChangeView, change_events, change_in_scope
from models.staffing.person_detail import SOURCE_LABELS
from portal.auth import requires
from portal.context import actor, today
from portal.flash import flash, redirect_with_message
from portal.keys import RUNTIME, SCOPE
from portal.render import render
from tasks.corrections.review import decide_pending


async def load_change(request: web.Request) -> ChangeView:
    """The change of the path, or 404 when it does not exist or its unit lies outside the scope."""
    async with request.app[RUNTIME].sessions() as session:
        change = await change_in_scope(session, scope=request[SCOPE], change_id=int(request.match_info["change_id"]))
    if change is None:
        raise web.HTTPNotFound()
    return change


@requires(Action.VIEW_DATA)
async def change_detail(request: web.Request) -> web.StreamResponse:
    change = await load_change(request)
    async with request.app[RUNTIME].sessions() as session:
        events = await change_events(session, change_id=change.id)
        logins = {change.requested_by, *(e["actor"] for e in events)}
        names = await names_for(session, logins=logins)
    who = actor(request)
    mine = who.login == change.requested_by
    context = {"c": change, "events": events, "names": names, "mine": mine, "error": flash(request),
               "sources": SOURCE_LABELS, "via": "card" if request.query.get("via") == "card" else "",
               "can_decide": change.status == "pending" and not mine and can(who.role, Action.CONFIRM_CHANGE)}
    return render(request, "changes/detail.html", context)


@requires(Action.CONFIRM_CHANGE)
async def change_decide(request: web.Request) -> web.StreamResponse:
    change, move = await load_change(request), request.match_info["decision"]
    form = await request.post()
    source = "bot" if form.get("via") == "card" else "portal"
    try:
        done = await decide_pending(request.app[RUNTIME], view=change, move=move, actor=actor(request),
                                    note=str(form.get("note", "")), source=source, today=today(request))
    except (DecisionError, PermissionDenied) as error:
        raise redirect_with_message(request, f"/changes/{change.id}", str(error)) from None
    raise redirect_with_message(request, f"/changes/{change.id}", done)
