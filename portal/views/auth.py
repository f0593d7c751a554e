"""Login and logout."""

from __future__ import annotations

from urllib.parse import urlsplit

from aiohttp import web

from models.accounts.store import AccountError, authenticate
from models.core.db import transaction
from portal.auth import client_ip, end_session, issue_session
from portal.keys import ACCOUNT, RUNTIME, SETTINGS
from portal.render import render

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


async def login_page(request: web.Request) -> web.StreamResponse:
    if request.get(ACCOUNT):
        raise web.HTTPFound(safe_next(request.query.get("next")))
    notice = EXPIRED if request.query.get("expired") == "1" else None
    return render(request, "login.html", {"error": notice, "login": "", "next": safe_next(request.query.get("next"))})


async def login_submit(request: web.Request) -> web.StreamResponse:
    form = await request.post()
    login, password = str(form.get("login", "")).strip(), str(form.get("password", ""))
    target = safe_next(str(form.get("next", "/")))
    # The failure counter must be committed too, so the error is caught inside the transaction.
    async with transaction(request.app[RUNTIME].sessions) as session:
        try:
            account = await authenticate(session, login=login, password=password, ip=client_ip(request),
                                         max_failures=request.app[SETTINGS].login_max_failures)
        except AccountError as error:
            context = {"error": str(error), "login": login, "next": target}
            return render(request, "login.html", context, status=401)
    response = web.HTTPSeeOther(target)
    issue_session(response, request, account)
    raise response


async def logout(request: web.Request) -> web.StreamResponse:
    response = web.HTTPSeeOther("/login")
    end_session(response)
    raise response
