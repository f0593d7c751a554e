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


async def test_0005_rewrites_legacy_numbers_and_mobiles_too(tmp_path: Path):
    settings = base_settings(tmp_path, f"sqlite+aiosqlite:///{tmp_path / 'old.db'}")
    async with runtime(settings) as rt:
        await upgrade(rt.engine, settings, "0004")
        async with rt.engine.begin() as conn:
            await conn.execute(text(
                "INSERT INTO unit (id, code, name, level, kind, is_cangong, path, depth, status, version, created_at, "
                "updated_at) "
                "VALUES (1, 'U1', '甲局', '50', 'gov', 0, '/1/', 0, 'active', 1, '2026-01-01', '2026-01-01')"))
            await conn.execute(text(
                "INSERT INTO person (id, unit_id, id_hash, id_enc, id_masked, id_status, id_area, name, status, "
                "in_est, leader_kind, mobile_masked, version, created_at, updated_at) VALUES (1, 1, 'h', x'00', "
                "'3301*******5123', 'legacy15', '330106', '张三', 'active', 1, 'none', '139****1111', 1, "
                "'2026-01-01', '2026-01-01')"))
            await conn.execute(text(
                "INSERT INTO person_event (id, person_id, at, source, actor, kind, changes) VALUES (1, 1, "
                "'2026-01-01', 'import', 'cli', 'update', :changes)"),
                {"changes": json.dumps({"mobile": ["139****1111", "137****2222"], "post_title": ["科员", "副科长"]})})
        await upgrade(rt.engine, settings)
        async with rt.engine.connect() as conn:
            person = (await conn.execute(text("SELECT id_masked, id_area, mobile_masked FROM person"))).one()
            changes = (await conn.execute(text("SELECT changes FROM person_event"))).scalar_one()
    assert tuple(person) == ("3301***********", "3301", "*******1111")
    assert json.loads(changes) == {"mobile": ["*******1111", "*******2222"], "post_title": ["科员", "副科长"]}


async def test_0009_adds_internal_bodies_to_a_database_holding_persons_and_their_events(tmp_path: Path):
    settings = base_settings(tmp_path, f"sqlite+aiosqlite:///{tmp_path / 'old.db'}")
    async with runtime(settings) as rt:
        await upgrade(rt.engine, settings, "0008")
        async with rt.engine.begin() as conn:
            await conn.execute(text(
                "INSERT INTO unit (id, code, name, level, kind, is_cangong, path, depth, status, version, created_at, "
                "updated_at) VALUES (1, 'U1', '甲局', '50', 'gov', 0, '/1/', 0, 'active', 1, '2026-01-01', "
                "'2026-01-01')"))
            await conn.execute(text(
                "INSERT INTO person (id, unit_id, id_hash, id_enc, id_masked, id_status, name, status, in_est, "
                "leader_kind, version, created_at, updated_at) VALUES (1, 1, 'h', x'00', '3301**************', "
                "'ok', '张三', 'active', 1, 'internal_chief', 1, '2026-01-01', '2026-01-01')"))
            await conn.execute(text("INSERT INTO person_event (id, person_id, at, source, actor, kind) "
                                    "VALUES (1, 1, '2026-01-01', 'import', 'cli', 'create')"))
        await upgrade(rt.engine, settings, "0009")
        async with rt.engine.begin() as conn:
            await conn.execute(text(
                "INSERT INTO internal_body (id, unit_id, code, name, status, version, created_at, updated_at) "
                "VALUES (7, 1, '01', '办公室', 'active', 1, '2026-01-01', '2026-01-01')"))
            await conn.execute(text("UPDATE person SET body_id = 7"))
            kept = (await conn.execute(text("SELECT p.name, b.name, e.kind FROM person p JOIN internal_body b "
                                            "ON b.id = p.body_id JOIN person_event e ON e.person_id = p.id"))).all()
    assert [tuple(row) for row in kept] == [("张三", "办公室", "create")]
