"""Files a unit sends with its feedback, kept in the database beside the target row
(``models.core.uploads``: checked by the portal first, one ``attachment.upload`` audit row each)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from models.core.decision import Actor
from models.core.uploads import Upload, store_upload
from models.unittasks.tables import UNIT_TASK_FILE

__all__ = ["Upload", "add_file"]


async def add_file(session: AsyncSession, *, target_id: int, upload: Upload, actor: Actor) -> int:
    return await store_upload(session, UNIT_TASK_FILE, owner={"target_id": target_id}, upload=upload, actor=actor,
                              object_type="unit_task_target", object_id=target_id)
