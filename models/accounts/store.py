"""Accounts: password hashing (argon2), creation with scope, password reset, admin lock and unlock.

Logging in is :mod:`models.accounts.login`; temporary blocks after wrong passwords are
:mod:`models.accounts.throttle`; sessions are :mod:`models.accounts.sessions`.
"""

from __future__ import annotations

import secrets
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from models.accounts import sessions, throttle
from models.accounts.permissions import Action, require
from models.accounts.tables import ACCOUNT, Account, AccountScope
from models.core import audit
from models.core.db import saved_id, utcnow
from models.core.enums import Role
from models.staffing.tables import Unit

_hasher = PasswordHasher()
MIN_PASSWORD = 8
# A hash of a random password nobody knows, made with the hasher's current parameters; if these
# change, :func:`dummy_hash` makes a fresh one so unknown names keep costing what real ones cost.
DUMMY_HASH = "$argon2id$v=19$m=65536,t=3,p=4$Nh1a5+JR8DPBuHAiSOggTA$5KD4HdfJWcr1bdMl1+YLFW9d4KQvRO8E197lItW0IiE"


class AccountError(ValueError):
    """A refused account operation; the message is Chinese and shown as is."""


@dataclass(frozen=True)
class ScopeSpec:
    unit_code: str
    subtree: bool


def hash_password(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"密码至少{MIN_PASSWORD}位")
    return _hasher.hash(password)


def password_matches(account: Account, password: str) -> bool:
    return check_hash(account.password_hash, password)


