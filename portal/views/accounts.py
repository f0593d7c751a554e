"""Account management for admins: every account with its lock state, unlocking, and lifting a
temporary block on a client address. Unlocks are audited by :mod:`models.accounts.store`."""

from __future__ import annotations

from aiohttp import web

from models.accounts import throttle
from models.accounts.permissions import Action, PermissionDenied
from models.accounts.platform_ids import LABELS, linked_by_account
from models.accounts.store import AccountError, account_rows, unblock_address, unlock_account
from models.core.db import transaction, utcnow
from models.locks.query import restricted_accounts
from portal.auth import client_ip, requires
from portal.flash import flash, redirect_with_message
from portal.keys import ACCOUNT, RUNTIME, SETTINGS
from portal.render import render

LIST = "/admin/accounts"


@requires(Action.MANAGE_ACCOUNTS)
async def account_list(request: web.Request) -> web.StreamResponse:
    now, settings = utcnow(), request.app[SETTINGS]
    async with request.app[RUNTIME].sessions() as session:
        rows = await account_rows(session, now=now)
        addresses = await throttle.blocked_keys(session, kind=throttle.IP, now=now)
        links = await linked_by_account(session)  # 免登: shown as "已关联钉钉", never the id itself
        restricted = await restricted_accounts(session)  # 受限: stewards of units locked at month end
    return render(request, "accounts/list.html", {
        "rows": rows, "addresses": addresses, "notice": flash(request), "links": links, "platforms": LABELS,
        "restricted": restricted, "max_failures": settings.login_max_failures,
        "ip_max_failures": settings.login_ip_max_failures})


@requires(Action.MANAGE_ACCOUNTS)
async def account_unlock(request: web.Request) -> web.StreamResponse:
    admin = request[ACCOUNT]
    assert admin is not None
    try:
        async with transaction(request.app[RUNTIME].sessions) as session:
            account = await unlock_account(session, account_id=int(request.match_info["account_id"]),
                                           actor=admin.login, role=admin.role, ip=client_ip(request))
    except PermissionDenied as error:
        raise web.HTTPForbidden(text=str(error)) from error
    except AccountError as error:
        raise web.HTTPNotFound() from error
    raise redirect_with_message(request, LIST, f"已解锁：{account.display_name}")


@requires(Action.MANAGE_ACCOUNTS)
async def address_unblock(request: web.Request) -> web.StreamResponse:
    admin = request[ACCOUNT]
    assert admin is not None
    address = str((await request.post()).get("ip", "")).strip()
    if not address:
        raise redirect_with_message(request, LIST, "未指定地址")
    try:
        async with transaction(request.app[RUNTIME].sessions) as session:
            await unblock_address(session, ip=address, actor=admin.login, role=admin.role,
                                  ip_of_actor=client_ip(request))
    except PermissionDenied as error:
        raise web.HTTPForbidden(text=str(error)) from error
    raise redirect_with_message(request, LIST, f"已解除地址 {address} 的限制")
