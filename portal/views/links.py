"""Card buttons: ``/a/<token>``. GET shows what the button will do and never changes anything (chat
apps and link scanners prefetch URLs); POST, with the CSRF token, does it once.

Logged-out visitors are sent through 免登 or the login page and come back to the same link.
Links that open a page (逐条处理, 更正, 情况说明) redirect there after the checks; links that act
(确认, 全部确认) confirm first. Every refusal gets a page in Chinese and an audit row.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

from aiohttp import web

from models.accounts.names import name_of
from models.accounts.permissions import Action
from models.core import audit
from models.core.db import saved_id, transaction, utcnow
from models.core.decision import DecisionError
from models.links.ledger import used
from models.links.tokens import ACTIONS, LinkClaims, LinkRefused, link_key, read
from portal.auth import client_ip, to_login
from portal.context import actor, today
from portal.keys import ACCOUNT, RUNTIME, SCOPE, SETTINGS
from portal.render import render
from portal.restriction import restricted_page, restriction_of
from tasks.links import LinkObject, Tapper, act, resolve

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
VIEWING = {"walk"}  # links that only show a card's items: allowed while the tapper's unit is locked
REFUSAL_STATUS = {"tampered": 400, "expired": 410, "wrong_person": 403, "not_allowed": 403, "out_of_scope": 403,
                  "gone": 404, "used": 409}


def _open_as_page(obj: LinkObject) -> str | None:
    """Where a link that opens a page goes (None: the link acts, confirm first)."""
    claims, first = obj.claims, obj.warnings[0].id if obj.warnings else 0
    return {"walk": f"/cards/{claims.obj}", "fix": f"/warnings/{first}/correct?via=card",
            "note": f"/warnings/{first}?via=card&focus=dispute#dispute"}.get(claims.act)


def link_view(handler: Handler) -> Handler:
    """Mark a link view for the route walk: it needs a signed-in person, then the link's own action
    (:data:`tasks.links.PERMISSION`), checked after the token so a bad link is refused even logged out."""
    handler.requires = Action.VIEW_DATA  # type: ignore[attr-defined]
    return handler


async def opened_claims(request: web.Request) -> LinkClaims | web.StreamResponse:
    """The link's claims once its token is genuine and someone is signed in (else the refusal page,
    or the way to sign in and back)."""
    try:
        claims = token_claims(request)
    except LinkRefused as refusal:
        return await refuse(request, refusal, None)
    if request.get(ACCOUNT) is None:
        raise to_login(request)
    if restriction_of(request) and claims.act not in VIEWING:  # a locked unit's steward may only read
        return await restricted_page(request)
    return claims


@link_view
async def open_link(request: web.Request) -> web.StreamResponse:
    claims = await opened_claims(request)
    if isinstance(claims, web.StreamResponse):
        return claims
    try:
        async with request.app[RUNTIME].sessions() as session:
            obj = await resolve(session, claims, tapper(request), today(request))
            if claims.once and (use := await used(session, jti=claims.jti)):
                return await _used_page(request, claims, use.account_id, use.used_at, use.done)
    except LinkRefused as refusal:
        return await refuse(request, refusal, claims)
    if (page := _open_as_page(obj)) is not None:
        raise web.HTTPFound(page)
    return render(request, "links/confirm.html", {"claims": claims, "obj": obj, "verb": ACTIONS[claims.act]})


@link_view
async def act_on_link(request: web.Request) -> web.StreamResponse:
    claims = await opened_claims(request)
    if isinstance(claims, web.StreamResponse):
        return claims
    if not claims.once:
        raise web.HTTPSeeOther(request.path)  # a page link: the GET does the rest
    try:
        async with transaction(request.app[RUNTIME].sessions) as session:
            obj = await resolve(session, claims, tapper(request), today(request))
            await act(session, obj, tapper(request), utcnow())
    except LinkRefused as refusal:
        return await refuse(request, refusal, claims)
    except DecisionError as error:  # someone else changed one of the warnings a moment ago
        return render(request, "links/result.html", {"title": "未能完成", "message": str(error)}, status=409)
    raise web.HTTPSeeOther(request.path)  # the GET now shows what was done, calmly, on every later tap


def token_claims(request: web.Request) -> LinkClaims:
    key = link_key(request.app[SETTINGS].secret_key.get_secret_value())
    return read(key, request.match_info["token"], now=utcnow())


def signed_in_account_id(request: web.Request) -> int:
    account = request[ACCOUNT]
    assert account is not None, "checked by the handler"
    return saved_id(account)


def tapper(request: web.Request) -> Tapper:
    return Tapper(signed_in_account_id(request), actor(request), request[SCOPE])


async def refuse(request: web.Request, refusal: LinkRefused, claims: LinkClaims | None) -> web.StreamResponse:
    account = request.get(ACCOUNT)
    detail: dict[str, Any] = {"reason": refusal.reason}
    if claims is not None:
        detail |= {"action": claims.act, "object": claims.obj, "for": claims.sub}
    async with transaction(request.app[RUNTIME].sessions) as session:
        await audit.record(session, actor=account.login if account else "anonymous", action="link.refused",
                           object_type="link", object_id=claims.jti if claims else None, detail=detail,
                           ip=client_ip(request))
    return render(request, "links/result.html", {"title": "无法使用此链接", "message": refusal.message},
                  status=REFUSAL_STATUS[refusal.reason])


async def _used_page(request: web.Request, claims: LinkClaims, account_id: int, at: datetime,
                     done: int) -> web.Response:
    async with request.app[RUNTIME].sessions() as session:
        who = await name_of(session, account_id=account_id)
    mine = account_id == signed_in_account_id(request)
    return render(request, "links/result.html", {
        "title": "已完成" if mine else "已由他人处理", "done": done, "at": at, "who": "您" if mine else who,
        "verb": ACTIONS[claims.act], "message": ""})
