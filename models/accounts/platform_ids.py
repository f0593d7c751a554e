"""Chat-platform identities of accounts: the DingTalk userid and the 浙政钉 accountId, and logging
in with them (免登).

An id belongs to at most one account per platform (checked here when an administrator links
it, since the columns predate the rule and carry no unique index). A 免登 login proves the person
through the platform, not through the password, so it neither clears nor counts wrong-password
failures; like a password login it refuses an admin-locked account, records ``login.ok`` with
its method and reports the temporary blocks since the previous login, so the owner still
hears of them.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models.accounts.login import LoginOk, blocks_since
from models.accounts.store import AccountError, get_account
from models.accounts.tables import ACCOUNT as A
from models.accounts.tables import Account
from models.core import audit
from models.core.db import saved_id, utcnow

Platform = Literal["dingtalk", "zzd"]
COLUMNS = {"dingtalk": A.c.dingtalk_userid, "zzd": A.c.zzd_userid}
LABELS: dict[Platform, str] = {"dingtalk": "钉钉", "zzd": "浙政钉"}
MAX_ID = 80  # the columns' width


class Unlinked(AccountError):
    """No account carries this platform id: an administrator has to link it first."""


async def account_for(session: AsyncSession, *, platform: Platform, user_id: str) -> Account | None:
    """The account linked to ``user_id`` on ``platform``, if any."""
    query = select(Account).where(COLUMNS[platform] == user_id).order_by(A.c.id).limit(1)
    return (await session.scalars(query)).first()


async def link(session: AsyncSession, *, login: str, platform: Platform, user_id: str | None,
               actor: str) -> Account:
    """Set (or with ``None``/empty, clear) the account's id on ``platform``; an id already linked
    to another account is refused. Audited with the id, so an administrator can trace a login."""
    account = await get_account(session, login=login)
    if account is None:
        raise AccountError(f"登录名 {login} 不存在")
    value = (user_id or "").strip() or None
    await _check_free(session, platform=platform, user_id=value, account=account)
    _set(account, platform, value)
    account.updated_at = utcnow()
    await audit.record(session, actor=actor, action="account.link" if value else "account.unlink",
                       object_type="account", object_id=account.id, detail={"platform": platform, "user_id": value})
    return account


async def _check_free(session: AsyncSession, *, platform: Platform, user_id: str | None, account: Account) -> None:
    if user_id is None:
        return
    if len(user_id) > MAX_ID:
        raise AccountError(f"{LABELS[platform]}用户 ID 过长（最多 {MAX_ID} 个字符）")
    owner = await account_for(session, platform=platform, user_id=user_id)
    if owner is not None and owner.id != account.id:
        raise AccountError(f"该{LABELS[platform]}用户 ID 已关联账号 {owner.login}，一个 ID 只能关联一个账号")


def _set(account: Account, platform: Platform, value: str | None) -> None:
    if platform == "dingtalk":
        account.dingtalk_userid = value
    else:
        account.zzd_userid = value


async def linked_by_account(session: AsyncSession) -> dict[int, list[Platform]]:
    """Account id → the platforms it is linked to, for accounts linked to any (lists say "已关联钉钉")."""
    rows = await session.execute(select(A.c.id, A.c.dingtalk_userid, A.c.zzd_userid).where(
        (A.c.dingtalk_userid.is_not(None)) | (A.c.zzd_userid.is_not(None))))
    found: dict[int, list[Platform]] = {}
    for row in rows:
        ids: dict[Platform, str | None] = {"dingtalk": row.dingtalk_userid, "zzd": row.zzd_userid}
        found[int(row.id)] = [platform for platform, value in ids.items() if value]
    return {account_id: platforms for account_id, platforms in found.items() if platforms}


async def platform_login(session: AsyncSession, *, platform: Platform, user_id: str, ip: str | None,
                         now: datetime | None = None) -> LoginOk:
    """The account linked to ``user_id``, logged in (audited ``login.ok`` with the method);
    :class:`Unlinked` when there is none, :class:`AccountError` when it is admin-locked."""
    now, ip = now or utcnow(), (ip or "")[:45] or None
    account = await account_for(session, platform=platform, user_id=user_id)
    if account is None:
        # The id goes into the audit log: the administrator needs it to link the account.
        await audit.record(session, actor=f"{platform}:{user_id}"[:60], action="login.unlinked",
                           object_type="account", ip=ip, detail={"method": platform, "user_id": user_id[:MAX_ID]})
        raise Unlinked(f"您的{LABELS[platform]}账号尚未关联 BZOps 账号，请联系管理员")
    if account.locked:
        await _audit(session, account, "login.refused", ip, {"method": platform, "locked": True})
        raise AccountError(f"账号已锁定：{account.lock_reason or '请联系管理员'}")
    blocks = await blocks_since(session, account_id=saved_id(account), since=account.last_login_at)
    account.last_login_at = now
    await _audit(session, account, "login.ok", ip, {"method": platform})
    return LoginOk(account, blocks)


async def _audit(session: AsyncSession, account: Account, action: str, ip: str | None,
                 detail: dict[str, object]) -> None:
    await audit.record(session, actor=account.login, action=action, object_type="account",
                       object_id=account.id, ip=ip, detail=detail)
