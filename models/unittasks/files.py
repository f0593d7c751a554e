"""Files a unit sends with its feedback, kept in the database beside the target row.

The portal checks an upload like every other (type by its first bytes, size, the uploader's
quota) before it reaches here; each stored file writes the ``attachment.upload`` audit row that
the quota is counted from.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from models.core import audit
from models.core.db import saved_id
from models.core.decision import Actor
from models.unittasks.tables import UnitTaskFile


@dataclass(frozen=True)
class Upload:
    data: bytes
    filename: str
    content_type: str


async def add_file(session: AsyncSession, *, target_id: int, upload: Upload, actor: Actor) -> int:
    row = UnitTaskFile(target_id=target_id, filename=upload.filename, content_type=upload.content_type,
                       size=len(upload.data), sha256=hashlib.sha256(upload.data).hexdigest(), content=upload.data,
                       uploaded_by=actor.login)
    session.add(row)
    await session.flush()
    await audit.record(session, actor=actor.login, action="attachment.upload", object_type="unit_task_target",
                       object_id=target_id, detail={"file_id": saved_id(row), "filename": upload.filename,
                                                    "size": len(upload.data)}, ip=actor.ip)
    return saved_id(row)
