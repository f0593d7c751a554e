"""The logged-in user's own notification settings: quiet hours and SMS fallback, within policy.

The policy (quiet hours within 20:00 → 09:00) and storing the settings live in
:mod:`models.notify.prefs`; this view parses the form and renders the page.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from aiohttp import web

from models.accounts.permissions import Action
from models.core.db import saved_id, transaction
from models.notify.prefs import Prefs, load_pref, policy_error, save_pref
from portal.auth import client_ip, requires
from portal.context import account_of
from portal.keys import ACCOUNT, RUNTIME
from portal.render import render

__all__ = ["notifications", "notifications_save", "policy_error"]


def _page(request: web.Request, values: dict[str, Any], *, error: str | None = None, saved: bool = False,
          status: int = 200) -> web.Response:
    return render(request, "me/notifications.html", {"v": values, "error": error, "saved": saved}, status=status)


@requires(Action.OWN_SETTINGS)
async def notifications(request: web.Request) -> web.StreamResponse:
    account_id = saved_id(account_of(request))
    async with request.app[RUNTIME].sessions() as session:
        pref = await load_pref(session, account_id=account_id)
    values = {"quiet_start": pref.quiet_start, "quiet_end": pref.quiet_end, "sms_fallback": pref.sms_fallback}
    return _page(request, values, saved=request.query.get("saved") == "1")


@requires(Action.OWN_SETTINGS)
async def notifications_save(request: web.Request) -> web.StreamResponse:
    account = request[ACCOUNT]
    assert account is not None
    form = await request.post()
    prefs = Prefs(quiet_start=str(form.get("quiet_start", "")).strip(),
                  quiet_end=str(form.get("quiet_end", "")).strip(), sms_fallback=form.get("sms_fallback") == "on")
    error = policy_error(prefs.quiet_start, prefs.quiet_end)
    if error:
        return _page(request, asdict(prefs), error=error, status=400)
    async with transaction(request.app[RUNTIME].sessions) as session:
        await save_pref(session, account_id=saved_id(account), prefs=prefs, actor=account.login, ip=client_ip(request))
    raise web.HTTPSeeOther("/me/notifications?saved=1")
