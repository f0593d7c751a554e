"""People's names for the logins recorded in history tables: pages name people, never logins."""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models.accounts.tables import ACCOUNT
from models.staffing.tables import PERSON_EVENT

SYSTEM_ACTORS = {"system": "系统", "scan": "系统扫描", "cli": "管理命令", "seed": "演示数据", "demo": "演示数据",
                 "import": "数据导入", "test": "系统", "aliyun-sms": "短信平台回执"}


def actor_name(login: str | None, display_name: str | None = None) -> str:
    """A person's name, the system actor's Chinese name, or a neutral word: never a login."""
    return display_name or SYSTEM_ACTORS.get(login or "", "其他用户")


async def names_for(session: AsyncSession, *, logins: Collection[str]) -> dict[str, str]:
    """Login -> what a page shows for it, for every login asked (unknown ones included)."""
    result = await session.execute(select(ACCOUNT.c.login, ACCOUNT.c.display_name).where(ACCOUNT.c.login.in_(logins)))
    found = {r.login: r.display_name for r in result}
    return {login: actor_name(login, found.get(login)) for login in logins}


async def event_actor_names(session: AsyncSession, *, person_id: int) -> dict[str, str]:
    """Login -> shown name of everyone (and everything) that changed this person's record."""
    actors = await session.scalars(select(PERSON_EVENT.c.actor).where(PERSON_EVENT.c.person_id == person_id).distinct())
    reviewers = await session.scalars(select(PERSON_EVENT.c.reviewer).where(  # 二人复核: the second officer
        PERSON_EVENT.c.person_id == person_id, PERSON_EVENT.c.reviewer.is_not(None)).distinct())
    return await names_for(session, logins=set(actors.all()) | {r for r in reviewers.all() if r})


async def name_of(session: AsyncSession, *, account_id: int) -> str:
    """The shown name of one account (a neutral word if it is gone)."""
    found = await session.scalar(select(ACCOUNT.c.display_name).where(ACCOUNT.c.id == account_id))
    return actor_name(None, found)
