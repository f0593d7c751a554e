"""Logging in: one answer and one argon2 verification whatever the login name, growing blocks.

Unknown names and real ones are indistinguishable to the requester: both are counted by
:mod:`models.accounts.throttle`, both get "登录名或密码错误" or the same temporary-block message,
and both cost exactly one argon2 verification (unknown names against a fixed dummy hash), so
neither the words nor the time reveal whether a name exists. An admin lock (``account.locked``)
is told only to someone who gave the right password. When a real account's block series starts,
:class:`LoginRefused` carries a :class:`BlockNotice` so the caller can tell the owner (never the
requester); the owner also sees the blocks at the next successful login (:attr:`LoginOk.blocks`).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models.accounts import throttle
from models.accounts.store import AccountError, check_hash, dummy_hash, get_account
from models.accounts.tables import Account
from models.core import audit
from models.core.db import saved_id, utcnow
from models.core.tables import AUDIT_LOG as AL

WRONG = "登录名或密码错误"
BLOCKED = "login.blocked"


@dataclass(frozen=True)
class LoginPolicy:
    max_failures: int  # per login name
    ip_max_failures: int  # per client address


@dataclass(frozen=True)
class BlockNotice:
    """A real account was just blocked: what its owner should be told."""

    account_id: int
    login: str
    display_name: str
    at: datetime
    until: datetime
    ip: str | None


class LoginRefused(AccountError):
    """Wrong credentials or a running block; the message is the same for every login name."""

    def __init__(self, message: str, notice: BlockNotice | None = None) -> None:
        super().__init__(message)
        self.notice = notice


@dataclass(frozen=True)
class LoginOk:
    account: Account
    blocks: list[datetime] = field(default_factory=list)  # when it was blocked since the previous login


async def authenticate(session: AsyncSession, *, login: str, password: str, policy: LoginPolicy,
                       ip: str | None = None, now: datetime | None = None) -> LoginOk:
    """The account for these credentials, or :class:`AccountError` (:class:`LoginRefused` for all
    but an admin lock told to the rightful owner)."""
    now, ip = now or utcnow(), (ip or "")[:45] or None
    account = await get_account(session, login=login)
    keys = [throttle.account_key(login)] + ([throttle.ip_key(ip)] if ip else [])
    until = await throttle.blocked_until(session, keys=keys, now=now)
    # In a thread: argon2 takes ~0.1 s of CPU on purpose and must not stall every other request.
    matches = await asyncio.to_thread(_verify, account.password_hash if account else None, password)
    if until is not None:
        await _audit(session, login, "login.refused", account, ip, {"until": until.isoformat()})
        raise LoginRefused(throttle.wait_message(until, now))
    if account is None or not matches:
        raise await _failure(session, login, account, policy, ip, now)
    if account.locked:
        raise AccountError(f"账号已锁定：{account.lock_reason or '请联系管理员'}")
    return await _success(session, login, account, ip, now)


def _verify(password_hash: str | None, password: str) -> bool:
    """Exactly one argon2 verification, against the dummy hash when the name does not exist."""
    if password_hash is None:
        check_hash(dummy_hash(), password)
        return False
    return check_hash(password_hash, password)


async def _failure(session: AsyncSession, login: str, account: Account | None, policy: LoginPolicy,
                   ip: str | None, now: datetime) -> LoginRefused:
    by_name = await throttle.count_failure(session, key=throttle.account_key(login),
                                           threshold=policy.max_failures, now=now)
    by_ip = await throttle.count_failure(session, key=throttle.ip_key(ip), threshold=policy.ip_max_failures,
                                         now=now) if ip else None
    await _audit(session, login, "login.fail", account, ip, {"failures": by_name.failures})
    if account is not None:
        account.failed_logins, account.locked_until = by_name.failures, by_name.blocked_until
    notice = await _blocked(session, login, account, ip, by_name, policy, now)
    ends = [c.blocked_until for c in (by_name, by_ip) if c is not None and c.blocked_until is not None]
    return LoginRefused(throttle.wait_message(max(ends), now) if ends else WRONG, notice)


async def _blocked(session: AsyncSession, login: str, account: Account | None, ip: str | None,
                   count: throttle.Count, policy: LoginPolicy, now: datetime) -> BlockNotice | None:
    """Record a block of the name; the owner hears of the first block of a series only (no flood)."""
    if count.blocked_until is None:
        return None
    await _audit(session, login, BLOCKED, account, ip, {"until": count.blocked_until.isoformat(),
                                                        "failures": count.failures})
    if account is None or count.failures != max(policy.max_failures, 1):
        return None
    return BlockNotice(saved_id(account), account.login, account.display_name, now, count.blocked_until, ip)


async def _success(session: AsyncSession, login: str, account: Account, ip: str | None, now: datetime) -> LoginOk:
    blocks = await blocks_since(session, account_id=saved_id(account), since=account.last_login_at)
    await throttle.clear(session, key=throttle.account_key(login))
    account.failed_logins, account.locked_until, account.last_login_at = 0, None, now
    await _audit(session, login, "login.ok", account, ip, None)
    return LoginOk(account, blocks)


async def blocks_since(session: AsyncSession, *, account_id: int, since: datetime | None) -> list[datetime]:
    """When the account was blocked after ``since`` (all of them when ``None``), oldest first."""
    query = select(AL.c.at).where(AL.c.action == BLOCKED, AL.c.object_type == "account",
                                  AL.c.object_id == str(account_id)).order_by(AL.c.at)
    if since is not None:
        query = query.where(AL.c.at > since)
    return list((await session.scalars(query)).all())


async def _audit(session: AsyncSession, login: str, action: str, account: Account | None, ip: str | None,
                 detail: dict[str, Any] | None) -> None:
    await audit.record(session, actor=login[:60], action=action, object_type="account",
                       object_id=account.id if account else None, ip=ip, detail=detail)
