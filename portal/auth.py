"""Sessions and CSRF.

The session cookie (HttpOnly, SameSite=Lax) carries a random token; the server keeps its SHA-256
in ``web_session`` (:mod:`models.accounts.sessions`) and checks it on every request: logging out
revokes it, it ends after ``session_idle_minutes`` unused and ``session_hours`` after login, and a
password reset or an admin lock ends all of the account's sessions. The account row is loaded on
every request, so locking takes effect at once. A request whose session ended is sent to log in
and back to the same page.
CSRF uses a double-submit token: a random cookie whose value every form (``_csrf``) or HTMX
request (``X-CSRF-Token``) must repeat; pages render it, scripts on other sites cannot read it.
"""

from __future__ import annotations

import hmac
import logging
import secrets
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import quote, urlsplit

from aiohttp import web

from models.accounts.permissions import Action, can
from models.accounts.scope import scope_for
from models.accounts.sessions import SessionPolicy, live_session, touch
from models.accounts.tables import Account
from models.core.db import database_busy, saved_id, transaction, utcnow
from models.core.enums import Role
from models.core.runtime import Runtime
from models.core.settings import Settings
from models.locks.query import restriction_for
from portal.keys import ACCOUNT, CSRF, RESTRICTION, RUNTIME, SCOPE, SETTINGS
from portal.restriction import may_while_restricted, restricted_page, restriction_of
from portal.sso import sso_entry

logger = logging.getLogger(__name__)
SESSION_COOKIE = "bzops_session"
CSRF_COOKIE = "bzops_csrf"
UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}
EXEMPT_PREFIX = "/callbacks/"  # machine callbacks (SMS receipts) carry no cookie; each checks its own token
SESSION_ENDED = web.RequestKey("session_ended", bool)  # a session cookie came, but its session is over
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def session_policy(settings: Settings) -> SessionPolicy:
    return SessionPolicy(idle=timedelta(minutes=settings.session_idle_minutes),
                         lifetime=timedelta(hours=settings.session_hours))


def issue_session(response: web.StreamResponse, request: web.Request, token: str) -> None:
    """Give the browser the token of a session opened with :func:`models.accounts.sessions.open_session`."""
    settings = request.app[SETTINGS]
    response.set_cookie(SESSION_COOKIE, token, httponly=True, samesite="Lax",
                        secure=settings.public_url.startswith("https"), max_age=settings.session_hours * 3600)


def end_session(response: web.StreamResponse) -> None:
    response.del_cookie(SESSION_COOKIE)


async def load_account(request: web.Request) -> Account | None:
    """The account of the request's live session, or ``None`` (marking :data:`SESSION_ENDED` if it had one)."""
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        return None
    rt, now = request.app[RUNTIME], utcnow()
    async with rt.sessions() as session:
        live = await live_session(session, token=token, policy=session_policy(request.app[SETTINGS]), now=now)
        account = await session.get(Account, live.account_id) if live else None
        if live is None or account is None or account.locked:
            request[SESSION_ENDED] = True
            return None
        request[SCOPE] = await scope_for(session, account_id=saved_id(account), role=account.role)
        if account.role == Role.STEWARD:  # a steward of a unit locked at month end is restricted
            request[RESTRICTION] = await restriction_for(session, account_id=saved_id(account))
    if live.needs_touch:
        await _touch(rt, live.id, now)
    return account


async def _touch(rt: Runtime, session_id: str, now: datetime) -> None:
    """Note the session was used; skipped while an import holds SQLite's write lock (reading still works)."""
    try:
        async with transaction(rt.sessions) as session:
            await touch(session, session_id=session_id, now=now)
    except Exception as error:
        if not database_busy(error):
            raise
        logger.info("session use not recorded: the database is busy")


@web.middleware
async def session_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    request[ACCOUNT] = await load_account(request)
    return await handler(request)


@web.middleware
async def csrf_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    token = request.cookies.get(CSRF_COOKIE) or ""
    fresh = not token
    request[CSRF] = token or secrets.token_urlsafe(24)
    exempt = request.path.startswith(EXEMPT_PREFIX)
    if request.method in UNSAFE and not exempt and not await _csrf_ok(request, token):
        raise _start_again(request)
    response = await handler(request)
    if fresh:
        response.set_cookie(CSRF_COOKIE, request[CSRF], httponly=True, samesite="Lax")
    return response


def login_url(back_to: str, *, expired: bool = False) -> str:
    """The login page, coming back to ``back_to`` (path and whole query) afterwards."""
    return f"/login?next={quote(back_to, safe='')}" + ("&expired=1" if expired else "")


def _start_again(request: web.Request) -> web.HTTPException:
    """A form whose token expired (usually with the session): refuse the action, and send the person
    to log in and back to the page they acted from, instead of a dead-end 403."""
    location = login_url(_page_acted_from(request), expired=True)
    if request.headers.get("HX-Request") == "true":  # HTMX swaps responses in place; ask it to navigate
        return web.HTTPOk(headers={"HX-Redirect": location}, text="")  # nothing was done; HTMX navigates
    return web.HTTPSeeOther(location)


def _page_acted_from(request: web.Request) -> str:
    """The same-site page (path and query) a form or HTMX request came from, else the home page."""
    referer = urlsplit(request.headers.get("Referer", ""))
    same_site = referer.netloc in ("", request.host)
    return (referer.path + (f"?{referer.query}" if referer.query else "")) if same_site and referer.path else "/"


async def _csrf_ok(request: web.Request, cookie: str) -> bool:
    if not cookie:
        return False
    sent = request.headers.get("X-CSRF-Token")
    if sent is None and request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
        sent = str((await request.post()).get("_csrf", ""))
    return hmac.compare_digest(cookie, sent or "")


def to_login(request: web.Request) -> web.HTTPException:
    """Send a request without a live session to log in and back to its page (``expired`` if its
    session ended): the URL of a page, the page a form or HTMX request came from otherwise."""
    page = request.method == "GET" and request.headers.get("HX-Request") != "true"
    back_to = request.path_qs if page else _page_acted_from(request)
    # Inside DingTalk / 浙政钉 the app proves who taps (免登) before any password is asked for.
    location = sso_entry(request, back_to) or login_url(back_to, expired=request.get(SESSION_ENDED, False))
    if not page and request.headers.get("HX-Request") == "true":  # a swapped-in login page is a dead end
        return web.HTTPOk(headers={"HX-Redirect": location}, text="")
    return web.HTTPFound(location) if page else web.HTTPSeeOther(location)


def requires(action: Action) -> Callable[[Handler], Handler]:
    """Login, then the permission table: 302 to the login page, or 403 for a role without ``action``;
    a restricted steward (unit locked) gets the page saying why for anything but reading and 解锁申请."""
    def decorate(handler: Handler) -> Handler:
        async def wrapped(request: web.Request) -> web.StreamResponse:
            account = request.get(ACCOUNT)
            if account is None:
                raise to_login(request)
            if not can(account.role, action):
                raise web.HTTPForbidden()
            if restriction_of(request) and not may_while_restricted(request, action):
                return await restricted_page(request)
            return await handler(request)
        wrapped.__name__ = handler.__name__
        wrapped.requires = action  # type: ignore[attr-defined]  # read by the route-walk test
        return wrapped
    return decorate


def client_ip(request: web.Request) -> Any:
    forwarded = request.headers.get("X-Forwarded-For", "")
    return forwarded.split(",")[0].strip() or request.remote
