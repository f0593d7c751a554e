"""Plain async factories: sensible defaults plus overrides, written through the real stores."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from models.accounts.store import ScopeSpec, hash_password, set_scopes
from models.accounts.tables import Account
from models.core.db import transaction
from models.core.runtime import Runtime
from models.staffing.bodies import body_ids_of
from models.staffing.body_writer import write_bodies
from models.staffing.ids import id_check_char
from models.staffing.person_writer import PersonWriter, WriteContext
from models.staffing.records import BodyRecord, PersonRecord, UnitRecord
from models.staffing.unit_writer import unit_code_map, write_units

PASSWORD = "correct-horse-9"
_HASH: dict[str, str] = {}


def make_id(area: str = "330106", birth: date = date(1985, 6, 15), seq: int = 123) -> str:
    """A valid GB 11643 number; ``seq`` odd gives a man, even a woman."""
    body = f"{area}{birth:%Y%m%d}{seq:03d}"
    return body + id_check_char(body)


def unit_record(code: str, **overrides: Any) -> UnitRecord:
    values: dict[str, Any] = {"name": f"机构{code}", "level": "50", "kind": "gov",
                              "quotas": {"XZ": 5, "GQ": 1}, "posts": {("unit", "chief"): 1, ("unit", "deputy"): 2}}
    values.update(overrides)
    return UnitRecord(code=code, **values)


def person_record(unit_code: str, seq: int = 101, **overrides: Any) -> PersonRecord:
    birth = overrides.pop("birth", date(1985, 6, 15))
    values: dict[str, Any] = {
        "id_number": make_id(birth=birth, seq=seq), "name": "张三", "sex": "M" if seq % 2 else "F",
        "birth_date": birth, "est_type": "XZ", "identity": "cadre", "entry_date": date(2010, 9, 1),
        "post_unit_code": unit_code, "post_title": "科员", "education": "本科", "mobile": "13800138000",
    }
    values.update(overrides)
    return PersonRecord(unit_code=unit_code, **values)


async def add_units(rt: Runtime, *records: UnitRecord) -> dict[str, int]:
    async with transaction(rt.sessions) as session:
        await write_units(session, list(records))
        return await unit_code_map(session)


async def add_persons(rt: Runtime, *records: PersonRecord) -> None:
    async with transaction(rt.sessions) as session:
        ctx = WriteContext(rt.cipher, await unit_code_map(session), "portal", "test",
                           body_ids=await body_ids_of(session))
        await PersonWriter(session, ctx).write(list(records))


def body_record(unit_code: str, code: str, **overrides: Any) -> BodyRecord:
    values: dict[str, Any] = {"name": f"科室{code}", "grade": "正科", "chief_posts": 1, "deputy_posts": 1}
    values.update(overrides)
    return BodyRecord(unit_code=unit_code, code=code, **values)


async def add_bodies(rt: Runtime, *records: BodyRecord) -> dict[tuple[int, str], int]:
    """Write internal bodies; returns {(unit id, body code): body id} of all bodies."""
    async with transaction(rt.sessions) as session:
        await write_bodies(session, list(records), await unit_code_map(session))
        return await body_ids_of(session)


async def add_account(rt: Runtime, login: str, role: str, scopes: list[ScopeSpec], **overrides: Any) -> Account:
    if "hash" not in _HASH:  # argon2 is slow on purpose; hash the shared test password once
        _HASH["hash"] = hash_password(PASSWORD)
    async with transaction(rt.sessions) as session:
        account = Account(login=login, display_name=overrides.pop("display_name", login), role=role,
                          password_hash=_HASH["hash"], **overrides)
        session.add(account)
        await session.flush()
        await set_scopes(session, account_id=account.id or 0, scopes=scopes)
        return account


@dataclass
class World:
    """Two counties; steward of dept A, officer of county 1, outsider steward in county 2, admin."""

    units: dict[str, int]
    steward: Account
    officer: Account
    outsider: Account
    admin: Account


async def make_world(rt: Runtime) -> World:
    units = await add_units(
        rt, unit_record("C1", name="甲县", level="50"), unit_record("C1-A", name="甲县财政局", parent_code="C1"),
        unit_record("C1-B", name="甲县教育局", parent_code="C1"),
        unit_record("C1-B-1", name="甲县第一中学", parent_code="C1-B", kind="institution", quotas={"SY": 3}),
        unit_record("C2", name="乙县", level="50"), unit_record("C2-A", name="乙县财政局", parent_code="C2"))
    return World(
        units=units,
        steward=await add_account(rt, "steward", "steward", [ScopeSpec("C1-A", False)], display_name="王专员"),
        officer=await add_account(rt, "officer", "officer", [ScopeSpec("C1", True)], display_name="李科长"),
        outsider=await add_account(rt, "outsider", "steward", [ScopeSpec("C2-A", False)]),
        admin=await add_account(rt, "admin", "admin", []),
    )
