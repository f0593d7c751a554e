"""Login and logout.

Every login name gets the same answer in the same time (:mod:`models.accounts.login`); when a real
account is blocked, its owner is told through their personal targets (never the requester), and
sees the blocks at the next successful login before going on.
"""

from __future__ import annotations

from datetime import datetime
from urllib.parse import urlsplit

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession

from models.accounts.login import LoginOk, LoginPolicy, LoginRefused, authenticate
from models.accounts.sessions import forget_dead, open_session, revoke
from models.accounts.store import AccountError
from models.core.db import saved_id, transaction, utcnow
from models.core.enums import Role
from models.core.settings import Settings
from models.locks.query import restriction_for
from portal.auth import SESSION_COOKIE, client_ip, end_session, issue_session, session_policy
from portal.keys import ACCOUNT, RUNTIME, SETTINGS
from portal.render import render
from tasks.notify.security import tell_owner_of_block

EXPIRED = "登录已过期或页面已失效，请重新登录后再操作。"


def safe_next(target: str | None) -> str:
    """Only same-site paths. Browsers drop tabs and newlines and read ``\\`` as ``/``, so
    ``/\t/evil.example`` or ``/\\evil.example`` would leave the site: any such character refuses."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return "/"
    if any(ch <= " " or ch in "\\\x7f" for ch in target):
        return "/"
    parts = urlsplit(target)
    return target if not parts.scheme and not parts.netloc else "/"


def login_policy(settings: Settings) -> LoginPolicy:
    return LoginPolicy(max_failures=settings.login_max_failures, ip_max_failures=settings.login_ip_max_failures)


async def login_page(request: web.Request) -> web.StreamResponse:
    if request.get(ACCOUNT):
        raise web.HTTPFound(safe_next(request.query.get("next")))
    notice = EXPIRED if request.query.get("expired") == "1" else None
    return render(request, "login.html", {"error": notice, "login": "", "next": safe_next(request.query.get("next"))})


async def login_submit(request: web.Request) -> web.StreamResponse:
    form = await request.post()
    login, password = str(form.get("login", "")).strip(), str(form.get("password", ""))
    target, ip = safe_next(str(form.get("next", "/"))), client_ip(request)
    # Failure counters and the owner's notice must commit too: errors are caught inside the transaction.
    async with transaction(request.app[RUNTIME].sessions) as session:
        try:
            ok = await authenticate(session, login=login, password=password, ip=ip,
                                    policy=login_policy(request.app[SETTINGS]))
        except AccountError as error:
            await _tell_owner(request, session, error)
            return render(request, "login.html", {"error": str(error), "login": login, "next": target}, status=401)
        token = await _open(request, session, ok, ip)
        target = await _first_page(session, ok, target)
    response = _welcome(request, ok, target)
    issue_session(response, request, token)
    if isinstance(response, web.HTTPException):
        raise response
    return response


async def _tell_owner(request: web.Request, session: AsyncSession, error: AccountError) -> None:
    if isinstance(error, LoginRefused) and error.notice is not None:
        settings = request.app[SETTINGS]
        await tell_owner_of_block(session, notice=error.notice, tz=settings.tz, link=f"{settings.public_url}/login")


async def _open(request: web.Request, session: AsyncSession, ok: LoginOk, ip: str | None) -> str:
    now, policy = utcnow(), session_policy(request.app[SETTINGS])
    await forget_dead(session, account_id=saved_id(ok.account), policy=policy, now=now)
    return await open_session(session, account_id=saved_id(ok.account), ip=ip, now=now)


async def _first_page(session: AsyncSession, ok: LoginOk, target: str) -> str:
    """A steward whose unit is locked at month end first sees why (``/locked``), whatever they asked for."""
    if ok.account.role != Role.STEWARD:
        return target
    return "/locked" if await restriction_for(session, account_id=saved_id(ok.account)) else target


def _welcome(request: web.Request, ok: LoginOk, target: str) -> web.StreamResponse:
    """Straight on to ``target``, or first a page telling the owner their account was blocked meanwhile."""
    if not ok.blocks:
        return web.HTTPSeeOther(target)
    blocks: list[datetime] = ok.blocks
    return render(request, "accounts/blocked_notice.html", {"blocks": blocks, "next": target,
                                                            "name": ok.account.display_name})


async def logout(request: web.Request) -> web.StreamResponse:
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        account = request.get(ACCOUNT)
        async with transaction(request.app[RUNTIME].sessions) as session:
            await revoke(session, token=token, now=utcnow(), actor=account.login if account else "anonymous",
                         ip=client_ip(request))
    response = web.HTTPSeeOther("/login")
    end_session(response)
    raise response