def check_hash(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


@cache
def dummy_hash() -> str:
    """What unknown login names are checked against: the same cost as a real account's hash."""
    return _hasher.hash(secrets.token_urlsafe(24)) if _hasher.check_needs_rehash(DUMMY_HASH) else DUMMY_HASH


def default_subtree(role: str) -> bool:
    """Stewards see their own unit; every other scoped role sees the subtree below its unit."""
    return role != Role.STEWARD


async def get_account(session: AsyncSession, *, login: str) -> Account | None:
    return (await session.scalars(select(Account).where(col(Account.login) == login))).first()


async def create_account(session: AsyncSession, *, login: str, display_name: str, role: str, password: str,
                         scopes: list[ScopeSpec], mobile: str | None = None, actor: str = "cli") -> Account:
    if role not in {r.value for r in Role}:
        raise AccountError(f"未知角色 {role}")
    if await get_account(session, login=login):
        raise AccountError(f"登录名 {login} 已存在")
    account = Account(login=login, display_name=display_name, role=role, mobile=mobile,
                      password_hash=hash_password(password))
    session.add(account)
    await session.flush()
    assert account.id is not None
    await set_scopes(session, account_id=account.id, scopes=scopes)
    await audit.record(session, actor=actor, action="account.create", object_type="account",
                       object_id=account.id, detail={"login": login, "role": role,
                                                     "scopes": [s.unit_code for s in scopes]})
    return account


async def set_scopes(session: AsyncSession, *, account_id: int, scopes: list[ScopeSpec]) -> None:
    codes = [s.unit_code for s in scopes]
    rows = await session.execute(select(col(Unit.code), col(Unit.id)).where(col(Unit.code).in_(codes)))
    ids: dict[str, int | None] = {code: uid for code, uid in rows}
    unknown = [c for c in codes if c not in ids]
    if unknown:
        raise AccountError(f"机构编码不存在：{'、'.join(unknown)}")
    await session.execute(delete(AccountScope).where(col(AccountScope.account_id) == account_id))
    for spec in scopes:
        session.add(AccountScope(account_id=account_id, unit_id=ids[spec.unit_code] or 0, subtree=spec.subtree))


async def reset_password(session: AsyncSession, *, login: str, password: str, actor: str) -> Account:
    """A new password; every open session of the account ends, and any temporary block is lifted."""
    account = await _existing(session, login)
    account.password_hash = hash_password(password)
    account.failed_logins, account.locked_until, account.updated_at = 0, None, utcnow()
    await throttle.clear(session, key=throttle.account_key(account.login))
    ended = await sessions.revoke_all(session, account_id=saved_id(account), now=utcnow())
    await audit.record(session, actor=actor, action="account.reset_password", object_type="account",
                       object_id=account.id, detail={"sessions_ended": ended})
    return account


async def set_lock(session: AsyncSession, *, login: str, locked: bool, reason: str | None,
                   actor: str) -> Account:
    """Lock (until unlocked; ends every open session) or unlock: unlocking also lifts a temporary
    block after wrong passwords."""
    account = await _existing(session, login)
    if not locked:
        await _unlock(session, account, actor=actor, ip=None)
        return account
    account.locked, account.lock_reason, account.updated_at = True, reason, utcnow()
    ended = await sessions.revoke_all(session, account_id=saved_id(account), now=utcnow())
    await audit.record(session, actor=actor, action="account.lock", object_type="account", object_id=account.id,
                       detail={"reason": reason, "sessions_ended": ended})
    return account


async def unlock_account(session: AsyncSession, *, account_id: int, actor: str, role: str,
                         ip: str | None = None) -> Account:
    """An admin's unlock from the portal: the admin lock and any temporary block, audited."""
    require(role, Action.MANAGE_ACCOUNTS)
    account = await session.get(Account, account_id)
    if account is None:
        raise AccountError("账号不存在")
    await _unlock(session, account, actor=actor, ip=ip)
    return account


async def _unlock(session: AsyncSession, account: Account, *, actor: str, ip: str | None) -> None:
    detail = {"was_locked": account.locked, "reason": account.lock_reason,
              "blocked_until": account.locked_until.isoformat() if account.locked_until else None}
    account.locked, account.lock_reason, account.failed_logins, account.locked_until = False, None, 0, None
    account.updated_at = utcnow()
    await throttle.clear(session, key=throttle.account_key(account.login))
    await audit.record(session, actor=actor, action="account.unlock", object_type="account", object_id=account.id,
                       detail=detail, ip=ip)


async def unblock_address(session: AsyncSession, *, ip: str, actor: str, role: str | None = None,
                          ip_of_actor: str | None = None) -> bool:
    """Lift the block on a client address (an office behind one NAT address); ``role`` is checked
    when given (the portal), not for the command line. Whether the address had a counter."""
    if role is not None:
        require(role, Action.MANAGE_ACCOUNTS)
    found = await throttle.clear(session, key=throttle.ip_key(ip))
    await audit.record(session, actor=actor, action="address.unblock", object_type="address", object_id=ip[:60],
                       detail={"found": found}, ip=ip_of_actor)
    return found


async def _existing(session: AsyncSession, login: str) -> Account:
    account = await get_account(session, login=login)
    if account is None:
        raise AccountError(f"登录名 {login} 不存在")
    return account


@dataclass(frozen=True)
class AccountRow:
    """What the account list shows (never the password hash)."""

    id: int
    login: str
    display_name: str
    role: str
    locked: bool
    lock_reason: str | None
    blocked_until: datetime | None  # a temporary block after wrong passwords, if it still runs
    failed_logins: int
    last_login_at: datetime | None


async def account_rows(session: AsyncSession, *, now: datetime) -> list[AccountRow]:
    """Every account by role and login, with its lock state."""
    query = select(Account).order_by(col(Account.role), col(Account.login))
    return [AccountRow(saved_id(a), a.login, a.display_name, a.role, a.locked, a.lock_reason,
                       a.locked_until if a.locked_until and a.locked_until > now else None, a.failed_logins,
                       a.last_login_at) for a in (await session.scalars(query)).all()]


async def list_accounts(session: AsyncSession) -> list[Account]:
    return list((await session.scalars(select(Account).order_by(col(Account.role), col(Account.login)))).all())


async def roles_of(session: AsyncSession, *, account_ids: Collection[int]) -> dict[int, str]:
    """Account id -> role, for the ids asked that exist."""
    if not account_ids:
        return {}
    rows = await session.execute(select(ACCOUNT.c.id, ACCOUNT.c.role).where(ACCOUNT.c.id.in_(list(account_ids))))
    return {account_id: role for account_id, role in rows}
