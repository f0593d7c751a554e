"""Showing a person's full ID number or mobile: a separate action, for some roles, with a reason,
audited (who, whose, what, why) in the same transaction as the decryption, so nothing is shown
that the audit log does not hold."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models.accounts.permissions import Action, require
from models.core import audit
from models.core.crypto import FieldCipher
from models.core.decision import Actor
from models.staffing.scope import Scope
from models.staffing.tables import PERSON, UNIT

FIELDS = {"id": ("身份证号", "person.reveal_id", PERSON.c.id_enc),
          "mobile": ("手机号", "person.reveal_mobile", PERSON.c.mobile_enc)}
MIN_REASON, MAX_REASON = 4, 200


class RevealRefused(ValueError):
    """Nothing shown; ``str()`` is the Chinese reason."""


@dataclass(frozen=True)
class Revealed:
    field: str  # "id" or "mobile"
    label: str
    value: str


async def reveal_person_field(session: AsyncSession, cipher: FieldCipher, *, who: Actor, scope: Scope,
                              person_id: int, field: str, reason: str) -> Revealed | None:
    """The full value, audited in the caller's transaction; None when the person is outside ``scope``."""
    require(who.role, Action.VIEW_FULL_ID)
    if field not in FIELDS:
        raise RevealRefused("只能查看完整的身份证号或手机号")
    label, action, column = FIELDS[field]
    query = (select(column.label("secret"), PERSON.c.unit_id).join(UNIT, UNIT.c.id == PERSON.c.unit_id)
             .where(PERSON.c.id == person_id, scope.condition()))
    row = (await session.execute(query)).first()
    if row is None:  # outside the scope answers "not found" whatever else is wrong with the request
        return None
    reason = _reason(reason)
    if row.secret is None:
        raise RevealRefused(f"该人员没有登记{label}")
    await audit.record(session, actor=who.login, action=action, object_type="person", object_id=person_id,
                       detail={"field": label, "reason": reason, "unit_id": row.unit_id}, ip=who.ip)
    return Revealed(field, label, cipher.decrypt(row.secret))


def _reason(text: str) -> str:
    reason = " ".join(text.split())
    if len(reason) < MIN_REASON:
        raise RevealRefused(f"请填写查看理由（至少{MIN_REASON}个字），理由将记入审计日志")
    if len(reason) > MAX_REASON:
        raise RevealRefused(f"查看理由最多{MAX_REASON}字")
    return reason
