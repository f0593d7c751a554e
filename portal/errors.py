"""Error pages in Chinese; unexpected errors are logged once and shown without a traceback."""

from __future__ import annotations

import logging

from aiohttp import web

from portal.auth import Handler
from portal.render import render

logger = logging.getLogger(__name__)
MESSAGES = {403: "没有权限访问该页面", 404: "页面不存在，或不在您的管辖范围内", 405: "不支持该操作",
            500: "服务器出错了，请稍后重试"}


@web.middleware
async def error_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    try:
        return await handler(request)
    except web.HTTPException as error:
        if error.status not in MESSAGES:
            raise  # redirects and the like pass through
        return _page(request, error.status, _custom_text(error))
    except Exception:
        logger.exception("unhandled error on %s %s", request.method, request.path)
        return _page(request, 500)


def _custom_text(error: web.HTTPException) -> str | None:
    """The handler's own message, if it gave one (aiohttp's default text starts with the status)."""
    text = error.text or ""
    return None if not text or text.startswith(str(error.status)) else text


def _page(request: web.Request, status: int, detail: str | None = None) -> web.StreamResponse:
    context = {"status": status, "message": detail or MESSAGES[status]}
    return render(request, "errors/error.html", context, status=status)
