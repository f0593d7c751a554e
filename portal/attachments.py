"""Attachments to 情况说明: stored under ``var/attachments/<warning id>/``, served only to users in scope."""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any

from aiohttp import web
from aiohttp.web_request import FileField

from portal.keys import SETTINGS

ALLOWED = {".pdf", ".jpg", ".jpeg", ".png", ".doc", ".docx", ".xls", ".xlsx", ".ofd"}
MAX_BYTES = 10 * 1024 * 1024


class AttachmentError(ValueError):
    """Refused upload (type or size); message in Chinese."""


def folder(request: web.Request, warning_id: int) -> Path:
    return request.app[SETTINGS].var_dir / "attachments" / str(warning_id)


async def save_attachment(request: web.Request, warning_id: int, field: Any) -> str | None:
    """Store an uploaded file under a random name; returns that name, or None when nothing was sent."""
    if not isinstance(field, FileField) or not field.filename:
        return None
    suffix = Path(field.filename).suffix.lower()
    if suffix not in ALLOWED:
        raise AttachmentError("附件只能是 PDF、图片、Word、Excel 或 OFD 文件")
    data = field.file.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise AttachmentError("附件不能超过10MB")
    target = folder(request, warning_id)
    target.mkdir(parents=True, exist_ok=True)
    name = f"{secrets.token_hex(8)}{suffix}"
    (target / name).write_bytes(data)
    return name


def attachment_path(request: web.Request, warning_id: int, name: str) -> Path:
    """The stored file, or 404: names are our own random ones, so anything else is refused."""
    if "/" in name or "\\" in name or name.startswith("."):
        raise web.HTTPNotFound()
    path = folder(request, warning_id) / name
    if not path.is_file():
        raise web.HTTPNotFound()
    return path
