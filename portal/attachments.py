"""Attachments to 情况说明: stored under ``var/attachments/<warning id>/``, served only to users in scope.

A file is stored under a random name with a small JSON sidecar (original name, type, size, who).
Its type is decided from its first bytes, never from its extension alone, and it is always served
as a download under its original name, so a disguised HTML or script file can neither run in the
portal's origin nor be mistaken for something else.
"""

from __future__ import annotations

import json
import re
import secrets
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote

from aiohttp import web
from aiohttp.web_request import FileField
from sqlalchemy.ext.asyncio import AsyncSession

from models.core.uploads import Upload, uploaded_bytes
from portal.keys import SETTINGS

MAX_BYTES = 10 * 1024 * 1024
SIGNATURES: tuple[tuple[bytes, dict[str, str]], ...] = (  # first bytes -> {suffix: content type}
    (b"%PDF-", {".pdf": "application/pdf"}),
    (b"\x89PNG\r\n\x1a\n", {".png": "image/png"}),
    (b"\xff\xd8\xff", {".jpg": "image/jpeg", ".jpeg": "image/jpeg"}),
    (b"PK\x03\x04", {".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                     ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                     ".ofd": "application/ofd"}),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", {".doc": "application/msword", ".xls": "application/vnd.ms-excel"}),
)
_UNSAFE_NAME = re.compile(r'[\x00-\x1f\x7f"\\/:*?<>|]+')


class AttachmentError(ValueError):
    """Refused upload (type, size or quota); message in Chinese."""


@dataclass(frozen=True)
class Stored:
    name: str          # our random name on disk
    filename: str      # the uploader's name for it, cleaned
    content_type: str
    size: int


def folder(request: web.Request, warning_id: int) -> Path:
    return request.app[SETTINGS].var_dir / "attachments" / str(warning_id)


def content_type_of(data: bytes, suffix: str) -> str | None:
    """The type the bytes really are, if it is one we accept and agrees with the suffix."""
    for magic, types in SIGNATURES:
        if data.startswith(magic):
            return types.get(suffix)
    return None


def clean_filename(name: str) -> str:
    """The uploader's file name without folders or characters that break headers and file systems.
    Browsers percent-encode quotes and line breaks in multipart names (and some clients all of it)."""
    name = unquote(name).replace("\\", "/")
    return _UNSAFE_NAME.sub("_", Path(name).name).strip(" .")[:120] or "附件"


def read_upload(field: Any, *, room: int) -> tuple[bytes, str, str] | None:
    """(data, clean name, content type) of an uploaded file, or None when nothing was sent."""
    if not isinstance(field, FileField) or not field.filename:
        return None
    data = field.file.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise AttachmentError("附件不能超过10MB")
    if len(data) > room:
        raise AttachmentError("您上传的附件已达存储上限，请联系管理员")
    filename = clean_filename(field.filename)
    kind = content_type_of(data, Path(filename).suffix.lower())
    if kind is None:
        raise AttachmentError("附件只能是 PDF、图片、Word、Excel 或 OFD 文件，且内容须与扩展名一致")
    return data, filename, kind


async def checked_upload(request: web.Request, session: AsyncSession, field: Any, *, login: str) -> Upload | None:
    """The form's file, checked like every upload: type by its first bytes, size, and what ``login``
    may still upload of the attachment quota; None when nothing was sent."""
    used = await uploaded_bytes(session, login=login)
    found = read_upload(field, room=request.app[SETTINGS].attachment_quota_mb * 1024 * 1024 - used)
    return Upload(*found) if found else None


def store(request: web.Request, warning_id: int, upload: tuple[bytes, str, str], uploader: str) -> Stored:
    data, filename, kind = upload
    target = folder(request, warning_id)
    target.mkdir(parents=True, exist_ok=True)
    stored = Stored(f"{secrets.token_hex(8)}{Path(filename).suffix.lower()}", filename, kind, len(data))
    (target / stored.name).write_bytes(data)
    (target / f"{stored.name}.json").write_text(json.dumps({**asdict(stored), "by": uploader}, ensure_ascii=False),
                                                encoding="utf-8")
    return stored


def download(request: web.Request, warning_id: int, name: str) -> tuple[web.FileResponse, Stored]:
    """The stored file as a download under its original name, or 404 for anything not ours."""
    if not re.fullmatch(r"[0-9a-f]{16}\.[a-z]{3,4}", name):
        raise web.HTTPNotFound()
    path, meta = folder(request, warning_id) / name, folder(request, warning_id) / f"{name}.json"
    if not path.is_file() or not meta.is_file():
        raise web.HTTPNotFound()
    info = json.loads(meta.read_text(encoding="utf-8"))
    stored = Stored(name, info["filename"], info["content_type"], info["size"])
    headers = {"Content-Type": stored.content_type, "Content-Disposition": disposition(stored.filename)}
    return web.FileResponse(path, headers=headers), stored


def disposition(filename: str) -> str:
    """Content-Disposition of a download under ``filename``: never shown inline, so it cannot run here."""
    return f"attachment; filename=\"{_ascii(filename)}\"; filename*=UTF-8''{quote(filename)}"


def as_download(data: bytes, filename: str, content_type: str) -> web.Response:
    """Bytes kept in the database (a task's feedback file) as a download, like the files above."""
    return web.Response(body=data, headers={"Content-Type": content_type, "Content-Disposition": disposition(filename)})


def _ascii(filename: str) -> str:
    """The fallback name for old clients: ASCII only (the UTF-8 name travels in ``filename*``)."""
    path = Path(filename)
    stem = path.stem.encode("ascii", "ignore").decode().strip()
    return (stem or "attachment") + path.suffix.encode("ascii", "ignore").decode()
