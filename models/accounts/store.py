"""Accounts: password hashing (argon2), creation with scope, authentication with lockout."""

from __future__ import annotations

from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from models.accounts.tables import Account, AccountScope
from models.core import audit
from models.core.db import utcnow
from models.core.enums import Role
from models.staffing.tables import Unit

_hasher = PasswordHasher()
MIN_PASSWORD = 8


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
    try:
        return _hasher.verify(account.password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


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


async def authenticate(session: AsyncSession, *, login: str, password: str, max_failures: int,
                       ip: str | None = None) -> Account:
    """The account for these credentials, or AccountError; repeated failures lock the account."""
    account = await get_account(session, login=login)
    if account is None:
        await audit.record(session, actor=login, action="login.fail", object_type="account", ip=ip)
        raise AccountError("登录名或密码错误")
    if account.locked:
        raise AccountError(f"账号已锁定：{account.lock_reason or '请联系管理员'}")
    if not password_matches(account, password):
        await _count_failure(session, account, max_failures, ip)
        raise AccountError("登录名或密码错误")
    account.failed_logins, account.last_login_at = 0, utcnow()
    await audit.record(session, actor=login, action="login.ok", object_type="account",
                       object_id=account.id, ip=ip)
    return account


async def _count_failure(session: AsyncSession, account: Account, max_failures: int, ip: str | None) -> None:
    account.failed_logins += 1
    if account.failed_logins >= max_failures:
        account.locked, account.lock_reason = True, f"连续{max_failures}次密码错误，请联系管理员解锁"
    await audit.record(session, actor=account.login, action="login.fail", object_type="account",
                       object_id=account.id, ip=ip, detail={"failures": account.failed_logins})


async def reset_password(session: AsyncSession, *, login: str, password: str, actor: str) -> Account:
    account = await get_account(session, login=login)
    if account is None:
        raise AccountError(f"登录名 {login} 不存在")
    account.password_hash = hash_password(password)
    account.failed_logins, account.updated_at = 0, utcnow()
    await audit.record(session, actor=actor, action="account.reset_password", object_type="account",
                       object_id=account.id)
    return account


async def set_lock(session: AsyncSession, *, login: str, locked: bool, reason: str | None,
                   actor: str) -> Account:
    account = await get_account(session, login=login)
    if account is None:
        raise AccountError(f"登录名 {login} 不存在")
    account.locked, account.lock_reason, account.updated_at = locked, reason if locked else None, utcnow()
    if not locked:
        account.failed_logins = 0
    await audit.record(session, actor=actor, action="account.lock" if locked else "account.unlock",
                       object_type="account", object_id=account.id, detail={"reason": reason})
    return account


async def list_accounts(session: AsyncSession) -> list[Account]:
    return list((await session.scalars(select(Account).order_by(col(Account.role), col(Account.login)))).all())
