"""Item card buttons: ``/a/i/<token>``. 同意 (``iapprove``) shows what will be approved and approves
once on POST; 退回或不同意 (``iopen``) opens the item's decision form. GET never changes anything.

Tokens, sign-in and refusals work as for warning links (:mod:`portal.views.links`); item links are
personal, and 同意 acts only while the step it was sent for waits for the tapper.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from models.accounts.names import name_of
from models.accounts.permissions import PermissionDenied
from models.approvals.kind import ItemRefused
from models.approvals.labels import MODE_SHORT
from models.approvals.outcome import ItemError
from models.approvals.words import figure_lines
from models.core.db import transaction, utcnow
from models.links.ledger import used
from models.links.tokens import ITEM_ACTIONS, LinkClaims, LinkRefused
from portal.context import today
from portal.item_words import payload_lines
from portal.keys import RUNTIME, SETTINGS
from portal.render import render
from portal.views.links import link_view, opened_claims, refuse, signed_in_account_id, tapper, token_claims
from tasks.item_links import ItemLink, approve_from_link, resolve_item


async def _refuse(request: web.Request, refusal: LinkRefused, claims: LinkClaims | None) -> web.StreamResponse:
    """The warning links' refusal (audit row, status), worded for items: its page points to 我的事项, not 预警."""
    refused = await refuse(request, refusal, claims)
    return render(request, "items/link_result.html", {"title": "无法使用此链接", "message": refusal.message,
                                                      "item_id": None}, status=refused.status)


async def _claims(request: web.Request) -> LinkClaims | web.StreamResponse:
    try:
        token_claims(request)  # an expired or altered token is refused here, on the items' page
    except LinkRefused as refusal:
        return await _refuse(request, refusal, None)
    claims = await opened_claims(request)
    if isinstance(claims, LinkClaims) and claims.act not in ITEM_ACTIONS:
        return await _refuse(request, LinkRefused("tampered"), claims)  # a warning link on the item path
    return claims


@link_view
async def open_item_link(request: web.Request) -> web.StreamResponse:
    claims = await _claims(request)
    if isinstance(claims, web.StreamResponse):
        return claims
    try:
        async with request.app[RUNTIME].sessions() as session:
            link = await resolve_item(session, claims, tapper(request), today(request))
            use = await used(session, jti=claims.jti) if claims.once else None
            who = await name_of(session, account_id=use.account_id) if use else ""
    except LinkRefused as refusal:
        return await _refuse(request, refusal, claims)
    if claims.act == "iopen":
        raise web.HTTPFound(f"/items/{link.detail.row.id}?via=card#decide")
    if use is not None:
        mine = use.account_id == signed_in_account_id(request)
        return render(request, "items/link_result.html", {
            "title": "已完成" if mine else "已由他人处理", "who": "您" if mine else who, "at": use.used_at,
            "message": "", "item_id": link.detail.row.id})
    return _confirm(request, link)


def _confirm(request: web.Request, link: ItemLink) -> web.Response:
    detail = link.detail
    step = link.step
    context: dict[str, Any] = {
        "link": link, "d": detail, "i": detail.row, "figures": figure_lines(detail.figures),
        "payload": payload_lines(detail.row.kind, detail.payload), "step": step,
        "mode": MODE_SHORT.get(step.mode, "") if step else "",
        "last_step": detail.row.step_no >= len(detail.flow) - 1}
    return render(request, "items/link_confirm.html", context)


@link_view
async def act_on_item_link(request: web.Request) -> web.StreamResponse:
    claims = await _claims(request)
    if isinstance(claims, web.StreamResponse):
        return claims
    if not claims.once:
        raise web.HTTPSeeOther(request.path)  # a page link: the GET does the rest
    form = await request.post()
    raw = str(form.get("version", ""))
    version = int(raw) if raw.isdigit() and len(raw) < 10 else None
    doc_no = str(form.get("doc_no", "")).strip() or None
    try:
        async with transaction(request.app[RUNTIME].sessions) as session:
            link = await resolve_item(session, claims, tapper(request), today(request))
            await approve_from_link(session, request.app[SETTINGS], link, tapper(request), version=version,
                                    doc_no=doc_no, today=today(request), now=utcnow())
    except LinkRefused as refusal:
        return await _refuse(request, refusal, claims)
    except (ItemError, ItemRefused, PermissionDenied) as error:  # decided by someone else, or no longer possible
        item_id = claims.item_ref[0] if claims.item_ref else None
        return render(request, "items/link_result.html", {"title": "未能完成", "message": str(error),
                                                          "item_id": item_id}, status=409)
    raise web.HTTPSeeOther(request.path)  # the GET now says calmly what was done, on every later tap

