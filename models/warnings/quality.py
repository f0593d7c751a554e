"""Data-quality indicators per unit, recomputed by each scan for the units it covered.

* completeness: the mean filled share over the configured indicator set (person fields over the
  unit's in-establishment persons, and unit fields), stored per indicator too;
* accuracy: share of the unit's in-establishment persons with no live S1/S2 warning;
* timeliness: share of the unit's deadline-bearing warnings of the last year handled in time
  (resolved by the due date, or still within it).

The indicator set is data (``config_entry['quality.indicators']``), editable by admins.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import and_, case, delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from models.core.bulk import insert_rows
from models.core.db import utcnow
from models.core.tables import ConfigEntry
from models.staffing.tables import PERSON, UNIT
from models.warnings.rules.sql import active
from models.warnings.tables import SCAN_SCOPE as SCOPE
from models.warnings.tables import UNIT_QUALITY as UQ
from models.warnings.tables import WARNING as W
from models.warnings.tables import UnitQuality

CONFIG_KEY = "quality.indicators"
LIVE = ("open", "acknowledged", "snoozed", "disputed")

DEFAULT_INDICATORS: list[dict[str, str]] = [
    *({"code": f"P_{f.upper()}", "title": t, "target": "person", "field": f} for f, t in (
        ("sex", "性别"), ("birth_date", "出生日期"), ("est_type", "编制类型"), ("identity", "人员身份"),
        ("entry_date", "入编日期"), ("post_unit_id", "任职机构"), ("post_title", "现任职务"),
        ("education", "学历"), ("mobile_hash", "手机号"), ("leader_kind", "领导职务类别"))),
    *({"code": f"U_{f.upper()}", "title": t, "target": "unit", "field": f} for f, t in (
        ("uscc", "统一社会信用代码"), ("region_code", "行政区划代码"), ("grade", "机构规格"),
        ("approved_on", "核定日期"), ("approval_doc", "核定文号"), ("internal_limit", "内设机构限额"))),
]


async def indicator_set(session: AsyncSession) -> list[dict[str, str]]:
    entry = await session.get(ConfigEntry, CONFIG_KEY)
    return list(entry.value) if entry and entry.value else DEFAULT_INDICATORS


def validate_indicators(items: list[dict[str, str]]) -> list[str]:
    """Problems with an indicator set (empty when valid): unknown targets or fields, duplicate codes."""
    problems, codes = [], set()
    for item in items:
        table = {"person": PERSON, "unit": UNIT}.get(item.get("target", ""))
        if table is None or str(item.get("field")) not in table.c:
            problems.append(f"指标 {item.get('code')} 的对象或字段无效")
        if item.get("code") in codes:
            problems.append(f"指标编码 {item.get('code')} 重复")
        codes.add(item.get("code"))
    return problems


async def recompute(session: AsyncSession, *, scan_id: int, scoped: bool, today: date) -> int:
    """Recompute the figures of every unit the scan covered; returns the number of units."""
    indicators = await indicator_set(session)
    units = _unit_filter(scan_id, scoped)
    persons = await _person_shares(session, indicators, units)
    unit_fields = await _unit_fields(session, indicators, units)
    accuracy = await _accuracy(session, units)
    timeliness = await _timeliness(session, units, today)
    rows = [_row(uid, scan_id, persons.get(uid), filled, accuracy, timeliness)
            for uid, filled in unit_fields.items()]
    await session.execute(delete(UQ).where(UQ.c.unit_id.in_(units) if units is not None else UQ.c.unit_id > 0))
    await insert_rows(session, UQ, rows)
    return len(rows)


def _unit_filter(scan_id: int, scoped: bool) -> Any:
    return select(SCOPE.c.unit_id).where(SCOPE.c.scan_id == scan_id) if scoped else None


def _where_unit(column: Any, units: Any) -> Any:
    return column.in_(units) if units is not None else column.is_not(None)


Indicators = list[dict[str, str]]


async def _person_shares(session: AsyncSession, indicators: Indicators, units: Any) -> dict[int, dict[str, Any]]:
    fields = [i for i in indicators if i["target"] == "person"]
    sums = [func.sum(case((PERSON.c[i["field"]].is_not(None), 1), else_=0)).label(i["code"]) for i in fields]
    query = (select(PERSON.c.unit_id, func.count().label("n"), *sums)
             .where(active(), _where_unit(PERSON.c.unit_id, units)).group_by(PERSON.c.unit_id))
    result: dict[int, dict[str, Any]] = {}
    for row in await session.execute(query):
        m = row._mapping
        result[m["unit_id"]] = {"n": m["n"], **{i["code"]: m[i["code"]] / m["n"] for i in fields}}
    return result


async def _unit_fields(session: AsyncSession, indicators: Indicators, units: Any) -> dict[int, dict[str, float]]:
    fields = [i for i in indicators if i["target"] == "unit"]
    columns = [case((UNIT.c[i["field"]].is_not(None), 1.0), else_=0.0).label(i["code"]) for i in fields]
    query = select(UNIT.c.id, *columns).where(_where_unit(UNIT.c.id, units))
    return {row.id: {i["code"]: row._mapping[i["code"]] for i in fields} for row in await session.execute(query)}


async def _accuracy(session: AsyncSession, units: Any) -> dict[int, float]:
    # A person's warnings carry the person's unit, so the units' own warnings are all that count.
    flagged = select(W.c.person_id).where(W.c.status.in_(LIVE), W.c.severity.in_(("S1", "S2")),
                                          W.c.person_id.is_not(None), _where_unit(W.c.unit_id, units))
    ok = func.sum(case((PERSON.c.id.in_(flagged), 0), else_=1))
    query = select(PERSON.c.unit_id, ok * 1.0 / func.count()).where(active(), _where_unit(PERSON.c.unit_id, units)) \
        .group_by(PERSON.c.unit_id)
    return {uid: float(share) for uid, share in await session.execute(query)}


async def _timeliness(session: AsyncSession, units: Any, today: date) -> dict[int, float]:
    closed_in_time = and_(W.c.status.in_(("resolved", "exception")), func.date(W.c.resolved_at) <= W.c.due_date)
    live_in_time = and_(W.c.status.in_(LIVE), W.c.due_date >= today)
    in_time = func.sum(case((closed_in_time | live_in_time, 1), else_=0))
    query = (select(W.c.unit_id, in_time * 1.0 / func.count())
             .where(W.c.due_date.is_not(None), W.c.detected_on >= today - timedelta(days=365),
                    _where_unit(W.c.unit_id, units)).group_by(W.c.unit_id))
    return {uid: float(share) for uid, share in await session.execute(query)}


def _row(unit_id: int, scan_id: int, persons: dict[str, Any] | None, unit_fields: dict[str, float],
         accuracy: dict[int, float], timeliness: dict[int, float]) -> dict[str, Any]:
    shares = {**{k: v for k, v in (persons or {}).items() if k != "n"}, **unit_fields}
    completeness = sum(shares.values()) / len(shares) if shares else None
    return {"unit_id": unit_id, "scan_id": scan_id, "computed_at": utcnow(), "persons": (persons or {}).get("n", 0),
            "completeness": completeness, "accuracy": accuracy.get(unit_id, 1.0 if persons else None),
            "timeliness": timeliness.get(unit_id, 1.0), "indicators": {k: round(v, 4) for k, v in shares.items()}}


async def unit_quality(session: AsyncSession, *, unit_id: int) -> tuple[UnitQuality | None, list[dict[str, Any]]]:
    """The unit's latest figures and the indicator set they were computed with (for titles)."""
    return await session.get(UnitQuality, unit_id), await indicator_set(session)
