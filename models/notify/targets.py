"""Targets (bindings): which chat group, person or phone receives which messages for which units.

The channel configuration (webhook tokens, app secrets, phone numbers) is stored encrypted with
the data key and only decrypted by the sender; listings show the kind and name, never secrets.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from models.core import audit
from models.core.crypto import FieldCipher
from models.core.db import utcnow
from models.notify.tables import PURPOSES, TARGET, Target
from models.staffing.tables import Unit


class TargetError(ValueError):
    """A refused target change; message in Chinese."""


@dataclass(frozen=True)
class TargetSpec:
    name: str
    kind: str
    config: dict[str, Any]
    purposes: tuple[str, ...] = ("digest",)
    unit_code: str | None = None
    subtree: bool = False
    group_by: str = "unit"
    account_id: int | None = None


def purposes_text(purposes: tuple[str, ...] | list[str]) -> str:
    unknown = [p for p in purposes if p not in PURPOSES]
    if unknown or not purposes:
        raise TargetError(f"用途应为：{'、'.join(PURPOSES)}")
    return "," + ",".join(purposes) + ","


def purposes_of(target: Target) -> list[str]:
    return [p for p in target.purposes.split(",") if p]


def encrypt_config(cipher: FieldCipher, config: dict[str, Any]) -> bytes:
    return cipher.encrypt(json.dumps(config, ensure_ascii=False, sort_keys=True))


def decrypt_config(cipher: FieldCipher, target: Target) -> dict[str, Any]:
    return dict(json.loads(cipher.decrypt(target.config_enc)))


async def _unit_id(session: AsyncSession, code: str | None) -> int | None:
    if code is None:
        return None
    unit_id = await session.scalar(select(col(Unit.id)).where(col(Unit.code) == code))
    if unit_id is None:
        raise TargetError(f"机构编码 {code} 不存在")
    return unit_id


async def create_target(session: AsyncSession, cipher: FieldCipher, spec: TargetSpec, *, actor: str) -> Target:
    """Add a target; ``spec.config`` must already be validated by ``bot.registry.parse_config``."""
    if spec.group_by not in ("unit", "all"):
        raise TargetError("分组方式应为 unit 或 all")
    target = Target(name=spec.name, kind=spec.kind, config_enc=encrypt_config(cipher, spec.config),
                    purposes=purposes_text(spec.purposes), unit_id=await _unit_id(session, spec.unit_code),
                    subtree=spec.subtree, group_by=spec.group_by, account_id=spec.account_id, created_by=actor)
    session.add(target)
    await session.flush()
    await audit.record(session, actor=actor, action="target.create", object_type="target", object_id=target.id,
                       detail={"name": spec.name, "kind": spec.kind, "unit": spec.unit_code,
                               "purposes": list(spec.purposes)})
    return target


async def update_target(session: AsyncSession, cipher: FieldCipher, target: Target, *, actor: str,
                        config: dict[str, Any] | None = None, **fields: Any) -> Target:
    """Change settings (name, purposes, quiet hours, timers …) and optionally the channel config."""
    changed = sorted(fields)
    if "purposes" in fields:
        fields["purposes"] = purposes_text(fields["purposes"])
    for name, value in fields.items():
        setattr(target, name, value)
    if config is not None:
        target.config_enc = encrypt_config(cipher, config)
        changed.append("config")
    target.updated_at = utcnow()
    session.add(target)
    await audit.record(session, actor=actor, action="target.update", object_type="target", object_id=target.id,
                       detail={"fields": changed})
    return target


async def set_enabled(session: AsyncSession, target: Target, *, enabled: bool, reason: str | None,
                      actor: str) -> Target:
    target.enabled, target.disabled_reason = enabled, None if enabled else reason
    target.updated_at = utcnow()
    if enabled:
        target.paused_until = None
    session.add(target)
    await audit.record(session, actor=actor, action="target.enable" if enabled else "target.disable",
                       object_type="target", object_id=target.id, detail={"reason": reason})
    return target


async def list_targets(session: AsyncSession) -> list[dict[str, Any]]:
    unit = Unit.__table__.alias("u")  # type: ignore[attr-defined]
    query = (select(Target, unit.c.name.label("unit_name"), unit.c.code.label("unit_code"))
             .outerjoin(unit, unit.c.id == Target.unit_id).order_by(col(Target.id)))
    return [{"target": t, "unit_name": name, "unit_code": code} for t, name, code in await session.execute(query)]


async def count_targets(session: AsyncSession) -> int:
    """How many targets there are, enabled or not."""
    return int(await session.scalar(select(func.count()).select_from(TARGET)) or 0)
