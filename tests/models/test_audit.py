from __future__ import annotations

import pytest
from sqlalchemy import delete, text, update
from sqlalchemy.exc import DBAPIError

from models.core import audit
from models.core.db import transaction
from models.core.tables import AuditLog


async def test_the_audit_log_is_append_only(rt):
    async with transaction(rt.sessions) as session:
        await audit.record(session, actor="admin", action="test", object_type="x", object_id=1)
    for statement in (update(AuditLog).values(actor="someone else"), delete(AuditLog)):
        with pytest.raises(DBAPIError, match="append-only"):
            async with transaction(rt.sessions) as session:
                await session.execute(statement)
    async with rt.sessions() as session:
        assert (await session.execute(text("SELECT actor FROM audit_log"))).scalar_one() == "admin"
