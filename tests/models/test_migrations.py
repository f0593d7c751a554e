"""Data migrations on data written by the previous revision (SQLite file of its own)."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import text

from models.core.runtime import runtime
from models.migrate import upgrade
from tests.conftest import base_settings

OLD_MASK = "3301**********1234"


async def test_0005_hides_the_county_and_the_sequence_of_stored_id_numbers(tmp_path: Path):
    settings = base_settings(tmp_path, f"sqlite+aiosqlite:///{tmp_path / 'old.db'}")
    async with runtime(settings) as rt:
        await upgrade(rt.engine, settings, "0004")
        async with rt.engine.begin() as conn:
            await conn.execute(text(
                "INSERT INTO unit (id, code, name, level, kind, is_cangong, path, depth, status, version, created_at, "
                "updated_at) "
                "VALUES (1, 'U1', '甲局', '50', 'gov', 0, '/1/', 0, 'active', 1, '2026-01-01', '2026-01-01')"))
            await conn.execute(text(
                "INSERT INTO warning (id, fingerprint, rule_code, rule_version, severity, unit_id, subject, evidence, "
                "status, due_estimated, detected_at, detected_on, created_scan_id, reopen_count, escalation_level, "
                "version, updated_at) VALUES (1, 'A1:1', 'A1_ID_INVALID', 1, 'S2', 1, '1', :ev, 'open', 0, "
                "'2026-01-01', '2026-01-01', 1, 0, 0, 1, '2026-01-01')"),
                {"ev": json.dumps({"id": OLD_MASK, "name": "张三"})})
        await upgrade(rt.engine, settings)
        async with rt.engine.connect() as conn:
            evidence = (await conn.execute(text("SELECT evidence FROM warning"))).scalar_one()
    assert json.loads(evidence) == {"id": "3301**************", "name": "张三"}
