"""Locks in the portal: the page a restricted steward sees at login (why, which month, whom to ask,
and the way to a 解锁申请), and lifting a unit's lock directly (officer, admin), with a reason."""

from __future__ import annotations

from aiohttp import web

from models.accounts.permissions import Action, PermissionDenied
from models.core.db import transaction
from models.locks.lift import lift_locks
from models.locks.words import month_label
from models.staffing.units import unit_in_scope
from portal.auth import requires
from portal.context import actor
from portal.flash import redirect_with_message
from portal.keys import RUNTIME, SCOPE
from portal.restriction import restricted_page


@requires(Action.VIEW_DATA)
async def restricted(request: web.Request) -> web.StreamResponse:
    """Why the account is restricted (or that it is not)."""
    return await restricted_page(request, status=200)


@requires(Action.LIFT_LOCK)
async def lift(request: web.Request) -> web.StreamResponse:
    unit_id, reason = int(request.match_info["unit_id"]), str((await request.post()).get("reason", ""))
    page = f"/units/{unit_id}"
    async with request.app[RUNTIME].sessions() as session:
        if await unit_in_scope(session, scope=request[SCOPE], unit_id=unit_id) is None:
            raise web.HTTPNotFound()
    try:
        async with transaction(request.app[RUNTIME].sessions) as session:
            months = await lift_locks(session, unit_id=unit_id, actor=actor(request), reason=reason)
    except PermissionDenied as error:
        raise web.HTTPForbidden(text=str(error)) from error
    except ValueError as error:  # no reason, too long, or not locked (any more)
        raise redirect_with_message(request, page, str(error)) from error
    raise redirect_with_message(request, page, f"已解除锁定：{'、'.join(map(month_label, months))}")
