"""Is a warning's problem still in the data? Its rule evaluated now, on the warning's units only.

整改销号 asks this before a warning may be closed as rectified (at filing and again at the final
approval). A targeted scan would answer too, but it also resolves and raises warnings as a side
effect, and it queues behind a running scan; the probe runs the same rule query an incremental scan
runs (restricted through ``scan_scope`` under a private negative key, which no scan ever uses) and
removes its scope rows again, so nothing it does outlives the call.
"""

from __future__ import annotations

import secrets
from datetime import date
from typing import Any

from sqlalchemy import delete, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from models.warnings.config import ActiveRule, load_rules
from models.warnings.rules.base import RuleContext
from models.warnings.scope import units_of_persons
from models.warnings.tables import SCAN_SCOPE as SCOPE


async def still_found(session: AsyncSession, *, rule_code: str, subject: str, unit_id: int,
                      person_id: int | None, as_of: date) -> dict[str, Any] | None:
    """The evidence the rule finds today for ``subject`` (``p12`` / ``u3:XZ`` as in the warning), or
    None when the rule no longer finds it (or is switched off: the next full scan closes its warnings)."""
    active = next((r for r in await load_rules(session) if r.code == rule_code), None)
    if active is None or not active.enabled:
        return None
    units = {unit_id} | (await units_of_persons(session, person_ids=[person_id]) if person_id else set())
    key = -1 - secrets.randbelow(2**31 - 2)
    await session.execute(insert(SCOPE), [{"scan_id": key, "unit_id": u} for u in sorted(units)])
    try:
        return await _evidence(session, active, key, subject, as_of)
    finally:
        await session.execute(delete(SCOPE).where(SCOPE.c.scan_id == key))


async def _evidence(session: AsyncSession, active: ActiveRule, key: int, subject: str,
                    as_of: date) -> dict[str, Any] | None:
    hits = active.rule.query(RuleContext(as_of=as_of, params=active.params, scan_id=key)).subquery()
    for row in await session.execute(select(hits)):
        found = dict(row._mapping)
        if _subject(found) == subject:
            return {k[3:]: _plain(v) for k, v in found.items() if k.startswith("ev_")}
    return None


def _subject(row: dict[str, Any]) -> str:
    """The warning subject of a hit, as the scanner builds it (``models.warnings.scan``)."""
    subject = f"p{row['person_id']}" if row["person_id"] is not None else f"u{row['unit_id']}"
    return subject if row["key"] is None else f"{subject}:{row['key']}"


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value
