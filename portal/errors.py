"""Error pages in Chinese; unexpected errors are logged once and shown without a traceback.

A write that SQLite refuses because another connection (a large import) holds the write lock
longer than ``sqlite_busy_ms`` answers 503 "系统正忙" with ``Retry-After`` instead of a 500.
"""

from __future__ import annotations

import logging

from aiohttp import web

from models.core.db import database_busy
from portal.auth import Handler
from portal.render import render

logger = logging.getLogger(__name__)
MESSAGES = {403: "没有权限访问该页面", 404: "页面不存在，或不在您的管辖范围内", 405: "不支持该操作",
            500: "服务器出错了，请稍后重试", 503: "系统正忙（可能正在导入数据），请稍后重试"}
RETRY_AFTER_S = 30  # a busy database is usually a large import; asking again sooner only adds load


@web.middleware
async def error_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    try:
        return await handler(request)
    except web.HTTPException as error:
        if error.status not in MESSAGES:
            raise  # redirects and the like pass through
        return _page(request, error.status, _custom_text(error))
    except Exception as error:
        if database_busy(error):  # SQLite: another connection (an import) held the write lock too long
            logger.warning("database busy on %s %s", request.method, request.path)
            response = _page(request, 503)
            response.headers["Retry-After"] = str(RETRY_AFTER_S)
            return response
        logger.exception("unhandled error on %s %s", request.method, request.path)
        return _page(request, 500)


def _custom_text(error: web.HTTPException) -> str | None:
    """The handler's own message, if it gave one (aiohttp's default text starts with the status)."""
    text = error.text or ""
    return None if not text or text.startswith(str(error.status)) else text


def _page(request: web.Request, status: int, detail: str | None = None) -> web.StreamResponse:
    context = {"status": status, "message": detail or MESSAGES[status]}
    return render(request, "errors/error.html", context, status=status)
