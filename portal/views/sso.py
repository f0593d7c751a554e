"""免登: logging in from inside DingTalk / 浙政钉 without a password.

``GET /auth/<platform>?next=…`` is a small page whose script (static/sso.js, under the CSP) asks
the app's JSAPI for a one-time auth code and posts it with the CSRF header to ``POST
/auth/<platform>``. The server trades the code for the platform's user id (bot/identity.py),
finds the account linked to it and opens a session exactly as the password login does; the
answer is the same-site ``next`` the script goes to. An unlinked id leads to a page that says
so and offers the password login; outside the app (no JSAPI) the script goes to the password
login at once, keeping ``next`` either way.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import cast
from urllib.parse import quote

from aiohttp import web

from bot.identity import IdentityError, exchange, platform_ready
from models.accounts.login import LoginOk
from models.accounts.platform_ids import LABELS, Platform, Unlinked, platform_login
from models.accounts.sessions import forget_dead, open_session
from models.accounts.store import AccountError
from models.core.db import saved_id, transaction, utcnow
from portal.auth import client_ip, issue_session, login_url, session_policy
from portal.keys import ACCOUNT, HTTP, RUNTIME, SETTINGS
from portal.render import render, time_format
from portal.views.auth import safe_next

VENDOR = Path(__file__).resolve().parent.parent / "static" / "vendor"
# The 专有钉钉 JSAPI (gdt-jsapi) carries no licence, so it is not shipped; a deployment that has
# the right to use it may place a browser build exposing ``dd.getAuthCode`` here.
JSAPI = {"dingtalk": "dingtalk-jsapi.min.js", "zzd": "gdt-jsapi.js"}
STATUS = {"code": 400, "config": 503, "credentials": 503, "unavailable": 503, "reply": 502}


def _platform(request: web.Request) -> Platform:
    return cast(Platform, request.match_info["platform"])  # the route admits only the two names


async def sso_page(request: web.Request) -> web.StreamResponse:
    platform, target = _platform(request), safe_next(request.query.get("next"))
    settings = request.app[SETTINGS]
    if request.get(ACCOUNT) is not None:
        raise web.HTTPFound(target)  # already logged in (a second tab, or back after the login)
    if not platform_ready(settings, platform):
        raise web.HTTPFound(login_url(target))
    jsapi = JSAPI[platform] if (VENDOR / JSAPI[platform]).is_file() else None
    corp_id = settings.dingtalk_corp_id if platform == "dingtalk" else ""
    return render(request, "sso/page.html", {"platform": platform, "label": LABELS[platform], "next": target,
                                             "login": login_url(target), "jsapi": jsapi, "corp_id": corp_id})


async def sso_submit(request: web.Request) -> web.StreamResponse:
    platform, given = _platform(request), await _read(request)
    if given is None:
        return _refusal("请求格式错误，请重新打开页面", 400)
    code, target = given
    try:
        user_id = await exchange(request.app[HTTP], request.app[SETTINGS], platform, code)
    except IdentityError as error:
        return _refusal(error.message, STATUS[error.reason])
    return await _log_in(request, platform, user_id, target)


async def unlinked(request: web.Request) -> web.StreamResponse:
    platform, target = _platform(request), safe_next(request.query.get("next"))
    return render(request, "sso/unlinked.html", {"label": LABELS[platform], "login": login_url(target)})


async def _read(request: web.Request) -> tuple[str, str] | None:
    """The code and the page to go on to, from the script's JSON body."""
    try:
        body = await request.json()
    except ValueError:
        return None
    if not isinstance(body, dict) or not isinstance(body.get("code"), str):
        return None
    given_next = body.get("next")
    return body["code"], safe_next(given_next if isinstance(given_next, str) else None)


async def _log_in(request: web.Request, platform: Platform, user_id: str, target: str) -> web.StreamResponse:
    """Open a session for the linked account; the audit rows of a refusal commit as well."""
    ip, now = client_ip(request), utcnow()
    async with transaction(request.app[RUNTIME].sessions) as session:
        try:
            ok = await platform_login(session, platform=platform, user_id=user_id, ip=ip, now=now)
        except Unlinked:
            return web.json_response({"next": f"/auth/{platform}/unlinked?next={quote(target, safe='')}"})
        except AccountError as error:
            return _refusal(str(error), 403)
        await forget_dead(session, account_id=saved_id(ok.account), policy=session_policy(request.app[SETTINGS]),
                          now=now)
        token = await open_session(session, account_id=saved_id(ok.account), ip=ip, now=now)
    response = web.json_response({"next": target, "notice": _block_notices(request, ok)})
    issue_session(response, request, token)
    return response


def _block_notices(request: web.Request, ok: LoginOk) -> list[str]:
    """What the password login's notice page says about blocks since the previous login."""
    fmt = time_format(request.app[SETTINGS].tz)
    blocks: list[datetime] = ok.blocks
    return [f"您的账号于{fmt(at)}因多次密码错误被暂时锁定" for at in blocks]


def _refusal(message: str, status: int) -> web.Response:
    """A JSON answer whose ``error`` the script shows as is."""
    return web.json_response({"error": message}, status=status)
