"""Sessions and CSRF.

The session is a signed JWT (python-jose, HS256) in an HttpOnly, SameSite=Lax cookie. It carries
the account id and a fingerprint of the password hash, so resetting a password ends old sessions;
the account row is loaded on every request, so locking takes effect at once.
CSRF uses a double-submit token: a random cookie whose value every form (``_csrf``) or HTMX
request (``X-CSRF-Token``) must repeat; pages render it, scripts on other sites cannot read it.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any
from urllib.parse import quote, urlsplit

from aiohttp import web
from jose import JWTError, jwt

from models.accounts.permissions import Action, can
from models.accounts.scope import scope_for
from models.accounts.tables import Account
from models.core.db import utcnow
from portal.keys import ACCOUNT, CSRF, RUNTIME, SCOPE, SETTINGS

SESSION_COOKIE = "bzops_session"
CSRF_COOKIE = "bzops_csrf"
UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}
EXEMPT_PREFIX = "/callbacks/"  # machine callbacks (SMS receipts) carry no cookie; each checks its own token
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def password_fingerprint(account: Account) -> str:
    return hashlib.sha256(account.password_hash.encode()).hexdigest()[:12]


def issue_session(response: web.StreamResponse, request: web.Request, account: Account) -> None:
    settings = request.app[SETTINGS]
    claims = {"sub": str(account.id), "pwf": password_fingerprint(account),
              "exp": utcnow() + timedelta(hours=settings.session_hours)}
    token = jwt.encode(claims, settings.secret_key.get_secret_value(), algorithm="HS256")
    response.set_cookie(SESSION_COOKIE, token, httponly=True, samesite="Lax",
                        secure=settings.public_url.startswith("https"), max_age=settings.session_hours * 3600)


def end_session(response: web.StreamResponse) -> None:
    response.del_cookie(SESSION_COOKIE)


async def load_account(request: web.Request) -> Account | None:
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        return None
    try:
        claims = jwt.decode(token, request.app[SETTINGS].secret_key.get_secret_value(), algorithms=["HS256"])
    except JWTError:
        return None
    async with request.app[RUNTIME].sessions() as session:
        account = await session.get(Account, int(claims["sub"]))
        if account is None or account.locked or claims.get("pwf") != password_fingerprint(account):
            return None
        request[SCOPE] = await scope_for(session, account_id=account.id or 0, role=account.role)
    return account


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
    referer = urlsplit(request.headers.get("Referer", ""))
    same_site = referer.netloc in ("", request.host)
    back = (referer.path + (f"?{referer.query}" if referer.query else "")) if same_site and referer.path else "/"
    location = login_url(back, expired=True)
    if request.headers.get("HX-Request") == "true":  # HTMX swaps responses in place; ask it to navigate
        return web.HTTPOk(headers={"HX-Redirect": location}, text="")  # nothing was done; HTMX navigates
    return web.HTTPSeeOther(location)


async def _csrf_ok(request: web.Request, cookie: str) -> bool:
    if not cookie:
        return False
    sent = request.headers.get("X-CSRF-Token")
    if sent is None and request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
        sent = str((await request.post()).get("_csrf", ""))
    return hmac.compare_digest(cookie, sent or "")


def login_required(handler: Handler) -> Handler:
    async def wrapped(request: web.Request) -> web.StreamResponse:
        if request.get(ACCOUNT) is None:
            raise web.HTTPFound(login_url(request.path_qs))
        return await handler(request)
    wrapped.__name__ = handler.__name__
    return wrapped


def requires(action: Action) -> Callable[[Handler], Handler]:
    """Login, then the permission table: 302 to the login page, or 403 for a role without ``action``."""
    def decorate(handler: Handler) -> Handler:
        async def wrapped(request: web.Request) -> web.StreamResponse:
            account = request.get(ACCOUNT)
            if account is None:
                raise web.HTTPFound(login_url(request.path_qs))
            if not can(account.role, action):
                raise web.HTTPForbidden()
            return await handler(request)
        wrapped.__name__ = handler.__name__
        wrapped.requires = action  # type: ignore[attr-defined]  # read by the route-walk test
        return wrapped
    return decorate


def client_ip(request: web.Request) -> Any:
    forwarded = request.headers.get("X-Forwarded-For", "")
    return forwarded.split(",")[0].strip() or request.remote
