"""Rule settings: the catalogue's defaults overlaid with what admins changed (versioned and audited)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models.core import audit
from models.core.db import utcnow
from models.warnings.rules.base import EFFECTIVE_FROM, SEVERITIES, RuleDef
from models.warnings.rules.catalogue import CATALOGUE
from models.warnings.tables import RuleSetting, RuleVersion


class RuleConfigError(ValueError):
    """A refused change of a rule's settings (message in Chinese)."""


@dataclass(frozen=True)
class ActiveRule:
    rule: RuleDef
    enabled: bool
    severity: str
    deadline_days: int | None
    params: dict[str, Any]
    version: int

    @property
    def code(self) -> str:
        return self.rule.code

    def snapshot(self) -> dict[str, Any]:
        return {"enabled": self.enabled, "severity": self.severity, "deadline_days": self.deadline_days,
                "params": self.params, "title": self.rule.title}


def effective(rule: RuleDef, setting: RuleSetting | None) -> ActiveRule:
    if setting is None:
        return ActiveRule(rule, rule.enabled, rule.severity, rule.deadline_days, dict(rule.params), 1)
    deadline = setting.deadline_days if setting.deadline_days is not None else rule.deadline_days
    return ActiveRule(rule, setting.enabled, setting.severity or rule.severity, deadline,
                      {**rule.params, **setting.params}, setting.version)


async def load_rules(session: AsyncSession) -> list[ActiveRule]:
    """Every catalogue rule with its current settings, in catalogue order."""
    settings = {s.code: s for s in (await session.scalars(select(RuleSetting))).all()}
    return [effective(rule, settings.get(code)) for code, rule in CATALOGUE.items()]


async def change_rule(session: AsyncSession, *, code: str, actor: str, enabled: bool | None = None,
                      severity: str | None = None, deadline_days: int | None = None,
                      params: dict[str, Any] | None = None) -> ActiveRule:
    """Apply a change, bump the version, keep the old settings as a version row, and audit it."""
    rule = CATALOGUE.get(code)
    if rule is None:
        raise RuleConfigError(f"规则 {code} 不存在")
    _validate(rule, severity, deadline_days, params)
    setting = await session.get(RuleSetting, code) or RuleSetting(code=code, enabled=rule.enabled, version=0)
    before = effective(rule, setting if setting.version else None)
    _apply(setting, enabled, severity, deadline_days, params, actor)
    session.add(setting)
    after = effective(rule, setting)
    session.add(RuleVersion(code=code, version=after.version, snapshot=after.snapshot(), changed_by=actor))
    await audit.record(session, actor=actor, action="rule.change", object_type="rule", object_id=code,
                       detail={"before": before.snapshot(), "after": after.snapshot()})
    return after


def _apply(setting: RuleSetting, enabled: bool | None, severity: str | None, deadline_days: int | None,
           params: dict[str, Any] | None, actor: str) -> None:
    if enabled is not None:
        setting.enabled = enabled
    if severity is not None:
        setting.severity = severity
    if deadline_days is not None:
        setting.deadline_days = deadline_days
    if params:
        setting.params = {**setting.params, **params}
    setting.version = (setting.version or 1) + 1
    setting.updated_by, setting.updated_at = actor, utcnow()


def _validate(rule: RuleDef, severity: str | None, deadline_days: int | None, params: dict[str, Any] | None) -> None:
    if severity is not None and severity not in SEVERITIES:
        raise RuleConfigError("级别应为 S1、S2 或 S3")
    if deadline_days is not None and not 0 < deadline_days <= 365:
        raise RuleConfigError("期限应为1到365个工作日")
    for name, value in (params or {}).items():
        if name not in rule.params:
            raise RuleConfigError(f"规则 {rule.code} 没有参数 {name}")
        if type(value) is not type(rule.params[name]):
            raise RuleConfigError(f"参数 {name} 的类型应与默认值 {rule.params[name]!r} 相同")
        if isinstance(value, int) and value < 0:
            raise RuleConfigError(f"参数 {name} 不能为负数")
        if name == EFFECTIVE_FROM and value and not _is_iso_date(value):
            raise RuleConfigError("生效日期应写作 YYYY-MM-DD（如 2026-01-01），不设置则留空")


def _is_iso_date(text: str) -> bool:
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return len(text) == 10  # fromisoformat also takes "20260101"
