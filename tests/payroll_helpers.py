"""Writing a payroll roster straight through the store (the import has tests of its own)."""

from __future__ import annotations

import hashlib
from datetime import date

from models.core.db import transaction
from models.payroll.store import Upload, replace_month
from models.staffing.ids import mask_id
from models.staffing.scope import Scope
from models.staffing.unit_writer import unit_code_map

Row = tuple[str, str, str]  # (unit code, ID number, name)


async def add_roster(rt, month: date, rows: list[Row], category: str = "公务员") -> int:
    async with rt.sessions() as session:
        codes = await unit_code_map(session)
    entries = [{"unit_id": codes[unit], "id_hash": rt.cipher.lookup_hash(number), "id_masked": mask_id(number),
                "name": name, "pay_category": category, "amount_cents": None, "source_row": row}
               for row, (unit, number, name) in enumerate(rows, start=2)]
    digest = hashlib.sha256(repr((month, rows)).encode()).hexdigest()
    upload = Upload(month, "工资统发名单.xlsx", digest, "test", len(rows))
    async with transaction(rt.sessions) as session:
        done = await replace_month(session, upload=upload, entries=entries, scope=Scope(everything=True))
    return done.batch_id
