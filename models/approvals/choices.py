"""Who a signer may hand an item to (转交) or bring in (加签), by name, for the decision form.

The engine checks again when the move is made (``models.approvals.signers``); these lists only
spare people from typing logins: 转交 goes to someone holding the step's role whose scope covers
the unit, 加签 to anyone who may decide items there (科室, 领导, 组织部, 人社局, 财政局).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from models.accounts.names import names_for
from models.approvals.labels import ROLE_LABELS
from models.approvals.signers import eligible_logins


@dataclass(frozen=True)
class Choice:
    login: str
    name: str
    role_label: str


async def transfer_choices(session: AsyncSession, *, role: str, unit_id: int,
                           exclude: Collection[str]) -> list[Choice]:
    logins = await eligible_logins(session, role=role, unit_id=unit_id, exclude=exclude)
    names = await names_for(session, logins=logins)
    return [Choice(login, names[login], ROLE_LABELS.get(role, "")) for login in logins]


async def signer_choices(session: AsyncSession, *, unit_id: int, exclude: Collection[str]) -> list[Choice]:
    found: list[tuple[str, str]] = []
    for role in ROLE_LABELS:
        found += [(login, role) for login in await eligible_logins(session, role=role, unit_id=unit_id,
                                                                   exclude=exclude)]
    names = await names_for(session, logins={login for login, _ in found})
    return [Choice(login, names[login], ROLE_LABELS[role]) for login, role in found]
